/**
 * The register file of one emulated x86-64 thread: a block of the core's
 * linear memory (layout in core-layout.ts, shared with the core), viewed
 * through typed arrays. Flags are always materialized in RFLAGS between runs
 * (the core's lazy state lives only inside run()).
 */
import type { ContextBase } from '../core'
import { CTX_BYTES, CcOp, FCW_INIT, Fl, R_CC_OP, R_FCW, R_FS_BASE, R_GPR, R_GS_BASE, R_MXCSR, R_RFLAGS, R_RIP, R_RSP, R_XMM } from './core-layout'

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
  /** The x87 control word (only it and the status word of the x87 state exist yet). */
  get fcw(): number { return this.bytes[R_FCW] | (this.bytes[R_FCW + 1] << 8) }
  /** Zeroes every register; RFLAGS reads 0x202 (IF set, as in user mode), MXCSR 0x1F80, FCW 0x37F (as after FNINIT). */
  reset(): void {
    this.bytes.fill(0)
    this.bytes[R_FCW] = FCW_INIT & 0xff
    this.bytes[R_FCW + 1] = FCW_INIT >> 8
    this.u64[R_RFLAGS / 8] = BigInt(Fl.FIXED | Fl.IF)
    this.u32[R_MXCSR / 4] = 0x1f80
  }
}
