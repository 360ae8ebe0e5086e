// AdvSIMD data processing and scalar floating point. Integer lanes are
// computed here; IEEE arithmetic goes to the soft-float library in ./fp
// (docs/fp-softfloat.md), which holds FPCR/FPSR while a context runs.
// Results are built in a scratch register and then copied, so a destination
// that is also a source reads the old value. Each group returns 0, or
// CoreExit.Undefined for the unallocated corners of its row.
import { CoreExit } from '../../core-abi'
import { R_V, SCRATCH_BASE } from './layout'
import { Op } from './ops'
import { condHoldsExt } from './cond'
import {
  f32Abd, f32Add, f32Compare, f32Div, f32Madd, f32Max, f32MaxNum, f32Min, f32MinNum, f32Msub, f32Mul, f32Mulx,
  f32Nmadd, f32Nmsub, f32Nmul, f32Recpe, f32Recps, f32Recpx, f32RoundInt, f32Rsqrte, f32Rsqrts, f32Sqrt,
  f32Sub, f32ToF16, f32ToF64, f32ToInt, f64Abd, f64Add, f64Compare, f64Div, f64Madd, f64Max, f64MaxNum, f64Min,
  f64MinNum, f64Msub, f64Mul, f64Mulx, f64Nmadd, f64Nmsub, f64Nmul, f64Recpe, f64Recps, f64Recpx, f64RoundInt,
  f64Rsqrte, f64Rsqrts, f64Sqrt, f64Sub, f64ToF16, f64ToF32, f64ToF32Odd, f64ToInt, f16ToF32, f16ToF64,
  fpGetRMode, fpRaise, intToF32, intToF64, FPSR_QC, RM_NEGINF, RM_POSINF, RM_TIEAWAY, RM_TIEEVEN, RM_ZERO,
} from './fp/index'

const U = CoreExit.Undefined
/** Scratch vectors (results built here, then copied to Vd). */
const T0: u32 = SCRATCH_BASE + 64
const T1: u32 = T0 + 16

@inline function vr(c: u32, r: u32): u32 { return c + R_V + ((r & 31) << 4) }
@inline function xr(c: u32, r: u32): u64 { return r == 31 ? 0 : load<u64>(c + (r << 3)) }
@inline function setXr(c: u32, r: u32, v: u64): void { if (r != 31) store<u64>(c + (r << 3), v) }

@inline function ge(p: u32, i: u32, sz: u32): u64 {
  if (sz == 0) return load<u8>(p + i)
  if (sz == 1) return load<u16>(p + (i << 1))
  if (sz == 2) return load<u32>(p + (i << 2))
  return load<u64>(p + (i << 3))
}
@inline function se(p: u32, i: u32, sz: u32, x: u64): void {
  if (sz == 0) store<u8>(p + i, <u8>x)
  else if (sz == 1) store<u16>(p + (i << 1), <u16>x)
  else if (sz == 2) store<u32>(p + (i << 2), <u32>x)
  else store<u64>(p + (i << 3), x)
}
@inline function sext(x: u64, sz: u32): u64 {
  const s: u64 = 64 - (<u64>8 << sz)
  return <u64>(<i64>(x << s) >> s)
}
@inline function maskOf(sz: u32): u64 { return sz == 3 ? <u64>-1 : (<u64>1 << (<u64>8 << sz)) - 1 }

/** Copies the scratch result to Vd, keeping `bytes` and zeroing the rest. */
function writeBack(c: u32, rd: u32, src: u32, bytes: u32): void {
  const d = vr(c, rd)
  const lo = load<u64>(src), hi = load<u64>(src, 8)
  if (bytes >= 16) { store<u64>(d, lo); store<u64>(d, hi, 8); return }
  store<u64>(d, bytes == 8 ? lo : lo & ((<u64>1 << (<u64>bytes * 8)) - 1))
  store<u64>(d, 0, 8)
}

// ---- saturation -------------------------------------------------------------------

function satS(x: i64, sz: u32): u64 {
  const bits: i64 = 8 << sz
  const max: i64 = (<i64>1 << (bits - 1)) - 1
  const min: i64 = -max - 1
  if (x > max) { fpRaise(FPSR_QC); return <u64>max }
  if (x < min) { fpRaise(FPSR_QC); return <u64>min }
  return <u64>x
}
function satU(x: i64, sz: u32): u64 {
  const max: i64 = (<i64>1 << (<i64>8 << sz)) - 1
  if (x > max) { fpRaise(FPSR_QC); return <u64>max }
  if (x < 0) { fpRaise(FPSR_QC); return 0 }
  return <u64>x
}
/** Saturating signed add for 64-bit lanes. */
function sqadd64(a: u64, b: u64): u64 {
  const r = a + b
  if (((a ^ r) & (b ^ r)) >> 63) { fpRaise(FPSR_QC); return (<i64>a < 0) ? 0x8000000000000000 : 0x7FFFFFFFFFFFFFFF }
  return r
}
function sqsub64(a: u64, b: u64): u64 {
  const r = a - b
  if (((a ^ b) & (a ^ r)) >> 63) { fpRaise(FPSR_QC); return (<i64>a < 0) ? 0x8000000000000000 : 0x7FFFFFFFFFFFFFFF }
  return r
}
function uqadd64(a: u64, b: u64): u64 { const r = a + b; if (r < a) { fpRaise(FPSR_QC); return <u64>-1 } return r }
function uqsub64(a: u64, b: u64): u64 { if (b > a) { fpRaise(FPSR_QC); return 0 } return a - b }

/** SQDMULH / SQRDMULH lane: the high half of 2·a·b (+ rounding), saturated.
 *  Computed as (a·b + round/2) >> (esize − 1) so that the doubled 32-bit
 *  product cannot overflow 64 bits (−2^31 · −2^31 · 2 = 2^63). */
function sqdmulh(a: u64, b: u64, sz: u32, round: bool): u64 {
  const bits: i64 = 8 << sz
  let p = <i64>sext(a, sz) * <i64>sext(b, sz)
  if (round) p += <i64>1 << (bits - 2)
  return satS(p >> (bits - 1), sz)
}

/** Rounding right shift of a 64-bit extended value by n (n may exceed 64). */
function rshr(x: u64, n: u64, signed: bool, round: bool): u64 {
  if (n == 0) return x
  if (n > 64) return signed && !round ? <u64>(<i64>x >> 63) : 0
  if (!round) return n == 64 ? (signed ? <u64>(<i64>x >> 63) : 0) : (signed ? <u64>(<i64>x >> n) : x >>> n)
  const t = signed ? <u64>(<i64>x >> (n - 1)) : x >>> (n - 1)
  return (signed ? <u64>(<i64>t >> 1) : t >>> 1) + (t & 1)
}

/** SSHL/USHL/SRSHL/URSHL/SQSHL/UQSHL/SQRSHL/UQRSHL lane: shift by the signed low byte of b. */
function shlReg(a: u64, b: u64, sz: u32, unsigned: bool, round: bool, sat: bool): u64 {
  const sh = <i64><i8>b
  const bits: i64 = 8 << sz
  const x = unsigned ? a & maskOf(sz) : sext(a, sz)
  if (sh >= 0) {
    if (!sat) return sh >= bits ? 0 : x << <u64>sh
    if (x == 0) return 0
    if (sh >= bits) { fpRaise(FPSR_QC); return unsigned ? maskOf(sz) : (<i64>x < 0 ? ~(maskOf(sz) >> 1) : maskOf(sz) >> 1) }
    const r = x << <u64>sh
    const back = unsigned ? (r & maskOf(sz)) >> <u64>sh : <u64>(<i64>sext(r, sz) >> sh)
    if (back != x || (!unsigned && sz == 3 && (<i64>r >> sh) != <i64>x)) {
      fpRaise(FPSR_QC)
      return unsigned ? maskOf(sz) : (<i64>x < 0 ? ~(maskOf(sz) >> 1) : maskOf(sz) >> 1)
    }
    return r
  }
  return rshr(x, <u64>(-sh), !unsigned, round)
}

// ---- floating-point lane operations ---------------------------------------------------

const enum F { ADD, SUB, MUL, DIV, MAX, MIN, MAXNM, MINNM, NMUL, MULX, ABD, RECPS, RSQRTS, CMEQ, CMGE, CMGT, ACGE, ACGT, MLA, MLS }

