// Test entry for the FP library: runs a batch of operation records (the
// format of test/fp/ops.mjs) through the library so test/fp/fp.test.ts can
// compare it bit for bit with the same batch run by guests/fp-ref under
// qemu-aarch64. Each `case N: ... // NAME` must match ops.mjs (the test
// checks it).

import {
  fpSetFPCR, fpSetFPSR, fpGetFPSR, fpGetRMode,
  RM_TIEEVEN, RM_POSINF, RM_NEGINF, RM_ZERO, RM_TIEAWAY,
  f32Add, f32Sub, f32Mul, f32Nmul, f32Div, f32Mulx, f32Abd, f32Max, f32Min, f32MaxNum, f32MinNum,
  f32Recps, f32Rsqrts, f32Sqrt, f32Recpe, f32Rsqrte, f32Recpx, f32RoundInt,
  f32Madd, f32Msub, f32Nmadd, f32Nmsub, f32Compare, f32ToInt, intToF32, f32ToF64, f32ToF16,
  f64Add, f64Sub, f64Mul, f64Nmul, f64Div, f64Mulx, f64Abd, f64Max, f64Min, f64MaxNum, f64MinNum,
  f64Recps, f64Rsqrts, f64Sqrt, f64Recpe, f64Rsqrte, f64Recpx, f64RoundInt,
  f64Madd, f64Msub, f64Nmadd, f64Nmsub, f64Compare, f64ToInt, intToF64, f64ToF32, f64ToF16, f64ToF32Odd,
  f16ToF32, f16ToF64, u32RecipEstimate, u32RSqrtEstimate,
} from '../index'
import {
  fpAdd, fpMul, fpDiv, fpSqrt, fpMulAdd, fpToFixed, fpFromFixed, fpRoundInt, fpConvert,
  fpMinMax, fpCompare, fpStepFused,
} from '../softfloat'

