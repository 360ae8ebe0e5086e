// Public API of the scalar FP library: one function per A64 FP operation
// and format, on raw bits (u32 single, u64 double, u16 half). Operations use
// the FPCR state set by fpSetFPCR and OR their exceptions into FPSR (read
// with fpGetFPSR). See docs/fp-softfloat.md.

import { fpRMode, fpsr, FPSR_IXC, RM_TIEEVEN, RM_TIEAWAY, RM_ODD } from './state'
import {
  normalS, safeS, normalD, safeD, fastS2, fastD2, f64of, addS, addD, maddS, maddD,
  roundNative, toIntNative, spanOf, magOf, nativeOk, plainS, plainD, nzcvOf, stepS, stepD,
} from './fast'
import {
  fpAdd, fpMul, fpDiv, fpSqrt, fpMulAdd, fpStepFused, fpCompare, fpMinMax,
  fpRoundInt, fpToFixed, fpFromFixed, fpConvert,
  fpRecipEstimate, fpRSqrtEstimate, fpRecpX, fpClassRaw, uRecipEstimate, uRSqrtEstimate,
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
export function f32Add(n: u32, m: u32): u32 {
  if (fastS2(n, m)) { const r = addS(n, m); if (r != 0) return r }
  return u32(fpAdd<u32>(n, m, false, fpRMode))
}
/** FSUB Sd, Sn, Sm: n - m */
export function f32Sub(n: u32, m: u32): u32 {
  if (fastS2(n, m)) { const r = addS(n, m ^ S_SIGN); if (r != 0) return r }
  return u32(fpAdd<u32>(n, m, true, fpRMode))
}
/** FMUL */
export function f32Mul(n: u32, m: u32): u32 {
  if (fastS2(n, m)) {
    const p = f64of(n) * f64of(m) // exact: 48 significant bits
    const r = reinterpret<u32>(f32(p))
    if (safeS(r)) {
      if (f64(reinterpret<f32>(r)) != p) fpsr |= FPSR_IXC
      return r
    }
  }
  return u32(fpMul<u32>(n, m, false, fpRMode))
}
/** FNMUL: -(n*m), the negation applies to NaN results too */
export function f32Nmul(n: u32, m: u32): u32 { return f32Mul(n, m) ^ S_SIGN }
/** FMULX: like FMUL but 0 * inf = +-2.0 */
export function f32Mulx(n: u32, m: u32): u32 {
  if (normalS(n) && normalS(m)) return f32Mul(n, m) // no 0 * inf possible
  return u32(fpMul<u32>(n, m, true, fpRMode))
}
/** FDIV: n / m */
export function f32Div(n: u32, m: u32): u32 {
  if (fastS2(n, m)) {
    const a = f64of(n), b = f64of(m)
    const r = reinterpret<u32>(f32(a / b))
    if (safeS(r)) {
      if (f64(reinterpret<f32>(r)) * b != a) fpsr |= FPSR_IXC // product exact in f64
      return r
    }
  }
  return u32(fpDiv<u32>(n, m, fpRMode))
}
/** FSQRT */
export function f32Sqrt(n: u32): u32 {
  if (fpRMode == RM_TIEEVEN && (n >> 31) == 0 && normalS(n)) {
    const a = f64of(n)
    const r = reinterpret<u32>(f32(Math.sqrt(a))) // always normal
    const x = f64(reinterpret<f32>(r))
    if (x * x != a) fpsr |= FPSR_IXC
    return r
  }
  return u32(fpSqrt<u32>(n, fpRMode))
}
/** FABD: |n - m| (sign cleared on NaN results too) */
export function f32Abd(n: u32, m: u32): u32 { return f32Sub(n, m) & ~S_SIGN }
/** FMAX / FMIN / FMAXNM / FMINNM */
export function f32Max(n: u32, m: u32): u32 {
  if (normalS(n) && normalS(m)) return reinterpret<f32>(n) > reinterpret<f32>(m) ? n : m
  return u32(fpMinMax<u32>(n, m, true, false))
}
export function f32Min(n: u32, m: u32): u32 {
  if (normalS(n) && normalS(m)) return reinterpret<f32>(n) < reinterpret<f32>(m) ? n : m
  return u32(fpMinMax<u32>(n, m, false, false))
}
export function f32MaxNum(n: u32, m: u32): u32 {
  if (normalS(n) && normalS(m)) return reinterpret<f32>(n) > reinterpret<f32>(m) ? n : m
  return u32(fpMinMax<u32>(n, m, true, true))
}
export function f32MinNum(n: u32, m: u32): u32 {
  if (normalS(n) && normalS(m)) return reinterpret<f32>(n) < reinterpret<f32>(m) ? n : m
  return u32(fpMinMax<u32>(n, m, false, true))
}
/** FMADD Sd, Sn, Sm, Sa: a + n*m (one rounding). FMLA by element is f32Madd(n, m, d). */
export function f32Madd(n: u32, m: u32, a: u32): u32 {
  if (fastS2(n, m) && normalS(a)) { const r = maddS(n, m, a); if (r != 0) return r }
  return u32(fpMulAdd<u32>(a, n, m, fpRMode))
}
/** FMSUB: a - n*m, computed as FPMulAdd(a, -n, m). FMLS is f32Msub(n, m, d). */
export function f32Msub(n: u32, m: u32, a: u32): u32 {
  if (fastS2(n, m) && normalS(a)) { const r = maddS(n ^ S_SIGN, m, a); if (r != 0) return r }
  return u32(fpMulAdd<u32>(a, n ^ S_SIGN, m, fpRMode))
}
/** FNMADD: -a - n*m = FPMulAdd(-a, -n, m) */
export function f32Nmadd(n: u32, m: u32, a: u32): u32 {
  if (fastS2(n, m) && normalS(a)) { const r = maddS(n ^ S_SIGN, m, a ^ S_SIGN); if (r != 0) return r }
  return u32(fpMulAdd<u32>(a ^ S_SIGN, n ^ S_SIGN, m, fpRMode))
}
/** FNMSUB: -a + n*m = FPMulAdd(-a, n, m) */
export function f32Nmsub(n: u32, m: u32, a: u32): u32 {
  if (fastS2(n, m) && normalS(a)) { const r = maddS(n, m, a ^ S_SIGN); if (r != 0) return r }
  return u32(fpMulAdd<u32>(a ^ S_SIGN, n, m, fpRMode))
}
/** FRECPS: 2 - n*m fused */
export function f32Recps(n: u32, m: u32): u32 {
  if (fastS2(n, m)) { const r = stepS(n, m, false); if (r != 0) return r }
  return u32(fpStepFused<u32>(n, m, false, fpRMode))
}
/** FRSQRTS: (3 - n*m) / 2 fused */
export function f32Rsqrts(n: u32, m: u32): u32 {
  if (fastS2(n, m)) { const r = stepS(n, m, true); if (r != 0) return r }
  return u32(fpStepFused<u32>(n, m, true, fpRMode))
}
/** FRECPE / FRSQRTE / FRECPX */
export function f32Recpe(n: u32): u32 { return u32(fpRecipEstimate<u32>(n)) }
export function f32Rsqrte(n: u32): u32 { return u32(fpRSqrtEstimate<u32>(n)) }
export function f32Recpx(n: u32): u32 { return u32(fpRecpX<u32>(n)) }
/** FRINT*: rm is RM_* (FRINTN: TIEEVEN, FRINTA: TIEAWAY, FRINTP/M/Z, FRINTX
 *  and FRINTI: the current mode, fpGetRMode()); exact raises IXC (FRINTX). */
export function f32RoundInt(n: u32, rm: i32, exact: bool): u32 {
  if (rm <= RM_TIEAWAY && normalS(n)) {
    const x = reinterpret<f32>(n)
    const r = f32(roundNative(f64(x), rm)) // integral, exact in f32
    if (exact && r != x) fpsr |= FPSR_IXC
    return reinterpret<u32>(r)
  }
  return u32(fpRoundInt<u32>(n, rm, exact))
}
/** FCMP (signalling = false) / FCMPE (true): NZCV in bits 3..0. */
export function f32Compare(n: u32, m: u32, signalling: bool): u32 {
  if (plainS(n) && plainS(m)) return nzcvOf(reinterpret<f32>(n), reinterpret<f32>(m))
  return fpCompare<u32>(n, m, signalling)
}
/** FCVT{N,A,P,M,Z}{S,U} and the fixed-point FCVTZ{S,U}: to a 32/64-bit integer,
 *  saturating; 32-bit results zero-extended. */
export function f32ToInt(n: u32, rm: i32, fbits: i32, unsigned: bool, is64: bool): u64 {
  if (rm <= RM_TIEAWAY && normalS(n)) {
    const v = toIntNative(f64(reinterpret<f32>(n)), rm, fbits, unsigned, is64)
    if (nativeOk) return v
  }
  return fpToFixed<u32>(n, rm, fbits, unsigned, is64)
}
/** SCVTF/UCVTF (fixed-point when fbits > 0): rounding with the current mode. */
export function intToF32(v: u64, signed: bool, is64: bool, fbits: i32): u32 {
  if (fbits == 0 && fpRMode == RM_TIEEVEN) {
    // wasm's integer to float conversions round to nearest even
    let r: f32
    if (is64) r = signed ? f32(i64(v)) : f32(v)
    else r = signed ? f32(i32(u32(v))) : f32(u32(v))
    if (spanOf(magOf(v, signed, is64)) > 24) fpsr |= FPSR_IXC
    return reinterpret<u32>(r)
  }
  return u32(fpFromFixed<u32>(v, signed, is64, fbits, fpRMode))
}
/** FCVT Dd, Sn / FCVT Hd, Sn */
export function f32ToF64(n: u32): u64 {
  if (normalS(n)) return reinterpret<u64>(f64(reinterpret<f32>(n))) // exact
  return fpConvert<u32, u64>(n, fpRMode)
}
export function f32ToF16(n: u32): u16 { return u16(fpConvert<u32, u16>(n, fpRMode)) }
/** Class of the raw bits, no flushing or flags: C_ZERO, C_NORMAL (incl. denormal), C_INF, C_QNAN, C_SNAN. */
export function f32Class(n: u32): i32 { return fpClassRaw<u32>(n) }

// ---- double precision ------------------------------------------------------

export function f64Add(n: u64, m: u64): u64 {
  if (fastD2(n, m)) { const r = addD(n, m); if (r != 0) return r }
  return fpAdd<u64>(n, m, false, fpRMode)
}
export function f64Sub(n: u64, m: u64): u64 {
  if (fastD2(n, m)) { const r = addD(n, m ^ D_SIGN); if (r != 0) return r }
  return fpAdd<u64>(n, m, true, fpRMode)
}
export function f64Mul(n: u64, m: u64): u64 {
  if (fastD2(n, m)) {
    const r = reinterpret<u64>(reinterpret<f64>(n) * reinterpret<f64>(m))
    if (safeD(r)) {
      // The 53x53-bit significand product has 105 bits (106 when the result
      // exponent is one above ea + eb - bias); it is exact iff its trailing
      // zeros, the sum of the operands' trailing zeros, cover the 52 (53)
      // discarded bits.
      const H: u64 = u64(1) << 52
      const ea = i32(n >> 52) & 0x7ff, eb = i32(m >> 52) & 0x7ff, er = i32(r >> 52) & 0x7ff
      const tz = i32(ctz((n & (H - 1)) | H) + ctz((m & (H - 1)) | H))
      if (tz < (er == ea + eb - 1022 ? 53 : 52)) fpsr |= FPSR_IXC
      return r
    }
  }
  return fpMul<u64>(n, m, false, fpRMode)
}
export function f64Nmul(n: u64, m: u64): u64 { return f64Mul(n, m) ^ D_SIGN }
export function f64Mulx(n: u64, m: u64): u64 {
  if (normalD(n) && normalD(m)) return f64Mul(n, m) // no 0 * inf possible
  return fpMul<u64>(n, m, true, fpRMode)
}
export function f64Div(n: u64, m: u64): u64 {
  if (fastD2(n, m)) {
    const r = reinterpret<u64>(reinterpret<f64>(n) / reinterpret<f64>(m))
    if (safeD(r)) {
      // exact iff odd(q) * odd(m) == odd(n) for the significands' odd parts
      const H: u64 = u64(1) << 52
      const mq = (r & (H - 1)) | H, mm = (m & (H - 1)) | H, mn = (n & (H - 1)) | H
      const oq = mq >> ctz(mq), om = mm >> ctz(mm)
      if (i32(clz(oq)) + i32(clz(om)) < 74 || oq * om != mn >> ctz(mn)) fpsr |= FPSR_IXC
      return r
    }
  }
  return fpDiv<u64>(n, m, fpRMode)
}
export function f64Sqrt(n: u64): u64 {
  if (fpRMode == RM_TIEEVEN && (n >> 63) == 0 && normalD(n)) {
    const r = reinterpret<u64>(Math.sqrt(reinterpret<f64>(n))) // always normal
    // exact iff the odd part of r's significand squares to the odd part of n's
    const H: u64 = u64(1) << 52
    const mr = (r & (H - 1)) | H
    const or = mr >> ctz(mr)
    const mn = (n & (H - 1)) | H
    if (or >= (u64(1) << 27) || or * or != mn >> ctz(mn)) fpsr |= FPSR_IXC
    return r
  }
  return fpSqrt<u64>(n, fpRMode)
}
export function f64Abd(n: u64, m: u64): u64 { return f64Sub(n, m) & ~D_SIGN }
export function f64Max(n: u64, m: u64): u64 {
  if (normalD(n) && normalD(m)) return reinterpret<f64>(n) > reinterpret<f64>(m) ? n : m
  return fpMinMax<u64>(n, m, true, false)
}
export function f64Min(n: u64, m: u64): u64 {
  if (normalD(n) && normalD(m)) return reinterpret<f64>(n) < reinterpret<f64>(m) ? n : m
  return fpMinMax<u64>(n, m, false, false)
}
export function f64MaxNum(n: u64, m: u64): u64 {
  if (normalD(n) && normalD(m)) return reinterpret<f64>(n) > reinterpret<f64>(m) ? n : m
  return fpMinMax<u64>(n, m, true, true)
}
export function f64MinNum(n: u64, m: u64): u64 {
  if (normalD(n) && normalD(m)) return reinterpret<f64>(n) < reinterpret<f64>(m) ? n : m
  return fpMinMax<u64>(n, m, false, true)
}
export function f64Madd(n: u64, m: u64, a: u64): u64 {
  if (fastD2(n, m)) { const r = maddD(n, m, a); if (r != 0) return r }
  return fpMulAdd<u64>(a, n, m, fpRMode)
}
export function f64Msub(n: u64, m: u64, a: u64): u64 {
  if (fastD2(n, m)) { const r = maddD(n ^ D_SIGN, m, a); if (r != 0) return r }
  return fpMulAdd<u64>(a, n ^ D_SIGN, m, fpRMode)
}
export function f64Nmadd(n: u64, m: u64, a: u64): u64 {
  if (fastD2(n, m)) { const r = maddD(n ^ D_SIGN, m, a ^ D_SIGN); if (r != 0) return r }
  return fpMulAdd<u64>(a ^ D_SIGN, n ^ D_SIGN, m, fpRMode)
}
export function f64Nmsub(n: u64, m: u64, a: u64): u64 {
  if (fastD2(n, m)) { const r = maddD(n, m, a ^ D_SIGN); if (r != 0) return r }
  return fpMulAdd<u64>(a ^ D_SIGN, n, m, fpRMode)
}
export function f64Recps(n: u64, m: u64): u64 {
  if (fastD2(n, m)) { const r = stepD(n, m, false); if (r != 0) return r }
  return fpStepFused<u64>(n, m, false, fpRMode)
}
export function f64Rsqrts(n: u64, m: u64): u64 {
  if (fastD2(n, m)) { const r = stepD(n, m, true); if (r != 0) return r }
  return fpStepFused<u64>(n, m, true, fpRMode)
}
export function f64Recpe(n: u64): u64 { return fpRecipEstimate<u64>(n) }
export function f64Rsqrte(n: u64): u64 { return fpRSqrtEstimate<u64>(n) }
export function f64Recpx(n: u64): u64 { return fpRecpX<u64>(n) }
export function f64RoundInt(n: u64, rm: i32, exact: bool): u64 {
  if (rm <= RM_TIEAWAY && normalD(n)) {
    const x = reinterpret<f64>(n)
    const r = roundNative(x, rm)
    if (exact && r != x) fpsr |= FPSR_IXC
    return reinterpret<u64>(r)
  }
  return fpRoundInt<u64>(n, rm, exact)
}
export function f64Compare(n: u64, m: u64, signalling: bool): u32 {
  if (plainD(n) && plainD(m)) return nzcvOf(reinterpret<f64>(n), reinterpret<f64>(m))
  return fpCompare<u64>(n, m, signalling)
}
export function f64ToInt(n: u64, rm: i32, fbits: i32, unsigned: bool, is64: bool): u64 {
  if (rm <= RM_TIEAWAY && normalD(n)) {
    const v = toIntNative(reinterpret<f64>(n), rm, fbits, unsigned, is64)
    if (nativeOk) return v
  }
  return fpToFixed<u64>(n, rm, fbits, unsigned, is64)
}
export function intToF64(v: u64, signed: bool, is64: bool, fbits: i32): u64 {
  if (fbits == 0 && fpRMode == RM_TIEEVEN) {
    let r: f64
    if (is64) r = signed ? f64(i64(v)) : f64(v)
    else r = signed ? f64(i32(u32(v))) : f64(u32(v))
    if (spanOf(magOf(v, signed, is64)) > 53) fpsr |= FPSR_IXC
    return reinterpret<u64>(r)
  }
  return fpFromFixed<u64>(v, signed, is64, fbits, fpRMode)
}
/** FCVT Sd, Dn / FCVT Hd, Dn */
export function f64ToF32(n: u64): u32 {
  if (fpRMode == RM_TIEEVEN && normalD(n)) {
    const x = reinterpret<f64>(n)
    const r = reinterpret<u32>(f32(x))
    if (safeS(r)) {
      if (f64(reinterpret<f32>(r)) != x) fpsr |= FPSR_IXC
      return r
    }
  }
  return u32(fpConvert<u64, u32>(n, fpRMode))
}
export function f64ToF16(n: u64): u16 { return u16(fpConvert<u64, u16>(n, fpRMode)) }
/** FCVTXN (AdvSIMD): double to single rounding to odd. */
export function f64ToF32Odd(n: u64): u32 { return u32(fpConvert<u64, u32>(n, RM_ODD)) }
export function f64Class(n: u64): i32 { return fpClassRaw<u64>(n) }

// ---- half precision (conversions only; FPCR.AHP applies) -------------------

/** FCVT Sd, Hn / FCVT Dd, Hn */
export function f16ToF32(n: u16): u32 { return u32(fpConvert<u16, u32>(n, fpRMode)) }
export function f16ToF64(n: u16): u64 { return fpConvert<u16, u64>(n, fpRMode) }

// ---- integer estimates (AdvSIMD URECPE/URSQRTE, per 32-bit lane) -----------

/** URECPE: reciprocal estimate of an unsigned fixed-point fraction (no flags). */
export function u32RecipEstimate(x: u32): u32 { return uRecipEstimate(x) }
/** URSQRTE: reciprocal square root estimate of an unsigned fixed-point fraction. */
export function u32RSqrtEstimate(x: u32): u32 { return uRSqrtEstimate(x) }

/** The rounding mode FPCR.RMode selects (RM_TIEEVEN..RM_ZERO). */
export function fpGetRMode(): i32 { return fpRMode }
