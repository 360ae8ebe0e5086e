/**
 * The register file of one emulated x86-64 thread: a block of the core's
 * linear memory (layout in core-layout.ts, shared with the core), viewed
 * through typed arrays. Flags are always materialized in RFLAGS between runs
 * (the core's lazy state lives only inside run()).
 */
import type { ContextBase } from '../core'
import {
  CTX_BYTES, CcOp, FCW_INIT, FX_FCW, FX_FTW, FX_MXCSR, FX_MXCSR_MASK, FX_ST, FX_XMM, Fl, MXCSR_MASK,
  R_CC_OP, R_FCW, R_FSW, R_FS_BASE, R_FTW, R_GPR, R_GS_BASE, R_MXCSR, R_RFLAGS, R_RIP, R_RSP, R_ST, R_XMM,
} from './core-layout'

/** GPR numbers as ModRM encodes them. */
export const enum Gpr { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 }

export class X86_64Context implements ContextBase<'x86_64'> {
  readonly arch = 'x86_64'
  /** Byte offset of this block in linear memory. */
  readonly base: number
  /** 64-bit view: u64[i] is GPR i for i < 16, u64[16] RIP, u64[17] RFLAGS. */
  readonly u64: BigUint64Array
  readonly u32: Uint32Array
  readonly bytes: Uint8Array

  constructor(buffer: ArrayBuffer, base: number) {
    this.base = base
    this.u64 = new BigUint64Array(buffer, base, CTX_BYTES / 8)
    this.u32 = new Uint32Array(buffer, base, CTX_BYTES / 4)
    this.bytes = new Uint8Array(buffer, base, CTX_BYTES)
  }

  gpr(i: Gpr | number): bigint { return this.u64[(R_GPR >> 3) + i] }
  setGpr(i: Gpr | number, v: bigint): void { this.u64[(R_GPR >> 3) + i] = BigInt.asUintN(64, v) }
  /** GPR i as a number (syscall arguments, addresses < 2^53). */
  gprNum(i: Gpr | number): number { const b = (R_GPR >> 2) + i * 2; return this.u32[b] + this.u32[b + 1] * 4294967296 }
  setGprNum(i: Gpr | number, v: number): void {
    if (v < 0) { this.setGpr(i, BigInt(v)); return }
    const b = (R_GPR >> 2) + i * 2
    this.u32[b] = v >>> 0
    this.u32[b + 1] = Math.floor(v / 4294967296) >>> 0
  }
  get pc(): bigint { return this.u64[R_RIP / 8] }
  setPc(v: bigint): void { this.u64[R_RIP / 8] = BigInt.asUintN(64, v) }
  get pcNum(): number { return this.u32[R_RIP / 4] + this.u32[R_RIP / 4 + 1] * 4294967296 }
  get sp(): bigint { return this.u64[R_RSP / 8] }
  setSp(v: bigint): void { this.u64[R_RSP / 8] = BigInt.asUintN(64, v) }
  /** RFLAGS (arithmetic flags included). */
  get rflags(): bigint { return this.u64[R_RFLAGS / 8] }
  /** Sets RFLAGS; bit 1 always reads as one. */
  setRflags(v: bigint): void {
    this.u64[R_RFLAGS / 8] = BigInt.asUintN(64, v) | BigInt(Fl.FIXED)
    this.u32[R_CC_OP / 4] = CcOp.EFLAGS
  }
  get fsBase(): bigint { return this.u64[R_FS_BASE / 8] }
  setFsBase(v: bigint): void { this.u64[R_FS_BASE / 8] = BigInt.asUintN(64, v) }
  get gsBase(): bigint { return this.u64[R_GS_BASE / 8] }
  setGsBase(v: bigint): void { this.u64[R_GS_BASE / 8] = BigInt.asUintN(64, v) }
  get mxcsr(): number { return this.u32[R_MXCSR / 4] }
  /** Sets MXCSR (FXRSTOR, a signal return); the caller keeps reserved bits clear. */
  setMxcsr(v: number): void { this.u32[R_MXCSR / 4] = v >>> 0 }
  /** XMM i as a 16-byte view. */
  xmm(i: number): Uint8Array { return this.bytes.subarray(R_XMM + i * 16, R_XMM + i * 16 + 16) }
  snapshot(): Uint8Array { return this.bytes.slice() }
  restore(bytes: Uint8Array): void { this.bytes.set(bytes.subarray(0, CTX_BYTES)) }
  /** The x87 control word. */
  get fcw(): number { return this.bytes[R_FCW] | (this.bytes[R_FCW + 1] << 8) }
  /** The x87 status word (TOP in bits 13:11). */
  get fsw(): number { return this.bytes[R_FSW] | (this.bytes[R_FSW + 1] << 8) }

