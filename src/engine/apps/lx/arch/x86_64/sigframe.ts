/**
 * Signal frames for x86-64, laid out as Linux's arch/x86/kernel/signal.c
 * (x64_setup_rt_frame) does: struct rt_sigframe { pretcode; struct ucontext
 * uc; struct siginfo info } below the FP state, which is an FXSAVE image
 * (512 bytes, 64-byte aligned; no XSAVE header, as on a CPU without XSAVE,
 * which is what CPUID reports). The handler is entered as if called: RSP
 * points at pretcode (the restorer), RSP + 8 is 16-byte aligned. Linux
 * passes the siginfo and ucontext pointers (RSI, RDX) whether or not
 * SA_SIGINFO was asked for. rt_sigreturn finds the frame at RSP − 8, the
 * handler's `ret` having popped pretcode.
 */
import type { X86_64Regs } from '../../../../kernel/uapi'
import type { Mm } from '../../mm/mm'
import type { SigInfo } from '../../core/signal-defs'
import type { FrameStack, SigReturn } from '../arch'

/** struct rt_sigframe */
const PRETCODE = 0
const UC = 8
const UC_FLAGS = UC
const UC_STACK = UC + 16
/** struct sigcontext (uc_mcontext, 256 bytes; glibc's gregs[] in the same order). */
const MC = UC + 40
const MC_RIP = MC + 128
const MC_EFLAGS = MC + 136
const MC_CS = MC + 144
const MC_SS = MC + 150
const MC_TRAPNO = MC + 160
const MC_OLDMASK = MC + 168
const MC_CR2 = MC + 176
const MC_FPSTATE = MC + 184
const UC_SIGMASK = MC + 256
const SIGINFO = UC_SIGMASK + 8
const FRAME_SIZE = SIGINFO + 128

/** sigcontext's r8…r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp as GPR numbers (ModRM order). */
const MC_GPRS = [8, 9, 10, 11, 12, 13, 14, 15, 7, 6, 5, 3, 2, 0, 1, 4] as const

/** struct _fpstate_64: the FXSAVE image (its layout is the register file's business: X86_64Regs.saveFpState). */
const FX_SIZE = 512
/** The user code and stack selectors of x86-64 Linux (__USER_CS, __USER_DS). */
const USER_CS = 0x33
const USER_SS = 0x2b
/** uc_flags: the frame saved SS, and sigreturn restores it strictly (what Linux sets). */
const UC_SIGCONTEXT_SS = 0x2
const UC_STRICT_RESTORE_SS = 0x4
/** The stack below RSP that leaf functions use without moving RSP (the ABI's red zone). */
const RED_ZONE = 128
/** RFLAGS bits sigreturn takes from the frame (FIX_EFLAGS): CF PF AF ZF SF TF DF OF AC RF. */
const FIX_EFLAGS = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x40000 | 0x10000
/** Cleared for the handler: TF, DF, RF. */
const HANDLER_CLEARS = 0x100n | 0x400n | 0x10000n
/** #PF's vector, saved as the trap number of a fault's frame. */
const TRAP_PF = 14

function put64(dv: DataView, off: number, v: number | bigint): void {
  dv.setBigUint64(off, typeof v === 'bigint' ? BigInt.asUintN(64, v) : BigInt.asUintN(64, BigInt(Math.trunc(v))), true)
}

