/**
 * A Linux process's address space, as lx keeps it: virtual memory areas
 * (VMAs) and a page table from virtual pages to lx frames. The process's L4
 * task holds the actual mappings; lx maps a page into it when the process
 * faults on it, and revokes mappings when the address space shrinks.
 *
 * Copy-on-write: fork shares every private page read-only (both page tables
 * reference the frame, refs > 1); a write fault on a shared frame copies it,
 * or takes it over when nobody else references it any more.
 */
import { MemRight, PAGE_SIZE, UnmapFlag, type Sys } from '../../../kernel/uapi'
import { mem, taskUnmap } from '../../../l4/l4sys'
import { forEachPiece } from '../../../util/paged'
import type { LxMemory } from './memory'
import type { AddressLayout } from '../arch/arch'
import { Errno, MapF, Prot, STACK_LIMIT } from '../uapi'

export interface FileBacking {
  /** Reads file bytes at `offset` into `dst` (short at end of file); negative errno on failure. */
  pread(dst: Uint8Array, offset: number): number
  /** For /proc/<pid>/maps. */
  name: string
  /**
   * One more VMA maps the file / one fewer does. A VMA holds its file as
   * Linux's vm_file does: the file stays open (an unlinked one keeps its
   * data) after the process closes its descriptor, until the last mapping
   * goes.
   */
  retain?(): void
  release?(): void
  /** The file was opened for writing (FMODE_WRITE): without it a shared mapping may never be writable (no VM_MAYWRITE). */
  writable: boolean
  /** Device memory (/dev/fb0): a shared mapping maps the frame holding `offset` itself; -errno past the end (SIGBUS). */
  sharedFrame?(offset: number): number
}

/** A shared mapping of a file opened read-only cannot be made writable, at mmap or by mprotect (EACCES). */
export function mayWrite(flags: number, file: FileBacking | null): boolean {
  return !(flags & MapF.Shared) || file === null || file.writable
}

export interface Vma {
  start: number
  end: number
  prot: number
  flags: number
  file: FileBacking | null
  /** File offset of `start`. */
  offset: number
  name: string
}

interface Pte {
  frame: number
  /** What the L4 task has mapped for this page now (memory flexpage rights), 0 for nothing. */
  mapped: number
}

export type FaultResult = { ok: true } | { ok: false; signal: number; code: number }

/** SIGSEGV codes. */
export const SEGV_MAPERR = 1
export const SEGV_ACCERR = 2
/** SIGBUS code: an address past the end of the object mapped. */
export const BUS_ADRERR = 2

const PAGE = PAGE_SIZE

/** Linux's default vm.max_map_count: more VMAs than this and mmap, mprotect, munmap fail with ENOMEM. */
export const MAX_MAP_COUNT = 65530
/**
 * lx's bookkeeping charged to the VM's memory, as Linux charges VMAs and
 * page tables: a VMA costs the host about 128 bytes, a page-table entry
 * about 64.
 */
const VMAS_PER_PAGE = 32
const PTES_PER_PAGE = 64

/** Private writable bytes of a VMA: what strict accounting commits frames for. */
function commitOf(v: Vma): number {
  return v.prot & Prot.Write && !(v.flags & MapF.Shared) ? v.end - v.start : 0
}

export class Mm {
  /** Sorted by start, never overlapping; changed only through insert, carve and their callers here. */
  vmas: Vma[] = []
  /** The sum of commitOf over the VMAs, kept as they change. */
  private committedBytes = 0
  /**
   * Where the last top-down search for free space ended (0: search from the
   * top), and a length no gap above it reaches: a request at least that
   * long fits nowhere higher, so the search may start right there.
   */
  private freeHint = 0
  private freeHintLen = 0
  readonly pt = new Map<number, Pte>()
  brkBase = 0
  brk = 0
  /** Pages to map into the task at the next resume: [vpn, frame, rights]. */
  pendingMaps: [number, number, number][] = []
  /** Threads sharing this address space (CLONE_VM). */
  users = 1
  /** Pages charged to the VM for the VMAs and the page table. */
  private bookPages = 0
  /** Mappings of the task that point at frames no longer ours (after copy-on-write): unmapped before the next resume. */
  staleMappings: number[] = []

  constructor(
    readonly memory: LxMemory,
    /** The L4 task (a capability slot in lx) that runs this address space. */
    readonly task: number,
    /** The architecture's user address space (its end, the mmap base). */
    readonly layout: AddressLayout,
  ) {}

