// Public API of the scalar FP library: one function per A64 FP operation
// and format, on raw bits (u32 single, u64 double, u16 half). Operations use
// the FPCR state set by fpSetFPCR and OR their exceptions into FPSR (read
// with fpGetFPSR). See docs/fp-softfloat.md.

import { fpRMode, RM_ODD } from './state'
import {
  FMT_H, FMT_S, FMT_D,
  fpAdd, fpMul, fpDiv, fpSqrt, fpMulAdd, fpStepFused, fpCompare, fpMinMax,
  fpRoundInt, fpToFixed, fpFromFixed, fpConvert,
  fpRecipEstimate, fpRSqrtEstimate, fpRecpX, fpClassRaw,
} from './softfloat'

export {
  fpSetFPCR, fpGetFPCR, fpSetFPSR, fpGetFPSR, fpRaise,
  FPCR_AHP, FPCR_DN, FPCR_FZ, FPCR_RMODE_SHIFT,
  FPSR_IOC, FPSR_DZC, FPSR_OFC, FPSR_UFC, FPSR_IXC, FPSR_IDC, FPSR_QC,
  RM_TIEEVEN, RM_POSINF, RM_NEGINF, RM_ZERO, RM_TIEAWAY, RM_ODD,
} from './state'
export { C_ZERO, C_NORMAL, C_INF, C_QNAN, C_SNAN } from './softfloat'

const S_SIGN: u32 = 0x80000000
const D_SIGN: u64 = 0x8000000000000000

// ---- single precision ------------------------------------------------------

/** FADD Sd, Sn, Sm */
export function f32Add(n: u32, m: u32): u32 { return u32(fpAdd(n, m, FMT_S, false, fpRMode)) }
/** FSUB Sd, Sn, Sm: n - m */
export function f32Sub(n: u32, m: u32): u32 { return u32(fpAdd(n, m, FMT_S, true, fpRMode)) }
/** FMUL */
export function f32Mul(n: u32, m: u32): u32 { return u32(fpMul(n, m, FMT_S, false, fpRMode)) }
/** FNMUL: -(n*m), the negation applies to NaN results too */
export function f32Nmul(n: u32, m: u32): u32 { return u32(fpMul(n, m, FMT_S, false, fpRMode)) ^ S_SIGN }
/** FMULX: like FMUL but 0 * inf = +-2.0 */
export function f32Mulx(n: u32, m: u32): u32 { return u32(fpMul(n, m, FMT_S, true, fpRMode)) }
/** FDIV: n / m */
export function f32Div(n: u32, m: u32): u32 { return u32(fpDiv(n, m, FMT_S, fpRMode)) }
/** FSQRT */
export function f32Sqrt(n: u32): u32 { return u32(fpSqrt(n, FMT_S, fpRMode)) }
/** FABD: |n - m| (sign cleared on NaN results too) */
export function f32Abd(n: u32, m: u32): u32 { return u32(fpAdd(n, m, FMT_S, true, fpRMode)) & ~S_SIGN }
/** FMAX / FMIN / FMAXNM / FMINNM */
export function f32Max(n: u32, m: u32): u32 { return u32(fpMinMax(n, m, FMT_S, true, false)) }
export function f32Min(n: u32, m: u32): u32 { return u32(fpMinMax(n, m, FMT_S, false, false)) }
export function f32MaxNum(n: u32, m: u32): u32 { return u32(fpMinMax(n, m, FMT_S, true, true)) }
export function f32MinNum(n: u32, m: u32): u32 { return u32(fpMinMax(n, m, FMT_S, false, true)) }
/** FMADD Sd, Sn, Sm, Sa: a + n*m (one rounding). FMLA by element is f32Madd(n, m, d). */
export function f32Madd(n: u32, m: u32, a: u32): u32 { return u32(fpMulAdd(a, n, m, FMT_S, fpRMode)) }
/** FMSUB: a - n*m, computed as FPMulAdd(a, -n, m). FMLS is f32Msub(n, m, d). */
export function f32Msub(n: u32, m: u32, a: u32): u32 { return u32(fpMulAdd(a, n ^ S_SIGN, m, FMT_S, fpRMode)) }
/** FNMADD: -a - n*m = FPMulAdd(-a, -n, m) */
export function f32Nmadd(n: u32, m: u32, a: u32): u32 { return u32(fpMulAdd(a ^ S_SIGN, n ^ S_SIGN, m, FMT_S, fpRMode)) }
/** FNMSUB: -a + n*m = FPMulAdd(-a, n, m) */
export function f32Nmsub(n: u32, m: u32, a: u32): u32 { return u32(fpMulAdd(a ^ S_SIGN, n, m, FMT_S, fpRMode)) }
/** FRECPS: 2 - n*m fused */
export function f32Recps(n: u32, m: u32): u32 { return u32(fpStepFused(n, m, FMT_S, false, fpRMode)) }
/** FRSQRTS: (3 - n*m) / 2 fused */
export function f32Rsqrts(n: u32, m: u32): u32 { return u32(fpStepFused(n, m, FMT_S, true, fpRMode)) }
/** FRECPE / FRSQRTE / FRECPX */
export function f32Recpe(n: u32): u32 { return u32(fpRecipEstimate(n, FMT_S)) }
export function f32Rsqrte(n: u32): u32 { return u32(fpRSqrtEstimate(n, FMT_S)) }
export function f32Recpx(n: u32): u32 { return u32(fpRecpX(n, FMT_S)) }
/** FRINT*: rm is RM_* (FRINTN: TIEEVEN, FRINTA: TIEAWAY, FRINTP/M/Z, FRINTX
 *  and FRINTI: the current mode, fpGetRMode()); exact raises IXC (FRINTX). */