/** Pushes the FP state and the frame for `info`, and points the registers at the handler; false when the stack cannot be written. */
export function pushFrame(mm: Mm, r: X86_64Regs, info: SigInfo, handler: number, restorer: number, oldMask: bigint, stack: FrameStack): boolean {
  const rsp = r.gprNum(4)
  // The red zone is left alone on the interrupted stack; a fresh alternate stack has none.
  const top = stack.top === rsp ? rsp - RED_ZONE : stack.top
  const fx = Math.floor((top - FX_SIZE) / 64) * 64
  const sp = Math.floor((fx - FRAME_SIZE) / 16) * 16 - 8
  const buf = new Uint8Array(fx + FX_SIZE - sp)
  const dv = new DataView(buf.buffer)
  put64(dv, PRETCODE, restorer)
  put64(dv, UC_FLAGS, UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS)
  buf.set(stack.ucStack, UC_STACK)
  for (let i = 0; i < MC_GPRS.length; i++) put64(dv, MC + i * 8, r.gpr(MC_GPRS[i]))
  put64(dv, MC_RIP, r.pc)
  put64(dv, MC_EFLAGS, r.rflags)
  dv.setUint16(MC_CS, USER_CS, true)
  dv.setUint16(MC_SS, USER_SS, true)
  if (info.addr !== undefined) {
    put64(dv, MC_TRAPNO, TRAP_PF)
    put64(dv, MC_CR2, info.addr)
  }
  put64(dv, MC_OLDMASK, oldMask & 0xffff_ffffn)
  put64(dv, MC_FPSTATE, fx)
  put64(dv, UC_SIGMASK, oldMask)
  // siginfo: si_signo, si_errno, si_code, then the union at 16.
  dv.setInt32(SIGINFO, info.signo, true)
  dv.setInt32(SIGINFO + 8, info.code, true)
  if (info.addr !== undefined) put64(dv, SIGINFO + 16, info.addr)
  else {
    dv.setInt32(SIGINFO + 16, info.pid ?? 0, true)
    dv.setInt32(SIGINFO + 20, info.uid ?? 0, true)
    if (info.status !== undefined) dv.setInt32(SIGINFO + 24, info.status, true)
  }
  r.saveFpState(buf.subarray(fx - sp, fx - sp + FX_SIZE))
  if (!mm.write(sp, buf)) return false
  // The handler starts from the initial FP state, as Linux gives it (fpu__clear_user_states).
  r.resetFpState()
  r.setGprNum(7, info.signo)
  r.setGprNum(6, sp + SIGINFO)
  r.setGprNum(2, sp + UC)
  r.setGprNum(0, 0)
  r.setSp(BigInt(sp))
  r.setPc(BigInt(handler))
  r.setRflags(r.rflags & ~HANDLER_CLEARS)
  return true
}

/** rt_sigreturn: registers, FP state and mask back from the frame below RSP; null for a bad frame. */
export function popFrame(mm: Mm, r: X86_64Regs): SigReturn | null {
  const sp = r.gprNum(4) - 8
  const buf = mm.read(sp, FRAME_SIZE)
  if (!buf) return null
  const dv = new DataView(buf.buffer)
  const fxAddr = Number(dv.getBigUint64(MC_FPSTATE, true))
  // A frame whose FP state cannot be read is bad as a whole (Linux: SIGSEGV), before anything changes.
  const fxBuf = fxAddr !== 0 ? mm.read(fxAddr, FX_SIZE) : null
  if (fxAddr !== 0 && !fxBuf) return null
  for (let i = 0; i < MC_GPRS.length; i++) r.setGpr(MC_GPRS[i], dv.getBigUint64(MC + i * 8, true))
  r.setPc(dv.getBigUint64(MC_RIP, true))
  const fix = BigInt(FIX_EFLAGS)
  r.setRflags((r.rflags & ~fix) | (dv.getBigUint64(MC_EFLAGS, true) & fix))
  if (fxBuf) r.restoreFpState(fxBuf)
  return { mask: dv.getBigUint64(UC_SIGMASK, true), ucStack: buf.slice(UC_STACK, UC_STACK + 24) }
}

/**
 * The trampoline lx maps for handlers installed without SA_RESTORER:
 * mov eax, 15 (rt_sigreturn); syscall. (Linux x86-64 has none and fails
 * such a delivery; glibc always gives a restorer, so only hand-made
 * programs notice.)
 */
export const SIGTRAMP = new Uint8Array([0xb8, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05])
/** Below every executable, above mmap_min_addr: no collision with what programs map. */
export const SIGTRAMP_ADDR = 0x10000
/** x86-64's MINSIGSTKSZ (2048; the kernel asks more only with AVX-512 state, which the core has not). */
export const MINSIGSTKSZ = 2048
