// Format-generic soft-float core: every operation is generic over a marker
// type (u16 half, u32 single, u64 double; see fmtOf), works on raw bits held
// in a u64, decodes the operands, computes the exact result in integer
// arithmetic (u64 and u64 pairs for 128-bit products) and rounds it once
// with roundPack, which implements the Arm ARM's FPRound (tininess before
// rounding, FZ flushing, AHP). Function names follow the pseudocode
// (FPAdd -> fpAdd, FPMulAdd -> fpMulAdd, FPToFixed -> fpToFixed, ...).
//
// Internal significand convention: a finite nonzero operand is unpacked to
// (sign, exp, sig) with the leading one at bit 62 of sig and value
// sig * 2^(exp - 62); bit 63 stays free for carries, and the bits under the
// format's precision are guard and sticky bits.

import {
  fpsr, fpFZ, fpDN, fpAHP, fpRMode,
  FPSR_IOC, FPSR_DZC, FPSR_OFC, FPSR_UFC, FPSR_IXC, FPSR_IDC,
  RM_TIEEVEN, RM_POSINF, RM_NEGINF, RM_ZERO, RM_TIEAWAY, RM_ODD,
} from './state'

export const FMT_H: i32 = 0
export const FMT_S: i32 = 1
export const FMT_D: i32 = 2

/** Operand classes after FPUnpack (denormals flushed by FZ count as zero). */
export const C_ZERO: i32 = 0
export const C_NORMAL: i32 = 1 // normal or (unflushed) denormal
export const C_INF: i32 = 2
export const C_QNAN: i32 = 3
export const C_SNAN: i32 = 4

/** Format number of a marker type: u16 half, u32 single, u64 double. The
 *  operations are generic over the marker so that each format gets its
 *  own specialized copy (the format tests fold at compile time). */
@inline export function fmtOf<T>(): i32 {
  return sizeof<T>() == 8 ? FMT_D : sizeof<T>() == 4 ? FMT_S : FMT_H
}

@inline export function fracBits(fmt: i32): i32 {
  return fmt == FMT_D ? 52 : fmt == FMT_S ? 23 : 10
}
@inline export function expBits(fmt: i32): i32 {
  return fmt == FMT_D ? 11 : fmt == FMT_S ? 8 : 5
}
@inline function bias(fmt: i32): i32 {
  return (1 << (expBits(fmt) - 1)) - 1
}
@inline export function signOf(x: u64, fmt: i32): u32 {
  return u32(x >> u64(fracBits(fmt) + expBits(fmt))) & 1
}
@inline export function signBit(fmt: i32): u64 {
  return u64(1) << u64(fracBits(fmt) + expBits(fmt))
}
@inline export function expField(x: u64, fmt: i32): i32 {
  return i32(x >> u64(fracBits(fmt))) & ((1 << expBits(fmt)) - 1)
}
@inline export function fracField(x: u64, fmt: i32): u64 {
  return x & ((u64(1) << u64(fracBits(fmt))) - 1)
}

@inline export function fpZero(sign: u32, fmt: i32): u64 {
  return u64(sign) << u64(fracBits(fmt) + expBits(fmt))
}
@inline export function fpInf(sign: u32, fmt: i32): u64 {
  const F = fracBits(fmt)
  return fpZero(sign, fmt) | (u64((1 << expBits(fmt)) - 1) << u64(F))
}
@inline export function fpMaxNormal(sign: u32, fmt: i32): u64 {
  const F = fracBits(fmt)
  return fpZero(sign, fmt) | (u64((1 << expBits(fmt)) - 2) << u64(F)) | ((u64(1) << u64(F)) - 1)
}
/** FPDefaultNaN: positive, quiet bit only. */
@inline export function fpDefaultNaN(fmt: i32): u64 {
  return fpInf(0, fmt) | (u64(1) << u64(fracBits(fmt) - 1))
}
/** A small constant 1.0 * 2^e (e.g. FPTwo, FPOnePointFive via frac). */
@inline function fpConst(sign: u32, e: i32, frac: u64, fmt: i32): u64 {
  return fpZero(sign, fmt) | (u64(e + bias(fmt)) << u64(fracBits(fmt))) | frac
}

/** Class without side effects (no flushing): for FCLASS-like uses. */
export function fpClassRaw<T>(x: u64): i32 {
  const fmt = fmtOf<T>()
  const F = fracBits(fmt)
  const e = expField(x, fmt)
  const f = fracField(x, fmt)
  if (e == (1 << expBits(fmt)) - 1) {
    if (f == 0) return C_INF
    return ((f >> u64(F - 1)) & 1) != 0 ? C_QNAN : C_SNAN
  }
  if (e == 0 && f == 0) return C_ZERO
  return C_NORMAL
}

/** FPUnpack's classification: a denormal single/double input under FZ is a
 *  zero and raises IDC. Half-precision inputs are never flushed (FZ16 = 0). */