function exec(op: u32, a: u64, b: u64, c: u64): u64 {
  switch (op) {
    case 0: return u64(f32Add(u32(a), u32(b))) // S_ADD
    case 1: return u64(f32Sub(u32(a), u32(b))) // S_SUB
    case 2: return u64(f32Mul(u32(a), u32(b))) // S_MUL
    case 3: return u64(f32Nmul(u32(a), u32(b))) // S_NMUL
    case 4: return u64(f32Div(u32(a), u32(b))) // S_DIV
    case 5: return u64(f32Mulx(u32(a), u32(b))) // S_MULX
    case 6: return u64(f32Abd(u32(a), u32(b))) // S_ABD
    case 7: return u64(f32Max(u32(a), u32(b))) // S_MAX
    case 8: return u64(f32Min(u32(a), u32(b))) // S_MIN
    case 9: return u64(f32MaxNum(u32(a), u32(b))) // S_MAXNM
    case 10: return u64(f32MinNum(u32(a), u32(b))) // S_MINNM
    case 11: return u64(f32Recps(u32(a), u32(b))) // S_RECPS
    case 12: return u64(f32Rsqrts(u32(a), u32(b))) // S_RSQRTS
    case 13: return u64(f64Add(a, b)) // D_ADD
    case 14: return u64(f64Sub(a, b)) // D_SUB
    case 15: return u64(f64Mul(a, b)) // D_MUL
    case 16: return u64(f64Nmul(a, b)) // D_NMUL
    case 17: return u64(f64Div(a, b)) // D_DIV
    case 18: return u64(f64Mulx(a, b)) // D_MULX
    case 19: return u64(f64Abd(a, b)) // D_ABD
    case 20: return u64(f64Max(a, b)) // D_MAX
    case 21: return u64(f64Min(a, b)) // D_MIN
    case 22: return u64(f64MaxNum(a, b)) // D_MAXNM
    case 23: return u64(f64MinNum(a, b)) // D_MINNM
    case 24: return u64(f64Recps(a, b)) // D_RECPS
    case 25: return u64(f64Rsqrts(a, b)) // D_RSQRTS
    case 26: return u64(f32Sqrt(u32(a))) // S_SQRT
    case 27: return u64(f32Recpe(u32(a))) // S_RECPE
    case 28: return u64(f32Rsqrte(u32(a))) // S_RSQRTE
    case 29: return u64(f32Recpx(u32(a))) // S_RECPX
    case 30: return u64(f32RoundInt(u32(a), RM_TIEEVEN, false)) // S_FRINTN
    case 31: return u64(f32RoundInt(u32(a), RM_POSINF, false)) // S_FRINTP
    case 32: return u64(f32RoundInt(u32(a), RM_NEGINF, false)) // S_FRINTM
    case 33: return u64(f32RoundInt(u32(a), RM_ZERO, false)) // S_FRINTZ
    case 34: return u64(f32RoundInt(u32(a), RM_TIEAWAY, false)) // S_FRINTA
    case 35: return u64(f32RoundInt(u32(a), fpGetRMode(), true)) // S_FRINTX
    case 36: return u64(f32RoundInt(u32(a), fpGetRMode(), false)) // S_FRINTI
    case 37: return u64(f64Sqrt(a)) // D_SQRT
    case 38: return u64(f64Recpe(a)) // D_RECPE
    case 39: return u64(f64Rsqrte(a)) // D_RSQRTE
    case 40: return u64(f64Recpx(a)) // D_RECPX
    case 41: return u64(f64RoundInt(a, RM_TIEEVEN, false)) // D_FRINTN
    case 42: return u64(f64RoundInt(a, RM_POSINF, false)) // D_FRINTP
    case 43: return u64(f64RoundInt(a, RM_NEGINF, false)) // D_FRINTM
    case 44: return u64(f64RoundInt(a, RM_ZERO, false)) // D_FRINTZ
    case 45: return u64(f64RoundInt(a, RM_TIEAWAY, false)) // D_FRINTA
    case 46: return u64(f64RoundInt(a, fpGetRMode(), true)) // D_FRINTX
    case 47: return u64(f64RoundInt(a, fpGetRMode(), false)) // D_FRINTI
    case 48: return u64(f32Madd(u32(a), u32(b), u32(c))) // S_MADD
    case 49: return u64(f32Msub(u32(a), u32(b), u32(c))) // S_MSUB
    case 50: return u64(f32Nmadd(u32(a), u32(b), u32(c))) // S_NMADD
    case 51: return u64(f32Nmsub(u32(a), u32(b), u32(c))) // S_NMSUB
    case 52: return u64(f64Madd(a, b, c)) // D_MADD
    case 53: return u64(f64Msub(a, b, c)) // D_MSUB
    case 54: return u64(f64Nmadd(a, b, c)) // D_NMADD
    case 55: return u64(f64Nmsub(a, b, c)) // D_NMSUB
    case 56: return u64(f32Compare(u32(a), u32(b), false)) // S_CMP
    case 57: return u64(f32Compare(u32(a), u32(b), true)) // S_CMPE
    case 58: return u64(f64Compare(a, b, false)) // D_CMP
    case 59: return u64(f64Compare(a, b, true)) // D_CMPE
    case 60: return u64(f32ToF64(u32(a))) // CVT_D_S
    case 61: return u64(f64ToF32(a)) // CVT_S_D
    case 62: return u64(f32ToF16(u32(a))) // CVT_H_S
    case 63: return u64(f64ToF16(a)) // CVT_H_D
    case 64: return u64(f16ToF32(u16(a))) // CVT_S_H
    case 65: return u64(f16ToF64(u16(a))) // CVT_D_H
    case 66: return u64(f32ToInt(u32(a), RM_TIEEVEN, 0, false, false)) // FCVTNS_W_S
    case 67: return u64(f32ToInt(u32(a), RM_TIEAWAY, 0, false, false)) // FCVTAS_W_S
    case 68: return u64(f32ToInt(u32(a), RM_POSINF, 0, false, false)) // FCVTPS_W_S
    case 69: return u64(f32ToInt(u32(a), RM_NEGINF, 0, false, false)) // FCVTMS_W_S
    case 70: return u64(f32ToInt(u32(a), RM_ZERO, 0, false, false)) // FCVTZS_W_S
    case 71: return u64(f32ToInt(u32(a), RM_ZERO, i32(c), false, false)) // FCVTZS_W_S_FIX
    case 72: return u64(f32ToInt(u32(a), RM_TIEEVEN, 0, true, false)) // FCVTNU_W_S
    case 73: return u64(f32ToInt(u32(a), RM_TIEAWAY, 0, true, false)) // FCVTAU_W_S
    case 74: return u64(f32ToInt(u32(a), RM_POSINF, 0, true, false)) // FCVTPU_W_S
    case 75: return u64(f32ToInt(u32(a), RM_NEGINF, 0, true, false)) // FCVTMU_W_S
    case 76: return u64(f32ToInt(u32(a), RM_ZERO, 0, true, false)) // FCVTZU_W_S
    case 77: return u64(f32ToInt(u32(a), RM_ZERO, i32(c), true, false)) // FCVTZU_W_S_FIX
    case 78: return u64(f32ToInt(u32(a), RM_TIEEVEN, 0, false, true)) // FCVTNS_X_S
    case 79: return u64(f32ToInt(u32(a), RM_TIEAWAY, 0, false, true)) // FCVTAS_X_S
    case 80: return u64(f32ToInt(u32(a), RM_POSINF, 0, false, true)) // FCVTPS_X_S
    case 81: return u64(f32ToInt(u32(a), RM_NEGINF, 0, false, true)) // FCVTMS_X_S
    case 82: return u64(f32ToInt(u32(a), RM_ZERO, 0, false, true)) // FCVTZS_X_S
    case 83: return u64(f32ToInt(u32(a), RM_ZERO, i32(c), false, true)) // FCVTZS_X_S_FIX
    case 84: return u64(f32ToInt(u32(a), RM_TIEEVEN, 0, true, true)) // FCVTNU_X_S
    case 85: return u64(f32ToInt(u32(a), RM_TIEAWAY, 0, true, true)) // FCVTAU_X_S
    case 86: return u64(f32ToInt(u32(a), RM_POSINF, 0, true, true)) // FCVTPU_X_S
    case 87: return u64(f32ToInt(u32(a), RM_NEGINF, 0, true, true)) // FCVTMU_X_S
    case 88: return u64(f32ToInt(u32(a), RM_ZERO, 0, true, true)) // FCVTZU_X_S
    case 89: return u64(f32ToInt(u32(a), RM_ZERO, i32(c), true, true)) // FCVTZU_X_S_FIX
    case 90: return u64(f64ToInt(a, RM_TIEEVEN, 0, false, false)) // FCVTNS_W_D
    case 91: return u64(f64ToInt(a, RM_TIEAWAY, 0, false, false)) // FCVTAS_W_D
    case 92: return u64(f64ToInt(a, RM_POSINF, 0, false, false)) // FCVTPS_W_D
    case 93: return u64(f64ToInt(a, RM_NEGINF, 0, false, false)) // FCVTMS_W_D
    case 94: return u64(f64ToInt(a, RM_ZERO, 0, false, false)) // FCVTZS_W_D
    case 95: return u64(f64ToInt(a, RM_ZERO, i32(c), false, false)) // FCVTZS_W_D_FIX
    case 96: return u64(f64ToInt(a, RM_TIEEVEN, 0, true, false)) // FCVTNU_W_D
    case 97: return u64(f64ToInt(a, RM_TIEAWAY, 0, true, false)) // FCVTAU_W_D
    case 98: return u64(f64ToInt(a, RM_POSINF, 0, true, false)) // FCVTPU_W_D
    case 99: return u64(f64ToInt(a, RM_NEGINF, 0, true, false)) // FCVTMU_W_D
    case 100: return u64(f64ToInt(a, RM_ZERO, 0, true, false)) // FCVTZU_W_D
    case 101: return u64(f64ToInt(a, RM_ZERO, i32(c), true, false)) // FCVTZU_W_D_FIX
    case 102: return u64(f64ToInt(a, RM_TIEEVEN, 0, false, true)) // FCVTNS_X_D
    case 103: return u64(f64ToInt(a, RM_TIEAWAY, 0, false, true)) // FCVTAS_X_D
    case 104: return u64(f64ToInt(a, RM_POSINF, 0, false, true)) // FCVTPS_X_D
    case 105: return u64(f64ToInt(a, RM_NEGINF, 0, false, true)) // FCVTMS_X_D
    case 106: return u64(f64ToInt(a, RM_ZERO, 0, false, true)) // FCVTZS_X_D
    case 107: return u64(f64ToInt(a, RM_ZERO, i32(c), false, true)) // FCVTZS_X_D_FIX
    case 108: return u64(f64ToInt(a, RM_TIEEVEN, 0, true, true)) // FCVTNU_X_D
    case 109: return u64(f64ToInt(a, RM_TIEAWAY, 0, true, true)) // FCVTAU_X_D
    case 110: return u64(f64ToInt(a, RM_POSINF, 0, true, true)) // FCVTPU_X_D
    case 111: return u64(f64ToInt(a, RM_NEGINF, 0, true, true)) // FCVTMU_X_D
    case 112: return u64(f64ToInt(a, RM_ZERO, 0, true, true)) // FCVTZU_X_D
    case 113: return u64(f64ToInt(a, RM_ZERO, i32(c), true, true)) // FCVTZU_X_D_FIX
    case 114: return u64(intToF32(a, true, false, 0)) // SCVTF_S_W
    case 115: return u64(intToF32(a, true, false, i32(c))) // SCVTF_S_W_FIX
    case 116: return u64(intToF32(a, false, false, 0)) // UCVTF_S_W
    case 117: return u64(intToF32(a, false, false, i32(c))) // UCVTF_S_W_FIX
    case 118: return u64(intToF32(a, true, true, 0)) // SCVTF_S_X
    case 119: return u64(intToF32(a, true, true, i32(c))) // SCVTF_S_X_FIX
    case 120: return u64(intToF32(a, false, true, 0)) // UCVTF_S_X
    case 121: return u64(intToF32(a, false, true, i32(c))) // UCVTF_S_X_FIX
    case 122: return u64(intToF64(a, true, false, 0)) // SCVTF_D_W
    case 123: return u64(intToF64(a, true, false, i32(c))) // SCVTF_D_W_FIX
    case 124: return u64(intToF64(a, false, false, 0)) // UCVTF_D_W
    case 125: return u64(intToF64(a, false, false, i32(c))) // UCVTF_D_W_FIX
    case 126: return u64(intToF64(a, true, true, 0)) // SCVTF_D_X
    case 127: return u64(intToF64(a, true, true, i32(c))) // SCVTF_D_X_FIX
    case 128: return u64(intToF64(a, false, true, 0)) // UCVTF_D_X
    case 129: return u64(intToF64(a, false, true, i32(c))) // UCVTF_D_X_FIX
    case 130: return u64(f64ToF32Odd(a)) // CVTXN_S_D
    case 131: return u64(u32RecipEstimate(u32(a))) // URECPE
    case 132: return u64(u32RSqrtEstimate(u32(a))) // URSQRTE
    default: return 0xbad0bad0bad0bad0
  }
}

