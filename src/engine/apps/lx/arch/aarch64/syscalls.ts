/**
 * lx's system call table for aarch64: number → implementation. Arguments
 * come from x0–x5, the number from x8; the result goes to x0 (a negative
 * errno on failure). A call that must wait returns { block } and is retried
 * when the thread is woken (or ends with -EINTR / restarts on a signal);
 * 'noreturn' leaves the registers as the call set them (execve,
 * rt_sigreturn, exit). Unknown calls return -ENOSYS and are counted.
 *
 * File system calls are in files.ts; this file holds processes, memory,
 * signals, time and identity.
 */
import { MemRight, PAGE_SIZE } from '../../../../kernel/uapi'
import type { Lx } from '../../lx'
import { FdTable, LinuxThread, Process, exitedStatus } from '../../core/process'
import { Mm } from '../../mm/mm'
import { sigbit, UNBLOCKABLE } from './sigframe'
import { CloneF, E, Futex, MapF, Nr, Prot, Sig, TASK_SIZE, Wait } from '../../uapi'
import { WaitQueue } from '../../fs/vfs/types'
import { fileSyscall } from '../../fs/files'
import { getitimer, setitimer } from '../../core/itimer'
import { sigaltstack } from '../../core/altstack'
import { getpriority, setaffinity, setpriority } from '../../core/priority'

export type SyscallResult = number | { block: true } | 'noreturn'
type Gen = Generator<unknown, SyscallResult, number>

const enc = new TextEncoder()
const PAGE = PAGE_SIZE

function u64le(v: number): Uint8Array {
  const b = new Uint8Array(8)
  const dv = new DataView(b.buffer)
  dv.setUint32(0, v % 4294967296 >>> 0, true)
  dv.setUint32(4, Math.floor(v / 4294967296) >>> 0, true)
  return b
}

function i64le(v: number): Uint8Array {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigInt64(0, BigInt(Math.trunc(v)), true)
  return b
}

/**
 * x0–x5 as numbers. Addresses and sizes are below 2^53 and arrive exactly;
 * a register holding a small negative value (-1, AT_FDCWD, -pgid) has its
 * upper half all ones, and arrives as that negative number — read as an
 * unsigned 64-bit value it would round and lose its low bits.
 */
export function regArg(r: { u32: Uint32Array }, i: number): number {
  const lo = r.u32[i * 2]
  const hi = r.u32[i * 2 + 1]
  if (hi === 0xffffffff && lo & 0x80000000) return lo | 0
  return lo + hi * 4294967296
}

function args(lx: Lx): number[] {
  const r = lx.regs
  return [regArg(r, 0), regArg(r, 1), regArg(r, 2), regArg(r, 3), regArg(r, 4), regArg(r, 5)]
}
const int = (v: number) => v % 4294967296 | 0