function fp2(op: F, d: bool, a: u64, b: u64, acc: u64): u64 {
  if (d) {
    switch (op) {
      case F.ADD: return f64Add(a, b)
      case F.SUB: return f64Sub(a, b)
      case F.MUL: return f64Mul(a, b)
      case F.DIV: return f64Div(a, b)
      case F.MAX: return f64Max(a, b)
      case F.MIN: return f64Min(a, b)
      case F.MAXNM: return f64MaxNum(a, b)
      case F.MINNM: return f64MinNum(a, b)
      case F.NMUL: return f64Nmul(a, b)
      case F.MULX: return f64Mulx(a, b)
      case F.ABD: return f64Abd(a, b)
      case F.RECPS: return f64Recps(a, b)
      case F.RSQRTS: return f64Rsqrts(a, b)
      case F.CMEQ: return f64Compare(a, b, false) == 6 ? <u64>-1 : 0
      case F.CMGE: { const r = f64Compare(a, b, true); return r == 6 || r == 2 ? <u64>-1 : 0 }
      case F.CMGT: return f64Compare(a, b, true) == 2 ? <u64>-1 : 0
      case F.ACGE: { const r = f64Compare(a & 0x7FFFFFFFFFFFFFFF, b & 0x7FFFFFFFFFFFFFFF, true); return r == 6 || r == 2 ? <u64>-1 : 0 }
      case F.ACGT: return f64Compare(a & 0x7FFFFFFFFFFFFFFF, b & 0x7FFFFFFFFFFFFFFF, true) == 2 ? <u64>-1 : 0
      case F.MLA: return f64Madd(a, b, acc)
      default: return f64Msub(a, b, acc)
    }
  }
  const x = <u32>a, y = <u32>b
  switch (op) {
    case F.ADD: return f32Add(x, y)
    case F.SUB: return f32Sub(x, y)
    case F.MUL: return f32Mul(x, y)
    case F.DIV: return f32Div(x, y)
    case F.MAX: return f32Max(x, y)
    case F.MIN: return f32Min(x, y)
    case F.MAXNM: return f32MaxNum(x, y)
    case F.MINNM: return f32MinNum(x, y)
    case F.NMUL: return f32Nmul(x, y)
    case F.MULX: return f32Mulx(x, y)
    case F.ABD: return f32Abd(x, y)
    case F.RECPS: return f32Recps(x, y)
    case F.RSQRTS: return f32Rsqrts(x, y)
    case F.CMEQ: return f32Compare(x, y, false) == 6 ? 0xFFFFFFFF : 0
    case F.CMGE: { const r = f32Compare(x, y, true); return r == 6 || r == 2 ? 0xFFFFFFFF : 0 }
    case F.CMGT: return f32Compare(x, y, true) == 2 ? 0xFFFFFFFF : 0
    case F.ACGE: { const r = f32Compare(x & 0x7FFFFFFF, y & 0x7FFFFFFF, true); return r == 6 || r == 2 ? 0xFFFFFFFF : 0 }
    case F.ACGT: return f32Compare(x & 0x7FFFFFFF, y & 0x7FFFFFFF, true) == 2 ? 0xFFFFFFFF : 0
    case F.MLA: return f32Madd(x, y, <u32>acc)
    default: return f32Msub(x, y, <u32>acc)
  }
}

/** The FP operation of a three-same encoding (U, a = size<1>, opcode 11xxx), or -1. */
function fp3sameOp(u: u32, a: u32, opc: u32, scalar: bool): i32 {
  switch ((u << 4) | (a << 3) | (opc & 7)) {
    case 0x00: return scalar ? -1 : F.MAXNM
    case 0x08: return scalar ? -1 : F.MINNM
    case 0x01: return scalar ? -1 : F.MLA
    case 0x09: return scalar ? -1 : F.MLS
    case 0x02: return scalar ? -1 : F.ADD
    case 0x0A: return scalar ? -1 : F.SUB
    case 0x03: return F.MULX
    case 0x04: return F.CMEQ
    case 0x06: return scalar ? -1 : F.MAX
    case 0x0E: return scalar ? -1 : F.MIN
    case 0x07: return F.RECPS
    case 0x0F: return F.RSQRTS
    case 0x12: return scalar ? -1 : F.ADD | 0x100 // FADDP
    case 0x1A: return F.ABD
    case 0x13: return scalar ? -1 : F.MUL
    case 0x14: return F.CMGE
    case 0x1C: return F.CMGT
    case 0x15: return F.ACGE
    case 0x1D: return F.ACGT
    case 0x10: return scalar ? -1 : F.MAXNM | 0x100 // FMAXNMP
    case 0x18: return scalar ? -1 : F.MINNM | 0x100
    case 0x16: return scalar ? -1 : F.MAX | 0x100
    case 0x1E: return scalar ? -1 : F.MIN | 0x100
    case 0x17: return scalar ? -1 : F.DIV
    default: return -1
  }
}

// ---- three same -------------------------------------------------------------------------

function intLane3(opc: u32, u: bool, sz: u32, a: u64, b: u64, d: u64): u64 {
  const m = maskOf(sz)
  const sa = sext(a, sz), sb = sext(b, sz)
  const ua = a & m, ub = b & m
  switch (opc) {
    case 0x00: // SHADD/UHADD
      return u ? (ua >> 1) + (ub >> 1) + (ua & ub & 1) : <u64>((<i64>sa >> 1) + (<i64>sb >> 1) + <i64>(sa & sb & 1))
    case 0x02: // SRHADD/URHADD
      return u ? (ua >> 1) + (ub >> 1) + ((ua | ub) & 1) : <u64>((<i64>sa >> 1) + (<i64>sb >> 1) + <i64>((sa | sb) & 1))
    case 0x04: // SHSUB/UHSUB
      if (sz == 3) return u ? ((ua >> 1) - (ub >> 1) - (~ua & ub & 1)) : <u64>((<i64>sa >> 1) - (<i64>sb >> 1) - <i64>(~sa & sb & 1))
      return u ? (ua - ub) >> 1 : <u64>((<i64>sa - <i64>sb) >> 1)
    case 0x01: // SQADD/UQADD
      if (sz == 3) return u ? uqadd64(ua, ub) : sqadd64(a, b)
      return u ? satU(<i64>(ua + ub), sz) : satS(<i64>sa + <i64>sb, sz)
    case 0x05: // SQSUB/UQSUB
      if (sz == 3) return u ? uqsub64(ua, ub) : sqsub64(a, b)
      return u ? satU(<i64>ua - <i64>ub, sz) : satS(<i64>sa - <i64>sb, sz)
    case 0x06: return (u ? ua > ub : <i64>sa > <i64>sb) ? m : 0 // CMGT/CMHI
    case 0x07: return (u ? ua >= ub : <i64>sa >= <i64>sb) ? m : 0 // CMGE/CMHS
    case 0x08: return shlReg(a, b, sz, u, false, false)
    case 0x09: return shlReg(a, b, sz, u, false, true)
    case 0x0A: return shlReg(a, b, sz, u, true, false)
    case 0x0B: { // SQRSHL/UQRSHL
      const sh = <i64><i8>b
      if (sh >= 0) return shlReg(a, b, sz, u, true, true)
      return rshr(u ? ua : sa, <u64>(-sh), !u, true)
    }
    case 0x0C: return (u ? ua > ub : <i64>sa > <i64>sb) ? a : b // SMAX/UMAX
    case 0x0D: return (u ? ua < ub : <i64>sa < <i64>sb) ? a : b // SMIN/UMIN
    case 0x0E: case 0x0F: { // SABD/UABD, SABA/UABA
      const r = (u ? ua > ub : <i64>sa > <i64>sb) ? (u ? ua - ub : sa - sb) : (u ? ub - ua : sb - sa)
      return opc == 0x0F ? d + r : r
    }
    case 0x10: return u ? a - b : a + b
    case 0x11: return u ? (ua == ub ? m : 0) : ((a & b & m) != 0 ? m : 0) // CMEQ / CMTST
    case 0x12: return u ? d - a * b : d + a * b // MLS / MLA
    case 0x13: { // MUL / PMUL
      if (!u) return a * b
      let r: u64 = 0
      for (let i: u64 = 0; i < 8; i++) if ((ub >> i) & 1) r ^= ua << i
      return r
    }
    case 0x14: return (u ? ua > ub : <i64>sa > <i64>sb) ? a : b // SMAXP/UMAXP (pairs arranged by caller)
    case 0x15: return (u ? ua < ub : <i64>sa < <i64>sb) ? a : b
    case 0x16: return sz == 1 || sz == 2 ? sqdmulh(a, b, sz, u) : 0 // SQDMULH / SQRDMULH
    case 0x17: return a + b // ADDP (pairs arranged by caller)
    default: return 0
  }
}

