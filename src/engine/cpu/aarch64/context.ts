/**
 * The register file of one emulated AArch64 thread: a block of the core's
 * linear memory (layout in core-layout.ts, shared with the core), viewed
 * through typed arrays. This is what the kernel hands a vCPU thread as its
 * user registers (kernel/arch/aarch64.ts).
 */
import type { ContextBase } from '../core'
import { CTX_BYTES, CTX_USER_BYTES, R_EL, R_MODE, R_PSTATE, R_SYSREGS, type SysReg, R_CF, R_FPCR, R_FPSR, R_NF, R_PC, R_SP, R_TPIDR, R_TPIDRRO, R_V, R_VF, R_ZF } from './core-layout'

/** One emulated thread's registers, viewed in the core's linear memory. */
export class Aarch64Context implements ContextBase {
  readonly arch = 'aarch64'
  /** Byte offset of this block in linear memory (raw access for hot paths). */
  readonly base: number
  /** 64-bit view of the block: u64[i] is X(i) for i < 31, u64[32] SP, u64[33] PC. */
  readonly u64: BigUint64Array
  /** 32-bit view of the block (X(i) low half at i * 2). */
  readonly u32: Uint32Array
  readonly bytes: Uint8Array

  constructor(buffer: ArrayBuffer, base: number) {
    this.base = base
    this.u64 = new BigUint64Array(buffer, base, CTX_BYTES / 8)
    this.u32 = new Uint32Array(buffer, base, CTX_BYTES / 4)
    this.bytes = new Uint8Array(buffer, base, CTX_BYTES)
  }

  x(i: number): bigint { return i === 31 ? 0n : this.u64[i] }
  setX(i: number, v: bigint): void { if (i !== 31) this.u64[i] = BigInt.asUintN(64, v) }
  /** X(i) as a number when it fits (syscall arguments, addresses < 2^53). */
  xNum(i: number): number { return i === 31 ? 0 : this.u32[i * 2] + this.u32[i * 2 + 1] * 4294967296 }
  setXNum(i: number, v: number): void {
    if (i === 31) return
    if (v < 0) { this.u64[i] = BigInt.asUintN(64, BigInt(v)); return }
    this.u32[i * 2] = v >>> 0
    this.u32[i * 2 + 1] = Math.floor(v / 4294967296) >>> 0
  }
  get pc(): bigint { return this.u64[R_PC / 8] }
  setPc(v: bigint): void { this.u64[R_PC / 8] = BigInt.asUintN(64, v) }
  get pcNum(): number { return this.u32[R_PC / 4] + this.u32[R_PC / 4 + 1] * 4294967296 }
  get sp(): bigint { return this.u64[R_SP / 8] }
  setSp(v: bigint): void { this.u64[R_SP / 8] = BigInt.asUintN(64, v) }
  /** NZCV in bits 31..28, as MRS NZCV reads it. */
  get nzcv(): number {
    const u = this.u64
    let v = 0
    if (BigInt.asIntN(64, u[R_NF / 8]) < 0n) v |= 1 << 31
    if (u[R_ZF / 8] === 0n) v |= 1 << 30
    if (u[R_CF / 8] !== 0n) v |= 1 << 29
    if (BigInt.asIntN(64, u[R_VF / 8]) < 0n) v |= 1 << 28
    return v >>> 0
  }
  setNzcv(v: number): void {
    const u = this.u64
    u[R_NF / 8] = v & (1 << 31) ? 0xffffffffffffffffn : 0n
    u[R_ZF / 8] = v & (1 << 30) ? 0n : 1n
    u[R_CF / 8] = v & (1 << 29) ? 1n : 0n
    u[R_VF / 8] = v & (1 << 28) ? 0xffffffffffffffffn : 0n
  }
  get tpidr(): bigint { return this.u64[R_TPIDR / 8] }
  setTpidr(v: bigint): void { this.u64[R_TPIDR / 8] = BigInt.asUintN(64, v) }
  get tpidrro(): bigint { return this.u64[R_TPIDRRO / 8] }
  setTpidrro(v: bigint): void { this.u64[R_TPIDRRO / 8] = BigInt.asUintN(64, v) }
  get fpcr(): number { return this.u32[R_FPCR / 4] }
  setFpcr(v: number): void { this.u32[R_FPCR / 4] = v & 0x07c00000 }
  get fpsr(): number { return this.u32[R_FPSR / 4] }
  setFpsr(v: number): void { this.u32[R_FPSR / 4] = v & 0xf800009f }
  /** V(i) as a 16-byte view (lane 0 first). */
  v(i: number): Uint8Array { return this.bytes.subarray(R_V + i * 16, R_V + i * 16 + 16) }
  /** V0..V31 as one 512-byte view (a signal frame's FPSIMD record holds them so). */
  vregs(): Uint8Array { return this.bytes.subarray(R_V, R_V + 32 * 16) }
  /** The context's registers: the user state, and for a system context its privileged state too. */
  snapshot(): Uint8Array { return this.bytes.slice(0, this.u32[R_MODE / 4] === 0 ? CTX_USER_BYTES : CTX_BYTES) }
  restore(bytes: Uint8Array): void {
    this.bytes.set(bytes.subarray(0, CTX_BYTES))
    this.u64[31] = 0n // XZR slot
  }
  // ---- system contexts (docs/cpu-aarch64-system.md) ----
  /** How the context runs (SysMode bits); 0: a task's EL0 context. */
  get mode(): number { return this.u32[R_MODE / 4] }
  /** Makes this a system context that starts at `el` (with SP_ELx selected). */
  setMode(mode: number, el = 1): void {
    this.u32[R_MODE / 4] = mode
    this.u32[R_EL / 4] = el
    this.u32[R_PSTATE / 4] = 0x3c5 // DAIF masked, SPSel = 1, as after reset
  }
  get el(): number { return this.u32[R_EL / 4] }
  /** PSTATE's fields as SPSR holds them, NZCV included. */
  get pstate(): number {
    return ((this.nzcv << 28) | this.u32[R_PSTATE / 4] | (this.el << 2)) >>> 0
  }
  sysReg(r: SysReg): bigint { return this.u64[(R_SYSREGS >> 3) + r] }
  setSysReg(r: SysReg, v: bigint): void { this.u64[(R_SYSREGS >> 3) + r] = BigInt.asUintN(64, v) }

  /** Zeroes every register. */
  reset(): void { this.bytes.fill(0); this.u64[R_ZF / 8] = 1n }
}