export function f32RoundInt(n: u32, rm: i32, exact: bool): u32 { return u32(fpRoundInt(n, FMT_S, rm, exact)) }
/** FCMP (signalling = false) / FCMPE (true): NZCV in bits 3..0. */
export function f32Compare(n: u32, m: u32, signalling: bool): u32 { return fpCompare(n, m, FMT_S, signalling) }
/** FCVT{N,A,P,M,Z}{S,U} and the fixed-point FCVTZ{S,U}: to a 32/64-bit integer,
 *  saturating; 32-bit results zero-extended. */
export function f32ToInt(n: u32, rm: i32, fbits: i32, unsigned: bool, is64: bool): u64 {
  return fpToFixed(n, FMT_S, rm, fbits, unsigned, is64)
}
/** SCVTF/UCVTF (fixed-point when fbits > 0): rounding with the current mode. */
export function intToF32(v: u64, signed: bool, is64: bool, fbits: i32): u32 {
  return u32(fpFromFixed(v, signed, is64, fbits, FMT_S, fpRMode))
}
/** FCVT Dd, Sn / FCVT Hd, Sn */
export function f32ToF64(n: u32): u64 { return fpConvert(n, FMT_S, FMT_D, fpRMode) }
export function f32ToF16(n: u32): u16 { return u16(fpConvert(n, FMT_S, FMT_H, fpRMode)) }
/** Class of the raw bits, no flushing or flags: C_ZERO, C_NORMAL (incl. denormal), C_INF, C_QNAN, C_SNAN. */
export function f32Class(n: u32): i32 { return fpClassRaw(n, FMT_S) }

// ---- double precision ------------------------------------------------------

