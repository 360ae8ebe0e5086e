/**
 * Alternate signal stacks (sigaltstack, SA_ONSTACK), as Linux keeps them per
 * thread: a handler installed with SA_ONSTACK runs on the alternate stack
 * unless the thread is already on it — which is how a program catches the
 * SIGSEGV of its own stack overflow. SS_AUTODISARM clears the setting while
 * the handler runs; rt_sigreturn puts back what the frame's uc_stack says.
 */
import type { Mm } from '../mm/mm'
import { Errno } from '../uapi'

export interface AltStack {
  sp: number
  size: number
  /** SS_AUTODISARM, as given (the mode bits are not kept). */
  flags: number
}

export const SS_ONSTACK = 1
export const SS_DISABLE = 2
export const SS_AUTODISARM = 0x80000000
/** stack_t: ss_sp, ss_flags (int, padded), ss_size. */
export const STACK_T_SIZE = 24

export function noAltStack(): AltStack {
  return { sp: 0, size: 0, flags: 0 }
}

/** on_sig_stack: `sp` lies on the alternate stack (never, under SS_AUTODISARM). */
function onStack(s: AltStack, sp: number): boolean {
  if (s.flags & SS_AUTODISARM) return false
  return sp > s.sp && sp - s.sp <= s.size
}

/** sas_ss_flags: SS_DISABLE, SS_ONSTACK or 0 for a thread at `sp`. */
export function stackState(s: AltStack, sp: number): number {
  if (s.size === 0) return SS_DISABLE
  return onStack(s, sp) ? SS_ONSTACK : 0
}

/** The stack_t a thread at `sp` reads back (and a signal frame's uc_stack holds). */
export function encodeStack(s: AltStack, sp: number): Uint8Array {
  const b = new Uint8Array(STACK_T_SIZE)
  const dv = new DataView(b.buffer)
  dv.setBigUint64(0, BigInt(s.sp), true)
  dv.setUint32(8, (stackState(s, sp) | s.flags) >>> 0, true)
  dv.setBigUint64(16, BigInt(s.size), true)
  return b
}

/** do_sigaltstack with a stack_t already read: 0, or -EPERM / -EINVAL / -ENOMEM (below the architecture's MINSIGSTKSZ). */
export function setAltStack(s: AltStack, sp: number, b: Uint8Array, minSize: number): number {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const ssSp = Number(dv.getBigUint64(0, true))
  const flags = dv.getUint32(8, true)
  const size = Number(dv.getBigUint64(16, true))
  if (onStack(s, sp)) return -Errno.EPERM
  const mode = (flags & ~SS_AUTODISARM) >>> 0
  if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) return -Errno.EINVAL
  if (mode === SS_DISABLE) {
    s.sp = 0
    s.size = 0
    s.flags = 0
    return 0
  }
  if (size < minSize) return -Errno.ENOMEM
  // Any values are kept, as Linux keeps them: a stack outside the process fails when a frame is written there (SIGSEGV).
  s.sp = ssSp
  s.size = size
  s.flags = (flags & SS_AUTODISARM) >>> 0
  return 0
}

/** sigaltstack(ss, old_ss) for a thread at `sp`. */
export function sigaltstack(s: AltStack, mm: Mm, sp: number, ssPtr: number, oldPtr: number, minSize: number): number {
  const old = encodeStack(s, sp)
  if (ssPtr !== 0) {
    const b = mm.read(ssPtr, STACK_T_SIZE)
    if (b === null) return -Errno.EFAULT
    const r = setAltStack(s, sp, b, minSize)
    if (r < 0) return r
  }
  if (oldPtr !== 0 && !mm.write(oldPtr, old)) return -Errno.EFAULT
  return 0
}

/**
 * Where a handler's frame goes (sigsp): the top of the alternate stack for
 * an SA_ONSTACK handler when there is one and the thread is not on it, else
 * below `sp`. Returns the stack top and the uc_stack to save; disarms under
 * SS_AUTODISARM.
 */
export function frameStack(s: AltStack, sp: number, onstack: boolean): { top: number; ucStack: Uint8Array } {
  const ucStack = encodeStack(s, sp)
  if (!onstack || stackState(s, sp) !== 0) return { top: sp, ucStack }
  const top = s.sp + s.size
  if (s.flags & SS_AUTODISARM) {
    s.sp = 0
    s.size = 0
    s.flags = 0
  }
  return { top, ucStack }
}