/** Runs n records: input 32 bytes each at `input`, output 16 bytes each at `output`. */
export function run(input: usize, output: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const p = input + (<usize>i << 5)
    const q = output + (<usize>i << 4)
    fpSetFPCR(load<u32>(p, 4))
    fpSetFPSR(0)
    const r = exec(load<u32>(p), load<u64>(p, 8), load<u64>(p, 16), load<u64>(p, 24))
    store<u64>(q, r)
    store<u32>(q, fpGetFPSR(), 8)
    store<u32>(q, 0, 12)
  }
}

/** Scratch memory for the batches (never freed; the test instance is short-lived). */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes)
}

// ---- fast path cross-check -------------------------------------------------
// The native fast paths of index.ts against the soft-float core on many
// random operands (no QEMU needed: the core itself is checked against QEMU).

let rs: u64 = 1
function rnd(): u64 {
  rs ^= rs >> 12; rs ^= rs << 25; rs ^= rs >> 27
  return rs * 0x2545f4914f6cdd1d
}

/** A random operand: mostly ordinary exponents, sometimes any exponent,
 *  sometimes few significant bits (exact results, halfway cases). */
function rndFp(F: i32, E: i32): u64 {
  const r = rnd()
  const bias = (1 << (E - 1)) - 1
  const sel = i32(r & 7)
  let e: i32
  if (sel < 4) e = bias - 40 + i32((r >> 8) % 81)
  else if (sel < 6) e = i32((r >> 8) % u64(1 << E))
  else e = bias - 4 + i32((r >> 8) % 9)
  let f = rnd() & ((u64(1) << u64(F)) - 1)
  if (sel == 7) f &= ~((u64(1) << ((r >> 20) % u64(F))) - 1)
  return (((r >> 40) & 1) << u64(F + E)) | (u64(e) << u64(F)) | f
}

