/**
 * Clocks and sleeps (kernel/time/): lx's time is the kernel's virtual time.
 * CLOCK_MONOTONIC and CLOCK_BOOTTIME count from lx's boot, CLOCK_REALTIME
 * from a fixed epoch (reproducible runs), the CPU-time clocks from what
 * threads ran on the vCPU. A sleep is a timer of lx's that wakes the thread;
 * its deadline is kept across the call's retries.
 */
import type { Lx } from '../lx'
import type { LinuxThread, Process } from './process'
import { BLOCKED, int, type SyscallArgs, type SyscallResult } from './syscall'
import { i64le, u64le } from './uaccess'
import { Errno } from '../uapi'

/** struct timespec (two 64-bit fields) of a time in ns. */
function timespec(ns: number): Uint8Array {
  const b = new Uint8Array(16)
  b.set(i64le(Math.floor(ns / 1e9)), 0)
  b.set(i64le(Math.floor(ns % 1e9)), 8)
  return b
}

/** struct timeval of a time in ns. */
function timeval(ns: number): Uint8Array {
  const b = new Uint8Array(16)
  b.set(i64le(Math.floor(ns / 1e9)), 0)
  b.set(i64le(Math.floor((ns % 1e9) / 1000)), 8)
  return b
}

/** What the threads of `p` ran, in ns. */
function processCpuNs(p: Process): number {
  let ns = 0
  for (const th of p.threads) ns += th.utimeNs
  return ns
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
      return processCpuNs(p)
    case 3: // THREAD_CPUTIME_ID
      return t.utimeNs
    default:
      return -Errno.EINVAL
  }
}

/** clock_gettime(clock, tp) */
export function clock_gettime(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const ns = clockNs(lx, int(a[0]), p, t)
  if (ns < 0) return ns
  return p.mm.write(a[1], timespec(ns)) ? 0 : -Errno.EFAULT
}

/** clock_getres(clock, res): every clock counts nanoseconds. */
export function clock_getres(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return a[1] ? (t.process.mm.write(a[1], timespec(1)) ? 0 : -Errno.EFAULT) : 0
}

/** time(tloc) (x86-64's legacy call): the seconds of CLOCK_REALTIME, also stored at tloc when given. */
export function time(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const sec = Math.floor((lx.realtimeBaseNs + lx.now()) / 1e9)
  if (a[0] && !t.process.mm.write(a[0], i64le(sec))) return -Errno.EFAULT
  return sec
}

/** gettimeofday(tv, tz) */
export function gettimeofday(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  if (!a[0]) return 0
  return t.process.mm.write(a[0], timeval(lx.realtimeBaseNs + lx.now())) ? 0 : -Errno.EFAULT
}

/**
 * A sleep until a deadline on `clock` (TIMER_ABSTIME in `flags`) or for a
 * time: the first call reads the request and sets the deadline, retries
 * after a wake-up find it passed (or sleep again).
 */
function sleep(lx: Lx, t: LinuxThread, clock: number, flags: number, req: number): SyscallResult {
  if (t.blockedDeadline !== null) {
    if (lx.now() >= t.blockedDeadline) {
      t.blockedDeadline = null
      return 0
    }
  } else {
    const b = t.process.mm.read(req, 16)
    if (!b) return -Errno.EFAULT
    const dv = new DataView(b.buffer)
    const sec = Number(dv.getBigInt64(0, true))
    const nsec = Number(dv.getBigInt64(8, true))
    if (sec < 0 || nsec < 0 || nsec >= 1e9) return -Errno.EINVAL
    const dur = sec * 1e9 + nsec
    const absolute = (flags & 1) !== 0
    if (!absolute) t.blockedDeadline = lx.now() + dur
    else if (clock === 0 || clock === 5) t.blockedDeadline = dur - lx.realtimeBaseNs
    else t.blockedDeadline = dur + lx.bootNs
    if (lx.now() >= t.blockedDeadline) {
      t.blockedDeadline = null
      return 0
    }
  }
  lx.sched.sleepOn(t, [], t.blockedDeadline)
  return BLOCKED
}

/** nanosleep(req, rem): on CLOCK_MONOTONIC. */
export function nanosleep(lx: Lx, t: LinuxThread, a: SyscallArgs): SyscallResult {
  return sleep(lx, t, 1, 0, a[0])
}

/** clock_nanosleep(clock, flags, req, rem) */
export function clock_nanosleep(lx: Lx, t: LinuxThread, a: SyscallArgs): SyscallResult {
  return sleep(lx, t, int(a[0]), int(a[1]), a[2])
}

/** times(buf): the process's and its reaped children's CPU time in ticks of 10 ms (all user time), and the ticks since boot. */
export function times(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const tick = (ns: number) => Math.floor(ns / 10_000_000)
  const b = new Uint8Array(32)
  b.set(u64le(tick(processCpuNs(p))), 0)
  b.set(u64le(tick(p.cutimeNs)), 16)
  if (a[0] && !p.mm.write(a[0], b)) return -Errno.EFAULT
  return tick(lx.now())
}

/** getrusage(who, usage): ru_utime of the process (or RUSAGE_CHILDREN: the reaped children); the rest is 0. */
export function getrusage(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const b = new Uint8Array(144)
  const ut = int(a[0]) === -1 ? p.cutimeNs : processCpuNs(p)
  b.set(timeval(ut), 0)
  return p.mm.write(a[1], b) ? 0 : -Errno.EFAULT
}