function threeSame(c: u32, insn: u32, scalar: bool): i32 {
  const q = (insn >>> 30) & 1
  const u = (insn >>> 29) & 1
  const size = (insn >>> 22) & 3
  const opc = (insn >>> 11) & 31
  const rd = insn & 31, pn = vr(c, (insn >>> 5) & 31), pm = vr(c, (insn >>> 16) & 31), pd = vr(c, rd)
  if (opc >= 0x18) {
    const fop = fp3sameOp(u, size >>> 1, opc, scalar)
    if (fop < 0) return U
    const dbl = (size & 1) != 0
    if (!scalar && dbl && !q) return U
    const sz: u32 = dbl ? 3 : 2
    const n: u32 = scalar ? 1 : (q ? 16 : 8) >>> sz
    if (fop & 0x100) { // pairwise: lanes of the concatenation n:m
      const half = n >>> 1
      for (let i: u32 = 0; i < n; i++) {
        const src = i < half ? pn : pm
        const j = (i < half ? i : i - half) * 2
        se(T0, i, sz, fp2(<F>(fop & 0xFF), dbl, ge(src, j, sz), ge(src, j + 1, sz), 0))
      }
    } else {
      for (let i: u32 = 0; i < n; i++) se(T0, i, sz, fp2(<F>fop, dbl, ge(pn, i, sz), ge(pm, i, sz), ge(pd, i, sz)))
    }
    writeBack(c, rd, T0, n << sz)
    return 0
  }
  if (opc == 0x03) { // logic
    if (scalar) return U
    let x = load<u64>(pn), y = load<u64>(pm), z = load<u64>(pd)
    let x1 = load<u64>(pn, 8), y1 = load<u64>(pm, 8), z1 = load<u64>(pd, 8)
    let r: u64, r1: u64
    switch ((u << 2) | size) {
      case 0: r = x & y; r1 = x1 & y1; break
      case 1: r = x & ~y; r1 = x1 & ~y1; break
      case 2: r = x | y; r1 = x1 | y1; break
      case 3: r = x | ~y; r1 = x1 | ~y1; break
      case 4: r = x ^ y; r1 = x1 ^ y1; break
      case 5: r = (z & x) | (~z & y); r1 = (z1 & x1) | (~z1 & y1); break // BSL
      case 6: r = (y & x) | (~y & z); r1 = (y1 & x1) | (~y1 & z1); break // BIT
      default: r = (~y & x) | (y & z); r1 = (~y1 & x1) | (y1 & z1) // BIF
    }
    store<u64>(T0, r); store<u64>(T0, r1, 8)
    writeBack(c, rd, T0, q ? 16 : 8)
    return 0
  }
  // unallocated integer combinations
  if (size == 3 && !q && !scalar) return U
  if (scalar) {
    // scalar forms: saturating ops on any size, the rest only on 64-bit lanes
    const satOk = opc == 0x01 || opc == 0x05 || opc == 0x09 || opc == 0x0B
    const dOk = opc == 0x06 || opc == 0x07 || opc == 0x08 || opc == 0x0A || opc == 0x10 || opc == 0x11
    const mulh = opc == 0x16 && (size == 1 || size == 2)
    if (!(satOk || (dOk && size == 3) || mulh)) return U
  } else {
    if ((opc == 0x12 || opc == 0x13 || opc == 0x0C || opc == 0x0D || opc == 0x0E || opc == 0x0F || opc == 0x00 || opc == 0x02 || opc == 0x04 || opc == 0x14 || opc == 0x15) && size == 3) return U
    if (opc == 0x13 && u && size != 0) return U
    if (opc == 0x16 && (size == 0 || size == 3)) return U
    if (opc == 0x17 && u) return U
  }
  const sz = size
  const n: u32 = scalar ? 1 : (q ? 16 : 8) >>> sz
  if (!scalar && (opc == 0x14 || opc == 0x15 || opc == 0x17)) {
    const half = n >>> 1
    for (let i: u32 = 0; i < n; i++) {
      const src = i < half ? pn : pm
      const j = (i < half ? i : i - half) * 2
      se(T0, i, sz, intLane3(opc, u != 0, sz, ge(src, j, sz), ge(src, j + 1, sz), 0))
    }
  } else {
    for (let i: u32 = 0; i < n; i++) se(T0, i, sz, intLane3(opc, u != 0, sz, ge(pn, i, sz), ge(pm, i, sz), ge(pd, i, sz)))
  }
  writeBack(c, rd, T0, n << sz)
  return 0
}

// ---- three different -----------------------------------------------------------------------

function threeDiff(c: u32, insn: u32, scalar: bool): i32 {
  const q = (insn >>> 30) & 1
  const u = (insn >>> 29) & 1
  const sz = (insn >>> 22) & 3
  const opc = (insn >>> 12) & 15
  const rd = insn & 31, pn = vr(c, (insn >>> 5) & 31), pm = vr(c, (insn >>> 16) & 31), pd = vr(c, rd)
  if (sz == 3) return U
  if (scalar) {
    if (u || !(opc == 9 || opc == 11 || opc == 13) || sz == 0) return U
  }
  if (opc == 15 || (opc == 14 && (u || sz != 0))) return U
  if ((opc == 9 || opc == 11 || opc == 13) && (u || sz == 0)) return U
  const n: u32 = scalar ? 1 : 8 >>> sz // result lanes (wide) for long forms
  const hiOff: u32 = scalar ? 0 : q * 8 // "2" forms read the upper halves
  const wsz = sz + 1
  if (opc == 4 || opc == 6) { // ADDHN/RADDHN/SUBHN/RSUBHN: narrow into half of Vd
    const bits: u64 = 8 << sz
    const cnt: u32 = 8 >>> sz
    if (q) { store<u64>(T0, load<u64>(pd)) } else store<u64>(T0, 0)
    store<u64>(T0, 0, 8)
    for (let i: u32 = 0; i < cnt; i++) {
      const a = ge(pn, i, wsz), b = ge(pm, i, wsz)
      let r = opc == 4 ? a + b : a - b
      if (u) r += <u64>1 << (bits - 1)
      se(T0 + q * 8, i, sz, r >> bits)
    }
    writeBack(c, rd, T0, q ? 16 : 8)
    return 0
  }
  for (let i: u32 = 0; i < n; i++) {
    const ra = ge(pn + hiOff, i, sz), rb = ge(pm + hiOff, i, sz)
    const a = u ? ra : sext(ra, sz), b = u ? rb : sext(rb, sz)
    const acc = ge(pd, i, wsz)
    let r: u64
    switch (opc) {
      case 0: r = a + b; break
      case 2: r = a - b; break
      case 1: { const w = ge(pn, i, wsz); r = w + b; break } // xADDW: n is wide
      case 3: { const w = ge(pn, i, wsz); r = w - b; break }
      case 5: r = acc + ((u ? a > b : <i64>a > <i64>b) ? a - b : b - a); break
      case 7: r = (u ? a > b : <i64>a > <i64>b) ? a - b : b - a; break
      case 8: r = acc + a * b; break
      case 10: r = acc - a * b; break
      case 12: r = a * b; break
      case 14: { // PMULL (8-bit polynomial)
        r = 0
        for (let k: u64 = 0; k < 8; k++) if ((rb >> k) & 1) r ^= ra << k
        break
      }
      default: { // SQDMULL / SQDMLAL / SQDMLSL
        let p: u64
        if (sz == 2 && a == 0xFFFFFFFF80000000 && b == a) { fpRaise(FPSR_QC); p = 0x7FFFFFFFFFFFFFFF }
        else p = sz == 2 ? a * b * 2 : satS(<i64>(a * b * 2), wsz)
        if (opc == 13) r = p
        else if (wsz == 3) r = opc == 9 ? sqadd64(acc, p) : sqsub64(acc, p)
        else r = satS(opc == 9 ? <i64>sext(acc, wsz) + <i64>p : <i64>sext(acc, wsz) - <i64>p, wsz)
      }
    }
    se(T0, i, wsz, r)
  }
  writeBack(c, rd, T0, n << wsz)
  return 0
}

// ---- two-register misc -------------------------------------------------------------------------

function fpCvtRm(opc: u32, a: u32, u: u32): i32 {
  // FCVTN/P/M/Z/A: opcode 11010 (a=0 N, a=1 P), 11011 (a=0 M, a=1 Z), 11100 (a=0 A)
  if (opc == 0x1A) return a ? RM_POSINF : RM_TIEEVEN
  if (opc == 0x1B) return a ? RM_ZERO : RM_NEGINF
  return RM_TIEAWAY
}