/** An operand in the integer conversion range, halfway cases included. */
function rndIntish(F: i32, E: i32): u64 {
  const r = rnd()
  const bias = (1 << (E - 1)) - 1
  const e = bias - 4 + i32((r >> 8) % 72)
  let f = rnd() & ((u64(1) << u64(F)) - 1)
  if ((r & 1) != 0) f &= ~((u64(1) << ((r >> 20) % u64(F))) - 1)
  return (((r >> 40) & 1) << u64(F + E)) | (u64(e) << u64(F)) | f
}

export let ccA: u64 = 0
export let ccB: u64 = 0
export let ccC: u64 = 0

/** Runs n random cases of one fast-path operation (kind 0..11: S add, sub,
 *  mul, div, sqrt, madd, then the same for D; 12..19 conversions, see
 *  convCheck; 20..25 min/max, compare, steps, see miscCheck) under RN with random FZ/DN;
 *  returns the number of results or FPSR values that differ from the
 *  soft-float core (the first one's operands in ccA/ccB/ccC). */
export function crossCheck(kind: i32, n: i32, seed: u64): i32 {
  rs = seed | 1
  if (kind >= 20) return miscCheck(kind, n)
  if (kind >= 12) return convCheck(kind, n)
  let bad = 0
  const dbl = kind >= 6
  const F = dbl ? 52 : 23, E = dbl ? 11 : 8
  for (let i = 0; i < n; i++) {
    const cfg = u32(rnd() & 3) << 24 // FZ, DN; RMode RN
    let a = rndFp(F, E), b = rndFp(F, E), c = rndFp(F, E)
    if ((rnd() & 3) == 0) {
      // operands close to each other: cancellation
      b = (a & ~(u64(1) << u64(F + E))) ^ ((rnd() & 1) << u64(F + E))
      b += (rnd() & 15) - 8
    }
    if ((kind == 5 || kind == 11) && (rnd() & 1) == 0) {
      // addend close to -(a*b)
      fpSetFPCR(0)
      c = (dbl ? f64Mul(a, b) : u64(f32Mul(u32(a), u32(b)))) ^ (u64(1) << u64(F + E))
      c += (rnd() & 7) - 4
    }
    if (!dbl) { a &= 0xffffffff; b &= 0xffffffff; c &= 0xffffffff }
    fpSetFPCR(cfg); fpSetFPSR(0)
    let r1: u64, r2: u64
    switch (kind) {
      case 0: r1 = f32Add(u32(a), u32(b)); break
      case 1: r1 = f32Sub(u32(a), u32(b)); break
      case 2: r1 = f32Mul(u32(a), u32(b)); break
      case 3: r1 = f32Div(u32(a), u32(b)); break
      case 4: r1 = f32Sqrt(u32(a)); break
      case 5: r1 = f32Madd(u32(a), u32(b), u32(c)); break
      case 6: r1 = f64Add(a, b); break
      case 7: r1 = f64Sub(a, b); break
      case 8: r1 = f64Mul(a, b); break
      case 9: r1 = f64Div(a, b); break
      case 10: r1 = f64Sqrt(a); break
      default: r1 = f64Madd(a, b, c); break
    }
    const f1 = fpGetFPSR()
    fpSetFPSR(0)
    switch (kind) {
      case 0: r2 = fpAdd<u32>(a, b, false, RM_TIEEVEN); break
      case 1: r2 = fpAdd<u32>(a, b, true, RM_TIEEVEN); break
      case 2: r2 = fpMul<u32>(a, b, false, RM_TIEEVEN); break
      case 3: r2 = fpDiv<u32>(a, b, RM_TIEEVEN); break
      case 4: r2 = fpSqrt<u32>(a, RM_TIEEVEN); break
      case 5: r2 = fpMulAdd<u32>(c, a, b, RM_TIEEVEN); break
      case 6: r2 = fpAdd<u64>(a, b, false, RM_TIEEVEN); break
      case 7: r2 = fpAdd<u64>(a, b, true, RM_TIEEVEN); break
      case 8: r2 = fpMul<u64>(a, b, false, RM_TIEEVEN); break
      case 9: r2 = fpDiv<u64>(a, b, RM_TIEEVEN); break
      case 10: r2 = fpSqrt<u64>(a, RM_TIEEVEN); break
      default: r2 = fpMulAdd<u64>(c, a, b, RM_TIEEVEN); break
    }
    if (r1 != r2 || f1 != fpGetFPSR()) {
      if (bad == 0) { ccA = a; ccB = b; ccC = c }
      bad++
    }
  }
  return bad
}

