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

const PAGE = PAGE_SIZE

export class Mm {
  vmas: Vma[] = []
  readonly pt = new Map<number, Pte>()
  brkBase = 0
  brk = 0
  /** Pages to map into the task at the next resume: [vpn, frame, rights]. */
  pendingMaps: [number, number, number][] = []
  /** Threads sharing this address space (CLONE_VM). */
  users = 1
  /** Mappings of the task that point at frames no longer ours (after copy-on-write): unmapped before the next resume. */
  staleMappings: number[] = []

  constructor(
    readonly memory: LxMemory,
    /** The L4 task (a capability slot in lx) that runs this address space. */
    readonly task: number,
    /** The architecture's user address space (its end, the mmap base). */
    readonly layout: AddressLayout,
  ) {}

  find(addr: number): Vma | undefined {
    for (const v of this.vmas) if (addr >= v.start && addr < v.end) return v
    return undefined
  }

  /** Bytes of private writable memory: what lx commits real frames for (strict accounting). */
  get committed(): number {
    let n = 0
    for (const v of this.vmas) if (v.prot & Prot.Write && !(v.flags & MapF.Shared)) n += v.end - v.start
    return n
  }

  /** Total mapped size of the VMAs, and pages present (for /proc and ps). */
  get vsize(): number {
    return this.vmas.reduce((n, v) => n + v.end - v.start, 0)
  }
  get rssPages(): number {
    return this.pt.size
  }

  /** Adds a VMA (the range must be free). */
  insert(v: Vma): void {
    this.vmas.push(v)
    this.vmas.sort((a, b) => a.start - b.start)
  }

  /** A free range of `len` bytes for mmap without MAP_FIXED, top-down below the mmap base. */
  freeRange(len: number, hint: number): number {
    if (hint && hint + len <= this.layout.taskSize && this.rangeFree(hint, len)) return hint
    let top = this.layout.mmapBase
    const sorted = [...this.vmas].sort((a, b) => b.start - a.start)
    for (const v of sorted) {
      if (v.start >= top) {
        top = Math.min(top, v.start)
        continue
      }
      if (v.end <= top - len) return top - len
      top = Math.min(top, v.start)
    }
    return top - len > this.brk + PAGE ? top - len : -1
  }

  rangeFree(start: number, len: number): boolean {
    return this.vmas.every((v) => v.end <= start || v.start >= start + len)
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
      stack.start = newStart
      v = stack
    }
    if ((write && !(v.prot & Prot.Write)) || (exec && !(v.prot & Prot.Exec)) || (!write && !exec && !(v.prot & (Prot.Read | Prot.Exec | Prot.Write)))) {
      if (!forKernel || write) return { ok: false, signal: 11, code: SEGV_ACCERR }
    }
    const vpn = Math.floor(addr / PAGE)
    let pte = this.pt.get(vpn)
    const m = this.memory
    if (!pte) {
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
      if ((pte.mapped & rights) !== rights) {
        this.pendingMaps.push([vpn, pte.frame, rights])
        pte.mapped |= rights
      }
    }
    return { ok: true }
  }

  /** Revokes the task's mappings of `vpns` (all rights, or `rights` only). */
  *revoke(sys: Sys, vpns: number[], rights: number = MemRight.RWX): Generator<unknown, void, number> {
    for (let i = 0; i < vpns.length; i += 60) {
      const fps = vpns.slice(i, i + 60).map((vpn) => mem(vpn * PAGE, 12, rights))
      yield* taskUnmap(sys, this.task, fps, UnmapFlag.AllSpaces)
    }
  }

  /** Drops pages [start, end): lx's references and the task's mappings. */
  *unmapRange(sys: Sys, start: number, end: number): Generator<unknown, void, number> {
    const gone: number[] = []
    for (const [vpn, pte] of this.pt) {
      const a = vpn * PAGE
      if (a < start || a >= end) continue
      if (pte.mapped) gone.push(vpn)
      this.memory.release(pte.frame)
      this.pt.delete(vpn)
    }
    this.pendingMaps = this.pendingMaps.filter(([vpn]) => vpn * PAGE < start || vpn * PAGE >= end)
    yield* this.revoke(sys, gone)
  }

  /**
   * The VMAs with [start, end) cut out: those that straddle a bound are
   * split there (a file VMA's offset follows its start); the part of each
   * VMA inside the range is dropped, or replaced by what `inside` makes of
   * it (mprotect's new rights).
   */
  private carve(start: number, end: number, inside: ((v: Vma, s: number, e: number) => Vma) | null): Vma[] {
    const out: Vma[] = []
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) {
        out.push(v)
        continue
      }
      if (v.start < start) out.push({ ...v, end: start })
      if (inside) out.push(inside(v, Math.max(v.start, start), Math.min(v.end, end)))
      if (v.end > end) out.push({ ...v, start: end, offset: v.offset + (end - v.start) })
    }
    return out
  }

  /** Removes [start, end) from the VMAs, splitting those that straddle it. */
  cutVmas(start: number, end: number): void {
    this.vmas = this.carve(start, end, null)
  }

  /** munmap. */
  *munmap(sys: Sys, start: number, len: number): Generator<unknown, number, number> {
    if (start % PAGE || len <= 0) return -Errno.EINVAL
    const end = start + Math.ceil(len / PAGE) * PAGE
    this.cutVmas(start, end)
    yield* this.unmapRange(sys, start, end)
    return 0
  }

  /** mprotect: new rights for [start, end); mappings with rights now gone are revoked. */
  *mprotect(sys: Sys, start: number, len: number, prot: number): Generator<unknown, number, number> {
    if (start % PAGE) return -Errno.EINVAL
    const end = start + Math.ceil(len / PAGE) * PAGE
    // Every page of the range must be in some VMA.
    for (let a = start; a < end; ) {
      const v = this.find(a)
      if (!v) return -Errno.ENOMEM
      a = v.end
    }
    this.vmas = this.carve(start, end, (v, s, e) => ({ ...v, start: s, end: e, prot, offset: v.offset + (s - v.start) })).sort((a, b) => a.start - b.start)
    const reduce: number[] = []
    for (const [vpn, pte] of this.pt) {
      const a = vpn * PAGE
      if (a < start || a >= end || !pte.mapped) continue
      reduce.push(vpn)
      pte.mapped = 0
    }
    this.pendingMaps = this.pendingMaps.filter(([vpn]) => vpn * PAGE < start || vpn * PAGE >= end)
    yield* this.revoke(sys, reduce)
    return 0
  }

  /**
   * A copy for fork: the same VMAs; private pages shared copy-on-write (the
   * parent's writable mappings are downgraded to read-only), shared ones
   * stay shared.
   */
  *fork(sys: Sys, childTask: number): Generator<unknown, Mm, number> {
    const child = new Mm(this.memory, childTask, this.layout)
    child.vmas = this.vmas.map((v) => ({ ...v }))
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
    this.vmas = []
    this.pendingMaps = []
    this.staleMappings = []
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