@inline export function fpClass<T>(x: u64): i32 {
  const fmt = fmtOf<T>()
  const c = fpClassRaw<T>(x)
  if (c == C_NORMAL && fpFZ && fmt != FMT_H && expField(x, fmt) == 0) {
    fpsr |= FPSR_IDC
    return C_ZERO
  }
  return c
}

/** Exponent produced by the last unpackSig call. */
export let uExp: i32 = 0

/** Significand of a finite nonzero operand, leading one at bit 62; the
 *  unbiased exponent goes to uExp. Denormals are normalized. */
@inline export function unpackSig(x: u64, fmt: i32): u64 {
  const F = fracBits(fmt)
  const e = expField(x, fmt)
  const f = fracField(x, fmt)
  if (e != 0) {
    uExp = e - bias(fmt)
    return (f | (u64(1) << u64(F))) << u64(62 - F)
  }
  const lz = i32(clz(f)) - 1
  uExp = 1 - bias(fmt) - (lz - (62 - F))
  return f << u64(lz)
}

/** x >> n with every shifted-out one ORed into bit 0 (n >= 0). */
@inline export function shiftRightJam(x: u64, n: i32): u64 {
  if (n <= 0) return x
  if (n >= 64) return u64(x != 0)
  return (x >> u64(n)) | u64((x << u64(64 - n)) != 0)
}

// 128-bit helpers; results in g_hi:g_lo.
export let g_hi: u64 = 0
export let g_lo: u64 = 0

@inline export function mul64(a: u64, b: u64): void {
  const aL = a & 0xffffffff, aH = a >> 32, bL = b & 0xffffffff, bH = b >> 32
  const ll = aL * bL, lh = aL * bH, hl = aH * bL, hh = aH * bH
  const mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff)
  g_lo = (mid << 32) | (ll & 0xffffffff)
  g_hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32)
}

function shiftRightJam128(hi: u64, lo: u64, n: i32): void {
  if (n <= 0) {
    g_hi = hi; g_lo = lo
  } else if (n < 64) {
    g_lo = (lo >> u64(n)) | (hi << u64(64 - n)) | u64((lo << u64(64 - n)) != 0)
    g_hi = hi >> u64(n)
  } else if (n == 64) {
    g_lo = hi | u64(lo != 0)
    g_hi = 0
  } else if (n < 128) {
    g_lo = (hi >> u64(n - 64)) | u64(((hi << u64(128 - n)) | lo) != 0)
    g_hi = 0
  } else {
    g_lo = u64((hi | lo) != 0)
    g_hi = 0
  }
}

// ---------------------------------------------------------------------------
// NaNs (FPProcessNaN, FPProcessNaNs, FPProcessNaNs3)

@inline export function processNaN(x: u64, cls: i32, fmt: i32): u64 {
  if (cls == C_SNAN) fpsr |= FPSR_IOC
  if (fpDN) return fpDefaultNaN(fmt)
  return x | (u64(1) << u64(fracBits(fmt) - 1))
}

/** Signalling NaNs first, then quiet ones, first operand first. */
export function processNaNs<T>(a: u64, ca: i32, b: u64, cb: i32): u64 {
  const fmt = fmtOf<T>()
  if (ca == C_SNAN) return processNaN(a, ca, fmt)
  if (cb == C_SNAN) return processNaN(b, cb, fmt)
  if (ca == C_QNAN) return processNaN(a, ca, fmt)
  return processNaN(b, cb, fmt)
}

function processNaNs3<T>(a: u64, ca: i32, b: u64, cb: i32, c: u64, cc: i32): u64 {
  const fmt = fmtOf<T>()
  if (ca == C_SNAN) return processNaN(a, ca, fmt)
  if (cb == C_SNAN) return processNaN(b, cb, fmt)
  if (cc == C_SNAN) return processNaN(c, cc, fmt)
  if (ca == C_QNAN) return processNaN(a, ca, fmt)
  if (cb == C_QNAN) return processNaN(b, cb, fmt)
  return processNaN(c, cc, fmt)
}

// ---------------------------------------------------------------------------
// Rounding (FPRound / FPRoundBase)

/** Whether a magnitude with integer part `ip` and discarded bits `rest`
 *  (`half` = weight of the first discarded bit) rounds away from zero. */
@inline function roundsUp(rm: i32, sign: u32, ip: u64, rest: u64, half: u64): bool {
  if (rest == 0) return false
  switch (rm) {
    case RM_TIEEVEN: return rest > half || (rest == half && (ip & 1) != 0)
    case RM_POSINF: return sign == 0
    case RM_NEGINF: return sign != 0
    case RM_TIEAWAY: return rest >= half
    default: return false
  }
}