export function* dispatch(lx: Lx, t: LinuxThread, nr: number): Gen {
  const a = args(lx)
  t.origX0 = a[0]
  const p = t.process
  switch (nr) {
    // ------------------------------------------------------------ identity
    case Nr.getpid:
      return p.pid
    case Nr.getppid:
      return p.parent?.pid ?? 0
    case Nr.gettid:
      return t.tid
    case Nr.getuid:
    case Nr.geteuid:
      return p.uid
    case Nr.getgid:
    case Nr.getegid:
      return p.gid
    case Nr.getresuid:
    case Nr.getresgid: {
      const v = new Uint8Array(4)
      new DataView(v.buffer).setUint32(0, nr === Nr.getresuid ? p.uid : p.gid, true)
      return p.mm.write(a[0], v) && p.mm.write(a[1], v) && p.mm.write(a[2], v) ? 0 : -E.FAULT
    }
    case Nr.setuid:
    case Nr.setgid:
    case Nr.setresuid:
    case Nr.setresgid:
    case Nr.setreuid:
    case Nr.setregid:
      if (p.uid !== 0) return -E.PERM
      if (nr === Nr.setuid) p.uid = a[0]
      if (nr === Nr.setgid) p.gid = a[0]
      return 0
    case Nr.getgroups:
      return 0
    case Nr.setgroups:
      return p.uid === 0 ? 0 : -E.PERM
    case Nr.set_tid_address:
      t.clearChildTid = a[0]
      return t.tid
    case Nr.set_robust_list:
      return 0
    case Nr.rseq:
      return -E.NOSYS
    case Nr.uname: {
      const u = new Uint8Array(65 * 6)
      const fields = ['Linux', lx.opts.hostname, '6.1.0-lx', '#1 SMP PREEMPT l4lab', 'aarch64', '(none)']
      fields.forEach((f, i) => u.set(enc.encode(f).subarray(0, 64), i * 65))
      return p.mm.write(a[0], u) ? 0 : -E.FAULT
    }
    case Nr.umask: {
      const old = p.umask
      p.umask = a[0] & 0o777
      return old
    }
    case Nr.prctl:
      if (a[0] === 15) {
        // PR_SET_NAME
        const name = p.mm.readString(a[1], 16)
        if (name === null) return -E.FAULT
        p.comm = name.slice(0, 15)
        return 0
      }
      if (a[0] === 16) return p.mm.write(a[1], new Uint8Array([...enc.encode(p.comm.slice(0, 15)), 0])) ? 0 : -E.FAULT
      return -E.INVAL
    case Nr.getpgid: {
      const q = a[0] === 0 ? p : lx.procs.get(a[0])
      return q ? q.pgid : -E.SRCH
    }
    case Nr.getsid: {
      const q = a[0] === 0 ? p : lx.procs.get(a[0])
      return q ? q.sid : -E.SRCH
    }
    case Nr.setpgid: {
      const q = a[0] === 0 ? p : lx.procs.get(a[0])
      if (!q || (q !== p && q.parent !== p)) return -E.SRCH
      const pgid = a[1] === 0 ? q.pid : a[1]
      if (pgid !== q.pid && ![...lx.procs.values()].some((x) => x.pgid === pgid && x.sid === q.sid)) return -E.PERM
      if (q.sid === q.pid) return -E.PERM
      q.pgid = pgid
      return 0
    }
    case Nr.setsid:
      if (p.pgid === p.pid) return -E.PERM
      p.sid = p.pgid = p.pid
      lx.files.detachTty(p)
      return p.pid

    // -------------------------------------------------------------- memory
    case Nr.brk:
      return yield* brk(lx, p, a[0])
    case Nr.mmap:
      return yield* mmap(lx, p, a[0], a[1], int(a[2]), int(a[3]), int(a[4]), a[5])
    case Nr.munmap:
      if (a[0] % PAGE || a[1] === 0 || a[0] + a[1] > TASK_SIZE) return -E.INVAL
      return yield* p.mm.munmap(lx.sys, a[0], a[1])
    case Nr.mprotect:
      return yield* p.mm.mprotect(lx.sys, a[0], a[1], int(a[2]) & 7)
    case Nr.mremap:
      return yield* mremap(lx, p, a[0], a[1], a[2], int(a[3]), a[4])
    case Nr.madvise:
      if (int(a[2]) === 4) {
        // MADV_DONTNEED: private anonymous pages read back as zero.
        yield* p.mm.unmapRange(lx.sys, a[0], a[0] + a[1])
      }
      return 0
    case Nr.msync:
    case Nr.mlock:
    case Nr.munlock:
      return 0

    // ----------------------------------------------------------- processes
    case Nr.clone:
      return yield* clone(lx, t, a[0], a[1], a[2], a[3], a[4])
    case Nr.clone3: {
      const b = p.mm.read(a[0], Math.min(a[1], 88))
      if (!b || a[1] < 64) return -E.INVAL
      const dv = new DataView(b.buffer)
      const q = (o: number) => dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 4294967296
      const flags = q(0) + (q(16) & 0xff) // exit_signal lives in its own field
      const stack = q(40) + q(48)
      return yield* clone(lx, t, flags, stack, q(32), q(56), q(24))
    }
    case Nr.execve: {
      const path = p.mm.readString(a[0])
      if (path === null) return -E.FAULT
      const argv = readStringArray(p.mm, a[1])
      const envp = readStringArray(p.mm, a[2])
      if (argv === null || envp === null) return -E.FAULT
      const r = yield* lx.exec(t, path, argv, envp)
      return r < 0 ? r : 'noreturn'
    }
    case Nr.exit:
      yield* threadExit(lx, t, int(a[0]))
      return 'noreturn'
    case Nr.exit_group:
      yield* lx.exitGroup(t, exitedStatus(int(a[0])))
      return 'noreturn'
    case Nr.wait4:
      return wait4(lx, t, int(a[0]), a[1], int(a[2]), a[3])
    case Nr.waitid:
      return waitid(lx, t, int(a[0]), int(a[1]), a[2], int(a[3]))

    // ------------------------------------------------------------- signals
    case Nr.kill:
      return kill(lx, p, int(a[0]), int(a[1]))
    case Nr.tkill:
    case Nr.tgkill: {
      const tid = nr === Nr.tkill ? int(a[0]) : int(a[1])
      const sig = nr === Nr.tkill ? int(a[1]) : int(a[2])
      const target = lx.threads.get(tid)
      if (!target || (nr === Nr.tgkill && target.process.pid !== int(a[0]))) return -E.SRCH
      if (sig < 0 || sig > 64) return -E.INVAL
      if (sig) lx.signalThread(target, sig, { pid: p.pid, uid: p.uid, code: -6 })
      return 0
    }
    case Nr.rt_sigaction:
      return sigaction(p, int(a[0]), a[1], a[2], a[3])
    case Nr.rt_sigprocmask: {
      const how = int(a[0])
      if (a[2] && !p.mm.write(a[2], u64le(Number(t.sigmask & 0xffffffffn)).map((x, i) => (i < 4 ? x : Number((t.sigmask >> 32n) >> BigInt((i - 4) * 8)) & 0xff)))) return -E.FAULT
      if (a[1]) {
        const b = p.mm.read(a[1], 8)
        if (!b) return -E.FAULT
        const set = new DataView(b.buffer).getBigUint64(0, true) & ~UNBLOCKABLE
        if (how === 0) t.sigmask |= set
        else if (how === 1) t.sigmask &= ~set
        else if (how === 2) t.sigmask = set
        else return -E.INVAL
      }
      return 0
    }
    case Nr.rt_sigpending: {
      const b = new Uint8Array(8)
      new DataView(b.buffer).setBigUint64(0, (t.pending | p.pending) & t.sigmask, true)
      return p.mm.write(a[0], b) ? 0 : -E.FAULT
    }
    case Nr.rt_sigsuspend: {
      const b = p.mm.read(a[0], 8)
      if (!b) return -E.FAULT
      t.savedMask = t.sigmask
      t.sigmask = new DataView(b.buffer).getBigUint64(0, true) & ~UNBLOCKABLE
      lx.sleepOn(t, nr, [])
      return { block: true }
    }
    case Nr.rt_sigreturn:
      lx.sigreturn(t)
      return 'noreturn'
    case Nr.sigaltstack:
      return sigaltstack(t.altStack, p.mm, Number(lx.regs.sp), a[0], a[1])

    // ---------------------------------------------------------------- time
    case Nr.clock_gettime: {
      const ns = clockNs(lx, int(a[0]), p, t)
      if (ns < 0) return ns
      return p.mm.write(a[1], timespec(ns)) ? 0 : -E.FAULT
    }
    case Nr.clock_getres:
      return a[1] ? (p.mm.write(a[1], timespec(1)) ? 0 : -E.FAULT) : 0
    case Nr.gettimeofday: {
      if (!a[0]) return 0
      const ns = lx.realtimeBaseNs + lx.now()
      const b = new Uint8Array(16)
      b.set(i64le(Math.floor(ns / 1e9)), 0)
      b.set(i64le(Math.floor((ns % 1e9) / 1000)), 8)
      return p.mm.write(a[0], b) ? 0 : -E.FAULT
    }
    case Nr.nanosleep:
    case Nr.clock_nanosleep:
      return sleep(lx, t, nr, nr === Nr.nanosleep ? 1 : int(a[0]), nr === Nr.nanosleep ? 0 : int(a[1]), nr === Nr.nanosleep ? a[0] : a[2], nr === Nr.nanosleep ? a[1] : a[3])
    case Nr.times: {
      const tick = (ns: number) => Math.floor(ns / 10_000_000)
      let ut = 0
      for (const th of p.threads) ut += th.utimeNs
      const b = new Uint8Array(32)
      b.set(u64le(tick(ut)), 0)
      b.set(u64le(tick(p.cutimeNs)), 16)
      if (a[0] && !p.mm.write(a[0], b)) return -E.FAULT
      return tick(lx.now())
    }
    case Nr.getrusage: {
      const b = new Uint8Array(144)
      let ut = 0
      for (const th of p.threads) ut += th.utimeNs
      if (int(a[0]) === -1) ut = p.cutimeNs
      b.set(i64le(Math.floor(ut / 1e9)), 0)
      b.set(i64le(Math.floor((ut % 1e9) / 1000)), 8)
      return p.mm.write(a[1], b) ? 0 : -E.FAULT
    }
    case Nr.getitimer:
      return getitimer(lx, p, int(a[0]), a[1])
    case Nr.setitimer:
      return setitimer(lx, p, int(a[0]), a[1], a[2])

    // ----------------------------------------------------------- scheduling
    case Nr.sched_yield:
      lx.needResched = true
      return 0
    case Nr.sched_getaffinity: {
      if (a[1] < 8) return -E.INVAL
      return p.mm.write(a[2], u64le(1)) ? 8 : -E.FAULT
    }
    case Nr.sched_setaffinity:
      return setaffinity(lx, p, int(a[0]), a[1], a[2])
    case Nr.getcpu:
      if (a[0]) p.mm.write(a[0], new Uint8Array(4))
      if (a[1]) p.mm.write(a[1], new Uint8Array(4))
      return 0
    case Nr.getpriority:
      return getpriority(lx, p, int(a[0]), int(a[1]))
    case Nr.setpriority:
      return setpriority(lx, p, int(a[0]), int(a[1]), int(a[2]))
    case Nr.futex:
      return futex(lx, t, a[0], int(a[1]), a[2] >>> 0, a[3], a[5])

    // ---------------------------------------------------------------- misc
    case Nr.getrandom: {
      // A size_t count past 2^63 arrives negative: Linux caps it (at INT_MAX; we at 1 MiB).
      const n = a[1] < 0 ? 1 << 20 : Math.min(a[1], 1 << 20)
      const b = new Uint8Array(n)
      lx.random(b)
      yield* lx.memory.reserve(Math.ceil(n / PAGE) + 2)
      // As get_random_bytes_user: page by page until the buffer faults; the count copied.
      let done = 0
      while (done < n) {
        const k = Math.min(n - done, PAGE - ((a[0] + done) % PAGE))
        if (!p.mm.write(a[0] + done, b.subarray(done, done + k))) break
        done += k
      }
      return done > 0 || n === 0 ? done : -E.FAULT
    }
    case Nr.prlimit64:
    case Nr.getrlimit:
    case Nr.setrlimit: {
      const res = nr === Nr.prlimit64 ? int(a[1]) : int(a[0])
      const old = nr === Nr.prlimit64 ? a[3] : nr === Nr.getrlimit ? a[1] : 0
      if (res < 0 || res > 15) return -E.INVAL
      const limits: Record<number, [number, number]> = { 3: [8 << 20, Infinity], 7: [1024, 4096] }
      const [cur, max] = limits[res] ?? [Infinity, Infinity]
      const enc64 = (v: number) => (v === Infinity ? new Uint8Array(8).fill(0xff) : u64le(v))
      if (old) {
        const b = new Uint8Array(16)
        b.set(enc64(cur), 0)
        b.set(enc64(max), 8)
        if (!p.mm.write(old, b)) return -E.FAULT
      }
      return 0
    }
    case Nr.sysinfo: {
      const b = new Uint8Array(112)
      const dv = new DataView(b.buffer)
      dv.setBigInt64(0, BigInt(Math.floor((lx.now() - lx.bootNs) / 1e9)), true)
      dv.setBigUint64(32, BigInt(lx.memory.frames * 4096), true)
      dv.setBigUint64(40, BigInt(lx.memory.free * 4096), true)
      dv.setUint16(80, lx.procs.size, true)
      dv.setUint32(104, 1, true)
      return p.mm.write(a[0], b) ? 0 : -E.FAULT
    }
    case Nr.socket:
      return -E.NOSYS
  }
  const f = yield* fileSyscall(lx, t, nr, a)
  if (f !== undefined) return f
  lx.unknownSyscalls.set(nr, (lx.unknownSyscalls.get(nr) ?? 0) + 1)
  return -E.NOSYS
}

