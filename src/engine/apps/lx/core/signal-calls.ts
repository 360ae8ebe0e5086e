/**
 * The signal system calls (kernel/signal.c): sending (kill, tkill,
 * tgkill), actions and masks (rt_sigaction, rt_sigprocmask,
 * rt_sigpending), waiting (rt_sigsuspend), returning from a handler
 * (rt_sigreturn) and alternate stacks (sigaltstack). Delivery is
 * signals.ts; struct sigaction and sigset_t are the same on every 64-bit
 * architecture.
 */
import type { Lx } from '../lx'
import type { LinuxThread, Process } from './process'
import { BLOCKED, int, type SyscallArgs, type SyscallResult } from './syscall'
import { sigbit, UNBLOCKABLE } from './signal-defs'
import { signalProcess, signalThread, sigreturn } from './signals'
import { sigaltstack as setSigaltstack } from './altstack'
import { u64Bytes } from './uaccess'
import { Errno, Sig } from '../uapi'

/** kill(pid, sig) */
export function kill(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const sender = t.process
  const pid = int(a[0])
  const sig = int(a[1])
  if (sig < 0 || sig > 64) return -Errno.EINVAL
  const targets = [...lx.procs.values()].filter((q) => !q.zombie && (pid > 0 ? q.pid === pid : pid === 0 ? q.pgid === sender.pgid : pid === -1 ? q.pid !== 1 && q !== sender : q.pgid === -pid))
  if (targets.length === 0) return -Errno.ESRCH
  if (sig) for (const q of targets) signalProcess(lx, q, sig, { pid: sender.pid, uid: sender.uid, code: 0 })
  return 0
}

/** A signal to one thread, of process `tgid` (null: of any, as tkill). */
function threadKill(lx: Lx, sender: Process, tgid: number | null, tid: number, sig: number): number {
  const target = lx.threads.get(tid)
  if (!target || (tgid !== null && target.process.pid !== tgid)) return -Errno.ESRCH
  if (sig < 0 || sig > 64) return -Errno.EINVAL
  if (sig) signalThread(lx, target, sig, { pid: sender.pid, uid: sender.uid, code: -6 })
  return 0
}

/** tkill(tid, sig) */
export function tkill(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return threadKill(lx, t.process, null, int(a[0]), int(a[1]))
}

/** tgkill(tgid, tid, sig) */
export function tgkill(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return threadKill(lx, t.process, int(a[0]), int(a[1]), int(a[2]))
}

/** rt_sigaction(sig, act, oldact, sigsetsize) */
export function rt_sigaction(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const sig = int(a[0])
  const act = a[1]
  const old = a[2]
  if (sig < 1 || sig > 64 || a[3] !== 8) return -Errno.EINVAL
  if (old) {
    const o = p.actions[sig]
    const b = new Uint8Array(32)
    const dv = new DataView(b.buffer)
    dv.setBigUint64(0, BigInt(o.handler), true)
    dv.setBigUint64(8, BigInt(o.flags >>> 0), true)
    dv.setBigUint64(16, BigInt(o.restorer), true)
    dv.setBigUint64(24, o.mask, true)
    if (!p.mm.write(old, b)) return -Errno.EFAULT
  }
  if (act) {
    if (sig === Sig.KILL || sig === Sig.STOP) return -Errno.EINVAL
    const b = p.mm.read(act, 32)
    if (!b) return -Errno.EFAULT
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

/** rt_sigprocmask(how, set, oldset, sigsetsize) */
export function rt_sigprocmask(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const mm = t.process.mm
  const how = int(a[0])
  if (a[2] && !mm.write(a[2], u64Bytes(t.sigmask))) return -Errno.EFAULT
  if (a[1]) {
    const b = mm.read(a[1], 8)
    if (!b) return -Errno.EFAULT
    const set = new DataView(b.buffer).getBigUint64(0, true) & ~UNBLOCKABLE
    if (how === 0) t.sigmask |= set
    else if (how === 1) t.sigmask &= ~set
    else if (how === 2) t.sigmask = set
    else return -Errno.EINVAL
  }
  return 0
}

/** rt_sigpending(set, sigsetsize): the pending signals the thread blocks. */
export function rt_sigpending(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return t.process.mm.write(a[0], u64Bytes((t.pending | t.process.pending) & t.sigmask)) ? 0 : -Errno.EFAULT
}

/**
 * rt_sigsuspend(mask, sigsetsize): sleeps with `mask` until a signal comes;
 * the old mask is back after the handler. It never restarts once a handler
 * ran (-ERESTARTNOHAND).
 */
export function rt_sigsuspend(lx: Lx, t: LinuxThread, a: SyscallArgs): SyscallResult {
  const b = t.process.mm.read(a[0], 8)
  if (!b) return -Errno.EFAULT
  t.savedMask = t.sigmask
  t.sigmask = new DataView(b.buffer).getBigUint64(0, true) & ~UNBLOCKABLE
  lx.sched.sleepOn(t, [], Infinity, 'nohand')
  return BLOCKED
}

/** pause() (x86-64's legacy call): sleeps until a signal runs a handler or ends the process; never restarts. */
export function pause(lx: Lx, t: LinuxThread): SyscallResult {
  lx.sched.sleepOn(t, [], Infinity, 'nohand')
  return BLOCKED
}

/** rt_sigreturn(): the registers of the interrupted code, from the frame. */
export function rt_sigreturn(lx: Lx, t: LinuxThread): SyscallResult {
  sigreturn(lx, t)
  return 'noreturn'
}

/** sigaltstack(ss, old_ss) */
export function sigaltstack(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return setSigaltstack(t.altStack, t.process.mm, lx.cpu.stackPointer(), a[0], a[1], lx.arch.minSigStackSize)
}
