// Native fast paths of the FP library. wasm's f32/f64 arithmetic is IEEE
// round-to-nearest-even; where that provably gives the architected result,
// the wrappers in index.ts use it and derive only the flags, and fall back
// to the soft-float core (softfloat.ts) for everything else. Every path here
// is cross-checked against the core on random operands by
// test/fp/fp.test.ts ("native fast paths agree with the soft-float core").

import { fpsr, FPSR_IXC, RM_TIEEVEN, RM_POSINF, RM_NEGINF, RM_TIEAWAY, fpRMode } from './state'

// ---- conditions ---------------------------------------------------------------
// wasm's f32/f64 arithmetic is IEEE round-to-nearest-even, so under RN, with
// normal operands and a result whose exponent field is at least 2 (no
// underflow, no FZ flushing, no overflow), the native result is the
// architected one; only IXC has to be derived. For single precision the
// operation is done in f64, where a double rounding to f32 is innocuous for
// + - * / sqrt (53 >= 2*24 + 2). Anything else takes the soft-float path.

/** Exponent field in [1, 254]: a normal single. */
@inline export function normalS(x: u32): bool { return ((x >> 23) & 0xff) - 1 < 0xfe }
/** Exponent field in [2, 254]: a result clear of underflow and overflow. */
@inline export function safeS(x: u32): bool { return ((x >> 23) & 0xff) - 2 < 0xfd }
@inline export function normalD(x: u64): bool { return ((x >> 52) & 0x7ff) - 1 < 0x7fe }
@inline export function safeD(x: u64): bool { return ((x >> 52) & 0x7ff) - 2 < 0x7fd }
@inline export function fastS2(n: u32, m: u32): bool { return fpRMode == RM_TIEEVEN && normalS(n) && normalS(m) }
@inline export function fastD2(n: u64, m: u64): bool { return fpRMode == RM_TIEEVEN && normalD(n) && normalD(m) }
@inline export function f64of(x: u32): f64 { return f64(reinterpret<f32>(x)) }

/** Error of the RN sum s = a + b is zero (Knuth's TwoSum, exact without overflow). */
@inline export function sumExact(a: f64, b: f64, s: f64): bool {
  const bb = s - a
  return (a - (s - bb)) + (b - bb) == 0
}

/** a + b (single) via f64, or 0 if the fast path does not apply. */
@inline export function addS(n: u32, m: u32): u32 {
  const a = f64of(n), b = f64of(m)
  const s = a + b
  const r = reinterpret<u32>(f32(s))
  if (!safeS(r)) return 0
  if (!sumExact(a, b, s) || f64(reinterpret<f32>(r)) != s) fpsr |= FPSR_IXC
  return r
}

@inline export function addD(n: u64, m: u64): u64 {
  const a = reinterpret<f64>(n), b = reinterpret<f64>(m)
  const s = a + b
  const r = reinterpret<u64>(s)
  if (!safeD(r)) return 0
  if (!sumExact(a, b, s)) fpsr |= FPSR_IXC
  return r
}

/** n*m + a (single): the product is exact in f64 and the f64 sum is made
 *  round-to-odd, which rounding to f32 turns into the single correct
 *  rounding (53 >= 24 + 2). 0 if the fast path does not apply. */
@inline export function maddS(n: u32, m: u32, a: u32): u32 {
  const p = f64of(n) * f64of(m)
  const c = f64of(a)
  const s = p + c
  const bb = s - p
  const err = (p - (s - bb)) + (c - bb) // exact: p + c = s + err
  let sb = reinterpret<u64>(s)
  if (err != 0 && (sb & 1) == 0) {
    // round to odd in f64 (step to the odd neighbour on err's side); then
    // rounding to f32 is the correctly rounded single result
    sb = (err > 0) == (s > 0) ? sb + 1 : sb - 1
  }
  const r = reinterpret<u32>(f32(reinterpret<f64>(sb)))
  if (!safeS(r)) return 0
  if (err != 0 || f64(reinterpret<f32>(r)) != s) fpsr |= FPSR_IXC
  return r
}

/** Dekker's exact product: returns a*b rounded, the error goes to prodErr.
 *  Exact when |a|, |b| < 2^995 and the error does not underflow. */
let prodErr: f64 = 0
@inline export function twoProd(a: f64, b: f64): f64 {
  const p = a * b
  const ca = 134217729.0 * a // 2^27 + 1: Veltkamp split into 26 + 27 bits
  const ah = ca - (ca - a), al = a - ah
  const cb = 134217729.0 * b
  const bh = cb - (cb - b), bl = b - bh
  prodErr = ((ah * bh - p) + ah * bl + al * bh) + al * bl
  return p
}

/** Unbiased exponent of a normal double. */
@inline export function expD(x: u64): i32 { return (i32(x >> 52) & 0x7ff) - 1023 }

/** n*m + a (double, RN) without 128-bit integers, after Boldo and Melquiond
 *  ("Emulation of a FMA and correctly rounded sums: proved algorithms using
 *  rounding to odd", IEEE TC 2008): (uh, ul) = n*m exactly, (th, tl) =
 *  TwoSum(a, uh), v = RO(tl + ul), result RN(th + v). The exponent limits
 *  keep every intermediate far from overflow and underflow. IXC: the result
 *  is exact iff both final additions are. 0 if the fast path does not apply. */