  /** The index of the first VMA that ends above `addr` (vmas.length if none). */
  private indexAbove(addr: number): number {
    let lo = 0
    let hi = this.vmas.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.vmas[mid].end <= addr) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  find(addr: number): Vma | undefined {
    const v = this.vmas[this.indexAbove(addr)]
    return v && v.start <= addr ? v : undefined
  }

  /** Bytes of private writable memory: what lx commits real frames for (strict accounting). */
  get committed(): number {
    return this.committedBytes
  }

  /**
   * The bytes strict accounting must commit more if [start, end) gets
   * `prot`: private pages that become writable (mprotect_fixup charges them).
   */
  commitGrowth(start: number, end: number, prot: number): number {
    if (!(prot & Prot.Write)) return 0
    let bytes = 0
    for (let i = this.indexAbove(start); i < this.vmas.length && this.vmas[i].start < end; i++) {
      const v = this.vmas[i]
      if (!commitOf(v) && !(v.flags & MapF.Shared)) bytes += Math.min(v.end, end) - Math.max(v.start, start)
    }
    return bytes
  }

  /** Moves the end of `v` (mremap growing in place). */
  setEnd(v: Vma, end: number): void {
    this.committedBytes -= commitOf(v)
    v.end = end
    this.committedBytes += commitOf(v)
  }

  /** Total mapped size of the VMAs, and pages present (for /proc and ps). */
  get vsize(): number {
    return this.vmas.reduce((n, v) => n + v.end - v.start, 0)
  }
  get rssPages(): number {
    return this.pt.size
  }

  /** Adds a VMA (the range must be free; `makeRoom` first where the caller can fail). */
  insert(v: Vma): void {
    v.file?.retain?.()
    this.vmas.splice(this.indexAbove(v.start), 0, v)
    this.committedBytes += commitOf(v)
    this.makeRoom(0)
  }

  /** Pages the bookkeeping of this address space needs with `vmas` VMAs and `ptes` entries. */
  bookkeepingPages(vmas = this.vmas.length, ptes = this.pt.size): number {
    return Math.ceil(vmas / VMAS_PER_PAGE) + Math.ceil(ptes / PTES_PER_PAGE)
  }

  /**
   * Charges the bookkeeping for `vmas` more VMAs and `ptes` more entries;
   * false when that would pass MAX_MAP_COUNT or the VM is out of memory.
   */
  makeRoom(vmas: number, ptes = 0): boolean {
    if (this.vmas.length + vmas > MAX_MAP_COUNT) return false
    const need = this.bookkeepingPages(this.vmas.length + vmas, this.pt.size + ptes)
    if (need <= this.bookPages) return true
    if (!this.memory.charge(need - this.bookPages)) return false
    this.bookPages = need
    return true
  }

  /** Gives back bookkeeping pages no longer needed (VMAs or pages went). */
  settle(): void {
    const need = this.bookkeepingPages()
    if (need >= this.bookPages) return
    this.memory.uncharge(this.bookPages - need)
    this.bookPages = need
  }

  /**
   * A free range of `len` bytes for mmap without MAP_FIXED, top-down below
   * the mmap base: the highest gap that fits. Right below the last one found
   * is tried first, so a run of maps costs a lookup each, not a scan.
   */
  freeRange(len: number, hint: number): number {
    if (hint && hint + len <= this.layout.taskSize && this.rangeFree(hint, len)) return hint
    let top = this.layout.mmapBase
    let i = this.indexAbove(top)
    if (!(this.vmas[i]?.start < top)) i--
    if (this.freeHint && len >= this.freeHintLen) {
      top = this.freeHint
      i = this.indexAbove(top) - 1
    }
    for (; ; i--) {
      const v = i >= 0 ? this.vmas[i] : null
      if (v ? v.end <= top - len : top - len > this.brk + PAGE) {
        this.freeHint = top - len
        this.freeHintLen = len
        return top - len
      }
      if (!v) return -1
      top = Math.min(top, v.start)
    }
  }

  rangeFree(start: number, len: number): boolean {
    const v = this.vmas[this.indexAbove(start)]
    return !v || v.start >= start + len
  }

  vmaRights(v: Vma): number {
    return (v.prot & Prot.Read ? MemRight.R : 0) | (v.prot & Prot.Write ? MemRight.W : 0) | (v.prot & Prot.Exec ? MemRight.X | MemRight.R : 0)
  }