function readStringArray(mm: Mm, addr: number): string[] | null {
  const out: string[] = []
  if (addr === 0) return out
  for (let i = 0; i < 4096; i++) {
    const ptr = mm.readU64(addr + i * 8)
    if (ptr === null) return null
    if (ptr === 0) return out
    const s = mm.readString(ptr, 128 * 1024)
    if (s === null) return null
    out.push(s)
  }
  return null
}

function timespec(ns: number): Uint8Array {
  const b = new Uint8Array(16)
  b.set(i64le(Math.floor(ns / 1e9)), 0)
  b.set(i64le(Math.floor(ns % 1e9)), 8)
  return b
}

function clockNs(lx: Lx, clock: number, p: Process, t: LinuxThread): number {
  switch (clock) {
    case 0: // REALTIME
    case 8: // REALTIME_ALARM
    case 11: // TAI
      return lx.realtimeBaseNs + lx.now()
    case 1: // MONOTONIC
    case 4: // MONOTONIC_RAW
    case 6: // MONOTONIC_COARSE
    case 7: // BOOTTIME
    case 9:
      return lx.now() - lx.bootNs
    case 5: // REALTIME_COARSE
      return lx.realtimeBaseNs + lx.now()
    case 2: // PROCESS_CPUTIME_ID
      return p.threads.reduce((n, th) => n + th.utimeNs, 0)
    case 3: // THREAD_CPUTIME_ID
      return t.utimeNs
    default:
      return -E.INVAL
  }
}