/** Rounds sign * sig * 2^(exp - 62) (sig has its leading one at bit 62,
 *  lower bits ORed sticky) to the format, raising UFC/OFC/IXC (and IOC for
 *  an AHP overflow) as FPRound does. FZ flushes single/double results whose
 *  unrounded exponent is below the normal range (UFC, no IXC). */
export function roundPack<T>(sign: u32, exp: i32, sig: u64, rm: i32): u64 {
  const fmt = fmtOf<T>()
  const F = fracBits(fmt)
  const E = expBits(fmt)
  const minExp = 2 - (1 << (E - 1))
  if (exp < minExp && fpFZ && fmt != FMT_H) {
    fpsr |= FPSR_UFC
    return fpZero(sign, fmt)
  }
  let bexp = exp - minExp + 1
  if (bexp <= 0) {
    sig = shiftRightJam(sig, 1 - bexp)
    bexp = 0
  }
  const sh = 62 - F
  let mant = sig >> u64(sh)
  const rest = sig & ((u64(1) << u64(sh)) - 1)
  if (rest != 0) {
    if (bexp == 0) fpsr |= FPSR_UFC
    if (rm == RM_ODD) {
      mant |= 1
    } else if (roundsUp(rm, sign, mant, rest, u64(1) << u64(sh - 1))) {
      mant++
      if (mant == (u64(1) << u64(F))) bexp = 1
      else if (mant == (u64(2) << u64(F))) { bexp++; mant >>= 1 }
    }
  }
  if (fmt == FMT_H && fpAHP) {
    if (bexp >= (1 << E)) {
      fpsr |= FPSR_IOC
      return fpZero(sign, fmt) | 0x7fff
    }
  } else if (bexp >= (1 << E) - 1) {
    fpsr |= FPSR_OFC | FPSR_IXC
    const toInf = rm == RM_TIEEVEN || rm == RM_TIEAWAY || (rm == RM_POSINF && sign == 0) || (rm == RM_NEGINF && sign != 0)
    return toInf ? fpInf(sign, fmt) : fpMaxNormal(sign, fmt)
  }
  if (rest != 0) fpsr |= FPSR_IXC
  return fpZero(sign, fmt) | (u64(bexp) << u64(F)) | (mant & ((u64(1) << u64(F)) - 1))
}

/** Packs a nonzero 128-bit magnitude hi:lo * 2^(exp - 124). */
function roundPack128<T>(sign: u32, exp: i32, hi: u64, lo: u64, rm: i32): u64 {
  const fmt = fmtOf<T>()
  const lead = hi != 0 ? 127 - i32(clz(hi)) : 63 - i32(clz(lo))
  let sig: u64
  if (lead > 62) {
    shiftRightJam128(hi, lo, lead - 62)
    sig = g_lo
  } else {
    sig = lo << u64(62 - lead)
  }
  return roundPack<T>(sign, exp + lead - 124, sig, rm)
}

// ---------------------------------------------------------------------------
// Arithmetic

/** FPAdd / FPSub (sub negates b's value, not its NaN payload). */
export function fpAdd<T>(a: u64, b: u64, sub: bool, rm: i32): u64 {
  const fmt = fmtOf<T>()
  const ca = fpClass<T>(a)
  const cb = fpClass<T>(b)
  if (ca >= C_QNAN || cb >= C_QNAN) return processNaNs<T>(a, ca, b, cb)
  let sa = signOf(a, fmt)
  let sb = signOf(b, fmt) ^ u32(sub)
  if (ca == C_INF || cb == C_INF) {
    if (ca == C_INF && cb == C_INF && sa != sb) {
      fpsr |= FPSR_IOC
      return fpDefaultNaN(fmt)
    }
    return fpInf(ca == C_INF ? sa : sb, fmt)
  }
  if (ca == C_ZERO) {
    if (cb == C_ZERO) return fpZero(sa == sb ? sa : u32(rm == RM_NEGINF), fmt)
    return (b & ~signBit(fmt)) | fpZero(sb, fmt)
  }
  if (cb == C_ZERO) return a
  let sigA = unpackSig(a, fmt)
  let ea = uExp
  let sigB = unpackSig(b, fmt)
  let eb = uExp
  if (ea < eb || (ea == eb && sigA < sigB)) {
    const ts = sigA; sigA = sigB; sigB = ts
    const te = ea; ea = eb; eb = te
    const tg = sa; sa = sb; sb = tg
  }
  sigB = shiftRightJam(sigB, ea - eb)
  if (sa == sb) {
    let s = sigA + sigB
    if ((s >> 63) != 0) {
      s = (s >> 1) | (s & 1)
      ea++
    }
    return roundPack<T>(sa, ea, s, rm)
  }
  let d = sigA - sigB
  if (d == 0) return fpZero(u32(rm == RM_NEGINF), fmt)
  const lz = i32(clz(d)) - 1
  return roundPack<T>(sa, ea - lz, d << u64(lz), rm)
}

