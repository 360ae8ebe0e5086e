/**
 * Signals as Linux defines them for every architecture: default actions
 * (kernel/signal.c's sig_kernel_* sets), sigaction flags
 * (asm-generic/signal-defs.h), what a queued signal carries, and sets as
 * 64-bit masks (bit sig-1).
 */
import { Sig } from '../uapi'

export const enum SigAct {
  Term,
  Core,
  Ignore,
  Stop,
  Cont,
}

export function defaultAction(sig: number): SigAct {
  switch (sig) {
    case Sig.QUIT:
    case Sig.ILL:
    case Sig.TRAP:
    case Sig.ABRT:
    case Sig.BUS:
    case Sig.FPE:
    case Sig.SEGV:
    case Sig.XCPU:
    case Sig.XFSZ:
    case Sig.SYS:
      return SigAct.Core
    case Sig.CHLD:
    case Sig.URG:
    case Sig.WINCH:
      return SigAct.Ignore
    case Sig.CONT:
      return SigAct.Cont
    case Sig.STOP:
    case Sig.TSTP:
    case Sig.TTIN:
    case Sig.TTOU:
      return SigAct.Stop
    default:
      return SigAct.Term
  }
}

export const SA_NOCLDSTOP = 1
export const SA_NOCLDWAIT = 2
export const SA_SIGINFO = 4
export const SA_ONSTACK = 0x08000000
export const SA_RESTORER = 0x04000000
export const SA_RESTART = 0x10000000
export const SA_NODEFER = 0x40000000
export const SA_RESETHAND = 0x80000000

export function sigbit(sig: number): bigint {
  return 1n << BigInt(sig - 1)
}
/** SIGKILL and SIGSTOP can be neither blocked nor caught. */
export const UNBLOCKABLE = sigbit(Sig.KILL) | sigbit(Sig.STOP)

/** The action of one signal (struct k_sigaction). */
export interface SigAction {
  /** 0 = SIG_DFL, 1 = SIG_IGN, else the handler's address. */
  handler: number
  flags: number
  restorer: number
  /** Bits 1..64 of sa_mask, as a bigint (64 signals). */
  mask: bigint
}

export function defaultSigAction(): SigAction {
  return { handler: 0, flags: 0, restorer: 0, mask: 0n }
}

/** What a pending signal carries (the part of siginfo lx fills). */
export interface SigInfo {
  signo: number
  code: number
  /** si_pid/si_uid for kill, si_addr for faults, si_status for SIGCHLD. */
  pid?: number
  uid?: number
  addr?: number
  status?: number
}