function sleep(lx: Lx, t: LinuxThread, nr: number, clock: number, flags: number, req: number, rem: number): SyscallResult {
  const p = t.process
  void rem
  if (t.blockedDeadline !== null) {
    if (lx.now() >= t.blockedDeadline) {
      t.blockedDeadline = null
      return 0
    }
  } else {
    const b = p.mm.read(req, 16)
    if (!b) return -E.FAULT
    const dv = new DataView(b.buffer)
    const sec = Number(dv.getBigInt64(0, true))
    const nsec = Number(dv.getBigInt64(8, true))
    if (sec < 0 || nsec < 0 || nsec >= 1e9) return -E.INVAL
    const dur = sec * 1e9 + nsec
    const absolute = (flags & 1) !== 0
    const base = clock === 0 || clock === 5 ? lx.realtimeBaseNs : lx.bootNs
    t.blockedDeadline = absolute ? dur - base + (clock === 0 ? 0 : 0) : lx.now() + dur
    if (absolute && (clock === 0 || clock === 5)) t.blockedDeadline = dur - lx.realtimeBaseNs
    else if (absolute) t.blockedDeadline = dur + lx.bootNs
    if (lx.now() >= t.blockedDeadline) {
      t.blockedDeadline = null
      return 0
    }
  }
  lx.sleepOn(t, nr, [], t.blockedDeadline)
  return { block: true }
}

