/**
 * Signal delivery, as Linux's kernel/signal.c: sending (to a process or a
 * thread, waking a sleeper that can take it), stopping and continuing
 * process groups, SIGCHLD to the parent, and — before a thread returns to
 * user mode — taking one pending signal: its default action, or a frame
 * for its handler (the frame's layout is the architecture's). A system
 * call the signal interrupted ends in -EINTR or starts again, by SA_RESTART
 * and by how the call restarts (`Restart`).
 */
import type { Lx } from '../lx'
import { CONTINUED_STATUS, signaledStatus, stoppedStatus, type LinuxThread, type Process } from './process'
import { SigAct, SA_NODEFER, SA_ONSTACK, SA_RESETHAND, SA_RESTART, SA_RESTORER, SA_SIGINFO, UNBLOCKABLE, defaultAction, defaultSigAction, sigbit, type SigInfo } from './signal-defs'
import { frameStack, setAltStack } from './altstack'
import { exitGroupNow } from './exit'
import { Errno, Sig } from '../uapi'

/** Sends a signal to a process (one of its threads that does not block it takes it). */
export function signalProcess(lx: Lx, p: Process, sig: number, info: Partial<SigInfo> = {}): void {
  if (sig <= 0 || sig > 64 || p.zombie) return
  if (sig === Sig.CONT) continueProcess(lx, p)
  if (sig === Sig.STOP || sig === Sig.TSTP || sig === Sig.TTIN || sig === Sig.TTOU) p.pending &= ~sigbit(Sig.CONT)
  const act = p.actions[sig]
  if (act.handler === 1 && sig !== Sig.KILL && sig !== Sig.STOP) return
  if (act.handler === 0 && defaultAction(sig) === SigAct.Ignore) return
  p.pending |= sigbit(sig)
  p.pendingInfo.set(sig, { signo: sig, code: info.code ?? 0, ...info })
  // Wake a thread that can take it, interrupting its sleep.
  for (const t of p.threads) {
    if (t.state === 'zombie') continue
    if ((t.sigmask & sigbit(sig)) === 0n || sigbit(sig) & UNBLOCKABLE) {
      if (t.state === 'sleeping') interrupt(lx, t, sig === Sig.KILL)
      if (sig === Sig.KILL) for (const u of p.threads) if (u.state === 'sleeping') interrupt(lx, u, true)
      break
    }
  }
}

export function signalThread(lx: Lx, t: LinuxThread, sig: number, info: Partial<SigInfo> = {}): void {
  if (sig <= 0 || sig > 64) return
  const act = t.process.actions[sig]
  if (act.handler === 0 && defaultAction(sig) === SigAct.Ignore && sig !== Sig.CONT) return
  t.pending |= sigbit(sig)
  t.process.pendingInfo.set(sig, { signo: sig, code: info.code ?? 0, ...info })
  if (t.state === 'sleeping' && ((t.sigmask & sigbit(sig)) === 0n || sigbit(sig) & UNBLOCKABLE)) interrupt(lx, t, sig === Sig.KILL)
}

/** kill(-pgrp, sig), for the tty's ^C / ^Z / ^\\ and SIGWINCH. */
export function killPgrp(lx: Lx, pgrp: number, sig: number): void {
  for (const p of lx.procs.values()) if (p.pgid === pgrp && !p.zombie) signalProcess(lx, p, sig, { code: 0x80 })
}

/** Has `t` a pending signal it does not block (signal_pending)? Ignored signals are never queued. */
export function signalPending(t: LinuxThread): boolean {
  return ((t.pending | t.process.pending) & (~t.sigmask | UNBLOCKABLE)) !== 0n
}

/**
 * A system call that a signal interrupted, when no handler runs for it
 * (the signal was ignored, continued or stopped the process), starts
 * again, as Linux restarts -ERESTARTSYS / -ERESTARTNOHAND calls; the mask
 * rt_sigsuspend replaced comes back first.
 */
function restartInterrupted(lx: Lx, t: LinuxThread): void {
  if (t.interrupted === null) return
  const cpu = lx.cpu
  if (cpu.returnsEintr()) {
    cpu.restartSyscall(t.origNr, t.origArg0)
    if (t.savedMask !== null) {
      t.sigmask = t.savedMask
      t.savedMask = null
    }
  }
  t.interrupted = null
}

/**
 * A sleeping thread is interrupted by a signal: its system call ends with
 * -EINTR (or restarts, SA_RESTART). A vfork parent waits on, unless the
 * signal is fatal (Linux's vfork wait is killable only): the child uses its
 * memory until it execs or exits; the signal is taken after.
 */
export function interrupt(lx: Lx, t: LinuxThread, fatal = false): void {
  // vforkChild is set only while the parent sleeps in clone's wait for the child (or is about to retry).
  if (!fatal && t.blockedOn !== null && t.vforkChild !== 0) return
  const restart = t.blockedOn?.restart ?? null
  lx.sched.makeRunnable(t)
  lx.restartPending.delete(t)
  t.wakeResult = -Errno.EINTR
  t.interrupted = restart
  if (t.ioDone > 0) {
    // A write that already moved bytes returns their count, and is not restarted (pipe_write).
    t.wakeResult = t.ioDone
    t.interrupted = null
    t.ioDone = 0
  }
  t.blockedDeadline = null
  t.pollDeadline = null
  t.futexWoken = false
  lx.futexes.forget(t)
}

