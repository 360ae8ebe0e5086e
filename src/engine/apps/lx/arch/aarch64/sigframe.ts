/**
 * Signal frames for aarch64, laid out as Linux's arch/arm64/kernel/signal.c
 * does: struct rt_sigframe { siginfo (128 bytes); ucontext } with the
 * sigcontext (fault_address, x0–x30, sp, pc, pstate) and an FPSIMD record
 * (magic 0x46508001, size 528: fpsr, fpcr, v0–v31) in its reserved area,
 * followed by a frame record {fp, lr}. rt_sigreturn reads it back.
 */
import type { Aarch64Regs } from '../../../../kernel/uapi'
import type { Mm } from '../../mm/mm'
import type { SigInfo } from '../../core/signal-defs'
import type { FrameStack, SigReturn } from '../arch'

const SIGINFO = 0
const UC = 128
const UC_STACK = UC + 16
const UC_SIGMASK = UC + 40
const MCONTEXT = 304
const MC_REGS = MCONTEXT + 8
const MC_SP = MC_REGS + 31 * 8
const MC_PC = MC_SP + 8
const MC_PSTATE = MC_PC + 8
const MC_RESERVED = 592
const FPSIMD_MAGIC = 0x46508001
const FPSIMD_SIZE = 528
const FRAME_SIZE = MC_RESERVED + 4096
/** The frame record {fp, lr} after the sigframe. */
const FRAME_RECORD = FRAME_SIZE

function put64(dv: DataView, off: number, v: number | bigint): void {
  const b = typeof v === 'bigint' ? BigInt.asUintN(64, v) : BigInt.asUintN(64, BigInt(Math.trunc(v)))
  dv.setBigUint64(off, b, true)
}

/**
 * Pushes a signal frame for `info` on the thread's stack (or returns null
 * when the stack is not writable: the caller then kills with SIGSEGV), and
 * points the registers at the handler.
 */
export function pushFrame(mm: Mm, ctx: Aarch64Regs, info: SigInfo, handler: number, restorer: number, oldMask: bigint, siginfoFlag: boolean, stack: FrameStack): boolean {
  const sp0 = stack.top
  const frameBytes = FRAME_SIZE + 16
  const sp = Math.floor((sp0 - frameBytes) / 16) * 16
  const buf = new Uint8Array(frameBytes)
  const dv = new DataView(buf.buffer)
  // siginfo: si_signo, si_errno, si_code, then the union at 16.
  dv.setInt32(SIGINFO, info.signo, true)
  dv.setInt32(SIGINFO + 8, info.code, true)
  if (info.addr !== undefined) put64(dv, SIGINFO + 16, info.addr)
  else {
    dv.setInt32(SIGINFO + 16, info.pid ?? 0, true)
    dv.setInt32(SIGINFO + 20, info.uid ?? 0, true)
    if (info.status !== undefined) dv.setInt32(SIGINFO + 24, info.status, true)
  }
  // ucontext: flags, link, stack (the alternate stack as the interrupted code saw it), sigmask.
  buf.set(stack.ucStack, UC_STACK)
  put64(dv, UC_SIGMASK, oldMask)
  put64(dv, MCONTEXT, info.addr ?? 0)
  for (let i = 0; i < 31; i++) put64(dv, MC_REGS + i * 8, ctx.x(i))
  put64(dv, MC_SP, ctx.sp)
  put64(dv, MC_PC, ctx.pc)
  put64(dv, MC_PSTATE, ctx.nzcv)
  dv.setUint32(MC_RESERVED, FPSIMD_MAGIC, true)
  dv.setUint32(MC_RESERVED + 4, FPSIMD_SIZE, true)
  dv.setUint32(MC_RESERVED + 8, ctx.fpsr, true)
  dv.setUint32(MC_RESERVED + 12, ctx.fpcr, true)
  buf.set(ctx.vregs(), MC_RESERVED + 16)
  // The terminating record (magic 0, size 0) follows; the buffer is zero there.
  put64(dv, FRAME_RECORD, ctx.x(29))
  put64(dv, FRAME_RECORD + 8, ctx.x(30))
  if (!mm.write(sp, buf)) return false
  ctx.setXNum(0, info.signo)
  ctx.setXNum(1, siginfoFlag ? sp + SIGINFO : 0)
  ctx.setXNum(2, siginfoFlag ? sp + UC : 0)
  ctx.setX(29, BigInt(sp + FRAME_RECORD))
  ctx.setX(30, BigInt(restorer))
  ctx.setSp(BigInt(sp))
  ctx.setPc(BigInt(handler))
  return true
}

/** rt_sigreturn: restores registers and mask from the frame at SP; the mask, or null for a bad frame. */
export function popFrame(mm: Mm, ctx: Aarch64Regs): SigReturn | null {
  const sp = Number(ctx.sp)
  const buf = mm.read(sp, FRAME_SIZE)
  if (!buf) return null
  const dv = new DataView(buf.buffer)
  const ucStack = buf.slice(UC_STACK, UC_STACK + 24)
  for (let i = 0; i < 31; i++) ctx.setX(i, dv.getBigUint64(MC_REGS + i * 8, true))
  ctx.setSp(dv.getBigUint64(MC_SP, true))
  ctx.setPc(dv.getBigUint64(MC_PC, true))
  ctx.setNzcv(Number(dv.getBigUint64(MC_PSTATE, true) & 0xf0000000n))
  if (dv.getUint32(MC_RESERVED, true) === FPSIMD_MAGIC) {
    ctx.setFpsr(dv.getUint32(MC_RESERVED + 8, true))
    ctx.setFpcr(dv.getUint32(MC_RESERVED + 12, true))
    ctx.vregs().set(buf.subarray(MC_RESERVED + 16, MC_RESERVED + 16 + 512))
  }
  return { mask: dv.getBigUint64(UC_SIGMASK, true), ucStack }
}

/** The signal trampoline lx maps into processes whose handlers have no SA_RESTORER: mov x8, #139; svc #0. */
export const SIGTRAMP = new Uint8Array([0x68, 0x11, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4])
/** Below every executable, above mmap_min_addr: no collision with what programs map. */
export const SIGTRAMP_ADDR = 0x10000
/** arm64's MINSIGSTKSZ. */
export const MINSIGSTKSZ = 5120