function* brk(lx: Lx, p: Process, addr: number): Gen {
  const mm = p.mm
  if (addr === 0 || addr < mm.brkBase) return mm.brk
  const oldEnd = Math.ceil(mm.brk / PAGE) * PAGE
  const newEnd = Math.ceil(addr / PAGE) * PAGE
  if (newEnd > oldEnd) {
    if (!mm.rangeFree(oldEnd, newEnd - oldEnd)) return mm.brk
    if (!lx.canCommit(newEnd - oldEnd)) return mm.brk
    const heap = mm.vmas.find((v) => v.name === '[heap]')
    if (heap && heap.end === oldEnd) heap.end = newEnd
    else mm.insert({ start: oldEnd, end: newEnd, prot: Prot.Read | Prot.Write, flags: MapF.Private | MapF.Anonymous, file: null, offset: 0, name: '[heap]' })
  } else if (newEnd < oldEnd) {
    mm.cutVmas(newEnd, oldEnd)
    yield* mm.unmapRange(lx.sys, newEnd, oldEnd)
  }
  mm.brk = addr
  return addr
}

function* mmap(lx: Lx, p: Process, addr: number, len: number, prot: number, flags: number, fd: number, off: number): Gen {
  const mm = p.mm
  if (len === 0 || off % PAGE) return -E.INVAL
  const size = Math.ceil(len / PAGE) * PAGE
  if (size > TASK_SIZE) return -E.NOMEM
  const anon = (flags & MapF.Anonymous) !== 0
  let backing = null
  let name = ''
  if (!anon) {
    const file = lx.files.mappable(p, fd)
    if (typeof file === 'number') return file
    backing = file
    name = file.name
  }
  if (prot & Prot.Write && !(flags & MapF.Shared) && !lx.canCommit(size)) return -E.NOMEM
  let start: number
  if (flags & (MapF.Fixed | MapF.FixedNoReplace)) {
    if (addr % PAGE) return -E.INVAL
    if (flags & MapF.FixedNoReplace && !mm.rangeFree(addr, size)) return -E.EXIST
    start = addr
    mm.cutVmas(start, start + size)
    yield* mm.unmapRange(lx.sys, start, start + size)
  } else {
    start = mm.freeRange(size, addr && addr % PAGE === 0 ? addr : 0)
    if (start < 0) return -E.NOMEM
  }
  mm.insert({ start, end: start + size, prot: prot & 7, flags: flags & (MapF.Shared | MapF.Private | MapF.Anonymous | MapF.GrowsDown), file: backing, offset: off, name })
  return start
}