/** FPMul, or FPMulX (infinity times zero gives +-2.0 without IOC). */
export function fpMul<T>(a: u64, b: u64, mulx: bool, rm: i32): u64 {
  const fmt = fmtOf<T>()
  const ca = fpClass<T>(a)
  const cb = fpClass<T>(b)
  if (ca >= C_QNAN || cb >= C_QNAN) return processNaNs<T>(a, ca, b, cb)
  const s = signOf(a, fmt) ^ signOf(b, fmt)
  if (ca == C_INF || cb == C_INF) {
    if (ca == C_ZERO || cb == C_ZERO) {
      if (mulx) return fpConst(s, 1, 0, fmt)
      fpsr |= FPSR_IOC
      return fpDefaultNaN(fmt)
    }
    return fpInf(s, fmt)
  }
  if (ca == C_ZERO || cb == C_ZERO) return fpZero(s, fmt)
  const sigA = unpackSig(a, fmt)
  let e = uExp
  const sigB = unpackSig(b, fmt)
  e += uExp
  mul64(sigA, sigB)
  // product in [2^124, 2^126): move the leading one to bit 62 or 63
  let p = (g_hi << 2) | (g_lo >> 62) | u64((g_lo << 2) != 0)
  if ((p >> 63) != 0) {
    p = (p >> 1) | (p & 1)
    e++
  }
  return roundPack<T>(s, e, p, rm)
}

/** FPDiv. */
export function fpDiv<T>(a: u64, b: u64, rm: i32): u64 {
  const fmt = fmtOf<T>()
  const ca = fpClass<T>(a)
  const cb = fpClass<T>(b)
  if (ca >= C_QNAN || cb >= C_QNAN) return processNaNs<T>(a, ca, b, cb)
  const s = signOf(a, fmt) ^ signOf(b, fmt)
  if (ca == C_INF) {
    if (cb == C_INF) { fpsr |= FPSR_IOC; return fpDefaultNaN(fmt) }
    return fpInf(s, fmt)
  }
  if (cb == C_INF) return fpZero(s, fmt)
  if (ca == C_ZERO) {
    if (cb == C_ZERO) { fpsr |= FPSR_IOC; return fpDefaultNaN(fmt) }
    return fpZero(s, fmt)
  }
  if (cb == C_ZERO) {
    fpsr |= FPSR_DZC
    return fpInf(s, fmt)
  }
  const F = fracBits(fmt)
  let mA = unpackSig(a, fmt) >> u64(62 - F)
  let e = uExp
  const mB = unpackSig(b, fmt) >> u64(62 - F)
  e -= uExp
  if (mA < mB) { mA <<= 1; e-- }
  // long division in chunks: the remainder stays below mB < 2^(F+1), so a
  // chunk of 62-F bits never overflows u64.
  let q: u64 = 1
  let r = mA - mB
  let k = F + 2
  const chunk = 62 - F
  while (k > 0) {
    const n = k < chunk ? k : chunk
    r <<= u64(n)
    q = (q << u64(n)) | (r / mB)
    r = r % mB
    k -= n
  }
  return roundPack<T>(s, e, (q << u64(60 - F)) | u64(r != 0), rm)
}

/** FPSqrt. */
export function fpSqrt<T>(a: u64, rm: i32): u64 {
  const fmt = fmtOf<T>()
  const ca = fpClass<T>(a)
  if (ca >= C_QNAN) return processNaN(a, ca, fmt)
  const s = signOf(a, fmt)
  if (ca == C_ZERO) return fpZero(s, fmt)
  if (s != 0) { fpsr |= FPSR_IOC; return fpDefaultNaN(fmt) }
  if (ca == C_INF) return a
  const F = fracBits(fmt)
  let m = unpackSig(a, fmt) >> u64(62 - F)
  let e = uExp
  if ((e & 1) != 0) { m <<= 1; e-- }
  // root = floor(sqrt(m * 2^(F+4))), F+3 bits; radicand held in 128 bits
  const sh = F + 4
  const rHi = m >> u64(64 - sh)
  const rLo = m << u64(sh)
  let r = u64(Math.sqrt(f64(m) * reinterpret<f64>(u64(1023 + sh) << 52)))
  while (true) {
    mul64(r, r)
    if (g_hi > rHi || (g_hi == rHi && g_lo > rLo)) r--
    else break
  }
  while (true) {
    mul64(r + 1, r + 1)
    if (g_hi < rHi || (g_hi == rHi && g_lo <= rLo)) r++
    else break
  }
  mul64(r, r)
  const inexact = g_hi != rHi || g_lo != rLo
  return roundPack<T>(0, e >> 1, (r << u64(60 - F)) | u64(inexact), rm)
}

/** Numeric core of the fused operations: round((-1)^sP * sigA*sigB *
 *  2^(eP-124) + (-1)^sC * sigC * 2^(eC-62)) * 2^scale, sigC may be 0. */
