/**
 * Waiting for several files (Linux's fs/select.c): ppoll and pselect6 ask
 * every file's poll() and, when none is ready, sleep on all their wait
 * queues (and the timeout); the call is made again when any wakes. The
 * deadline is kept across those retries.
 */
import type { Lx } from '../lx'
import type { LinuxThread, Process } from '../core/process'
import { BLOCKED, int, type SyscallArgs, type SyscallResult } from '../core/syscall'
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, type WaitQueue } from './vfs/types'
import { Errno } from '../uapi'

/**
 * How a call gives its timeout: ppoll and pselect6 a relative timespec,
 * select (x86-64's legacy call) a timeval, both by address (0: none); poll
 * milliseconds by value (negative: none).
 */
const enum Timeout { Timespec, Timeval, Millis }

/** The deadline of a timeout argument, or null when it cannot be read. */
function deadlineFrom(lx: Lx, p: Process, arg: number, kind: Timeout): number | null {
  if (kind === Timeout.Millis) return arg < 0 ? Infinity : lx.now() + arg * 1e6
  if (!arg) return Infinity
  const b = p.mm.read(arg, 16)
  if (!b) return null
  const dv = new DataView(b.buffer)
  const frac = Number(dv.getBigInt64(8, true))
  return lx.now() + Number(dv.getBigInt64(0, true)) * 1e9 + (kind === Timeout.Timeval ? frac * 1000 : frac)
}

/** ppoll(fds, nfds, timeout, sigmask, sigsetsize): the mask is not applied. */
export function ppoll(lx: Lx, t: LinuxThread, a: SyscallArgs): SyscallResult {
  return pollFds(lx, t, a[0], a[1], a[2], Timeout.Timespec)
}

/** poll(fds, nfds, timeout_ms) */
export function poll(lx: Lx, t: LinuxThread, a: SyscallArgs): SyscallResult {
  return pollFds(lx, t, a[0], a[1], int(a[2]), Timeout.Millis)
}

function pollFds(lx: Lx, t: LinuxThread, fds: number, nfds: number, timeout: number, kind: Timeout): SyscallResult {
  const p = t.process
  const n = nfds >>> 0
  if (n > 1024) return -Errno.EINVAL
  const raw = p.mm.read(fds, n * 8)
  if (!raw) return -Errno.EFAULT
  const dv = new DataView(raw.buffer)
  if (t.pollDeadline === null) {
    const d = deadlineFrom(lx, p, timeout, kind)
    if (d === null) return -Errno.EFAULT
    t.pollDeadline = d
  }
  let ready = 0
  const queues: WaitQueue[] = []
  for (let i = 0; i < n; i++) {
    const fdn = dv.getInt32(i * 8, true)
    const events = dv.getInt16(i * 8 + 4, true)
    let rev = 0
    if (fdn >= 0) {
      const f = p.files.get(fdn)
      if (!f) rev = POLLNVAL
      else {
        rev = f.poll() & (events | POLLERR | POLLHUP)
        queues.push(f.waitq)
      }
    }
    dv.setInt16(i * 8 + 6, rev, true)
    if (rev) ready++
  }
  if (ready > 0 || lx.now() >= t.pollDeadline) {
    t.pollDeadline = null
    return p.mm.write(fds, raw) ? ready : -Errno.EFAULT
  }
  lx.sched.sleepOn(t, queues, t.pollDeadline)
  return BLOCKED
}

/** pselect6(nfds, readfds, writefds, exceptfds, timeout, sigmask): the mask is not applied. */
export function pselect6(lx: Lx, t: LinuxThread, a: SyscallArgs): SyscallResult {
  return selectFds(lx, t, a, Timeout.Timespec)
}

/** select(nfds, readfds, writefds, exceptfds, timeout): a timeval, which Linux updates (here it is left as it was). */
export function select(lx: Lx, t: LinuxThread, a: SyscallArgs): SyscallResult {
  return selectFds(lx, t, a, Timeout.Timeval)
}

function selectFds(lx: Lx, t: LinuxThread, a: SyscallArgs, kind: Timeout): SyscallResult {
  const p = t.process
  const n = a[0] | 0
  if (n < 0 || n > 1024) return -Errno.EINVAL
  const bytes = Math.ceil(n / 64) * 8
  const sets = [a[1], a[2], a[3]].map((addr) => (addr ? p.mm.read(addr, bytes) : null))
  if ((a[1] && !sets[0]) || (a[2] && !sets[1]) || (a[3] && !sets[2])) return -Errno.EFAULT
  if (t.pollDeadline === null) {
    const d = deadlineFrom(lx, p, a[4], kind)
    if (d === null) return -Errno.EFAULT
    t.pollDeadline = d
  }
  const out = sets.map((s) => (s ? new Uint8Array(s.length) : null))
  let ready = 0
  const queues: WaitQueue[] = []
  for (let fdn = 0; fdn < n; fdn++) {
    const bit = (s: Uint8Array | null) => s !== null && (s[fdn >> 3] & (1 << (fdn & 7))) !== 0
    const want = [bit(sets[0]), bit(sets[1]), bit(sets[2])]
    if (!want.some(Boolean)) continue
    const f = p.files.get(fdn)
    if (!f) return -Errno.EBADF
    const ev = f.poll()
    queues.push(f.waitq)
    const got = [want[0] && (ev & (POLLIN | POLLHUP | POLLERR)) !== 0, want[1] && (ev & (POLLOUT | POLLERR)) !== 0, want[2] && (ev & POLLPRI) !== 0]
    got.forEach((g, i) => {
      if (g) {
        out[i]![fdn >> 3] |= 1 << (fdn & 7)
        ready++
      }
    })
  }
  if (ready > 0 || lx.now() >= t.pollDeadline) {
    t.pollDeadline = null
    for (let i = 0; i < 3; i++) if (sets[i] && !p.mm.write([a[1], a[2], a[3]][i], out[i]!)) return -Errno.EFAULT
    return ready
  }
  lx.sched.sleepOn(t, queues, t.pollDeadline)
  return BLOCKED
}