function* mremap(lx: Lx, p: Process, old: number, oldSize: number, newSize: number, flags: number, newAddr: number): Gen {
  const mm = p.mm
  if (old % PAGE || newSize === 0) return -E.INVAL
  const os = Math.ceil(oldSize / PAGE) * PAGE
  const ns = Math.ceil(newSize / PAGE) * PAGE
  const v = mm.find(old)
  if (!v || old + os > v.end) return -E.FAULT
  if (ns <= os) {
    mm.cutVmas(old + ns, old + os)
    yield* mm.unmapRange(lx.sys, old + ns, old + os)
    return old
  }
  if (v.end === old + os && mm.rangeFree(old + os, ns - os)) {
    v.end = old + ns
    return old
  }
  if (!(flags & 1)) return -E.NOMEM // MREMAP_MAYMOVE
  const dst = flags & 2 ? newAddr : mm.freeRange(ns, 0)
  if (dst < 0) return -E.NOMEM
  // Move: the pages go with the VMA; the task's old mappings are revoked, the new ones fault in.
  mm.insert({ ...v, start: dst, end: dst + ns })
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
  mm.cutVmas(old, old + os)
  mm.insert({ ...v, start: dst, end: dst + ns })
  mm.vmas = mm.vmas.filter((x, i, all) => all.findIndex((y) => y.start === x.start && y.end === x.end) === i)
  return dst
}

function* clone(lx: Lx, t: LinuxThread, flags: number, stack: number, ptid: number, tls: number, ctid: number): Gen {
  const p = t.process
  if (t.vforkChild) {
    // The vfork parent's retry after the child exec'ed or exited: the call returns the child's pid.
    const pid = t.vforkChild
    t.vforkChild = 0
    return pid
  }
  const exitSignal = flags & 0xff
  const thread = (flags & CloneF.Thread) !== 0
  if (thread && !(flags & CloneF.Vm && flags & CloneF.Sighand)) return -E.INVAL
  yield* lx.memory.reserve(64)
  let child: Process
  const regs = lx.regs.snapshot()
  const tid = lx.nextPid++
  if (thread) {
    child = p
  } else {
    let mm: Mm
    if (flags & CloneF.Vm) {
      mm = p.mm
      mm.users++
    } else {
      const task = yield* lx.newTask()
      if (task < 0) {
        lx.nextPid--
        return -E.AGAIN
      }
      mm = yield* p.mm.fork(lx.sys, task)
    }
    const files = flags & CloneF.Files ? p.files : p.files.clone()
    if (flags & CloneF.Files) files.users++
    child = new Process(tid, mm, files, p.cwd, p.comm, new WaitQueue())
    child.cwdPath = p.cwdPath
    child.parent = p
    p.children.push(child)
    child.pgid = p.pgid
    child.sid = p.sid
    child.uid = p.uid
    child.gid = p.gid
    child.umask = p.umask
    child.nice = p.nice
    child.argv = p.argv
    child.envp = p.envp
    child.exePath = p.exePath
    child.startNs = lx.now()
    child.exitSignal = exitSignal
    for (let s = 1; s <= 64; s++) child.actions[s] = { ...p.actions[s] }
    lx.procs.set(tid, child)
    if (!(flags & CloneF.Vm)) yield* lx.nameTask(child)
  }
  const ct = new LinuxThread(tid, child, regs)
  ct.sigmask = t.sigmask
  // A new thread of the same memory starts without the alternate stack; a forked child keeps it.
  if (!(flags & CloneF.Vm) || flags & CloneF.Vfork) ct.altStack = { ...t.altStack }
  child.threads.push(ct)
  lx.threads.set(tid, ct)
  // The child's registers: x0 = 0, a new stack and TLS if given.
  const saved = lx.regs.snapshot()
  lx.regs.setXNum(0, 0)
  if (stack) lx.regs.setSp(BigInt(stack))
  if (flags & CloneF.Settls) lx.regs.setTpidr(BigInt(tls))
  ct.regs = lx.regs.snapshot()
  lx.regs.restore(saved)
  if (flags & CloneF.ParentSettid && !p.mm.write(ptid, new Uint8Array(new Uint32Array([tid]).buffer))) return -E.FAULT
  if (flags & CloneF.ChildSettid) child.mm.write(ctid, new Uint8Array(new Uint32Array([tid]).buffer))
  if (flags & CloneF.ChildCleartid) ct.clearChildTid = ctid
  lx.makeRunnable(ct)
  if (flags & CloneF.Vfork) {
    // The parent sleeps until the child execs or exits.
    const done = new WaitQueue()
    child.vforkDone = () => done.wakeAll()
    lx.sleepOn(t, Nr.clone, [done])
    t.vforkChild = tid
    return { block: true }
  }
  return tid
}