export function f64Add(n: u64, m: u64): u64 { return fpAdd(n, m, FMT_D, false, fpRMode) }
export function f64Sub(n: u64, m: u64): u64 { return fpAdd(n, m, FMT_D, true, fpRMode) }
export function f64Mul(n: u64, m: u64): u64 { return fpMul(n, m, FMT_D, false, fpRMode) }
export function f64Nmul(n: u64, m: u64): u64 { return fpMul(n, m, FMT_D, false, fpRMode) ^ D_SIGN }
export function f64Mulx(n: u64, m: u64): u64 { return fpMul(n, m, FMT_D, true, fpRMode) }
export function f64Div(n: u64, m: u64): u64 { return fpDiv(n, m, FMT_D, fpRMode) }
export function f64Sqrt(n: u64): u64 { return fpSqrt(n, FMT_D, fpRMode) }
export function f64Abd(n: u64, m: u64): u64 { return fpAdd(n, m, FMT_D, true, fpRMode) & ~D_SIGN }
export function f64Max(n: u64, m: u64): u64 { return fpMinMax(n, m, FMT_D, true, false) }
export function f64Min(n: u64, m: u64): u64 { return fpMinMax(n, m, FMT_D, false, false) }
export function f64MaxNum(n: u64, m: u64): u64 { return fpMinMax(n, m, FMT_D, true, true) }
export function f64MinNum(n: u64, m: u64): u64 { return fpMinMax(n, m, FMT_D, false, true) }
export function f64Madd(n: u64, m: u64, a: u64): u64 { return fpMulAdd(a, n, m, FMT_D, fpRMode) }
export function f64Msub(n: u64, m: u64, a: u64): u64 { return fpMulAdd(a, n ^ D_SIGN, m, FMT_D, fpRMode) }
export function f64Nmadd(n: u64, m: u64, a: u64): u64 { return fpMulAdd(a ^ D_SIGN, n ^ D_SIGN, m, FMT_D, fpRMode) }
export function f64Nmsub(n: u64, m: u64, a: u64): u64 { return fpMulAdd(a ^ D_SIGN, n, m, FMT_D, fpRMode) }
export function f64Recps(n: u64, m: u64): u64 { return fpStepFused(n, m, FMT_D, false, fpRMode) }
export function f64Rsqrts(n: u64, m: u64): u64 { return fpStepFused(n, m, FMT_D, true, fpRMode) }
export function f64Recpe(n: u64): u64 { return fpRecipEstimate(n, FMT_D) }
export function f64Rsqrte(n: u64): u64 { return fpRSqrtEstimate(n, FMT_D) }
export function f64Recpx(n: u64): u64 { return fpRecpX(n, FMT_D) }
export function f64RoundInt(n: u64, rm: i32, exact: bool): u64 { return fpRoundInt(n, FMT_D, rm, exact) }
export function f64Compare(n: u64, m: u64, signalling: bool): u32 { return fpCompare(n, m, FMT_D, signalling) }
export function f64ToInt(n: u64, rm: i32, fbits: i32, unsigned: bool, is64: bool): u64 {
  return fpToFixed(n, FMT_D, rm, fbits, unsigned, is64)
}
export function intToF64(v: u64, signed: bool, is64: bool, fbits: i32): u64 {
  return fpFromFixed(v, signed, is64, fbits, FMT_D, fpRMode)
}
/** FCVT Sd, Dn / FCVT Hd, Dn */
export function f64ToF32(n: u64): u32 { return u32(fpConvert(n, FMT_D, FMT_S, fpRMode)) }
export function f64ToF16(n: u64): u16 { return u16(fpConvert(n, FMT_D, FMT_H, fpRMode)) }
/** FCVTXN (AdvSIMD): double to single rounding to odd. */
export function f64ToF32Odd(n: u64): u32 { return u32(fpConvert(n, FMT_D, FMT_S, RM_ODD)) }
export function f64Class(n: u64): i32 { return fpClassRaw(n, FMT_D) }

// ---- half precision (conversions only; FPCR.AHP applies) -------------------

/** FCVT Sd, Hn / FCVT Dd, Hn */
export function f16ToF32(n: u16): u32 { return u32(fpConvert(n, FMT_H, FMT_S, fpRMode)) }
export function f16ToF64(n: u16): u64 { return fpConvert(n, FMT_H, FMT_D, fpRMode) }

/** The rounding mode FPCR.RMode selects (RM_TIEEVEN..RM_ZERO). */
export function fpGetRMode(): i32 { return fpRMode }