/** 20 f32 min/max family, 21 f64 min/max family, 22 f32Compare,
 *  23 f64Compare, 24 f32 FRECPS/FRSQRTS, 25 f64 FRECPS/FRSQRTS, with
 *  random FPCR (any rounding mode, FZ, DN). */
function miscCheck(kind: i32, n: i32): i32 {
  let bad = 0
  const dbl = (kind & 1) != 0
  const F = dbl ? 52 : 23, E = dbl ? 11 : 8
  for (let i = 0; i < n; i++) {
    const x = rnd()
    const sub = i32(x & 3)
    fpSetFPCR(u32((x >> 2) & 15) << 22)
    let a = rndFp(F, E), b = rndFp(F, E)
    if ((x & 64) != 0) b = a ^ ((x >> 8) & 1) << u64(F + E)
    if (kind >= 24 && (x & 128) != 0) {
      // operands near reciprocal pairs, so that 2 - a*b cancels
      b = (dbl ? f64Recpe(a) : u64(f32Recpe(u32(a)))) + ((x >> 16) & 7) - 3
    }
    if (!dbl) { a &= 0xffffffff; b &= 0xffffffff }
    fpSetFPSR(0)
    let r1: u64, r2: u64
    if (kind <= 21) {
      const isMax = (sub & 1) != 0, num = (sub & 2) != 0
      r1 = dbl
        ? (isMax ? (num ? f64MaxNum(a, b) : f64Max(a, b)) : (num ? f64MinNum(a, b) : f64Min(a, b)))
        : u64(isMax ? (num ? f32MaxNum(u32(a), u32(b)) : f32Max(u32(a), u32(b))) : (num ? f32MinNum(u32(a), u32(b)) : f32Min(u32(a), u32(b))))
      const f1 = fpGetFPSR(); fpSetFPSR(0)
      r2 = dbl ? fpMinMax<u64>(a, b, isMax, num) : fpMinMax<u32>(a, b, isMax, num)
      if (f1 != fpGetFPSR()) r1 = ~r2
    } else if (kind <= 23) {
      const sig = (sub & 1) != 0
      r1 = dbl ? f64Compare(a, b, sig) : f32Compare(u32(a), u32(b), sig)
      const f1 = fpGetFPSR(); fpSetFPSR(0)
      r2 = dbl ? fpCompare<u64>(a, b, sig) : fpCompare<u32>(a, b, sig)
      if (f1 != fpGetFPSR()) r1 = ~r2
    } else {
      const rs = (sub & 1) != 0
      r1 = dbl ? (rs ? f64Rsqrts(a, b) : f64Recps(a, b)) : u64(rs ? f32Rsqrts(u32(a), u32(b)) : f32Recps(u32(a), u32(b)))
      const f1 = fpGetFPSR(); fpSetFPSR(0)
      r2 = dbl ? fpStepFused<u64>(a, b, rs, fpGetRMode()) : fpStepFused<u32>(a, b, rs, fpGetRMode())
      if (f1 != fpGetFPSR()) r1 = ~r2
    }
    if (r1 != r2) {
      if (bad == 0) { ccA = a; ccB = b; ccC = u64(sub) }
      bad++
    }
  }
  return bad
}