function* threadExit(lx: Lx, t: LinuxThread, code: number): Generator<unknown, void, number> {
  const p = t.process
  if (t.clearChildTid) {
    p.mm.write(t.clearChildTid, new Uint8Array(4))
    futexWake(lx, p, t.clearChildTid, 1)
  }
  const live = p.threads.filter((x) => x.state !== 'zombie')
  if (live.length <= 1) {
    yield* lx.exitGroup(t, exitedStatus(code))
    return
  }
  lx.reapThread(t)
  p.threads.splice(p.threads.indexOf(t), 1)
}

function collectable(p: Process, pid: number, caller: Process): boolean {
  if (pid > 0) return p.pid === pid
  if (pid === 0) return p.pgid === caller.pgid
  if (pid < -1) return p.pgid === -pid
  return true
}

function wait4(lx: Lx, t: LinuxThread, pid: number, wstatus: number, options: number, rusage: number): SyscallResult {
  const p = t.process
  const kids = p.children.filter((c) => collectable(c, pid, p))
  if (kids.length === 0) return -E.CHILD
  for (const c of kids) {
    let status: number | null = null
    if (c.zombie) status = c.exitStatus
    else if (c.stopReport !== null && (c.stopReport === 0xffff ? options & Wait.Continued : options & Wait.Untraced)) {
      status = c.stopReport
      c.stopReport = null
    }
    if (status === null) continue
    if (wstatus && !p.mm.write(wstatus, new Uint8Array(new Int32Array([status]).buffer))) return -E.FAULT
    if (rusage) p.mm.write(rusage, new Uint8Array(144))
    if (c.zombie) {
      p.cutimeNs += c.threads.reduce((n, th) => n + th.utimeNs, 0) + c.cutimeNs
      lx.release(c)
    }
    return c.pid
  }
  if (options & Wait.NoHang) return 0
  lx.sleepOn(t, Nr.wait4, [p.childWait])
  return { block: true }
}

function waitid(lx: Lx, t: LinuxThread, idtype: number, id: number, infop: number, options: number): SyscallResult {
  const pid = idtype === 0 ? -1 : idtype === 1 ? id : -id
  const p = t.process
  const kids = p.children.filter((c) => collectable(c, pid, p))
  if (kids.length === 0) return -E.CHILD
  for (const c of kids) {
    if (!(c.zombie && options & Wait.Exited)) continue
    const st = c.exitStatus
    const info = new Uint8Array(128)
    const dv = new DataView(info.buffer)
    dv.setInt32(0, Sig.CHLD, true)
    const killed = (st & 0x7f) !== 0
    dv.setInt32(8, killed ? ((st & 0x80) ? 3 : 2) : 1, true)
    dv.setInt32(16, c.pid, true)
    dv.setInt32(20, 0, true)
    dv.setInt32(24, killed ? st & 0x7f : (st >> 8) & 0xff, true)
    if (infop && !p.mm.write(infop, info)) return -E.FAULT
    if (!(options & Wait.NoWait)) lx.release(c)
    return 0
  }
  if (options & Wait.NoHang) {
    if (infop) p.mm.write(infop, new Uint8Array(128))
    return 0
  }
  lx.sleepOn(t, Nr.waitid, [p.childWait])
  return { block: true }
}

function kill(lx: Lx, sender: Process, pid: number, sig: number): number {
  if (sig < 0 || sig > 64) return -E.INVAL
  const targets = [...lx.procs.values()].filter((q) => !q.zombie && (pid > 0 ? q.pid === pid : pid === 0 ? q.pgid === sender.pgid : pid === -1 ? q.pid !== 1 && q !== sender : q.pgid === -pid))
  if (targets.length === 0) return -E.SRCH
  if (sig) for (const q of targets) lx.signalProcess(q, sig, { pid: sender.pid, uid: sender.uid, code: 0 })
  return 0
}