  /**
   * Resolves a fault (or a kernel access on the process's behalf) at `addr`:
   * makes the page present in lx's page table, copying a shared page on
   * write, and queues its mapping into the task. `forKernel`: lx itself
   * accesses the page (copy to/from user), so no mapping is queued.
   */
  fault(addr: number, write: boolean, exec: boolean, forKernel = false): FaultResult {
    let v = this.find(addr)
    if (!v) {
      // The stack grows down into the gap below it (up to the stack limit).
      const stack = this.vmas.find((x) => x.flags & MapF.GrowsDown && addr < x.start && x.start - addr <= STACK_LIMIT && addr >= x.end - STACK_LIMIT)
      if (!stack) return { ok: false, signal: 11, code: SEGV_MAPERR }
      const newStart = Math.floor(addr / PAGE) * PAGE
      if (!this.rangeFree(newStart, stack.start - newStart)) return { ok: false, signal: 11, code: SEGV_MAPERR }
      this.committedBytes -= commitOf(stack)
      stack.start = newStart
      this.committedBytes += commitOf(stack)
      v = stack
    }
    if ((write && !(v.prot & Prot.Write)) || (exec && !(v.prot & Prot.Exec)) || (!write && !exec && !(v.prot & (Prot.Read | Prot.Exec | Prot.Write)))) {
      if (!forKernel || write) return { ok: false, signal: 11, code: SEGV_ACCERR }
    }
    const vpn = Math.floor(addr / PAGE)
    let pte = this.pt.get(vpn)
    const m = this.memory
    if (!pte && v.file?.sharedFrame && v.flags & MapF.Shared) {
      if (this.pt.size % PTES_PER_PAGE === 0 && !this.makeRoom(0, 1)) return { ok: false, signal: 7, code: 0 }
      // The device's own frame, one reference more: the device keeps its own, so unmapping never frees it.
      const f = v.file.sharedFrame(v.offset + (vpn * PAGE - v.start))
      if (f < 0) return { ok: false, signal: 7, code: BUS_ADRERR }
      m.refs[f]++
      pte = { frame: f, mapped: 0 }
      this.pt.set(vpn, pte)
    } else if (!pte) {
      if (this.pt.size % PTES_PER_PAGE === 0 && !this.makeRoom(0, 1)) return { ok: false, signal: 7, code: 0 }
      const f = m.alloc()
      if (f < 0) return { ok: false, signal: 7, code: 0 } // SIGBUS: out of memory
      if (v.file) {
        const pageStart = vpn * PAGE
        const fileOff = v.offset + (pageStart - v.start)
        const buf = new Uint8Array(PAGE)
        const n = v.file.pread(buf, fileOff)
        if (n > 0) m.write(f, 0, buf.subarray(0, n))
      }
      pte = { frame: f, mapped: 0 }
      this.pt.set(vpn, pte)
    } else if (write && m.refs[pte.frame] > 1 && !(v.flags & MapF.Shared)) {
      // Copy on write.
      const f = m.alloc()
      if (f < 0) return { ok: false, signal: 7, code: 0 }
      m.copy(pte.frame, f)
      m.release(pte.frame)
      pte.frame = f
      // The task still maps the old frame read-only: that mapping must go before the new one.
      if (pte.mapped) this.staleMappings.push(vpn)
      pte.mapped = 0
    }
    if (!forKernel) {
      let rights = this.vmaRights(v)
      if (m.refs[pte.frame] > 1 && !(v.flags & MapF.Shared)) rights &= ~MemRight.W
      // Mapped again even when lx believes the task has it: the fault proves
      // it does not (a map the kernel could not make), and faulting forever
      // on a page lx thinks present would be a livelock.
      this.pendingMaps.push([vpn, pte.frame, rights])
      pte.mapped |= rights
    }
    return { ok: true }
  }

  /**
   * Takes every mapping back from the task (lx keeps its page table, so the
   * process faults its pages in again when it runs): how lx gives the kernel
   * memory of the task's page tables back when the quota runs out. Returns
   * the number of pages unmapped.
   */
  *dropMappings(sys: Sys): Generator<unknown, number, number> {
    const gone: number[] = []
    for (const [vpn, pte] of this.pt) {
      if (!pte.mapped) continue
      gone.push(vpn)
      pte.mapped = 0
    }
    this.pendingMaps = []
    yield* this.revoke(sys, gone)
    return gone.length
  }

