/**
 * The x86-64 registers of lx's vCPU as Linux's entry_SYSCALL_64 uses them:
 * `syscall` with the number in RAX, arguments in RDI, RSI, RDX, R10, R8,
 * R9 (R10 for the fourth: SYSCALL itself takes RCX for the return RIP and
 * R11 for RFLAGS), the result in RAX — so a restart needs the number as it
 * was on entry (orig_ax) — and the thread pointer in the FS base.
 */
import type { X86_64Regs } from '../../../../kernel/uapi'
import { Errno } from '../../uapi'
import type { Mm } from '../../mm/mm'
import type { SigInfo } from '../../core/signal-defs'
import type { FrameStack, LxCpu, SigReturn } from '../arch'
import { popFrame, pushFrame } from './sigframe'

/** GPR numbers (ModRM order) of the system call's registers. */
const RAX = 0
const RSP = 4
/** The argument registers of the x86-64 system call convention, in order. */
const ARG_REGS = [7, 6, 2, 10, 8, 9] as const
/** SYSCALL is 0F 05. */
const SYSCALL_BYTES = 2

/**
 * GPR `i` as a number: exact below 2^53, and a small negative value (-1,
 * AT_FDCWD) as that negative number (read unsigned it would round).
 */
export function gprArg(r: X86_64Regs, i: number): number {
  const lo = r.u32[i * 2]
  const hi = r.u32[i * 2 + 1]
  if (hi === 0xffffffff && lo & 0x80000000) return lo | 0
  return lo + hi * 4294967296
}

export class X86_64Cpu implements LxCpu {
  constructor(readonly r: X86_64Regs) {}

  snapshot(): Uint8Array {
    return this.r.snapshot()
  }

  restore(regs: Uint8Array): void {
    this.r.restore(regs)
  }

  syscallNr(): number {
    // As do_syscall_64: the number is EAX as a signed int; the upper half is ignored.
    return this.r.u32[RAX * 2] | 0
  }

  readArgs(out: number[]): void {
    for (let i = 0; i < 6; i++) out[i] = gprArg(this.r, ARG_REGS[i])
  }

  setReturn(v: number): void {
    this.r.setGprNum(RAX, v)
  }

  returnsEintr(): boolean {
    return gprArg(this.r, RAX) === -Errno.EINTR
  }

  restartSyscall(origNr: number, _origArg0: number): void {
    const r = this.r
    // RDI (the first argument) is never overwritten; RAX holds the result by now.
    r.setGprNum(RAX, origNr)
    r.setPc(r.pc - BigInt(SYSCALL_BYTES))
  }

  stackPointer(): number {
    return this.r.gprNum(RSP)
  }

  startThread(pc: number, sp: number): void {
    // start_thread: every register zero (RDX too: no atexit function for static programs), FS/GS base 0.
    const r = this.r
    r.reset()
    r.setSp(BigInt(sp))
    r.setPc(BigInt(pc))
  }

  childRegs(stack: number, tls: number | null): Uint8Array {
    const r = this.r
    const saved = r.snapshot()
    r.setGprNum(RAX, 0)
    if (stack) r.setSp(BigInt(stack))
    if (tls !== null) r.setFsBase(BigInt(tls))
    const child = r.snapshot()
    r.restore(saved)
    return child
  }

  pushSignalFrame(mm: Mm, info: SigInfo, handler: number, restorer: number, oldMask: bigint, _siginfo: boolean, stack: FrameStack): boolean {
    return pushFrame(mm, this.r, info, handler, restorer, oldMask, stack)
  }

  popSignalFrame(mm: Mm): SigReturn | null {
    return popFrame(mm, this.r)
  }
}