function sigaction(p: Process, sig: number, act: number, old: number, size: number): number {
  if (sig < 1 || sig > 64 || size !== 8) return -E.INVAL
  if (old) {
    const o = p.actions[sig]
    const b = new Uint8Array(32)
    const dv = new DataView(b.buffer)
    dv.setBigUint64(0, BigInt(o.handler), true)
    dv.setBigUint64(8, BigInt(o.flags >>> 0), true)
    dv.setBigUint64(16, BigInt(o.restorer), true)
    dv.setBigUint64(24, o.mask, true)
    if (!p.mm.write(old, b)) return -E.FAULT
  }
  if (act) {
    if (sig === Sig.KILL || sig === Sig.STOP) return -E.INVAL
    const b = p.mm.read(act, 32)
    if (!b) return -E.FAULT
    const dv = new DataView(b.buffer)
    p.actions[sig] = {
      handler: Number(dv.getBigUint64(0, true)),
      flags: Number(dv.getBigUint64(8, true) & 0xffffffffn),
      restorer: Number(dv.getBigUint64(16, true)),
      mask: dv.getBigUint64(24, true) & ~UNBLOCKABLE,
    }
    // Ignoring a pending signal discards it.
    if (p.actions[sig].handler === 1) p.pending &= ~sigbit(sig)
  }
  return 0
}

// ----------------------------------------------------------------- futexes

function futexQueue(lx: Lx, p: Process, addr: number): WaitQueue {
  const key = `${p.mm.task}:${addr}`
  let q = lx.futexes.get(key)
  if (!q) lx.futexes.set(key, (q = new WaitQueue()))
  return q
}

function futexWake(lx: Lx, p: Process, addr: number, n: number): number {
  const key = `${p.mm.task}:${addr}`
  const q = lx.futexes.get(key)
  if (!q) return 0
  const waiters = lx.futexWaiters.get(key) ?? []
  let woken = 0
  while (woken < n && waiters.length > 0) {
    const th = waiters.shift()!
    th.futexWoken = true
    lx.makeRunnable(th)
    woken++
  }
  if (waiters.length === 0) {
    lx.futexWaiters.delete(key)
    lx.futexes.delete(key)
  }
  return woken
}

function futex(lx: Lx, t: LinuxThread, addr: number, op: number, val: number, timeout: number, val3: number): SyscallResult {
  const p = t.process
  const cmd = op & ~(Futex.PrivateFlag | Futex.ClockRealtime)
  if (addr % 4) return -E.INVAL
  switch (cmd) {
    case Futex.Wait:
    case Futex.WaitBitset: {
      if (t.futexWoken) {
        t.futexWoken = false
        return 0
      }
      if (t.blockedDeadline !== null && lx.now() >= t.blockedDeadline) {
        t.blockedDeadline = null
        removeFutexWaiter(lx, p, addr, t)
        return -E.TIMEDOUT
      }
      const cur = p.mm.read(addr, 4)
      if (!cur) return -E.FAULT
      if (new DataView(cur.buffer).getUint32(0, true) !== val >>> 0) return -E.AGAIN
      let deadline = Infinity
      if (timeout) {
        const b = p.mm.read(timeout, 16)
        if (!b) return -E.FAULT
        const dv = new DataView(b.buffer)
        const ns = Number(dv.getBigInt64(0, true)) * 1e9 + Number(dv.getBigInt64(8, true))
        deadline = cmd === Futex.WaitBitset ? (op & Futex.ClockRealtime ? ns - lx.realtimeBaseNs : ns + lx.bootNs) : lx.now() + ns
        t.blockedDeadline = deadline
      }
      const key = `${p.mm.task}:${addr}`
      const waiters = lx.futexWaiters.get(key) ?? []
      if (!waiters.includes(t)) waiters.push(t)
      lx.futexWaiters.set(key, waiters)
      lx.sleepOn(t, Nr.futex, [futexQueue(lx, p, addr)], deadline)
      return { block: true }
    }
    case Futex.Wake:
    case Futex.WakeBitset:
      return futexWake(lx, p, addr, val)
    case Futex.Requeue:
    case Futex.CmpRequeue:
      return futexWake(lx, p, addr, val) + futexWake(lx, p, val3, 0)
    default:
      return -E.NOSYS
  }
}

function removeFutexWaiter(lx: Lx, p: Process, addr: number, t: LinuxThread): void {
  const key = `${p.mm.task}:${addr}`
  const w = lx.futexWaiters.get(key)
  if (!w) return
  const i = w.indexOf(t)
  if (i >= 0) w.splice(i, 1)
}

export { MemRight, FdTable }