  /** Revokes the task's mappings of `vpns` (all rights, or `rights` only). */
  *revoke(sys: Sys, vpns: number[], rights: number = MemRight.RWX): Generator<unknown, void, number> {
    for (let i = 0; i < vpns.length; i += 60) {
      const fps = vpns.slice(i, i + 60).map((vpn) => mem(vpn * PAGE, 12, rights))
      yield* taskUnmap(sys, this.task, fps, UnmapFlag.AllSpaces)
    }
  }

  /** Calls `fn` for each present page in [start, end), by whichever is fewer: the range's pages or the page table. */
  private forPages(start: number, end: number, fn: (vpn: number, pte: Pte) => void): void {
    const first = Math.floor(start / PAGE)
    const last = Math.ceil(end / PAGE)
    if (last - first <= this.pt.size) {
      for (let vpn = first; vpn < last; vpn++) {
        const pte = this.pt.get(vpn)
        if (pte) fn(vpn, pte)
      }
      return
    }
    for (const [vpn, pte] of this.pt) if (vpn >= first && vpn < last) fn(vpn, pte)
  }

  /** Drops pages [start, end): lx's references and the task's mappings. */
  *unmapRange(sys: Sys, start: number, end: number): Generator<unknown, void, number> {
    const gone: number[] = []
    this.forPages(start, end, (vpn, pte) => {
      if (pte.mapped) gone.push(vpn)
      this.memory.release(pte.frame)
      this.pt.delete(vpn)
    })
    this.pendingMaps = this.pendingMaps.filter(([vpn]) => vpn * PAGE < start || vpn * PAGE >= end)
    this.settle()
    yield* this.revoke(sys, gone)
  }

  /**
   * The VMAs with [start, end) cut out: those that straddle a bound are
   * split there (a file VMA's offset follows its start); the part of each
   * VMA inside the range is dropped, or replaced by what `inside` makes of
   * it (mprotect's new rights).
   */
  private carve(start: number, end: number, inside: ((v: Vma, s: number, e: number) => Vma) | null): void {
    const first = this.indexAbove(start)
    let last = first
    const pieces: Vma[] = []
    for (; last < this.vmas.length && this.vmas[last].start < end; last++) {
      const v = this.vmas[last]
      this.committedBytes -= commitOf(v)
      if (v.start < start) pieces.push({ ...v, end: start })
      if (inside) pieces.push(inside(v, Math.max(v.start, start), Math.min(v.end, end)))
      if (v.end > end) pieces.push({ ...v, start: end, offset: v.offset + (end - v.start) })
    }
    if (last === first) return
    // A cut may open a gap above the search hint.
    if (!inside) this.freeHint = 0
    for (const v of pieces) this.committedBytes += commitOf(v)
    const gone = this.vmas.splice(first, last - first, ...pieces)
    // The pieces take their files before the cut VMAs let go, so a file mapped by both stays open.
    for (const v of pieces) v.file?.retain?.()
    for (const v of gone) v.file?.release?.()
  }

  /** Removes [start, end) from the VMAs, splitting those that straddle it. */
  cutVmas(start: number, end: number): void {
    this.carve(start, end, null)
  }

  /** munmap. */
  *munmap(sys: Sys, start: number, len: number): Generator<unknown, number, number> {
    if (start % PAGE || len <= 0) return -Errno.EINVAL
    const end = start + Math.ceil(len / PAGE) * PAGE
    // Cutting a hole splits a VMA in two.
    if (!this.makeRoom(1)) return -Errno.ENOMEM
    this.cutVmas(start, end)
    yield* this.unmapRange(sys, start, end)
    return 0
  }

  /** mprotect: new rights for [start, end); mappings with rights now gone are revoked. */
  *mprotect(sys: Sys, start: number, len: number, prot: number): Generator<unknown, number, number> {
    if (start % PAGE) return -Errno.EINVAL
    const end = start + Math.ceil(len / PAGE) * PAGE
    // Every page of the range must be in some VMA, and may have the new rights.
    for (let a = start; a < end; ) {
      const v = this.find(a)
      if (!v) return -Errno.ENOMEM
      if (prot & Prot.Write && !mayWrite(v.flags, v.file)) return -Errno.EACCES
      a = v.end
    }
    if (!this.makeRoom(2)) return -Errno.ENOMEM
    this.carve(start, end, (v, s, e) => ({ ...v, start: s, end: e, prot, offset: v.offset + (s - v.start) }))
    const reduce: number[] = []
    this.forPages(start, end, (vpn, pte) => {
      if (!pte.mapped) return
      reduce.push(vpn)
      pte.mapped = 0
    })
    this.pendingMaps = this.pendingMaps.filter(([vpn]) => vpn * PAGE < start || vpn * PAGE >= end)
    this.settle()
    yield* this.revoke(sys, reduce)
    return 0
  }