function fpMiscLane(opc: u32, u: u32, a: u32, dbl: bool, x: u64): u64 {
  const ones: u64 = dbl ? <u64>-1 : 0xFFFFFFFF
  const sign: u64 = dbl ? 0x8000000000000000 : 0x80000000
  switch ((opc << 2) | (u << 1) | a) {
    case (0x0F << 2) | 1: return x & ~sign // FABS
    case (0x0F << 2) | 3: return x ^ sign // FNEG
    case (0x1F << 2) | 3: return dbl ? f64Sqrt(x) : f32Sqrt(<u32>x)
    case (0x0C << 2) | 1: return (dbl ? f64Compare(x, 0, true) : f32Compare(<u32>x, 0, true)) == 2 ? ones : 0 // FCMGT #0
    case (0x0C << 2) | 3: { const r = dbl ? f64Compare(x, 0, true) : f32Compare(<u32>x, 0, true); return r == 2 || r == 6 ? ones : 0 }
    case (0x0D << 2) | 1: return (dbl ? f64Compare(x, 0, false) : f32Compare(<u32>x, 0, false)) == 6 ? ones : 0 // FCMEQ #0
    case (0x0D << 2) | 3: { const r = dbl ? f64Compare(x, 0, true) : f32Compare(<u32>x, 0, true); return r == 8 || r == 6 ? ones : 0 } // FCMLE
    case (0x0E << 2) | 1: return (dbl ? f64Compare(x, 0, true) : f32Compare(<u32>x, 0, true)) == 8 ? ones : 0 // FCMLT
    case (0x18 << 2) | 0: return dbl ? f64RoundInt(x, RM_TIEEVEN, false) : f32RoundInt(<u32>x, RM_TIEEVEN, false)
    case (0x19 << 2) | 0: return dbl ? f64RoundInt(x, RM_NEGINF, false) : f32RoundInt(<u32>x, RM_NEGINF, false)
    case (0x18 << 2) | 1: return dbl ? f64RoundInt(x, RM_POSINF, false) : f32RoundInt(<u32>x, RM_POSINF, false)
    case (0x19 << 2) | 1: return dbl ? f64RoundInt(x, RM_ZERO, false) : f32RoundInt(<u32>x, RM_ZERO, false)
    case (0x18 << 2) | 2: return dbl ? f64RoundInt(x, RM_TIEAWAY, false) : f32RoundInt(<u32>x, RM_TIEAWAY, false)
    case (0x19 << 2) | 2: return dbl ? f64RoundInt(x, fpGetRMode(), true) : f32RoundInt(<u32>x, fpGetRMode(), true)
    case (0x19 << 2) | 3: return dbl ? f64RoundInt(x, fpGetRMode(), false) : f32RoundInt(<u32>x, fpGetRMode(), false)
    case (0x1A << 2) | 0: case (0x1A << 2) | 1: case (0x1B << 2) | 0: case (0x1B << 2) | 1: case (0x1C << 2) | 0:
    case (0x1A << 2) | 2: case (0x1A << 2) | 3: case (0x1B << 2) | 2: case (0x1B << 2) | 3: case (0x1C << 2) | 2: {
      const rm = fpCvtRm(opc, a, u)
      return dbl ? f64ToInt(x, rm, 0, u != 0, true) : f32ToInt(<u32>x, rm, 0, u != 0, false)
    }
    case (0x1D << 2) | 0: return dbl ? intToF64(x, true, true, 0) : intToF32(x, true, false, 0)
    case (0x1D << 2) | 2: return dbl ? intToF64(x, false, true, 0) : intToF32(x, false, false, 0)
    case (0x1D << 2) | 1: return dbl ? f64Recpe(x) : f32Recpe(<u32>x)
    case (0x1D << 2) | 3: return dbl ? f64Rsqrte(x) : f32Rsqrte(<u32>x)
    case (0x1F << 2) | 1: return dbl ? f64Recpx(x) : f32Recpx(<u32>x) // scalar only (checked by caller)
    default: return 0xDEAD
  }
}

function isFpMisc(opc: u32, u: u32, a: u32, scalar: bool): bool {
  const k = (opc << 2) | (u << 1) | a
  switch (k) {
    case (0x0F << 2) | 1: case (0x0F << 2) | 3: case (0x1F << 2) | 3: return !scalar
    case (0x1F << 2) | 1: return scalar
    case (0x18 << 2) | 0: case (0x19 << 2) | 0: case (0x18 << 2) | 1: case (0x19 << 2) | 1: case (0x18 << 2) | 2:
    case (0x19 << 2) | 2: case (0x19 << 2) | 3: return !scalar
    case (0x0C << 2) | 1: case (0x0C << 2) | 3: case (0x0D << 2) | 1: case (0x0D << 2) | 3: case (0x0E << 2) | 1:
    case (0x1A << 2) | 0: case (0x1A << 2) | 1: case (0x1B << 2) | 0: case (0x1B << 2) | 1: case (0x1C << 2) | 0:
    case (0x1A << 2) | 2: case (0x1A << 2) | 3: case (0x1B << 2) | 2: case (0x1B << 2) | 3: case (0x1C << 2) | 2:
    case (0x1D << 2) | 0: case (0x1D << 2) | 2: case (0x1D << 2) | 1: case (0x1D << 2) | 3: return true
    default: return false
  }
}

function twoMisc(c: u32, insn: u32, scalar: bool): i32 {
  const q = (insn >>> 30) & 1
  const u = (insn >>> 29) & 1
  const size = (insn >>> 22) & 3
  const opc = (insn >>> 12) & 31
  const rd = insn & 31, pn = vr(c, (insn >>> 5) & 31), pd = vr(c, rd)
  const bytes: u32 = scalar ? 0 : q ? 16 : 8
  // floating point
  if (opc >= 0x0C && isFpMisc(opc, u, size >>> 1, scalar)) {
    const dbl = (size & 1) != 0
    if (!scalar && dbl && !q) return U
    const sz: u32 = dbl ? 3 : 2
    const n: u32 = scalar ? 1 : bytes >>> sz
    for (let i: u32 = 0; i < n; i++) se(T0, i, sz, fpMiscLane(opc, u, size >>> 1, dbl, ge(pn, i, sz)))
    writeBack(c, rd, T0, n << sz)
    return 0
  }
  // FCVTN/FCVTXN (narrow) and FCVTL (widen)
  if (opc == 0x16 && (size >>> 1) == 0) {
    if (scalar && !(u && (size & 1))) return U
    const dbl = (size & 1) != 0
    if (scalar || u) { // FCVTXN: double -> single, round to odd
      if (!dbl) return U
      const n: u32 = scalar ? 1 : 2
      if (!scalar && q) store<u64>(T0, load<u64>(pd)); else store<u64>(T0, 0)
      store<u64>(T0, 0, 8)
      for (let i: u32 = 0; i < n; i++) se(T0 + (scalar ? 0 : q * 8), i, 2, f64ToF32Odd(ge(pn, i, 3)))
      writeBack(c, rd, T0, scalar ? 4 : q ? 16 : 8)
      return 0
    }
    const n: u32 = dbl ? 2 : 4
    if (q) store<u64>(T0, load<u64>(pd)); else store<u64>(T0, 0)
    store<u64>(T0, 0, 8)
    for (let i: u32 = 0; i < n; i++) {
      if (dbl) se(T0 + q * 8, i, 2, f64ToF32(ge(pn, i, 3)))
      else se(T0 + q * 8, i, 1, f32ToF16(<u32>ge(pn, i, 2)))
    }
    writeBack(c, rd, T0, q ? 16 : 8)
    return 0
  }
  if (opc == 0x17 && (size >>> 1) == 0 && !u && !scalar) { // FCVTL
    const dbl = (size & 1) != 0
    const n: u32 = dbl ? 2 : 4
    for (let i: u32 = 0; i < n; i++) {
      if (dbl) se(T0, i, 3, f32ToF64(<u32>ge(pn + q * 8, i, 2)))
      else se(T0, i, 2, f16ToF32(<u16>ge(pn + q * 8, i, 1)))
    }
    writeBack(c, rd, T0, 16)
    return 0
  }
  const sz = size
  const m = maskOf(sz)
  // narrowing: XTN, SQXTUN, SQXTN, UQXTN
  if (opc == 0x12 || opc == 0x14) {
    if (sz == 3) return U
    if (scalar && opc == 0x12 && !u) return U
    const n: u32 = scalar ? 1 : 8 >>> sz
    const off: u32 = scalar ? 0 : q * 8
    if (!scalar && q) store<u64>(T0, load<u64>(pd)); else store<u64>(T0, 0)
    store<u64>(T0, 0, 8)
    const wsz = sz + 1
    for (let i: u32 = 0; i < n; i++) {
      const w = ge(pn, i, wsz)
      let r: u64
      if (opc == 0x12 && !u) r = w
      else if (opc == 0x12) r = wsz == 3 ? (<i64>w < 0 ? (fpRaise(FPSR_QC), 0) : (w > m ? (fpRaise(FPSR_QC), m) : w)) : satU(<i64>sext(w, wsz), sz) // SQXTUN
      else if (u) r = w > m ? (fpRaise(FPSR_QC), m) : w // UQXTN
      else r = satS(<i64>sext(w, wsz), sz) // SQXTN
      se(T0 + off, i, sz, r)
    }
    writeBack(c, rd, T0, scalar ? 1 << sz : q ? 16 : 8)
    return 0
  }
  if (opc == 0x13 && u && !scalar) { // SHLL
    if (sz == 3) return U
    const n: u32 = 8 >>> sz
    for (let i: u32 = 0; i < n; i++) se(T0, i, sz + 1, ge(pn + q * 8, i, sz) << (<u64>8 << sz))
    writeBack(c, rd, T0, 16)
    return 0
  }
  if (scalar) {
    // scalar integer misc: CMxx #0, ABS/NEG on 64-bit; SUQADD/USQADD, SQABS/SQNEG on any size
    const d3 = opc == 0x08 || opc == 0x09 || opc == 0x0A || opc == 0x0B
    const any = opc == 0x03 || opc == 0x07
    if (!((d3 && sz == 3 && !(opc == 0x0A && u)) || any)) return U
  } else if (sz == 3 && !q) return U
  const n: u32 = scalar ? 1 : bytes >>> sz
  switch (opc) {
    case 0x00: { // REV64 / REV32
      const grp: u32 = u ? 4 : 8
      if ((<u32>1 << sz) >= grp) return U
      const per = grp >>> sz
      for (let i: u32 = 0; i < n; i++) se(T0, i, sz, ge(pn, (i & ~(per - 1)) + (per - 1 - (i & (per - 1))), sz))
      break
    }
    case 0x01: { // REV16
      if (u || sz != 0) return U
      for (let i: u32 = 0; i < n; i++) se(T0, i, 0, ge(pn, i ^ 1, 0))
      break
    }
    case 0x02: case 0x06: { // SADDLP/UADDLP, SADALP/UADALP
      if (sz == 3) return U
      const cnt = n >>> 1
      for (let i: u32 = 0; i < cnt; i++) {
        const a = ge(pn, 2 * i, sz), b = ge(pn, 2 * i + 1, sz)
        let r = u ? a + b : sext(a, sz) + sext(b, sz)
        if (opc == 0x06) r += ge(pd, i, sz + 1)
        se(T0, i, sz + 1, r)
      }
      writeBack(c, rd, T0, bytes)
      return 0
    }
    case 0x03: { // SUQADD / USQADD
      for (let i: u32 = 0; i < n; i++) {
        const a = ge(pn, i, sz), d = ge(pd, i, sz)
        let r: u64
        if (!u) { // signed d + unsigned a
          // a is unsigned, so only an upward overflow is possible: past
          // INT64_MAX - d (which fits in u64 for any signed d).
          if (sz == 3) r = a > 0x7FFFFFFFFFFFFFFF - d ? (fpRaise(FPSR_QC), 0x7FFFFFFFFFFFFFFF) : d + a
          else r = satS(<i64>sext(d, sz) + <i64>a, sz)
        } else {
          if (sz == 3) { const s = d + a; r = <i64>a >= 0 ? (s < d ? (fpRaise(FPSR_QC), <u64>-1) : s) : (s > d ? (fpRaise(FPSR_QC), 0) : s) }
          else r = satU(<i64>d + <i64>sext(a, sz), sz)
        }
        se(T0, i, sz, r)
      }
      break
    }
    case 0x04: { // CLS / CLZ
      if (sz == 3) return U
      const bits: u64 = 8 << sz
      for (let i: u32 = 0; i < n; i++) {
        const a = ge(pn, i, sz)
        let r: u64
        if (u) r = clz<u64>(a) - (64 - bits)
        else { const s = sext(a, sz); r = clz<u64>(s ^ <u64>(<i64>s >> 1)) - 1 - (64 - bits) }
        se(T0, i, sz, r)
      }
      break
    }
    case 0x05: { // CNT / NOT / RBIT
      if (!u) { if (sz != 0) return U; for (let i: u32 = 0; i < n; i++) se(T0, i, 0, popcnt<u64>(ge(pn, i, 0))) }
      else if (sz == 0) { store<u64>(T0, ~load<u64>(pn)); store<u64>(T0, ~load<u64>(pn, 8), 8) }
      else if (sz == 1) {
        for (let i: u32 = 0; i < n * 2; i++) {
          let b = <u32>ge(pn, i, 0)
          b = ((b * 0x0802 & 0x22110) | (b * 0x8020 & 0x88440)) * 0x10101 >> 16
          se(T0, i, 0, b)
        }
      } else return U
      writeBack(c, rd, T0, bytes)
      return 0
    }
    case 0x07: { // SQABS / SQNEG
      const min = ~(m >> 1) & m
      for (let i: u32 = 0; i < n; i++) {
        const a = ge(pn, i, sz)
        let r: u64
        if (a == min && (!u || true) && (u || <i64>sext(a, sz) < 0)) { fpRaise(FPSR_QC); r = m >> 1 }
        else r = u ? 0 - a : (<i64>sext(a, sz) < 0 ? 0 - a : a)
        if (u && a == 0) r = 0
        se(T0, i, sz, r)
      }
      break
    }
    case 0x08: case 0x09: case 0x0A: { // CMGT/CMGE #0, CMEQ/CMLE #0, CMLT #0
      if (opc == 0x0A && u) return U
      for (let i: u32 = 0; i < n; i++) {
        const s = <i64>sext(ge(pn, i, sz), sz)
        let t: bool
        if (opc == 0x08) t = u ? s >= 0 : s > 0
        else if (opc == 0x09) t = u ? s <= 0 : s == 0
        else t = s < 0
        se(T0, i, sz, t ? m : 0)
      }
      break
    }
    case 0x0B: { // ABS / NEG
      for (let i: u32 = 0; i < n; i++) {
        const a = ge(pn, i, sz)
        se(T0, i, sz, u ? 0 - a : (<i64>sext(a, sz) < 0 ? 0 - a : a))
      }
      break
    }
    default: return U
  }
  writeBack(c, rd, T0, n << sz)
  return 0
}