function fusedCore<T>(sP: u32, eP: i32, sigA: u64, sigB: u64, sC: u32, eC: i32, sigC: u64, rm: i32, scale: i32): u64 {
  const fmt = fmtOf<T>()
  mul64(sigA, sigB)
  let pHi = g_hi, pLo = g_lo
  if (sigC == 0) return roundPack128<T>(sP, eP + scale, pHi, pLo, rm)
  let cHi = sigC >> 2, cLo = sigC << 62
  let e: i32
  const d = eP - eC
  if (d >= 0) {
    shiftRightJam128(cHi, cLo, d)
    cHi = g_hi; cLo = g_lo
    e = eP
  } else {
    shiftRightJam128(pHi, pLo, -d)
    pHi = g_hi; pLo = g_lo
    e = eC
  }
  let hi: u64, lo: u64, s: u32
  if (sP == sC) {
    lo = pLo + cLo
    hi = pHi + cHi + u64(lo < pLo)
    s = sP
  } else if (pHi > cHi || (pHi == cHi && pLo >= cLo)) {
    lo = pLo - cLo
    hi = pHi - cHi - u64(pLo < cLo)
    s = sP
  } else {
    lo = cLo - pLo
    hi = cHi - pHi - u64(cLo < pLo)
    s = sC
  }
  if (hi == 0 && lo == 0) return fpZero(u32(rm == RM_NEGINF), fmt)
  return roundPack128<T>(s, e + scale, hi, lo, rm)
}

/** FPMulAdd(addend, op1, op2): addend + op1*op2 with one rounding. */
export function fpMulAdd<T>(c: u64, a: u64, b: u64, rm: i32): u64 {
  const fmt = fmtOf<T>()
  const cc = fpClass<T>(c)
  const ca = fpClass<T>(a)
  const cb = fpClass<T>(b)
  const infZero = (ca == C_INF && cb == C_ZERO) || (ca == C_ZERO && cb == C_INF)
  if (cc >= C_QNAN || ca >= C_QNAN || cb >= C_QNAN) {
    // a quiet NaN addend does not hide the invalid 0 * inf product
    if (cc == C_QNAN && infZero) {
      fpsr |= FPSR_IOC
      return fpDefaultNaN(fmt)
    }
    return processNaNs3<T>(c, cc, a, ca, b, cb)
  }
  if (infZero) { fpsr |= FPSR_IOC; return fpDefaultNaN(fmt) }
  const sC = signOf(c, fmt)
  const sP = signOf(a, fmt) ^ signOf(b, fmt)
  const infP = ca == C_INF || cb == C_INF
  if (cc == C_INF && infP && sC != sP) { fpsr |= FPSR_IOC; return fpDefaultNaN(fmt) }
  if (cc == C_INF) return fpInf(sC, fmt)
  if (infP) return fpInf(sP, fmt)
  const zeroP = ca == C_ZERO || cb == C_ZERO
  if (zeroP) {
    if (cc == C_ZERO) return fpZero(sC == sP ? sC : u32(rm == RM_NEGINF), fmt)
    return c
  }
  const sigA = unpackSig(a, fmt)
  let eP = uExp
  const sigB = unpackSig(b, fmt)
  eP += uExp
  let sigC: u64 = 0
  let eC: i32 = 0
  if (cc != C_ZERO) { sigC = unpackSig(c, fmt); eC = uExp }
  return fusedCore<T>(sP, eP, sigA, sigB, sC, eC, sigC, rm, 0)
}

/** FPRecipStepFused (FRECPS: 2 - a*b) and FPRSqrtStepFused (FRSQRTS:
 *  (3 - a*b) / 2), both with one rounding. */
export function fpStepFused<T>(a: u64, b: u64, rsqrt: bool, rm: i32): u64 {
  const fmt = fmtOf<T>()
  a ^= signBit(fmt) // FPNeg(op1), NaN included
  const ca = fpClass<T>(a)
  const cb = fpClass<T>(b)
  if (ca >= C_QNAN || cb >= C_QNAN) return processNaNs<T>(a, ca, b, cb)
  const F = fracBits(fmt)
  // 2.0 = 1.0 * 2^1; 1.5 = 1.5 * 2^0; 3.0 = 1.5 * 2^1
  const constVal = rsqrt ? fpConst(0, 0, u64(1) << u64(F - 1), fmt) : fpConst(0, 1, 0, fmt)
  if ((ca == C_INF && cb == C_ZERO) || (ca == C_ZERO && cb == C_INF)) return constVal
  const sP = signOf(a, fmt) ^ signOf(b, fmt)
  if (ca == C_INF || cb == C_INF) return fpInf(sP, fmt)
  if (ca == C_ZERO || cb == C_ZERO) return constVal
  const sigA = unpackSig(a, fmt)
  let eP = uExp
  const sigB = unpackSig(b, fmt)
  eP += uExp
  const sigC = rsqrt ? u64(3) << 61 : u64(1) << 62
  return fusedCore<T>(sP, eP, sigA, sigB, 0, 1, sigC, rm, rsqrt ? -1 : 0)
}