/** Conversions: 12 f32ToInt, 13 f64ToInt, 14 intToF32, 15 intToF64,
 *  16 f32RoundInt, 17 f64RoundInt, 18 f64ToF32, 19 f32ToF64; random
 *  rounding modes, signedness, widths and fbits. */
function convCheck(kind: i32, n: i32): i32 {
  let bad = 0
  for (let i = 0; i < n; i++) {
    const x = rnd()
    // FRINT and FP -> integer take ties-away too; the others use FPCR.RMode
    const rm = kind == 12 || kind == 13 || kind == 16 || kind == 17 ? i32((x >> 40) % 5) : i32(x & 3)
    const unsigned = (x & 4) != 0
    const is64 = (x & 8) != 0
    const fbits = (x & 16) != 0 ? 0 : 1 + i32((x >> 8) % u64(is64 ? 64 : 32))
    const exact = (x & 32) != 0
    fpSetFPCR((u32(rnd() & 3) << 24) | (u32(rm & 3) << 22))
    const dbl = (kind & 1) != 0
    let a: u64 = kind >= 18 ? (kind == 18 ? rndFp(52, 11) : rndFp(23, 8))
      : kind == 14 || kind == 15 ? rnd() >> ((rnd() & 63))
      : dbl ? rndIntish(52, 11) : rndIntish(23, 8)
    if ((kind == 14 || kind == 15) && (x & 64) != 0) a = 0 - a
    fpSetFPSR(0)
    let r1: u64, r2: u64
    switch (kind) {
      case 12: r1 = f32ToInt(u32(a), rm, fbits, unsigned, is64); break
      case 13: r1 = f64ToInt(a, rm, fbits, unsigned, is64); break
      case 14: r1 = intToF32(a, !unsigned, is64, 0); break
      case 15: r1 = intToF64(a, !unsigned, is64, 0); break
      case 16: r1 = f32RoundInt(u32(a), rm, exact); break
      case 17: r1 = f64RoundInt(a, rm, exact); break
      case 18: r1 = f64ToF32(a); break
      default: r1 = f32ToF64(u32(a)); break
    }
    const f1 = fpGetFPSR()
    fpSetFPSR(0)
    switch (kind) {
      case 12: r2 = fpToFixed<u32>(a, rm, fbits, unsigned, is64); break
      case 13: r2 = fpToFixed<u64>(a, rm, fbits, unsigned, is64); break
      case 14: r2 = fpFromFixed<u32>(a, !unsigned, is64, 0, rm); break
      case 15: r2 = fpFromFixed<u64>(a, !unsigned, is64, 0, rm); break
      case 16: r2 = fpRoundInt<u32>(a, rm, exact); break
      case 17: r2 = fpRoundInt<u64>(a, rm, exact); break
      case 18: r2 = fpConvert<u64, u32>(a, rm); break
      default: r2 = fpConvert<u32, u64>(a, rm); break
    }
    if (r1 != r2 || f1 != fpGetFPSR()) {
      if (bad == 0) { ccA = a; ccB = u64(rm) | (u64(unsigned) << 2) | (u64(is64) << 3) | (u64(exact) << 4); ccC = u64(fbits) }
      bad++
    }
  }
  return bad
}
