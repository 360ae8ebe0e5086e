/**
 * lx's "physical" memory: one dataspace from moe (lx's memory quota), seen
 * as frames of 4 KiB. lx maps them into its own task on demand, a batch at
 * a time (L4Linux asks its dataspace for memory the same way), lends them to
 * processes by mapping them into the processes' tasks, and counts
 * references so that fork can share pages copy-on-write.
 */
import { MemRight, PAGE_SIZE, type Sys } from '../../../kernel/uapi'
import { dsMap } from '../../../l4/l4re'

/** Where lx maps its memory in its own address space. */
export const LX_RAM_BASE = 0x2_0000_0000
const REFILL = 128

const zeroPage = new Uint8Array(PAGE_SIZE)

export class LxMemory {
  readonly frames: number
  /** References to each frame from process page tables (0: free). */
  readonly refs: Int32Array
  /** Frames already mapped into lx's task (moe gave them). */
  private readonly mapped: Uint8Array
  /** Free frames that are mapped, ready to hand out. */
  private readonly ready: number[] = []
  /** The next frame never mapped yet. */
  private nextUnmapped = 0
  /** Frames freed and mapped, waiting in `ready`; counts for figures. */
  used = 0

  constructor(
    private readonly sys: Sys,
    /** The dataspace capability (moe) backing lx's memory. */
    private readonly ds: number,
    bytes: number,
  ) {
    this.frames = Math.floor(bytes / PAGE_SIZE)
    this.refs = new Int32Array(this.frames)
    this.mapped = new Uint8Array(this.frames)
  }

  /** lx's virtual address of a frame. */
  addr(frame: number): number {
    return LX_RAM_BASE + frame * PAGE_SIZE
  }

  get free(): number {
    return this.frames - this.used
  }

  /** Makes sure at least `n` free frames are mapped (IPC to moe), as far as memory lasts. */
  *reserve(n: number = REFILL): Generator<unknown, boolean, number> {
    while (this.ready.length < n && this.nextUnmapped < this.frames) {
      const f = this.nextUnmapped++
      const r = yield* dsMap(this.sys, this.ds, f * PAGE_SIZE, this.addr(f), MemRight.RWX)
      if (r < 0) return false
      this.mapped[f] = 1
      this.ready.push(f)
    }
    return this.ready.length >= Math.min(n, this.frames - this.used)
  }

  /** A zeroed frame with one reference, or -1 when lx's memory is exhausted (or not reserved). */
  alloc(): number {
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