// ---------------------------------------------------------------------------
// Comparisons, minimum and maximum

/** Total order key of a non-NaN operand of class c (zeros equal). */
@inline function orderKey(x: u64, c: i32, fmt: i32): i64 {
  if (c == C_ZERO) return 0
  const mag = i64(x & ~signBit(fmt))
  return signOf(x, fmt) != 0 ? -mag : mag
}

/** FPCompare: NZCV as a 4-bit value (N=8, Z=4, C=2, V=1). Unordered gives
 *  0011 and IOC for a signalling NaN, or for any NaN when `signalling`
 *  (FCMPE). */
export function fpCompare<T>(a: u64, b: u64, signalling: bool): u32 {
  const fmt = fmtOf<T>()
  const ca = fpClass<T>(a)
  const cb = fpClass<T>(b)
  if (ca >= C_QNAN || cb >= C_QNAN) {
    if (signalling || ca == C_SNAN || cb == C_SNAN) fpsr |= FPSR_IOC
    return 0b0011
  }
  const ka = orderKey(a, ca, fmt)
  const kb = orderKey(b, cb, fmt)
  if (ka == kb) return 0b0110
  return ka < kb ? 0b1000 : 0b0010
}

/** FPMax/FPMin, or FPMaxNum/FPMinNum when `num` (a single quiet NaN loses). */
export function fpMinMax<T>(a: u64, b: u64, isMax: bool, num: bool): u64 {
  const fmt = fmtOf<T>()
  let ca = fpClass<T>(a)
  let cb = fpClass<T>(b)
  if (num) {
    // FPMaxNum replaces a lone quiet NaN by -inf (FPMinNum: +inf)
    if (ca == C_QNAN && cb != C_QNAN) { a = fpInf(u32(isMax), fmt); ca = C_INF }
    else if (cb == C_QNAN && ca != C_QNAN) { b = fpInf(u32(isMax), fmt); cb = C_INF }
  }
  if (ca >= C_QNAN || cb >= C_QNAN) return processNaNs<T>(a, ca, b, cb)
  const ka = orderKey(a, ca, fmt)
  const kb = orderKey(b, cb, fmt)
  const pickA = isMax ? ka > kb : ka < kb
  const x = pickA ? a : b
  const cx = pickA ? ca : cb
  if (cx == C_ZERO) {
    const sa = signOf(a, fmt), sb = signOf(b, fmt)
    if (ca == C_ZERO && cb == C_ZERO) return fpZero(isMax ? sa & sb : sa | sb, fmt)
    return fpZero(signOf(x, fmt), fmt)
  }
  return x
}

// ---------------------------------------------------------------------------
// Rounding to integral and conversions

// Set by splitInt: integer part, discarded fraction bits and their half.
let sIp: u64 = 0
let sRest: u64 = 0
let sHalf: u64 = 0

/** Splits sig * 2^(e - 62) (e <= 63) into integer part and fraction. */
@inline function splitInt(sig: u64, e: i32): void {
  if (e >= 62) {
    sIp = sig << u64(e - 62); sRest = 0; sHalf = 1
  } else if (e >= -1) {
    const sh = 62 - e
    sIp = sig >> u64(sh)
    sRest = sig & ((u64(1) << u64(sh)) - 1)
    sHalf = u64(1) << u64(sh - 1)
  } else {
    // below one half: nonzero, under the halfway point
    sIp = 0; sRest = 1; sHalf = 2
  }
}

/** FPRoundInt: FRINTN/A/P/M/Z (rm given), FRINTX (exact: IXC), FRINTI. */
export function fpRoundInt<T>(a: u64, rm: i32, exact: bool): u64 {
  const fmt = fmtOf<T>()
  const ca = fpClass<T>(a)
  if (ca >= C_QNAN) return processNaN(a, ca, fmt)
  const s = signOf(a, fmt)
  if (ca == C_ZERO) return fpZero(s, fmt)
  if (ca == C_INF) return a
  const sig = unpackSig(a, fmt)
  const e = uExp
  if (e >= fracBits(fmt)) return a
  splitInt(sig, e)
  let ip = sIp
  if (roundsUp(rm, s, ip, sRest, sHalf)) ip++
  if (exact && sRest != 0) fpsr |= FPSR_IXC
  if (ip == 0) return fpZero(s, fmt)
  const lz = i32(clz(ip))
  return roundPack<T>(s, 63 - lz, ip << u64(lz - 1), RM_ZERO)
}

/** FPToFixed: to a signed/unsigned 32/64-bit integer with `fbits` fraction
 *  bits; saturates with IOC, NaN gives 0 with IOC. 32-bit results are
 *  returned zero-extended. */