@inline export function maddD(n: u64, m: u64, a: u64): u64 {
  const en = expD(n), em = expD(m), ea = expD(a)
  if (u32(en + 500) > 1000 || u32(em + 500) > 1000 || en + em < -900 || u32(ea + 900) > 1800) return 0
  const x = reinterpret<f64>(n), y = reinterpret<f64>(m), c = reinterpret<f64>(a)
  const uh = twoProd(x, y)
  const ul = prodErr
  const th = c + uh
  const t1 = th - c
  const tl = (c - (th - t1)) + (uh - t1)
  const v0 = tl + ul
  const w1 = v0 - tl
  const e1 = (tl - (v0 - w1)) + (ul - w1)
  let vb = reinterpret<u64>(v0)
  if (e1 != 0 && (vb & 1) == 0) vb = (e1 > 0) == (v0 > 0) ? vb + 1 : vb - 1
  const v = reinterpret<f64>(vb)
  const z = th + v
  const r = reinterpret<u64>(z)
  if (!safeD(r)) return 0
  if (e1 != 0 || !sumExact(th, v, z)) fpsr |= FPSR_IXC
  return r
}

/** x rounded to an integral value natively (rm one of RN, RP, RM, RZ,
 *  ties-away). Ties-away: x - trunc(x) is exact, so the tie test is too. */
@inline export function roundNative(x: f64, rm: i32): f64 {
  if (rm == RM_TIEEVEN) return nearest<f64>(x)
  if (rm == RM_POSINF) return ceil<f64>(x)
  if (rm == RM_NEGINF) return floor<f64>(x)
  const t = trunc<f64>(x)
  if (rm == RM_TIEAWAY && abs<f64>(x - t) >= 0.5) return t + copysign<f64>(1.0, x)
  return t
}

// Set by toIntNative when it applies.
export let nativeOk = false

/** FPToFixed of a normal value x natively: scales by 2^fbits (exact),
 *  rounds, and converts when the result is in range (then nativeOk). */
@inline export function toIntNative(x: f64, rm: i32, fbits: i32, unsigned: bool, is64: bool): u64 {
  nativeOk = false
  if (fbits != 0) x *= reinterpret<f64>(u64(1023 + fbits) << 52)
  const r = roundNative(x, rm)
  let v: u64 = 0
  if (is64) {
    if (unsigned) {
      if (!(r >= 0 && r < 18446744073709551616.0)) return 0
      v = u64(r)
    } else {
      if (!(r >= -9223372036854775808.0 && r < 9223372036854775808.0)) return 0
      v = u64(i64(r))
    }
  } else {
    if (unsigned) {
      if (!(r >= 0 && r <= 4294967295.0)) return 0
      v = u64(u32(r))
    } else {
      if (!(r >= -2147483648.0 && r <= 2147483647.0)) return 0
      v = u64(u32(i32(r)))
    }
  }
  if (r != x) fpsr |= FPSR_IXC
  nativeOk = true
  return v
}

/** Significant bits of an integer magnitude (from its top to its lowest one). */
@inline export function spanOf(mag: u64): i32 {
  return mag == 0 ? 0 : 64 - i32(clz(mag)) - i32(ctz(mag))
}

/** Magnitude of a 32/64-bit signed/unsigned source integer. */
@inline export function magOf(v: u64, signed: bool, is64: bool): u64 {
  if (is64) return signed && i64(v) < 0 ? 0 - v : v
  if (signed) { const w = i64(i32(u32(v))); return u64(w < 0 ? -w : w) }
  return v & 0xffffffff
}

// ---- comparisons, minimum and maximum -------------------------------------------

/** Not a NaN, infinity-or-normal, or an exact zero: values FZ leaves alone
 *  and native comparisons order exactly as FPCompare does. */
@inline export function plainS(x: u32): bool {
  const e = (x >> 23) & 0xff
  return e != 0xff ? e != 0 || (x << 1) == 0 : (x << 9) == 0
}
@inline export function plainD(x: u64): bool {
  const e = (x >> 52) & 0x7ff
  return e != 0x7ff ? e != 0 || (x << 1) == 0 : (x << 12) == 0
}

/** NZCV of an ordered comparison of two plain values. */
@inline export function nzcvOf(a: f64, b: f64): u32 {
  return a == b ? 0b0110 : a < b ? 0b1000 : 0b0010
}

// ---- reciprocal steps ---------------------------------------------------------------

/** FRECPS (2 - n*m) and FRSQRTS ((3 - n*m) / 2) on normal operands under
 *  RN through the FMA fast paths; the halving is exact while the result's
 *  exponent field stays >= 2 (checked before halving, so >= 3). 0 if not
 *  applicable; FPSR is left as it was then. */
@inline export function stepD(n: u64, m: u64, rsqrt: bool): u64 {
  const saved = fpsr
  const r = maddD(n ^ 0x8000000000000000, m, rsqrt ? 0x4008000000000000 : 0x4000000000000000)
  if (!rsqrt || r == 0) return r
  if (((r >> 52) & 0x7ff) < 3) { fpsr = saved; return 0 }
  return r - (u64(1) << 52)
}
@inline export function stepS(n: u32, m: u32, rsqrt: bool): u32 {
  const saved = fpsr
  const r = maddS(n ^ 0x80000000, m, rsqrt ? 0x40400000 : 0x40000000)
  if (!rsqrt || r == 0) return r
  if (((r >> 23) & 0xff) < 3) { fpsr = saved; return 0 }
  return r - (u32(1) << 23)
}