// ---- across lanes ------------------------------------------------------------------------------

function across(c: u32, insn: u32): i32 {
  const q = (insn >>> 30) & 1
  const u = (insn >>> 29) & 1
  const sz = (insn >>> 22) & 3
  const opc = (insn >>> 12) & 31
  const rd = insn & 31, pn = vr(c, (insn >>> 5) & 31)
  if (opc == 0x0C || opc == 0x0F) { // FMAXNMV/FMINNMV/FMAXV/FMINV (single, 4S only)
    if (!u || !q || (sz & 1) != 0) return U
    const f: F = opc == 0x0C ? ((sz >>> 1) ? F.MINNM : F.MAXNM) : ((sz >>> 1) ? F.MIN : F.MAX)
    const a = fp2(f, false, ge(pn, 0, 2), ge(pn, 1, 2), 0)
    const b = fp2(f, false, ge(pn, 2, 2), ge(pn, 3, 2), 0)
    store<u64>(T0, fp2(f, false, a, b, 0) & 0xFFFFFFFF); store<u64>(T0, 0, 8)
    writeBack(c, rd, T0, 16)
    return 0
  }
  if (sz == 3 || (sz == 2 && !q)) return U
  const n: u32 = (q ? 16 : 8) >>> sz
  let r: u64
  switch (opc) {
    case 0x03: { // SADDLV / UADDLV
      r = 0
      for (let i: u32 = 0; i < n; i++) r += u ? ge(pn, i, sz) : sext(ge(pn, i, sz), sz)
      store<u64>(T0, r & maskOf(sz + 1))
      break
    }
    case 0x0A: case 0x1A: { // SMAXV/UMAXV, SMINV/UMINV
      const isMax = opc == 0x0A
      r = u ? ge(pn, 0, sz) : sext(ge(pn, 0, sz), sz)
      for (let i: u32 = 1; i < n; i++) {
        const x = u ? ge(pn, i, sz) : sext(ge(pn, i, sz), sz)
        const gt = u ? x > r : <i64>x > <i64>r
        const lt = u ? x < r : <i64>x < <i64>r
        if (isMax ? gt : lt) r = x
      }
      store<u64>(T0, r & maskOf(sz))
      break
    }
    case 0x1B: { // ADDV
      if (u) return U
      r = 0
      for (let i: u32 = 0; i < n; i++) r += ge(pn, i, sz)
      store<u64>(T0, r & maskOf(sz))
      break
    }
    default: return U
  }
  store<u64>(T0, 0, 8)
  writeBack(c, rd, T0, 16)
  return 0
}

// ---- copy, permute, table lookup, extract -------------------------------------------------------

function copy(c: u32, insn: u32, scalar: bool): i32 {
  const q = (insn >>> 30) & 1
  const op = (insn >>> 29) & 1
  const imm5 = (insn >>> 16) & 31
  const imm4 = (insn >>> 11) & 15
  const rd = insn & 31, rn = (insn >>> 5) & 31
  if ((imm5 & 15) == 0) return U
  const sz: u32 = ctz<u32>(imm5)
  const idx = imm5 >>> (sz + 1)
  const pd = vr(c, rd), pn = vr(c, rn)
  if (scalar) { // DUP Vd, Vn.T[idx] (scalar) a.k.a. MOV
    se(T0, 0, sz, ge(pn, idx, sz))
    writeBack(c, rd, T0, 1 << sz)
    return 0
  }
  if (op) { // INS (element)
    if (!q) return U
    const src = imm4 >>> sz
    const x = ge(pn, src, sz)
    se(pd, idx, sz, x)
    return 0
  }
  switch (imm4) {
    case 0: case 1: { // DUP (element), DUP (general)
      if (sz == 3 && !q) return U
      const x = imm4 == 0 ? ge(pn, idx, sz) : xr(c, rn) & maskOf(sz)
      const n: u32 = (q ? 16 : 8) >>> sz
      for (let i: u32 = 0; i < n; i++) se(T0, i, sz, x)
      writeBack(c, rd, T0, q ? 16 : 8)
      return 0
    }
    case 3: // INS (general)
      if (!q) return U
      se(pd, idx, sz, xr(c, rn))
      return 0
    case 5: { // SMOV
      if (sz >= 2 + q || (sz == 2 && !q)) return U
      const v = sext(ge(pn, idx, sz), sz)
      setXr(c, rd, q ? v : v & 0xFFFFFFFF)
      return 0
    }
    case 7: { // UMOV
      if (q ? sz != 3 : sz == 3) return U
      setXr(c, rd, ge(pn, idx, sz))
      return 0
    }
    default: return U
  }
}