export function fpToFixed<T>(a: u64, rm: i32, fbits: i32, unsigned: bool, is64: bool): u64 {
  const fmt = fmtOf<T>()
  const ca = fpClass<T>(a)
  if (ca >= C_QNAN) { fpsr |= FPSR_IOC; return 0 }
  if (ca == C_ZERO) return 0
  const s = signOf(a, fmt)
  const width = is64 ? 64 : 32
  let ip: u64 = 0
  let overflow = ca == C_INF
  let rest: u64 = 0
  if (!overflow) {
    const sig = unpackSig(a, fmt)
    const e = uExp + fbits
    if (e >= 64) {
      overflow = true
    } else {
      splitInt(sig, e)
      ip = sIp
      rest = sRest
      if (roundsUp(rm, s, ip, rest, sHalf)) {
        ip++
        if (ip == 0) overflow = true
      }
    }
  }
  let r: u64
  if (unsigned) {
    const max = is64 ? ~u64(0) : u64(0xffffffff)
    if (s != 0) {
      if (overflow || ip != 0) { fpsr |= FPSR_IOC; return 0 }
      r = 0
    } else {
      if (overflow || ip > max) { fpsr |= FPSR_IOC; return max }
      r = ip
    }
  } else {
    const lim = u64(1) << u64(width - 1)
    if (s != 0) {
      if (overflow || ip > lim) { fpsr |= FPSR_IOC; return lim }
      r = is64 ? 0 - ip : (0 - ip) & 0xffffffff
    } else {
      if (overflow || ip >= lim) { fpsr |= FPSR_IOC; return lim - 1 }
      r = ip
    }
  }
  if (rest != 0) fpsr |= FPSR_IXC
  return r
}

/** FixedToFP: a 32/64-bit signed/unsigned integer with `fbits` fraction
 *  bits to the format, rounded with rm. */
export function fpFromFixed<T>(v: u64, signed: bool, is64: bool, fbits: i32, rm: i32): u64 {
  const fmt = fmtOf<T>()
  if (!is64) v = signed ? u64(i64(i32(u32(v)))) : v & 0xffffffff
  const s = u32(signed && i64(v) < 0)
  const mag = s != 0 ? 0 - v : v
  if (mag == 0) return 0
  const lz = i32(clz(mag))
  const sig = mag << u64(lz)
  return roundPack<T>(s, 63 - lz - fbits, (sig >> 1) | (sig & 1), rm)
}

/** FPConvert between half, single and double (FCVT), with AHP for half and
 *  rounding rm. */
export function fpConvert<FROM, TO>(a: u64, rm: i32): u64 {
  const from = fmtOf<FROM>()
  const to = fmtOf<TO>()
  let ca: i32
  if (from == FMT_H && fpAHP) {
    // alternative half precision has no infinities or NaNs
    ca = (a & 0x7fff) == 0 ? C_ZERO : C_NORMAL
  } else {
    ca = fpClass<FROM>(a)
  }
  const s = signOf(a, from)
  const ahpOut = to == FMT_H && fpAHP
  if (ca >= C_QNAN) {
    let r: u64
    if (ahpOut) r = fpZero(s, to)
    else if (fpDN) r = fpDefaultNaN(to)
    else {
      // FPConvertNaN: sign and payload (left-aligned under the quiet bit)
      const Ff = fracBits(from), Ft = fracBits(to)
      const payload = fracField(a, from) & ((u64(1) << u64(Ff - 1)) - 1)
      const p = Ft >= Ff ? payload << u64(Ft - Ff) : payload >> u64(Ff - Ft)
      r = fpDefaultNaN(to) | fpZero(s, to) | p
    }
    if (ca == C_SNAN || ahpOut) fpsr |= FPSR_IOC
    return r
  }
  if (ca == C_INF) {
    if (ahpOut) { fpsr |= FPSR_IOC; return fpZero(s, to) | 0x7fff }
    return fpInf(s, to)
  }
  if (ca == C_ZERO) return fpZero(s, to)
  const sig = unpackSig(a, from)
  return roundPack<TO>(s, uExp, sig, rm)
}

// ---------------------------------------------------------------------------
// Estimates (FPRecipEstimate, FPRSqrtEstimate, FPRecpX)

/** RecipEstimate: 9-bit reciprocal of a in [256, 512). */
@inline function recipEstimate(a: i32): i32 {
  const b = (1 << 19) / (a * 2 + 1)
  return (b + 1) >> 1
}

/** RecipSqrtEstimate: a in [128, 512). */
function recipSqrtEstimate(a0: i32): i32 {
  let a = a0
  if (a < 256) a = a * 2 + 1
  else a = ((a >> 1) << 1) * 2 + 2
  // largest b with a*(b+1)^2 < 2^28; start just under the real root
  let b = i32(16384.0 / Math.sqrt(f64(a))) - 2
  if (b < 512) b = 512
  while (i64(a) * i64(b + 1) * i64(b + 1) < (i64(1) << 28)) b++
  return (b + 1) >> 1
}

