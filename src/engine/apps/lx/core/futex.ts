/**
 * Futexes (kernel/futex/): a thread waits on a user word while it holds an
 * expected value, and another wakes waiters by address. Keys are (address
 * space, address), so threads of one process share them and fork's copy
 * does not; waiters are woken in the order they came.
 */
import type { Lx } from '../lx'
import type { LinuxThread, Process } from './process'
import { BLOCKED, int, type SyscallArgs, type SyscallResult } from './syscall'
import { WaitQueue } from '../fs/vfs/types'
import { Errno, Futex } from '../uapi'

/** lx's futexes: a wait queue and the waiting threads per key. */
export class Futexes {
  readonly queues = new Map<string, WaitQueue>()
  readonly waiters = new Map<string, LinuxThread[]>()

  /** `t` waits no more (a signal interrupted its wait). */
  forget(t: LinuxThread): void {
    for (const w of this.waiters.values()) {
      const i = w.indexOf(t)
      if (i >= 0) w.splice(i, 1)
    }
  }
}

const keyOf = (p: Process, addr: number): string => `${p.mm.task}:${addr}`

function futexQueue(lx: Lx, p: Process, addr: number): WaitQueue {
  const key = keyOf(p, addr)
  let q = lx.futexes.queues.get(key)
  if (!q) lx.futexes.queues.set(key, (q = new WaitQueue()))
  return q
}

/** Wakes up to `n` waiters on `addr`; how many woke. */
export function futexWake(lx: Lx, p: Process, addr: number, n: number): number {
  const key = keyOf(p, addr)
  const q = lx.futexes.queues.get(key)
  if (!q) return 0
  const waiters = lx.futexes.waiters.get(key) ?? []
  let woken = 0
  while (woken < n && waiters.length > 0) {
    const th = waiters.shift()!
    th.futexWoken = true
    lx.sched.makeRunnable(th)
    woken++
  }
  if (waiters.length === 0) {
    lx.futexes.waiters.delete(key)
    lx.futexes.queues.delete(key)
  }
  return woken
}

function removeFutexWaiter(lx: Lx, p: Process, addr: number, t: LinuxThread): void {
  const w = lx.futexes.waiters.get(keyOf(p, addr))
  if (!w) return
  const i = w.indexOf(t)
  if (i >= 0) w.splice(i, 1)
}

/** futex(uaddr, op, val, timeout, uaddr2, val3) */
export function futex(lx: Lx, t: LinuxThread, a: SyscallArgs): SyscallResult {
  const addr = a[0]
  const op = int(a[1])
  const val = a[2] >>> 0
  const timeout = a[3]
  const val3 = a[5]
  const p = t.process
  const cmd = op & ~(Futex.PrivateFlag | Futex.ClockRealtime)
  if (addr % 4) return -Errno.EINVAL
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
        return -Errno.ETIMEDOUT
      }
      const cur = p.mm.read(addr, 4)
      if (!cur) return -Errno.EFAULT
      if (new DataView(cur.buffer).getUint32(0, true) !== val >>> 0) return -Errno.EAGAIN
      let deadline = Infinity
      if (timeout) {
        const b = p.mm.read(timeout, 16)
        if (!b) return -Errno.EFAULT
        const dv = new DataView(b.buffer)
        const ns = Number(dv.getBigInt64(0, true)) * 1e9 + Number(dv.getBigInt64(8, true))
        deadline = cmd === Futex.WaitBitset ? (op & Futex.ClockRealtime ? ns - lx.realtimeBaseNs : ns + lx.bootNs) : lx.now() + ns
        t.blockedDeadline = deadline
      }
      const key = keyOf(p, addr)
      const waiters = lx.futexes.waiters.get(key) ?? []
      if (!waiters.includes(t)) waiters.push(t)
      lx.futexes.waiters.set(key, waiters)
      lx.sched.sleepOn(t, [futexQueue(lx, p, addr)], deadline)
      return BLOCKED
    }
    case Futex.Wake:
    case Futex.WakeBitset:
      return futexWake(lx, p, addr, val)
    case Futex.Requeue:
    case Futex.CmpRequeue:
      return futexWake(lx, p, addr, val) + futexWake(lx, p, val3, 0)
    default:
      return -Errno.ENOSYS
  }
}
