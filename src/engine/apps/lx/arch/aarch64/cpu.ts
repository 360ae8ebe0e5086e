/**
 * The AArch64 registers of lx's vCPU as Linux's arm64 entry code uses them:
 * `svc #0` with the system call number in x8, arguments in x0–x5, the
 * result in x0 (so a restart needs x0 as it was on entry: orig_x0), the
 * thread pointer in TPIDR_EL0.
 */
import type { Aarch64Regs } from '../../../../kernel/uapi'
import { Errno } from '../../uapi'
import type { Mm } from '../../mm/mm'
import type { SigInfo } from '../../core/signal-defs'
import type { FrameStack, LxCpu, SigReturn } from '../arch'
import { popFrame, pushFrame } from './sigframe'

/**
 * Argument register `i` as a number. Addresses and sizes are below 2^53 and
 * arrive exactly; a register holding a small negative value (-1, AT_FDCWD,
 * -pgid) has its upper half all ones, and arrives as that negative number —
 * read as an unsigned 64-bit value it would round and lose its low bits.
 */
export function regArg(r: { u32: Uint32Array }, i: number): number {
  const lo = r.u32[i * 2]
  const hi = r.u32[i * 2 + 1]
  if (hi === 0xffffffff && lo & 0x80000000) return lo | 0
  return lo + hi * 4294967296
}

export class Aarch64Cpu implements LxCpu {
  constructor(private readonly r: Aarch64Regs) {}

  snapshot(): Uint8Array {
    return this.r.snapshot()
  }

  restore(regs: Uint8Array): void {
    this.r.restore(regs)
  }

  syscallNr(): number {
    return this.r.xNum(8)
  }

  readArgs(out: number[]): void {
    const r = this.r
    for (let i = 0; i < 6; i++) out[i] = regArg(r, i)
  }

  setReturn(v: number): void {
    this.r.setXNum(0, v)
  }

  returnsEintr(): boolean {
    // As a signed value: read unsigned, every -errno rounds to 2^64 and would match.
    return regArg(this.r, 0) === -Errno.EINTR
  }

  restartSyscall(_origNr: number, origArg0: number): void {
    const r = this.r
    r.setXNum(0, origArg0)
    // Back over the svc (4 bytes).
    r.setPc(r.pc - 4n)
  }

  stackPointer(): number {
    return Number(this.r.sp)
  }

  startThread(pc: number, sp: number): void {
    const r = this.r
    r.reset()
    r.setSp(BigInt(sp))
    r.setPc(BigInt(pc))
  }

  childRegs(stack: number, tls: number | null): Uint8Array {
    const r = this.r
    const saved = r.snapshot()
    r.setXNum(0, 0)
    if (stack) r.setSp(BigInt(stack))
    if (tls !== null) r.setTpidr(BigInt(tls))
    const child = r.snapshot()
    r.restore(saved)
    return child
  }

  pushSignalFrame(mm: Mm, info: SigInfo, handler: number, restorer: number, oldMask: bigint, siginfo: boolean, stack: FrameStack): boolean {
    return pushFrame(mm, this.r, info, handler, restorer, oldMask, siginfo, stack)
  }

  popSignalFrame(mm: Mm): SigReturn | null {
    return popFrame(mm, this.r)
  }
}