/** FPRecipEstimate (FRECPE). */
export function fpRecipEstimate<T>(x: u64): u64 {
  const fmt = fmtOf<T>()
  const c = fpClass<T>(x)
  if (c >= C_QNAN) return processNaN(x, c, fmt)
  const s = signOf(x, fmt)
  if (c == C_INF) return fpZero(s, fmt)
  if (c == C_ZERO) { fpsr |= FPSR_DZC; return fpInf(s, fmt) }
  const F = fracBits(fmt)
  const B = bias(fmt)
  let exp = expField(x, fmt)
  const frac = fracField(x, fmt)
  if (exp == 0 && frac < (u64(1) << u64(F - 2))) {
    // |x| < 2^-(bias+1): the reciprocal overflows
    const rm = fpRMode
    const toInf = rm == RM_TIEEVEN || (rm == RM_POSINF && s == 0) || (rm == RM_NEGINF && s != 0)
    fpsr |= FPSR_OFC | FPSR_IXC
    return toInf ? fpInf(s, fmt) : fpMaxNormal(s, fmt)
  }
  if (fpFZ && fmt != FMT_H && exp >= 2 * B - 1) {
    fpsr |= FPSR_UFC
    return fpZero(s, fmt)
  }
  const M52 = (u64(1) << 52) - 1
  let fraction = frac << u64(52 - F)
  if (exp == 0) {
    if (((fraction >> 51) & 1) == 0) { exp = -1; fraction = (fraction << 2) & M52 }
    else fraction = (fraction << 1) & M52
  }
  const scaled = i32(256 | (fraction >> 44))
  let rexp = 2 * B - 1 - exp
  const est = recipEstimate(scaled)
  fraction = u64(est & 0xff) << 44
  if (rexp == 0) fraction = (u64(1) << 51) | (fraction >> 1)
  else if (rexp == -1) { fraction = (u64(1) << 50) | (fraction >> 2); rexp = 0 }
  return fpZero(s, fmt) | (u64(rexp) << u64(F)) | (fraction >> u64(52 - F))
}

/** FPRSqrtEstimate (FRSQRTE). */
export function fpRSqrtEstimate<T>(x: u64): u64 {
  const fmt = fmtOf<T>()
  const c = fpClass<T>(x)
  if (c >= C_QNAN) return processNaN(x, c, fmt)
  const s = signOf(x, fmt)
  if (c == C_ZERO) { fpsr |= FPSR_DZC; return fpInf(s, fmt) }
  if (s != 0) { fpsr |= FPSR_IOC; return fpDefaultNaN(fmt) }
  if (c == C_INF) return 0
  const F = fracBits(fmt)
  const B = bias(fmt)
  const M52 = (u64(1) << 52) - 1
  let exp = expField(x, fmt)
  let fraction = fracField(x, fmt) << u64(52 - F)
  if (exp == 0) {
    while (((fraction >> 51) & 1) == 0) { fraction = (fraction << 1) & M52; exp-- }
    fraction = (fraction << 1) & M52
  }
  // an even exponent keeps the value in [0.5, 1), an odd one in [0.25, 0.5)
  const scaled = (exp & 1) == 0 ? i32(256 | (fraction >> 44)) : i32(128 | (fraction >> 45))
  const rexp = (3 * B - 1 - exp) >> 1
  const est = recipSqrtEstimate(scaled)
  return (u64(rexp) << u64(F)) | (u64(est & 0xff) << u64(F - 8))
}

/** UnsignedRecipEstimate (URECPE, one 32-bit lane): x in [0.5, 1) as a
 *  fraction of 2^32; smaller inputs give all ones. */
export function uRecipEstimate(x: u32): u32 {
  if ((x >> 31) == 0) return 0xffffffff
  return u32(recipEstimate(i32(x >> 23))) << 23
}

/** UnsignedRSqrtEstimate (URSQRTE, one 32-bit lane): x in [0.25, 1). */
export function uRSqrtEstimate(x: u32): u32 {
  if ((x >> 30) == 0) return 0xffffffff
  return u32(recipSqrtEstimate(i32(x >> 23))) << 23
}

/** FPRecpX (FRECPX): exponent inverted, fraction cleared. */
export function fpRecpX<T>(x: u64): u64 {
  const fmt = fmtOf<T>()
  const c = fpClass<T>(x)
  if (c >= C_QNAN) return processNaN(x, c, fmt)
  const F = fracBits(fmt)
  const ones = (1 << expBits(fmt)) - 1
  const e = expField(x, fmt)
  const re = e == 0 ? ones - 1 : ~e & ones
  return fpZero(signOf(x, fmt), fmt) | (u64(re) << u64(F))
}