function permute(c: u32, insn: u32): i32 {
  const q = (insn >>> 30) & 1
  const sz = (insn >>> 22) & 3
  const opc = (insn >>> 12) & 7
  if (opc == 0 || opc == 4 || (sz == 3 && !q)) return U
  const pn = vr(c, (insn >>> 5) & 31), pm = vr(c, (insn >>> 16) & 31)
  const n: u32 = (q ? 16 : 8) >>> sz
  const part = opc >>> 2
  const half = n >>> 1
  for (let i: u32 = 0; i < n; i++) {
    let x: u64
    switch (opc & 3) {
      case 1: { const j: u32 = 2 * i + part; x = j < n ? ge(pn, j, sz) : ge(pm, j - n, sz); break } // UZP
      case 2: x = (i & 1) == 0 ? ge(pn, (i & ~1) + part, sz) : ge(pm, (i & ~1) + part, sz); break // TRN
      default: { const j = part * half + (i >>> 1); x = (i & 1) == 0 ? ge(pn, j, sz) : ge(pm, j, sz) } // ZIP
    }
    se(T0, i, sz, x)
  }
  writeBack(c, insn & 31, T0, q ? 16 : 8)
  return 0
}

function tbl(c: u32, insn: u32): i32 {
  const q = (insn >>> 30) & 1
  const len = ((insn >>> 13) & 3) + 1
  const tbx = (insn >>> 12) & 1
  const rn = (insn >>> 5) & 31, pm = vr(c, (insn >>> 16) & 31), pd = vr(c, insn & 31)
  const n: u32 = q ? 16 : 8
  for (let i: u32 = 0; i < n; i++) {
    const idx = <u32>load<u8>(pm + i)
    let x: u32
    if (idx < len * 16) x = load<u8>(vr(c, rn + (idx >>> 4)) + (idx & 15))
    else x = tbx ? load<u8>(pd + i) : 0
    store<u8>(T0 + i, <u8>x)
  }
  if (!q) store<u64>(T0, 0, 8)
  writeBack(c, insn & 31, T0, n)
  return 0
}

function ext(c: u32, insn: u32): i32 {
  const q = (insn >>> 30) & 1
  const pos = (insn >>> 11) & 15
  if (!q && pos >= 8) return U
  const pn = vr(c, (insn >>> 5) & 31), pm = vr(c, (insn >>> 16) & 31)
  const n: u32 = q ? 16 : 8
  for (let i: u32 = 0; i < n; i++) {
    const j = i + pos
    store<u8>(T0 + i, j < n ? load<u8>(pn + j) : load<u8>(pm + j - n))
  }
  writeBack(c, insn & 31, T0, n)
  return 0
}

// ---- modified immediate ------------------------------------------------------------------------

function vfpExpand(imm8: u32, dbl: bool): u64 {
  const sign = <u64>(imm8 >>> 7)
  const b6 = (imm8 >>> 6) & 1
  const frac = <u64>(imm8 & 15)
  const e3 = <u64>((imm8 >>> 4) & 3)
  if (dbl) {
    const exp: u64 = (b6 ? 0x3FC : 0x400) | e3
    return (sign << 63) | (exp << 52) | (frac << 48)
  }
  const exp: u64 = (b6 ? 0x7C : 0x80) | e3
  return (sign << 31) | (exp << 23) | (frac << 19)
}

function modImm(c: u32, insn: u32): i32 {
  const q = (insn >>> 30) & 1
  const op = (insn >>> 29) & 1
  const cmode = (insn >>> 12) & 15
  const o2 = (insn >>> 11) & 1
  if (o2) return U
  const imm8: u64 = <u64>(((insn >>> 11) & 0xE0) | ((insn >>> 5) & 31))
  let imm: u64
  let kind = 0 // 0 MOVI, 1 MVNI, 2 ORR, 3 BIC
  if (cmode < 8) { // 32-bit shifted
    imm = imm8 << (<u64>(cmode >>> 1) * 8)
    imm |= imm << 32
    kind = (cmode & 1) ? (op ? 3 : 2) : (op ? 1 : 0)
  } else if (cmode < 12) { // 16-bit shifted
    imm = imm8 << (<u64>((cmode >>> 1) & 1) * 8)
    imm *= 0x0001000100010001
    kind = (cmode & 1) ? (op ? 3 : 2) : (op ? 1 : 0)
  } else if (cmode < 14) { // 32-bit shifting ones
    imm = cmode == 12 ? (imm8 << 8) | 0xFF : (imm8 << 16) | 0xFFFF
    imm |= imm << 32
    kind = op ? 1 : 0
  } else if (cmode == 14) {
    if (!op) imm = imm8 * 0x0101010101010101
    else {
      imm = 0
      for (let i: u64 = 0; i < 8; i++) if ((imm8 >> i) & 1) imm |= <u64>0xFF << (i * 8)
    }
  } else { // cmode 15: FMOV (vector, immediate)
    if (!op) { imm = vfpExpand(<u32>imm8, false); imm |= imm << 32 }
    else { if (!q) return U; imm = vfpExpand(<u32>imm8, true) }
  }
  const pd = vr(c, insn & 31)
  let lo: u64, hi: u64
  switch (kind) {
    case 0: lo = imm; hi = imm; break
    case 1: lo = ~imm; hi = ~imm; break
    case 2: lo = load<u64>(pd) | imm; hi = load<u64>(pd, 8) | imm; break
    default: lo = load<u64>(pd) & ~imm; hi = load<u64>(pd, 8) & ~imm
  }
  store<u64>(pd, lo)
  store<u64>(pd, q ? hi : 0, 8)
  return 0
}

// ---- shift by immediate ---------------------------------------------------------------------------

function shiftImm(c: u32, insn: u32, scalar: bool): i32 {
  const q = (insn >>> 30) & 1
  const u = (insn >>> 29) & 1
  const immh = (insn >>> 19) & 15
  const immb = (insn >>> 16) & 7
  const opc = (insn >>> 11) & 31
  const rd = insn & 31, pn = vr(c, (insn >>> 5) & 31), pd = vr(c, rd)
  if (immh == 0) return U
  const sz: u32 = 31 - clz<u32>(immh)
  const bits: u32 = 8 << sz
  const immhb = (immh << 3) | immb
  const rsh: u64 = <u64>(bits * 2 - immhb) // right shift amount
  const lsh: u64 = <u64>(immhb - bits) // left shift amount
  const m = maskOf(sz)
  // narrowing right shifts: source lanes are 2*esize
  if (opc >= 0x10 && opc <= 0x13) {
    if (sz == 3) return U
    if (opc <= 0x11 && !u && scalar) return U
    const n: u32 = scalar ? 1 : 8 >>> sz
    const off: u32 = scalar ? 0 : q * 8
    if (!scalar && q) store<u64>(T0, load<u64>(pd)); else store<u64>(T0, 0)
    store<u64>(T0, 0, 8)
    const wsz = sz + 1
    const round = (opc & 1) != 0
    for (let i: u32 = 0; i < n; i++) {
      const w = ge(pn, i, wsz)
      let r: u64
      if (opc <= 0x11 && !u) r = rshr(w, rsh, false, round) // SHRN / RSHRN
      else if (opc <= 0x11) { // SQSHRUN / SQRSHRUN: signed source, unsigned saturation
        const s = rshr(sext(w, wsz), rsh, true, round)
        r = <i64>s < 0 ? (fpRaise(FPSR_QC), 0) : (s > m ? (fpRaise(FPSR_QC), m) : s)
      } else if (u) { // UQSHRN / UQRSHRN
        const s = rshr(w, rsh, false, round)
        r = s > m ? (fpRaise(FPSR_QC), m) : s
      } else r = satS(<i64>rshr(sext(w, wsz), rsh, true, round), sz) // SQSHRN / SQRSHRN
      se(T0 + off, i, sz, r)
    }
    writeBack(c, rd, T0, scalar ? 1 << sz : q ? 16 : 8)
    return 0
  }
  if (opc == 0x14) { // SSHLL / USHLL (UXTL/SXTL)
    if (sz == 3 || scalar) return U
    const n: u32 = 8 >>> sz
    for (let i: u32 = 0; i < n; i++) {
      const a = ge(pn + q * 8, i, sz)
      se(T0, i, sz + 1, (u ? a : sext(a, sz)) << lsh)
    }
    writeBack(c, rd, T0, 16)
    return 0
  }
  if (opc == 0x1C || opc == 0x1F) { // SCVTF/UCVTF / FCVTZS/FCVTZU (fixed point)
    if (sz < 2) return U
    if (!scalar && sz == 3 && !q) return U
    const n: u32 = scalar ? 1 : (q ? 16 : 8) >>> sz
    const fbits = <i32>rsh
    for (let i: u32 = 0; i < n; i++) {
      const x = ge(pn, i, sz)
      let r: u64
      if (opc == 0x1C) r = sz == 3 ? intToF64(x, !u, true, fbits) : intToF32(x, !u, false, fbits)
      else r = sz == 3 ? f64ToInt(x, RM_ZERO, fbits, u != 0, true) : f32ToInt(<u32>x, RM_ZERO, fbits, u != 0, false)
      se(T0, i, sz, r)
    }
    writeBack(c, rd, T0, n << sz)
    return 0
  }
  if (scalar ? sz != 3 && !(opc == 0x0E || opc == 0x0C) : (sz == 3 && !q)) return U
  const n: u32 = scalar ? 1 : (q ? 16 : 8) >>> sz
  for (let i: u32 = 0; i < n; i++) {
    const a = ge(pn, i, sz), d = ge(pd, i, sz)
    const x = u ? a : sext(a, sz)
    let r: u64
    switch (opc) {
      case 0x00: r = rshr(x, rsh, !u, false); break // SSHR/USHR
      case 0x02: r = d + rshr(x, rsh, !u, false); break // SSRA/USRA
      case 0x04: r = rshr(x, rsh, !u, true); break // SRSHR/URSHR
      case 0x06: r = d + rshr(x, rsh, !u, true); break // SRSRA/URSRA
      case 0x08: { // SRI
        if (!u) return U
        const keep = rsh >= 64 ? m : ~(m >> rsh) & m
        r = (d & keep) | (rsh >= 64 ? 0 : (a & m) >> rsh)
        break
      }
      case 0x0A: // SHL / SLI
        r = u ? (d & ~(m << lsh) & m) | ((a << lsh) & m) : a << lsh
        break
      case 0x0C: { // SQSHLU
        if (!u) return U
        const s = sext(a, sz)
        if (<i64>s < 0) { fpRaise(FPSR_QC); r = 0 }
        else { const v = s << lsh; r = (lsh > 0 && (v >> lsh) != s) || v > m ? (fpRaise(FPSR_QC), m) : v }
        break
      }
      case 0x0E: // SQSHL / UQSHL (immediate)
        r = shlReg(a, lsh, sz, u != 0, false, true)
        break
      default: return U
    }
    se(T0, i, sz, r)
  }
  writeBack(c, rd, T0, n << sz)
  return 0
}

