/**
 * Interval timers (setitimer/getitimer, and so alarm()): ITIMER_REAL counts
 * virtual time and raises SIGALRM, ITIMER_VIRTUAL the process's user time
 * (SIGVTALRM), ITIMER_PROF its user and system time (SIGPROF). lx accounts
 * all of a process's time as user time, so VIRTUAL and PROF count the same
 * clock. A timer with an interval is armed again from its expiry.
 */
import type { Lx } from '../lx'
import type { LxTimer } from './timers'
import type { LinuxThread, Process } from './process'
import { int, type SyscallArgs } from './syscall'
import { signalProcess } from './signals'
import { Errno, Sig } from '../uapi'

export interface Itimer {
  /** When it fires: virtual ns (REAL) or process CPU ns (VIRTUAL, PROF); 0 when disarmed. */
  expiry: number
  interval: number
  /** lx's timer for ITIMER_REAL. */
  timer: LxTimer | null
}

export const ITIMER_REAL = 0
const SIGNAL = [Sig.ALRM, Sig.VTALRM, Sig.PROF]
/** si_code of a signal the kernel sends itself. */
const SI_KERNEL = 0x80
const US = 1000

export function newItimer(): Itimer {
  return { expiry: 0, interval: 0, timer: null }
}

/** The clock a timer of kind `which` counts, in ns. */
function clock(lx: Lx, p: Process, which: number): number {
  return which === ITIMER_REAL ? lx.now() : cpuNs(p)
}

function cpuNs(p: Process): number {
  let n = 0
  for (const t of p.threads) n += t.utimeNs
  return n
}

/** struct itimerval: it_interval, then it_value, each a struct timeval (two i64). */
function encode(intervalNs: number, valueNs: number): Uint8Array {
  const b = new Uint8Array(32)
  const dv = new DataView(b.buffer)
  const put = (at: number, ns: number) => {
    // A timer that is armed never reads as zero (it_value 0 means disarmed): round up to 1 µs.
    const us = Math.ceil(ns / US)
    dv.setBigInt64(at, BigInt(Math.floor(us / 1e6)), true)
    dv.setBigInt64(at + 8, BigInt(us % 1e6), true)
  }
  put(0, intervalNs)
  put(16, valueNs)
  return b
}

/** A struct timeval in ns, or null when it is not one (negative, or microseconds out of range). */
function timeval(b: Uint8Array, at: number): number | null {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const sec = dv.getBigInt64(at, true)
  const usec = dv.getBigInt64(at + 8, true)
  if (sec < 0n || usec < 0n || usec >= 1_000_000n) return null
  return Number(sec) * 1e9 + Number(usec) * US
}

function remaining(lx: Lx, p: Process, which: number): number {
  const it = p.itimers[which]
  return it.expiry === 0 ? 0 : Math.max(1, it.expiry - clock(lx, p, which))
}

/** getitimer(which, curr_value) */
export function getitimer(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const which = int(a[0])
  const out = a[1]
  if (which < 0 || which > 2) return -Errno.EINVAL
  return p.mm.write(out, encode(p.itimers[which].interval, remaining(lx, p, which))) ? 0 : -Errno.EFAULT
}

/** setitimer(which, new_value, old_value) */
export function setitimer(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const which = int(a[0])
  const value = a[1]
  const old = a[2]
  if (which < 0 || which > 2) return -Errno.EINVAL
  let interval = 0
  let first = 0
  // A null new value disarms, as Linux still allows.
  if (value !== 0) {
    const b = p.mm.read(value, 32)
    if (b === null) return -Errno.EFAULT
    const i = timeval(b, 0)
    const v = timeval(b, 16)
    if (i === null || v === null) return -Errno.EINVAL
    interval = i
    first = v
  }
  // As Linux: the new value takes effect even when the old one cannot be written back.
  const previous = encode(p.itimers[which].interval, remaining(lx, p, which))
  arm(lx, p, which, first, interval)
  return old === 0 || p.mm.write(old, previous) ? 0 : -Errno.EFAULT
}

/**
 * alarm(seconds) (x86-64 keeps the call; arm64's libc uses setitimer): arms
 * ITIMER_REAL once, and returns the seconds that were left, rounded to the
 * nearest and at least 1 while one was pending, as Linux's alarm_setitimer.
 */
export function alarm(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const left = remaining(lx, p, ITIMER_REAL)
  arm(lx, p, ITIMER_REAL, (a[0] >>> 0) * 1e9, 0)
  return left === 0 ? 0 : Math.max(1, Math.round(left / 1e9))
}

function arm(lx: Lx, p: Process, which: number, inNs: number, interval: number): void {
  const it = p.itimers[which]
  if (it.timer) it.timer.dead = true
  it.timer = null
  it.interval = inNs === 0 ? 0 : interval
  it.expiry = inNs === 0 ? 0 : clock(lx, p, which) + inNs
  if (it.expiry !== 0 && which === ITIMER_REAL) it.timer = lx.timers.add(it.expiry, () => expire(lx, p, which))
}

function expire(lx: Lx, p: Process, which: number): void {
  const it = p.itimers[which]
  it.timer = null
  if (p.zombie || it.expiry === 0) return
  signalProcess(lx, p, SIGNAL[which], { code: SI_KERNEL })
  if (it.interval === 0) {
    it.expiry = 0
    return
  }
  // Missed periods are not made up: the next expiry is the first one still ahead.
  const now = clock(lx, p, which)
  const next = it.expiry + it.interval
  it.expiry = next > now ? next : now + it.interval
  if (which === ITIMER_REAL) it.timer = lx.timers.add(it.expiry, () => expire(lx, p, which))
}

/** After a process ran: its CPU-time timers fire if their time has come. */
export function chargeCpu(lx: Lx, p: Process): void {
  for (let which = 1; which <= 2; which++) {
    const it = p.itimers[which]
    if (it.expiry !== 0 && cpuNs(p) >= it.expiry) expire(lx, p, which)
  }
}

/**
 * When, in virtual time, the running process's CPU-time timers could fire at
 * the earliest (its CPU time grows at most as fast as virtual time): lx's
 * timer must interrupt the process then, even when nothing else wants the CPU.
 */
export function cpuTimerWake(lx: Lx, p: Process): number {
  let at = Infinity
  for (let which = 1; which <= 2; which++) {
    const it = p.itimers[which]
    if (it.expiry !== 0) at = Math.min(at, lx.now() + Math.max(0, it.expiry - cpuNs(p)))
  }
  return at
}

/** The process is gone: its real-time timer does not fire for it any more. */
export function cancelItimers(p: Process): void {
  for (const it of p.itimers) {
    if (it.timer) it.timer.dead = true
    it.timer = null
    it.expiry = 0
  }
}