  /**
   * A copy for fork: the same VMAs; private pages shared copy-on-write (the
   * parent's writable mappings are downgraded to read-only), shared ones
   * stay shared. The caller has charged the child's bookkeeping
   * (`bookkeepingPages`).
   */
  *fork(sys: Sys, childTask: number): Generator<unknown, Mm, number> {
    const child = new Mm(this.memory, childTask, this.layout)
    child.bookPages = this.bookkeepingPages()
    child.vmas = this.vmas.map((v) => ({ ...v }))
    for (const v of child.vmas) v.file?.retain?.()
    child.committedBytes = this.committedBytes
    child.brkBase = this.brkBase
    child.brk = this.brk
    const downgrade: number[] = []
    for (const [vpn, pte] of this.pt) {
      this.memory.refs[pte.frame]++
      child.pt.set(vpn, { frame: pte.frame, mapped: 0 })
      const v = this.find(vpn * PAGE)
      if (pte.mapped & MemRight.W && !(v && v.flags & MapF.Shared)) {
        downgrade.push(vpn)
        pte.mapped &= ~MemRight.W
      }
    }
    this.pendingMaps = this.pendingMaps.map(([vpn, f, r]) => [vpn, f, r & ~MemRight.W])
    yield* this.revoke(sys, downgrade, MemRight.W)
    return child
  }

  /** Releases every page (exit, exec). The task's mappings die with the task. */
  releaseAll(): void {
    for (const pte of this.pt.values()) this.memory.release(pte.frame)
    this.pt.clear()
    for (const v of this.vmas) v.file?.release?.()
    this.vmas = []
    this.committedBytes = 0
    this.freeHint = 0
    this.pendingMaps = []
    this.staleMappings = []
    this.settle()
  }

  // ------------------------------------------------------------ user access

  /** Copies bytes out of the process (copy_from_user); null when an address is bad. */
  read(addr: number, len: number): Uint8Array | null {
    if (!Number.isInteger(addr) || !Number.isInteger(len) || len < 0 || addr < 0 || addr + len > this.layout.taskSize) return null
    const out = new Uint8Array(len)
    const whole = forEachPiece(addr, len, PAGE, (a, done, n) => {
      if (!this.present(a, false)) return false
      out.set(this.memory.read(this.pt.get(Math.floor(a / PAGE))!.frame, a % PAGE, n), done)
      return true
    })
    return whole ? out : null
  }

  /** Copies bytes into the process (copy_to_user); false when an address is bad or not writable. */
  write(addr: number, data: Uint8Array): boolean {
    if (!Number.isInteger(addr) || addr < 0 || addr + data.length > this.layout.taskSize) return false
    for (let a = Math.floor(addr / PAGE) * PAGE; a < addr + data.length; a += PAGE) if (!this.present(a, true)) return false
    return forEachPiece(addr, data.length, PAGE, (a, done, n) => {
      this.memory.write(this.pt.get(Math.floor(a / PAGE))!.frame, a % PAGE, data.subarray(done, done + n))
      return true
    })
  }

  /** A NUL-terminated string from the process, at most `max` bytes; null when bad or too long. */
  readString(addr: number, max = 4096): string | null {
    const bytes: number[] = []
    for (let a = addr; bytes.length < max; ) {
      const chunk = this.read(a, Math.min(PAGE - (a % PAGE), max - bytes.length))
      if (!chunk) return null
      const z = chunk.indexOf(0)
      if (z >= 0) {
        for (let i = 0; i < z; i++) bytes.push(chunk[i])
        return new TextDecoder().decode(new Uint8Array(bytes))
      }
      for (const b of chunk) bytes.push(b)
      a += chunk.length
    }
    return null
  }

  readU64(addr: number): number | null {
    const b = this.read(addr, 8)
    if (!b) return null
    const dv = new DataView(b.buffer)
    return dv.getUint32(0, true) + dv.getUint32(4, true) * 4294967296
  }

  private present(addr: number, write: boolean): boolean {
    const vpn = Math.floor(addr / PAGE)
    const pte = this.pt.get(vpn)
    if (pte && (!write || this.memory.refs[pte.frame] === 1 || (this.find(addr)?.flags ?? 0) & MapF.Shared)) {
      if (write && !((this.find(addr)?.prot ?? 0) & Prot.Write)) return false
      return true
    }
    return this.fault(addr, write, false, true).ok
  }
}