// ---- by element -------------------------------------------------------------------------------------

function byElem(c: u32, insn: u32, scalar: bool): i32 {
  const q = (insn >>> 30) & 1
  const u = (insn >>> 29) & 1
  const size = (insn >>> 22) & 3
  const l = (insn >>> 21) & 1, mbit = (insn >>> 20) & 1, h = (insn >>> 11) & 1
  const opc = (insn >>> 12) & 15
  const rd = insn & 31, pn = vr(c, (insn >>> 5) & 31), pd = vr(c, rd)
  let rm = (insn >>> 16) & 15
  const isFp = (opc == 1 || opc == 5 || opc == 9) && !(u && opc != 9)
  if (isFp) {
    const dbl = (size & 1) != 0
    if ((size >>> 1) == 0) return U
    rm |= mbit << 4
    const idx: u32 = dbl ? h : (h << 1) | l
    if (dbl && (l || (!q && !scalar))) return U
    const sz: u32 = dbl ? 3 : 2
    const n: u32 = scalar ? 1 : (q ? 16 : 8) >>> sz
    const b = ge(vr(c, rm), idx, sz)
    const f: F = opc == 1 ? F.MLA : opc == 5 ? F.MLS : u ? F.MULX : F.MUL
    for (let i: u32 = 0; i < n; i++) se(T0, i, sz, fp2(f, dbl, ge(pn, i, sz), b, ge(pd, i, sz)))
    writeBack(c, rd, T0, n << sz)
    return 0
  }
  if (size == 0 || size == 3) return U
  let idx: u32
  if (size == 1) idx = (h << 2) | (l << 1) | mbit
  else { idx = (h << 1) | l; rm |= mbit << 4 }
  const sz = size
  const b = ge(vr(c, rm), idx, sz)
  const long = opc == 2 || opc == 6 || opc == 10 || opc == 3 || opc == 7 || opc == 11
  if (long) {
    if (scalar && (u || !(opc == 3 || opc == 7 || opc == 11))) return U
    if ((opc == 3 || opc == 7 || opc == 11) && u) return U
    const n: u32 = scalar ? 1 : 8 >>> sz
    const off: u32 = scalar ? 0 : q * 8
    const wsz = sz + 1
    for (let i: u32 = 0; i < n; i++) {
      const ra = ge(pn + off, i, sz)
      const a = u ? ra : sext(ra, sz), bb = u ? b : sext(b, sz)
      const acc = ge(pd, i, wsz)
      let r: u64
      switch (opc) {
        case 2: r = acc + a * bb; break
        case 6: r = acc - a * bb; break
        case 10: r = a * bb; break
        default: {
          let p: u64
          if (sz == 2 && a == 0xFFFFFFFF80000000 && bb == a) { fpRaise(FPSR_QC); p = 0x7FFFFFFFFFFFFFFF }
          else p = sz == 2 ? a * bb * 2 : satS(<i64>(a * bb * 2), wsz)
          if (opc == 11) r = p
          else if (wsz == 3) r = opc == 3 ? sqadd64(acc, p) : sqsub64(acc, p)
          else r = satS(opc == 3 ? <i64>sext(acc, wsz) + <i64>p : <i64>sext(acc, wsz) - <i64>p, wsz)
        }
      }
      se(T0, i, wsz, r)
    }
    writeBack(c, rd, T0, n << wsz)
    return 0
  }
  const n: u32 = scalar ? 1 : (q ? 16 : 8) >>> sz
  if (scalar && !(opc == 12 || opc == 13)) return U
  for (let i: u32 = 0; i < n; i++) {
    const a = ge(pn, i, sz), d = ge(pd, i, sz)
    let r: u64
    switch (opc) {
      case 0: if (!u) return U; r = d + a * b; break // MLA
      case 4: if (!u) return U; r = d - a * b; break // MLS
      case 8: if (u) return U; r = a * b; break // MUL
      case 12: case 13: // SQDMULH / SQRDMULH
        if (u) return U
        r = sqdmulh(a, b, sz, opc == 13)
        break
      default: return U
    }
    se(T0, i, sz, r)
  }
  writeBack(c, rd, T0, n << sz)
  return 0
}

// ---- scalar pairwise ---------------------------------------------------------------------------------

function scalarPair(c: u32, insn: u32): i32 {
  const u = (insn >>> 29) & 1
  const size = (insn >>> 22) & 3
  const opc = (insn >>> 12) & 31
  const rd = insn & 31, pn = vr(c, (insn >>> 5) & 31)
  if (opc == 0x1B && !u) { // ADDP (scalar)
    if (size != 3) return U
    store<u64>(T0, load<u64>(pn) + load<u64>(pn, 8))
    writeBack(c, rd, T0, 8)
    return 0
  }
  if (!u) return U // FP16 forms
  const dbl = (size & 1) != 0
  const a = size >>> 1
  let f: F
  if (opc == 0x0C) f = a ? F.MINNM : F.MAXNM
  else if (opc == 0x0D && !a) f = F.ADD
  else if (opc == 0x0F) f = a ? F.MIN : F.MAX
  else return U
  const sz: u32 = dbl ? 3 : 2
  se(T0, 0, sz, fp2(f, dbl, ge(pn, 0, sz), ge(pn, 1, sz), 0))
  writeBack(c, rd, T0, 1 << sz)
  return 0
}

// ---- scalar floating point -----------------------------------------------------------------------------

@inline function ftype(insn: u32): i32 { // 0 single, 1 double, -1 other
  const t = (insn >>> 22) & 3
  return t == 0 ? 0 : t == 1 ? 1 : -1
}

function setFlagsNzcv(c: u32, nzcv: u32): void {
  store<u64>(c + 272, (nzcv & 8) != 0 ? <u64>-1 : 0)
  store<u64>(c + 280, (nzcv & 4) != 0 ? 0 : 1)
  store<u64>(c + 288, (nzcv >>> 1) & 1)
  store<u64>(c + 296, (nzcv & 1) != 0 ? <u64>-1 : 0)
}

