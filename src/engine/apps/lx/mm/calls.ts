/**
 * The memory system calls (Linux's mm/mmap.c, mprotect.c, mremap.c,
 * madvise.c): they change a process's VMAs (mm.ts); pages appear at the
 * next fault, and mappings the task must lose are revoked by IPC. Private
 * writable memory is committed strictly (`Lx.canCommit`): past the VM's
 * memory, mmap and brk fail with ENOMEM rather than a later SIGBUS.
 */
import { PAGE_SIZE } from '../../../kernel/uapi'
import type { Lx } from '../lx'
import type { LinuxThread } from '../core/process'
import { int, type SyscallArgs, type SyscallResult } from '../core/syscall'
import { mayWrite, type FileBacking } from './mm'
import { Errno, MapF, Prot } from '../uapi'

type Gen = Generator<unknown, SyscallResult, number>
const PAGE = PAGE_SIZE

/** brk(addr): the heap's new end, or the old one when it cannot move there. */
export function* brk(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  const addr = a[0]
  const mm = t.process.mm
  if (addr === 0 || addr < mm.brkBase) return mm.brk
  const oldEnd = Math.ceil(mm.brk / PAGE) * PAGE
  const newEnd = Math.ceil(addr / PAGE) * PAGE
  if (newEnd > oldEnd) {
    if (!mm.rangeFree(oldEnd, newEnd - oldEnd)) return mm.brk
    if (!lx.canCommit(newEnd - oldEnd)) return mm.brk
    const heap = oldEnd > 0 ? mm.find(oldEnd - 1) : undefined
    if (heap && heap.name === '[heap]' && heap.end === oldEnd) mm.setEnd(heap, newEnd)
    else mm.insert({ start: oldEnd, end: newEnd, prot: Prot.Read | Prot.Write, flags: MapF.Private | MapF.Anonymous, file: null, offset: 0, name: '[heap]' })
  } else if (newEnd < oldEnd) {
    mm.cutVmas(newEnd, oldEnd)
    yield* mm.unmapRange(lx.sys, newEnd, oldEnd)
  }
  mm.brk = addr
  return addr
}

/** mmap(addr, length, prot, flags, fd, offset) */
export function* mmap(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  const p = t.process
  const mm = p.mm
  const addr = a[0]
  const len = a[1]
  const prot = int(a[2])
  const flags = int(a[3])
  const off = a[5]
  if (len === 0 || off % PAGE) return -Errno.EINVAL
  const size = Math.ceil(len / PAGE) * PAGE
  if (size > mm.layout.taskSize) return -Errno.ENOMEM
  const anon = (flags & MapF.Anonymous) !== 0
  let backing: FileBacking | null = null
  let name = ''
  if (!anon) {
    const file = lx.files.mappable(p, int(a[4]))
    if (typeof file === 'number') return file
    backing = file
    name = file.name
    if (prot & Prot.Write && !mayWrite(flags, file)) return -Errno.EACCES
  }
  if (prot & Prot.Write && !(flags & MapF.Shared) && !lx.canCommit(size)) return -Errno.ENOMEM
  // A fixed mapping may split a VMA around it.
  if (!mm.makeRoom(2)) return -Errno.ENOMEM
  let start: number
  if (flags & (MapF.Fixed | MapF.FixedNoReplace)) {
    if (addr % PAGE) return -Errno.EINVAL
    if (flags & MapF.FixedNoReplace && !mm.rangeFree(addr, size)) return -Errno.EEXIST
    start = addr
    mm.cutVmas(start, start + size)
    yield* mm.unmapRange(lx.sys, start, start + size)
  } else {
    start = mm.freeRange(size, addr && addr % PAGE === 0 ? addr : 0)
    if (start < 0) return -Errno.ENOMEM
  }
  mm.insert({ start, end: start + size, prot: prot & 7, flags: flags & (MapF.Shared | MapF.Private | MapF.Anonymous | MapF.GrowsDown), file: backing, offset: off, name })
  return start
}

/** munmap(addr, length) */
export function* munmap(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  const mm = t.process.mm
  if (a[0] % PAGE || a[1] === 0 || a[0] + a[1] > mm.layout.taskSize) return -Errno.EINVAL
  return yield* mm.munmap(lx.sys, a[0], a[1])
}

/** mprotect(addr, length, prot) */
export function* mprotect(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  const mm = t.process.mm
  const prot = int(a[2]) & 7
  if (a[0] % PAGE === 0 && !lx.canCommit(mm.commitGrowth(a[0], a[0] + Math.ceil(a[1] / PAGE) * PAGE, prot))) return -Errno.ENOMEM
  return yield* mm.mprotect(lx.sys, a[0], a[1], prot)
}

/** mremap(old_address, old_size, new_size, flags, new_address) */
export function* mremap(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  const mm = t.process.mm
  const old = a[0]
  const oldSize = a[1]
  const newSize = a[2]
  const flags = int(a[3])
  const newAddr = a[4]
  if (old % PAGE || newSize === 0) return -Errno.EINVAL
  const os = Math.ceil(oldSize / PAGE) * PAGE
  const ns = Math.ceil(newSize / PAGE) * PAGE
  const v = mm.find(old)
  if (!v || old + os > v.end) return -Errno.EFAULT
  if (ns <= os) {
    mm.cutVmas(old + ns, old + os)
    yield* mm.unmapRange(lx.sys, old + ns, old + os)
    return old
  }
  if (v.prot & Prot.Write && !(v.flags & MapF.Shared) && !lx.canCommit(ns - os)) return -Errno.ENOMEM
  if (v.end === old + os && mm.rangeFree(old + os, ns - os)) {
    mm.setEnd(v, old + ns)
    return old
  }
  if (!(flags & 1)) return -Errno.ENOMEM // MREMAP_MAYMOVE
  if (!mm.makeRoom(2)) return -Errno.ENOMEM
  const dst = flags & 2 ? newAddr : mm.freeRange(ns, 0)
  if (dst < 0) return -Errno.ENOMEM
  // As Linux: a fixed destination may not overlap the old range.
  if (dst % PAGE || (dst < old + os && old < dst + ns)) return -Errno.EINVAL
  if (flags & 2) {
    mm.cutVmas(dst, dst + ns)
    yield* mm.unmapRange(lx.sys, dst, dst + ns)
  }
  // Move: the pages go with the VMA; the task's old mappings are revoked, the new ones fault in.
  const moved: number[] = []
  const delta = (dst - old) / PAGE
  for (const [vpn, pte] of [...mm.pt]) {
    if (vpn * PAGE < old || vpn * PAGE >= old + os) continue
    mm.pt.delete(vpn)
    if (pte.mapped) moved.push(vpn)
    pte.mapped = 0
    mm.pt.set(vpn + delta, pte)
  }
  yield* mm.revoke(lx.sys, moved)
  // The new VMA first: it takes the file before the old one lets it go.
  mm.insert({ ...v, start: dst, end: dst + ns, offset: v.offset + (old - v.start) })
  mm.cutVmas(old, old + os)
  return dst
}

/** madvise(addr, length, advice): MADV_DONTNEED drops the pages (private anonymous ones read back as zero); other advice is taken and ignored. */
export function* madvise(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  if (int(a[2]) === 4) yield* t.process.mm.unmapRange(lx.sys, a[0], a[0] + a[1])
  return 0
}

/** msync, mlock, munlock: nothing to do (no swap, no backing store to write). */
export function nothingToDo(): number {
  return 0
}
