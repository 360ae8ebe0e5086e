/**
 * lx's "physical" memory: one dataspace from moe (lx's memory quota), seen
 * as frames of 4 KiB. lx maps them into its own task on demand, a batch at
 * a time (L4Linux asks its dataspace for memory the same way), lends them to
 * processes by mapping them into the processes' tasks, and counts
 * references so that fork can share pages copy-on-write.
 *
 * What lx itself holds for the VM — file data in ramfs/tmpfs, pipe
 * buffers, per-task and per-mapping bookkeeping — is charged here in pages
 * too (`charge`), so that all a guest can make the host hold is bounded by
 * the VM's memory. Charged pages take frames from the pool: they show in
 * lx's task as resident memory, as Linux's page cache and slabs do.
 *
 * Freed frames go back to the pool; a pool grown past twice its refill
 * batch is unmapped from lx's task (`trim`), so the VM's resident figure
 * drops when its programs free memory.
 */
import { BaseCap, MemRight, PAGE_SIZE, UnmapFlag, type Sys } from '../../../kernel/uapi'
import { dsMap } from '../../../l4/l4re'
import { DS_MAP_MAX_PAGES } from '../../../l4/runtime/protocols'
import { mem, taskUnmap } from '../../../l4/l4sys'
import type { MemCharge } from '../fs/vfs/types'

/** Where lx maps its memory in its own address space. */
export const LX_RAM_BASE = 0x2_0000_0000
const REFILL = 128

const zeroPage = new Uint8Array(PAGE_SIZE)

/** Fpages per Task::unmap call (they travel in the UTCB). */
const UNMAP_BATCH = 32

export class LxMemory implements MemCharge {
  readonly frames: number
  /** References to each frame from process page tables (0: free). */
  readonly refs: Int32Array
  /** Frames already mapped into lx's task (moe gave them). */
  private readonly mapped: Uint8Array
  /** Free frames that are mapped, ready to hand out. */
  private readonly ready: number[] = []
  /** The next frame never mapped yet. */
  private nextUnmapped = 0
  /** Frames given back to moe's dataspace (unmapped by `trim`), mapped again before new ones. */
  private readonly returned: number[] = []
  /** Frames lent to processes. */
  used = 0
  /** Frames standing for lx's own data (`charge`): taken from the pool, never written. */
  private readonly chargedFrames: number[] = []
  /** Charged pages beyond the frames taken (when the pool was empty). */
  private chargedUnbacked = 0

  /** Frames `charge` leaves to page faults: 1/32 of memory, at most 4 MiB. */
  private readonly reservePages: number

  constructor(
    private readonly sys: Sys,
    /** The dataspace capability (moe) backing lx's memory. */
    private readonly ds: number,
    bytes: number,
  ) {
    this.frames = Math.floor(bytes / PAGE_SIZE)
    this.reservePages = Math.min(this.frames >> 5, 1024)
    this.refs = new Int32Array(this.frames)
    this.mapped = new Uint8Array(this.frames)
  }

  /** lx's virtual address of a frame. */
  addr(frame: number): number {
    return LX_RAM_BASE + frame * PAGE_SIZE
  }

  /** Pages charged for lx's own data. */
  get charged(): number {
    return this.chargedFrames.length + this.chargedUnbacked
  }

  get free(): number {
    return this.frames - this.used - this.charged
  }

  /** Makes sure at least `n` free frames are mapped (IPC to moe), as far as memory lasts. */
  *reserve(n: number = REFILL): Generator<unknown, boolean, number> {
    const want = Math.min(n, this.free)
    while (this.ready.length < want) {
      if (this.returned.length === 0 && this.nextUnmapped % DS_MAP_MAX_PAGES === 0 && this.nextUnmapped + DS_MAP_MAX_PAGES <= this.frames) {
        // Frames never mapped yet, from an aligned batch: one IPC maps a batch (moe's mapPages).
        const f = this.nextUnmapped
        const r = yield* dsMap(this.sys, this.ds, f * PAGE_SIZE, this.addr(f), MemRight.RWX, DS_MAP_MAX_PAGES)
        if (r < 0) return false
        for (let k = 0; k < r; k++) {
          this.mapped[f + k] = 1
          this.ready.push(f + k)
        }
        this.nextUnmapped += r
        continue
      }
      const f = this.returned.length > 0 ? this.returned.pop()! : this.nextUnmapped < this.frames ? this.nextUnmapped++ : -1
      if (f < 0) break
      const r = yield* dsMap(this.sys, this.ds, f * PAGE_SIZE, this.addr(f), MemRight.RWX)
      if (r < 0) {
        this.returned.push(f)
        return false
      }
      this.mapped[f] = 1
      this.ready.push(f)
    }
    return this.ready.length >= want
  }

  /** Whether `reserve(n)` would return at once (no IPC, nothing else runs meanwhile). */
  hasReady(n: number): boolean {
    return this.ready.length >= Math.min(n, this.free)
  }

  /** Unmaps free frames beyond twice the refill batch from lx's task (they stay ours, in moe's dataspace). */
  *trim(): Generator<unknown, void, number> {
    while (this.ready.length > 2 * REFILL) {
      const batch: number[] = []
      while (batch.length < UNMAP_BATCH && this.ready.length > REFILL) {
        const f = this.ready.pop()!
        this.mapped[f] = 0
        this.returned.push(f)
        batch.push(mem(this.addr(f), 12, MemRight.RWX))
      }
      yield* taskUnmap(this.sys, BaseCap.Task, batch, UnmapFlag.AllSpaces)
    }
  }

  /** Whether the pool holds more free frames than `trim` keeps. */
  get trimDue(): boolean {
    return this.ready.length > 2 * REFILL
  }

  /** A zeroed frame with one reference, or -1 when lx's memory is exhausted (or not reserved). */
  alloc(): number {
    if (this.free <= 0) return -1
    const f = this.ready.pop()
    if (f === undefined) return -1
    this.refs[f] = 1
    this.used++
    return f
  }

  /** Drops a reference; the frame returns to the pool (zeroed) when none is left. */
  release(f: number): void {
    if (--this.refs[f] > 0) return
    this.refs[f] = 0
    this.used--
    this.sys.mem.write(this.addr(f), zeroPage)
    this.ready.push(f)
  }

  /**
   * Takes `pages` for lx's own data; false (nothing taken) when the VM's
   * memory cannot hold them. As Linux's watermarks, these fail while some
   * frames remain, so that programs' page faults (stack, heap) still get
   * memory and a program can see ENOMEM and clean up rather than crash.
   */
  charge(pages: number): boolean {
    if (pages > this.free - this.reservePages) return false
    for (let i = 0; i < pages; i++) {
      const f = this.ready.pop()
      if (f === undefined) this.chargedUnbacked++
      else this.chargedFrames.push(f)
    }
    return true
  }

  /** Gives back pages of lx's own data. Their frames were never written: they return to the pool as they are (zero). */
  uncharge(pages: number): void {
    for (let i = 0; i < pages; i++) {
      if (this.chargedUnbacked > 0) this.chargedUnbacked--
      else this.ready.push(this.chargedFrames.pop()!)
    }
  }

  read(f: number, off: number, len: number): Uint8Array {
    return this.sys.mem.read(this.addr(f) + off, len)!
  }

  write(f: number, off: number, data: Uint8Array): void {
    this.sys.mem.write(this.addr(f) + off, data)
  }

  copy(from: number, to: number): void {
    this.write(to, 0, this.read(from, 0, PAGE_SIZE))
  }
}