  /**
   * Writes the FP state as an FXSAVE image into `dst` (FX_SIZE bytes; what
   * the image reserves is left as it is): the x87 registers in stack order,
   * MXCSR, XMM0-15. A signal frame's FP state (Linux saves it with FXSAVE).
   */
  saveFpState(dst: Uint8Array): void {
    const top = (this.fsw >> 11) & 7
    dst.set(this.bytes.subarray(R_FCW, R_FCW + 4), FX_FCW) // FCW, then FSW (R_FSW = R_FCW + 2, FX_FSW = FX_FCW + 2)
    dst[FX_FTW] = this.bytes[R_FTW]
    const dv = new DataView(dst.buffer, dst.byteOffset, dst.byteLength)
    dv.setUint32(FX_MXCSR, this.mxcsr, true)
    dv.setUint32(FX_MXCSR_MASK, MXCSR_MASK, true)
    for (let i = 0; i < 8; i++) {
      const p = R_ST + ((top + i) & 7) * 16
      dst.set(this.bytes.subarray(p, p + 10), FX_ST + i * 16)
    }
    dst.set(this.bytes.subarray(R_XMM, R_XMM + 256), FX_XMM)
  }

  /** Loads the FP state from an FXSAVE image (rt_sigreturn); MXCSR's reserved bits are dropped. */
  restoreFpState(src: Uint8Array): void {
    this.bytes.set(src.subarray(FX_FCW, FX_FCW + 4), R_FCW)
    this.bytes[R_FTW] = src[FX_FTW]
    const top = (this.fsw >> 11) & 7
    const dv = new DataView(src.buffer, src.byteOffset, src.byteLength)
    this.setMxcsr(dv.getUint32(FX_MXCSR, true) & MXCSR_MASK)
    for (let i = 0; i < 8; i++) {
      const p = R_ST + ((top + i) & 7) * 16
      this.bytes.set(src.subarray(FX_ST + i * 16, FX_ST + i * 16 + 10), p)
    }
    this.bytes.set(src.subarray(FX_XMM, FX_XMM + 256), R_XMM)
  }

  /** The FP state a signal handler starts with (Linux: the init state): FNINIT's x87, MXCSR 0x1F80, XMM registers zero. */
  resetFpState(): void {
    this.bytes.fill(0, R_FCW, R_ST + 128)
    this.bytes[R_FCW] = FCW_INIT & 0xff
    this.bytes[R_FCW + 1] = FCW_INIT >> 8
    this.bytes.fill(0, R_XMM, R_XMM + 256)
    this.u32[R_MXCSR / 4] = 0x1f80
  }
  /** Zeroes every register; RFLAGS reads 0x202 (IF set, as in user mode), MXCSR 0x1F80, FCW 0x37F (as after FNINIT). */
  reset(): void {
    this.bytes.fill(0)
    this.bytes[R_FCW] = FCW_INIT & 0xff
    this.bytes[R_FCW + 1] = FCW_INIT >> 8
    this.u64[R_RFLAGS / 8] = BigInt(Fl.FIXED | Fl.IF)
    this.u32[R_MXCSR / 4] = 0x1f80
  }
}