/** A synchronous fault signal: delivered now; if blocked or ignored, the process dies of it. */
export function force(t: LinuxThread, sig: number, code: number, addr: number): void {
  const p = t.process
  if (t.sigmask & sigbit(sig) || p.actions[sig].handler === 1) {
    p.actions[sig] = defaultSigAction()
    t.sigmask &= ~sigbit(sig)
  }
  t.pending |= sigbit(sig)
  p.pendingInfo.set(sig, { signo: sig, code, addr })
}

function continueProcess(lx: Lx, p: Process): void {
  p.pending &= ~(sigbit(Sig.STOP) | sigbit(Sig.TSTP) | sigbit(Sig.TTIN) | sigbit(Sig.TTOU))
  if (!p.stopped) return
  p.stopped = false
  p.stopReport = CONTINUED_STATUS
  for (const t of p.threads) if (t.state === 'stopped') lx.sched.makeRunnable(t)
  notifyParent(lx, p, Sig.CONT)
}

function stopProcess(lx: Lx, p: Process, sig: number): void {
  p.stopped = true
  p.stopReport = stoppedStatus(sig)
  for (const t of p.threads) if (t.state === 'runnable') {
    t.state = 'stopped'
    lx.sched.dequeue(t)
  }
  notifyParent(lx, p, sig)
}

/** SIGCHLD to the parent (unless it asked not to for stops) and a wakeup of its wait4. */
export function notifyParent(lx: Lx, p: Process, cause: number): void {
  const parent = p.parent
  if (!parent) return
  const stopOrCont = cause === Sig.STOP || cause === Sig.TSTP || cause === Sig.TTIN || cause === Sig.TTOU || cause === Sig.CONT
  if (!(stopOrCont && parent.actions[Sig.CHLD].flags & 1)) signalProcess(lx, parent, Sig.CHLD, { pid: p.pid, code: stopOrCont ? (cause === Sig.CONT ? 6 : 5) : 1 })
  parent.childWait.wakeAll()
}

/**
 * Before a thread returns to user mode: takes one unblocked pending signal
 * and acts on it — default action, or a frame for its handler. Returns
 * true when the thread no longer runs (it died or stopped).
 */
export function deliverSignals(lx: Lx, t: LinuxThread): boolean {
  const p = t.process
  for (;;) {
    const avail = (t.pending | p.pending) & (~t.sigmask | UNBLOCKABLE)
    if (avail === 0n) {
      restartInterrupted(lx, t)
      return false
    }
    let sig = 1
    while (!(avail & sigbit(sig))) sig++
    if (t.pending & sigbit(sig)) t.pending &= ~sigbit(sig)
    else p.pending &= ~sigbit(sig)
    const info = p.pendingInfo.get(sig) ?? { signo: sig, code: 0 }
    const act = p.actions[sig]
    if (act.handler === 1) continue
    if (act.handler === 0) {
      const a = defaultAction(sig)
      if (a === SigAct.Ignore || a === SigAct.Cont) continue
      if (a === SigAct.Stop) {
        restartInterrupted(lx, t)
        stopProcess(lx, p, sig)
        return true
      }
      // Term or Core: the whole group dies of the signal.
      if (sig === Sig.SEGV || sig === Sig.BUS || sig === Sig.ILL) lx.log(`lx: ${p.comm}[${p.pid}]: ${signalName(sig)} at 0x${(info.addr ?? 0).toString(16)}`)
      exitGroupNow(lx, t, signaledStatus(sig, a === SigAct.Core))
      return true
    }
    // A handler: restart or fail the interrupted system call, then build the frame. (The
    // run loop has put a woken thread's result in the register before it delivers.)
    const cpu = lx.cpu
    if (cpu.returnsEintr()) {
      if (act.flags & SA_RESTART && t.interrupted === 'sys') cpu.restartSyscall(t.origNr, t.origArg0)
      t.interrupted = null
    }
    const oldMask = t.savedMask ?? t.sigmask
    t.savedMask = null
    const restorer = act.flags & SA_RESTORER ? act.restorer : lx.arch.sigpage.addr
    const stack = frameStack(t.altStack, cpu.stackPointer(), (act.flags & SA_ONSTACK) !== 0)
    if (!cpu.pushSignalFrame(p.mm, info, act.handler, restorer, oldMask, (act.flags & SA_SIGINFO) !== 0, stack)) {
      exitGroupNow(lx, t, signaledStatus(Sig.SEGV, true))
      return true
    }
    t.sigmask |= act.mask | (act.flags & SA_NODEFER ? 0n : sigbit(sig))
    t.sigmask &= ~UNBLOCKABLE
    if (act.flags & SA_RESETHAND) p.actions[sig] = defaultSigAction()
    return false
  }
}

/** rt_sigreturn: the registers and mask from the frame; a bad frame is SIGSEGV. */
export function sigreturn(lx: Lx, t: LinuxThread): void {
  const cpu = lx.cpu
  const sp = cpu.stackPointer()
  const frame = cpu.popSignalFrame(t.process.mm)
  if (frame === null) {
    force(t, Sig.SEGV, 0, sp)
    return
  }
  t.sigmask = frame.mask & ~UNBLOCKABLE
  // restore_altstack: what uc_stack says, as sigaltstack from the handler's stack (an error changes nothing).
  setAltStack(t.altStack, sp, frame.ucStack, lx.arch.minSigStackSize)
}

export function signalName(sig: number): string {
  const names: Record<number, string> = { 4: 'SIGILL', 5: 'SIGTRAP', 7: 'SIGBUS', 8: 'SIGFPE', 11: 'SIGSEGV' }
  return names[sig] ?? `signal ${sig}`
}