function fpScalar(c: u32, op: Op, insn: u32): i32 {
  const rd = insn & 31, rn = (insn >>> 5) & 31, rm = (insn >>> 16) & 31
  const t = (insn >>> 22) & 3
  const dbl = t == 1
  const sz: u32 = dbl ? 3 : 2
  switch (op) {
    case Op.FP_2SRC: {
      if (t > 1) return U
      const opc = (insn >>> 12) & 15
      if (opc > 8) return U
      const f: F = opc == 0 ? F.MUL : opc == 1 ? F.DIV : opc == 2 ? F.ADD : opc == 3 ? F.SUB : opc == 4 ? F.MAX
        : opc == 5 ? F.MIN : opc == 6 ? F.MAXNM : opc == 7 ? F.MINNM : F.NMUL
      const r = fp2(f, dbl, ge(vr(c, rn), 0, sz), ge(vr(c, rm), 0, sz), 0)
      store<u64>(T0, r); store<u64>(T0, 0, 8)
      writeBack(c, rd, T0, 1 << sz)
      return 0
    }
    case Op.FP_3SRC: {
      if (t > 1) return U
      const a = ge(vr(c, (insn >>> 10) & 31), 0, sz), n = ge(vr(c, rn), 0, sz), m = ge(vr(c, rm), 0, sz)
      const k = (((insn >>> 21) & 1) << 1) | ((insn >>> 15) & 1)
      let r: u64
      if (dbl) r = k == 0 ? f64Madd(n, m, a) : k == 1 ? f64Msub(n, m, a) : k == 2 ? f64Nmadd(n, m, a) : f64Nmsub(n, m, a)
      else {
        const x = <u32>n, y = <u32>m, z = <u32>a
        r = k == 0 ? f32Madd(x, y, z) : k == 1 ? f32Msub(x, y, z) : k == 2 ? f32Nmadd(x, y, z) : f32Nmsub(x, y, z)
      }
      store<u64>(T0, r); store<u64>(T0, 0, 8)
      writeBack(c, rd, T0, 1 << sz)
      return 0
    }
    case Op.FCMP: case Op.FCCMP: {
      if (t > 1) return U
      const e = op == Op.FCMP ? ((insn >>> 4) & 1) != 0 : ((insn >>> 4) & 1) != 0
      if (op == Op.FCCMP && !condHoldsExt(c, (insn >>> 12) & 15)) { setFlagsNzcv(c, insn & 15); return 0 }
      const zero = op == Op.FCMP && ((insn >>> 3) & 1) != 0
      if (zero && rm != 0) return U
      const n = ge(vr(c, rn), 0, sz), m = zero ? 0 : ge(vr(c, rm), 0, sz)
      setFlagsNzcv(c, dbl ? f64Compare(n, m, e) : f32Compare(<u32>n, <u32>m, e))
      return 0
    }
    case Op.FCSEL: {
      if (t > 1) return U
      const src = condHoldsExt(c, (insn >>> 12) & 15) ? rn : rm
      store<u64>(T0, ge(vr(c, src), 0, sz)); store<u64>(T0, 0, 8)
      writeBack(c, rd, T0, 1 << sz)
      return 0
    }
    case Op.FMOV_IMM: {
      if (t > 1) return U
      store<u64>(T0, vfpExpand((insn >>> 13) & 0xFF, dbl)); store<u64>(T0, 0, 8)
      writeBack(c, rd, T0, 1 << sz)
      return 0
    }
    case Op.FP_1SRC: {
      const opc = (insn >>> 15) & 63
      if (opc >= 4 && opc <= 7) { // FCVT between precisions: opc<1:0> is the target type
        const to = opc & 3
        if (to == 2 || to == t || t == 2) return U
        const x = ge(vr(c, rn), 0, t == 3 ? 1 : t == 1 ? 3 : 2)
        let r: u64, bytes: u32
        if (t == 0) { if (to == 1) { r = f32ToF64(<u32>x); bytes = 8 } else { r = f32ToF16(<u32>x); bytes = 2 } }
        else if (t == 1) { if (to == 0) { r = f64ToF32(x); bytes = 4 } else { r = f64ToF16(x); bytes = 2 } }
        else { if (to == 0) { r = f16ToF32(<u16>x); bytes = 4 } else { r = f16ToF64(<u16>x); bytes = 8 } }
        store<u64>(T0, r); store<u64>(T0, 0, 8)
        writeBack(c, rd, T0, bytes)
        return 0
      }
      if (t > 1) return U
      const x = ge(vr(c, rn), 0, sz)
      const sign: u64 = dbl ? 0x8000000000000000 : 0x80000000
      let r: u64
      switch (opc) {
        case 0: r = x; break
        case 1: r = x & ~sign; break
        case 2: r = x ^ sign; break
        case 3: r = dbl ? f64Sqrt(x) : f32Sqrt(<u32>x); break
        case 8: case 9: case 10: case 11: case 12: case 14: case 15: {
          const rm2 = opc == 8 ? RM_TIEEVEN : opc == 9 ? RM_POSINF : opc == 10 ? RM_NEGINF : opc == 11 ? RM_ZERO : opc == 12 ? RM_TIEAWAY : fpGetRMode()
          r = dbl ? f64RoundInt(x, rm2, opc == 14) : f32RoundInt(<u32>x, rm2, opc == 14)
          break
        }
        default: return U
      }
      store<u64>(T0, r); store<u64>(T0, 0, 8)
      writeBack(c, rd, T0, 1 << sz)
      return 0
    }
    case Op.FCVT_INT: {
      const sf = insn >>> 31
      const rmode = (insn >>> 19) & 3
      const opc = (insn >>> 16) & 7
      if (opc >= 6) { // FMOV (general)
        if (rmode == 0 && t == 0 && sf == 0) {
          if (opc == 6) setXr(c, rd, ge(vr(c, rn), 0, 2))
          else { store<u64>(T0, xr(c, rn) & 0xFFFFFFFF); store<u64>(T0, 0, 8); writeBack(c, rd, T0, 4) }
          return 0
        }
        if (rmode == 0 && t == 1 && sf == 1) {
          if (opc == 6) setXr(c, rd, ge(vr(c, rn), 0, 3))
          else { store<u64>(T0, xr(c, rn)); store<u64>(T0, 0, 8); writeBack(c, rd, T0, 8) }
          return 0
        }
        if (rmode == 1 && t == 2 && sf == 1) { // FMOV Xd, Vn.D[1] / FMOV Vd.D[1], Xn
          if (opc == 6) setXr(c, rd, load<u64>(vr(c, rn), 8))
          else store<u64>(vr(c, rd), xr(c, rn), 8)
          return 0
        }
        return U
      }
      if (t > 1) return U
      if (opc == 2 || opc == 3) { // SCVTF / UCVTF
        if (rmode != 0) return U
        const v = xr(c, rn)
        const r = dbl ? intToF64(v, opc == 2, sf != 0, 0) : intToF32(v, opc == 2, sf != 0, 0)
        store<u64>(T0, r); store<u64>(T0, 0, 8)
        writeBack(c, rd, T0, 1 << sz)
        return 0
      }
      let rmd: i32
      if (opc <= 1) rmd = rmode == 0 ? RM_TIEEVEN : rmode == 1 ? RM_POSINF : rmode == 2 ? RM_NEGINF : RM_ZERO
      else { if (rmode != 0) return U; rmd = RM_TIEAWAY } // FCVTAS / FCVTAU
      const x = ge(vr(c, rn), 0, sz)
      const unsigned = (opc & 1) != 0
      const r = dbl ? f64ToInt(x, rmd, 0, unsigned, sf != 0) : f32ToInt(<u32>x, rmd, 0, unsigned, sf != 0)
      setXr(c, rd, sf ? r : r & 0xFFFFFFFF)
      return 0
    }
    case Op.FCVT_FIXED: {
      const sf = insn >>> 31
      const rmode = (insn >>> 19) & 3
      const opc = (insn >>> 16) & 7
      const scale = (insn >>> 10) & 63
      if (t > 1 || (!sf && scale < 32)) return U
      const fbits = 64 - <i32>scale
      if (rmode == 3 && opc <= 1) {
        const x = ge(vr(c, rn), 0, sz)
        const r = dbl ? f64ToInt(x, RM_ZERO, fbits, opc == 1, sf != 0) : f32ToInt(<u32>x, RM_ZERO, fbits, opc == 1, sf != 0)
        setXr(c, rd, sf ? r : r & 0xFFFFFFFF)
        return 0
      }
      if (rmode == 0 && (opc == 2 || opc == 3)) {
        const v = xr(c, rn)
        const r = dbl ? intToF64(v, opc == 2, sf != 0, fbits) : intToF32(v, opc == 2, sf != 0, fbits)
        store<u64>(T0, r); store<u64>(T0, 0, 8)
        writeBack(c, rd, T0, 1 << sz)
        return 0
      }
      return U
    }
    default: return U
  }
}

export function execSimdData(c: u32, op: Op, insn: u32, aux: u32, imm: u64): i32 {
  switch (op) {
    case Op.SIMD_3SAME: return threeSame(c, insn, false)
    case Op.SCALAR_3SAME: return threeSame(c, insn, true)
    case Op.SIMD_3DIFF: return threeDiff(c, insn, false)
    case Op.SCALAR_3DIFF: return threeDiff(c, insn, true)
    case Op.SIMD_2MISC: return twoMisc(c, insn, false)
    case Op.SCALAR_2MISC: return twoMisc(c, insn, true)
    case Op.SIMD_ACROSS: return across(c, insn)
    case Op.SIMD_COPY: return copy(c, insn, false)
    case Op.SCALAR_COPY: return copy(c, insn, true)
    case Op.SIMD_PERM: return permute(c, insn)
    case Op.SIMD_TBL: return tbl(c, insn)
    case Op.SIMD_EXT: return ext(c, insn)
    case Op.SIMD_MODIMM: return modImm(c, insn)
    case Op.SIMD_SHIFT_IMM: return shiftImm(c, insn, false)
    case Op.SCALAR_SHIFT_IMM: return shiftImm(c, insn, true)
    case Op.SIMD_ELEM: return byElem(c, insn, false)
    case Op.SCALAR_ELEM: return byElem(c, insn, true)
    case Op.SCALAR_PAIR: return scalarPair(c, insn)
    default: return fpScalar(c, op, insn)
  }
}
