// 80-bit extended-precision arithmetic for the x87 unit (x87.ts), on raw
// bits: a value is a significand (u64, explicit integer bit 63) and a
// sign/exponent word (u16, bias 16383). Every operation is exact before one
// rounding, done by roundPack under the control word's rounding control and
// precision control (SDM vol. 1, 8.1.5), so results agree bit for bit with
// the hardware. The aarch64 soft-float library (docs/fp-softfloat.md) has no
// 64-bit-significand format, hence this one; its rounding is the same.
//
// Results are left in module globals (rSig, rSe) and the exceptions of the
// operation are ORed into `flags` (status-word bits IE..PE); `roundedUp`
// says whether the last rounding increased the magnitude (the status
// word's C1). Nothing allocates.

/** Status-word exception bits (SDM vol. 1, 8.1.3). */
export const IE: u32 = 0x01
export const DE: u32 = 0x02
export const ZE: u32 = 0x04
export const OE: u32 = 0x08
export const UE: u32 = 0x10
export const PE: u32 = 0x20

/** Rounding control (FCW bits 11:10). */
export const RC_NEAREST: u32 = 0
export const RC_DOWN: u32 = 1
export const RC_UP: u32 = 2
export const RC_ZERO: u32 = 3

export const BIAS: i32 = 16383
export const EXP_MAX: i32 = 0x7fff
const INT_BIT: u64 = 0x8000000000000000
const QUIET: u64 = 0x4000000000000000
/** The "real indefinite" QNaN an invalid operation returns. */
export const INDEF_SIG: u64 = 0xc000000000000000
export const INDEF_SE: u32 = 0xffff

export let rSig: u64 = 0
export let rSe: u32 = 0
export let flags: u32 = 0
export let roundedUp: bool = false
export function clearFlags(): void { flags = 0; roundedUp = false }
export function raise(f: u32): void { flags |= f }

/** Rounding of the current instruction: set from the control word before each operation. */
let rc: u32 = RC_NEAREST
/** Significand bits kept by arithmetic (precision control: 24, 53 or 64). */
let prec: u32 = 64
export function setControl(fcw: u32): void {
  rc = (fcw >> 10) & 3
  const pc = (fcw >> 8) & 3
  prec = pc == 0 ? 24 : pc == 2 ? 53 : 64 // PC = 1 is reserved; hardware rounds to 64 bits
}
export function roundingControl(): u32 { return rc }

@inline function setResult(sign: u32, exp: i32, sig: u64): void { rSe = (sign << 15) | <u32>exp; rSig = sig }
export function setIndefinite(): void { flags |= IE; rSe = INDEF_SE; rSig = INDEF_SIG }

// ---- classification ------------------------------------------------------------
@inline export function expOf(se: u32): i32 { return <i32>(se & 0x7fff) }
@inline export function signOf(se: u32): u32 { return (se >> 15) & 1 }
export function isNaN(sig: u64, se: u32): bool { return expOf(se) == EXP_MAX && (sig << 1) != 0 }
export function isInf(sig: u64, se: u32): bool { return expOf(se) == EXP_MAX && sig == INT_BIT }
export function isSNaN(sig: u64, se: u32): bool { return isNaN(sig, se) && (sig & QUIET) == 0 }
@inline export function isZero(sig: u64, se: u32): bool { return expOf(se) == 0 && sig == 0 }
/**
 * Encodings the 387 and later reject as operands (pseudo-NaN, pseudo-infinity,
 * unnormal: integer bit clear with a non-zero exponent): an invalid operation.
 */
export function isUnsupported(sig: u64, se: u32): bool { return expOf(se) != 0 && (sig & INT_BIT) == 0 }

// Unpacked operands: normalized significand and unbiased-plus-BIAS exponent
// (may go below 1 for denormals); set by unpackA/unpackB.
let aSig: u64 = 0
let aExp: i32 = 0
let aSign: u32 = 0
let bSig: u64 = 0
let bExp: i32 = 0
let bSign: u32 = 0

/** Normalizes a finite non-zero operand; DE for a denormal (pseudo-denormals have exponent 1). */
function normExp(sig: u64, se: u32): i32 {
  const e = expOf(se)
  if (e != 0) return e
  flags |= DE
  if ((sig & INT_BIT) != 0) return 1
  return 1 - <i32>clz(sig)
}
/** DE when an operand is a denormal (reported even when the other operand is an infinity or zero). */
function checkDenormal(sig: u64, se: u32): void { if (expOf(se) == 0 && sig != 0) flags |= DE }

function unpackA(sig: u64, se: u32): void { aSign = signOf(se); aExp = normExp(sig, se); aSig = sig << <u64>clz(sig) }
function unpackB(sig: u64, se: u32): void { bSign = signOf(se); bExp = normExp(sig, se); bSig = sig << <u64>clz(sig) }

/**
 * NaN operands (x87 rules, SDM vol. 1 table 4-7): an SNaN raises IE; a QNaN
 * wins over an SNaN; of two NaNs of one kind the larger significand wins (on a
 * tie the one with the smaller sign/exponent word, i.e. the positive one). The
 * result is quieted. Returns false when neither is a NaN, and handles the
 * unsupported encodings (invalid, real indefinite) the same way.
 */
function nanOperands(as: u64, ae: u32, bs: u64, be: u32, two: bool): bool {
  if (isUnsupported(as, ae) || (two && isUnsupported(bs, be))) { setIndefinite(); return true }
  const an = isNaN(as, ae), bn = two && isNaN(bs, be)
  if (!an && !bn) return false
  const asn = an && (as & QUIET) == 0, bsn = bn && (bs & QUIET) == 0
  if (asn || bsn) flags |= IE
  let pickA: bool
  if (!bn) pickA = true
  else if (!an) pickA = false
  else if (asn != bsn) pickA = bsn // a QNaN over an SNaN
  else if (as != bs) pickA = (as | QUIET) > (bs | QUIET)
  else pickA = ae <= be
  if (pickA) { rSig = as | QUIET; rSe = ae } else { rSig = bs | QUIET; rSe = be }
  return true
}

// ---- 128-bit helpers -------------------------------------------------------------
let hi: u64 = 0
let lo: u64 = 0

/** (hi, lo) >>= d with every shifted-out bit ORed into bit 0 (sticky). */
function shrSticky(h: u64, l: u64, d: i32): void {
  if (d <= 0) { hi = h; lo = l; return }
  if (d < 64) {
    const s: u64 = (l << <u64>(64 - d)) != 0 ? 1 : 0
    lo = (h << <u64>(64 - d)) | (l >> <u64>d) | s
    hi = h >> <u64>d
  } else if (d == 64) {
    lo = h | (l != 0 ? 1 : 0); hi = 0
  } else if (d < 128) {
    const s: u64 = ((h << <u64>(128 - d)) | l) != 0 ? 1 : 0
    lo = (h >> <u64>(d - 64)) | s; hi = 0
  } else {
    lo = (h | l) != 0 ? 1 : 0; hi = 0
  }
}

/** (hi, lo) = a * b. */
function mul64(a: u64, b: u64): void {
  const a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff)
  lo = (mid << 32) | (p00 & 0xffffffff)
  hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)
}

// ---- rounding --------------------------------------------------------------------
/**
 * Rounds sign · (sig + ext/2^64) · 2^(exp - bias - 63), sig normalized (bit 63
 * set), to `p` significand bits in a format with exponents 1..emax (biased;
 * denormals below), under rounding control `mode`. Sets the result, PE, UE
 * (tiny and inexact, as masked underflow reports it), OE, and roundedUp.
 */
export function roundPackTo(sign: u32, exp: i32, sig: u64, ext: u64, p: u32, emax: i32, mode: u32): void {
  let tiny = false
  if (exp < 1) {
    shrSticky(sig, ext, 1 - exp)
    sig = hi; ext = lo; exp = 1; tiny = true
  }
  const shift = 64 - p
  let guard: bool, rest: bool, lsb: bool
  if (shift == 0) {
    guard = (ext >> 63) != 0; rest = (ext << 1) != 0; lsb = (sig & 1) != 0
  } else {
    guard = ((sig >> <u64>(shift - 1)) & 1) != 0
    rest = (sig & ((<u64>1 << <u64>(shift - 1)) - 1)) != 0 || ext != 0
    lsb = ((sig >> <u64>shift) & 1) != 0
    sig &= ~((<u64>1 << <u64>shift) - 1)
  }
  const inexact = guard || rest
  let up = false
  if (mode == RC_NEAREST) up = guard && (rest || lsb)
  else if (mode == RC_UP) up = inexact && sign == 0
  else if (mode == RC_DOWN) up = inexact && sign != 0
  roundedUp = up
  if (up) {
    sig += <u64>1 << <u64>shift
    if (sig == 0) { sig = INT_BIT; exp++ }
  }
  if (inexact) flags |= PE | (tiny ? UE : 0)
  if (tiny) {
    // A denormal keeps exponent field 0 unless rounding carried it into the normal range.
    setResult(sign, (sig & INT_BIT) != 0 ? 1 : 0, sig)
    return
  }
  if (exp > emax) {
    flags |= OE | PE
    const toInf = mode == RC_NEAREST || (mode == RC_UP && sign == 0) || (mode == RC_DOWN && sign != 0)
    roundedUp = toInf
    if (toInf) setResult(sign, emax + 1, INT_BIT)
    else setResult(sign, emax, shift == 0 ? <u64>-1 : ~((<u64>1 << <u64>shift) - 1))
    return
  }
  setResult(sign, exp, sig)
}

/** Rounds an extended result under the control word (precision and rounding control). */
function roundPack(sign: u32, exp: i32, sig: u64, ext: u64): void { roundPackTo(sign, exp, sig, ext, prec, EXP_MAX - 1, rc) }

/** Normalizes (sig, ext) so bit 63 of sig is set, then rounds; a zero gives a signed zero. */
function normRoundPack(sign: u32, exp: i32, sig: u64, ext: u64, zeroSign: u32): void {
  if (sig == 0 && ext == 0) { setResult(zeroSign, 0, 0); roundedUp = false; return }
  if (sig == 0) { sig = ext; ext = 0; exp -= 64 }
  const n = <i32>clz(sig)
  if (n != 0) { sig = (sig << <u64>n) | (ext >> <u64>(64 - n)); ext <<= <u64>n; exp -= n }
  roundPack(sign, exp, sig, ext)
}

// ---- arithmetic ------------------------------------------------------------------
/** a + b (negB: a − b). */
export function add(as: u64, ae: u32, bs: u64, be: u32, negB: bool): void {
  roundedUp = false
  if (nanOperands(as, ae, bs, be, true)) return
  checkDenormal(as, ae); checkDenormal(bs, be)
  if (negB) be ^= 0x8000
  const aInf = isInf(as, ae), bInf = isInf(bs, be)
  if (aInf || bInf) {
    if (aInf && bInf && signOf(ae) != signOf(be)) { setIndefinite(); return }
    if (aInf) { rSig = as; rSe = ae } else { rSig = bs; rSe = be }
    return
  }
  const aZ = isZero(as, ae), bZ = isZero(bs, be)
  if (aZ && bZ) {
    const s = signOf(ae) == signOf(be) ? signOf(ae) : (rc == RC_DOWN ? 1 : 0)
    setResult(s, 0, 0); return
  }
  // A zero operand: the other, rounded to the precision control (denormals raise DE).
  if (aZ || bZ) {
    const zs = bZ ? as : bs, ze = bZ ? ae : be
    unpackA(zs, ze)
    roundPack(aSign, aExp, aSig, 0); return
  }
  unpackA(as, ae); unpackB(bs, be)
  // Order by magnitude so the result takes a's exponent.
  if (bExp > aExp || (bExp == aExp && bSig > aSig)) {
    let t = aSig; aSig = bSig; bSig = t
    let e = aExp; aExp = bExp; bExp = e
    let s = aSign; aSign = bSign; bSign = s
  }
  shrSticky(bSig, 0, aExp - bExp)
  const bh = hi, bl = lo
  if (aSign == bSign) {
    const sum = aSig + bh
    if (sum < aSig) { // carry out: shift right one, keeping the sticky bit
      const ext = (bl >> 1) | (bl & 1) | ((sum & 1) << 63)
      roundPack(aSign, aExp + 1, (sum >> 1) | INT_BIT, ext)
    } else roundPack(aSign, aExp, sum, bl)
    return
  }
  const l = 0 - bl
  const h = aSig - bh - (bl != 0 ? 1 : 0)
  normRoundPack(aSign, aExp, h, l, rc == RC_DOWN ? 1 : 0)
}

export function mul(as: u64, ae: u32, bs: u64, be: u32): void {
  roundedUp = false
  if (nanOperands(as, ae, bs, be, true)) return
  checkDenormal(as, ae); checkDenormal(bs, be)
  const s = signOf(ae) ^ signOf(be)
  const aInf = isInf(as, ae), bInf = isInf(bs, be), aZ = isZero(as, ae), bZ = isZero(bs, be)
  if (aInf || bInf) {
    if (aZ || bZ) { setIndefinite(); return }
    setResult(s, EXP_MAX, INT_BIT); return
  }
  if (aZ || bZ) {
    // DE still reported for a denormal times zero
    if (!aZ) normExp(as, ae)
    if (!bZ) normExp(bs, be)
    setResult(s, 0, 0); return
  }
  unpackA(as, ae); unpackB(bs, be)
  mul64(aSig, bSig)
  let e = aExp + bExp - BIAS + 1
  let h = hi, l = lo
  if ((h & INT_BIT) == 0) { h = (h << 1) | (l >> 63); l <<= 1; e-- }
  roundPack(s, e, h, l)
}

/** a / b. */
export function div(as: u64, ae: u32, bs: u64, be: u32): void {
  roundedUp = false
  if (nanOperands(as, ae, bs, be, true)) return
  // A division by zero reports ZE alone, even of a denormal (as the host CPU does).
  if (!isZero(bs, be)) { checkDenormal(as, ae); checkDenormal(bs, be) }
  const s = signOf(ae) ^ signOf(be)
  const aInf = isInf(as, ae), bInf = isInf(bs, be), aZ = isZero(as, ae), bZ = isZero(bs, be)
  if (aInf) {
    if (bInf) { setIndefinite(); return }
    if (!bZ) normExp(bs, be)
    setResult(s, EXP_MAX, INT_BIT); return
  }
  if (bInf) { if (!aZ) normExp(as, ae); setResult(s, 0, 0); return }
  if (bZ) {
    if (aZ) { setIndefinite(); return }
    flags |= ZE; setResult(s, EXP_MAX, INT_BIT); return
  }
  if (aZ) { normExp(bs, be); setResult(s, 0, 0); return }
  unpackA(as, ae); unpackB(bs, be)
  // Restoring division, 128 quotient bits, the first of weight 2^0 (a/b is in
  // (1/2, 2)); the partial remainder is `top`·2^64 + r and stays below 2b.
  let r = aSig
  let top = false
  let qh: u64 = 0, ql: u64 = 0
  for (let i = 0; i < 128; i++) {
    const bit = top || r >= bSig
    if (bit) r -= bSig
    qh = (qh << 1) | (ql >> 63); ql = (ql << 1) | (bit ? 1 : 0)
    top = (r >> 63) != 0
    r <<= 1
  }
  ql |= (r != 0 || top) ? 1 : 0
  normRoundPack(s, aExp - bExp + BIAS, qh, ql, s)
}

export function sqrt(as: u64, ae: u32): void {
  roundedUp = false
  if (nanOperands(as, ae, 0, 0, false)) return
  if (isZero(as, ae)) { rSig = as; rSe = ae; return }
  if (signOf(ae) != 0) { setIndefinite(); return }
  if (isInf(as, ae)) { rSig = as; rSe = ae; return }
  unpackA(as, ae)
  // The root of M = sig·2^63 (even unbiased exponent) or sig·2^64 (odd), in
  // [2^126, 2^128), is a 64-bit integer with bit 63 set; digit by digit.
  const e = aExp - BIAS
  let mh: u64, ml: u64
  if ((e & 1) == 0) { mh = aSig >> 1; ml = aSig << 63 } else { mh = aSig; ml = 0 }
  let rh: u64 = 0, rl: u64 = 0 // the root being built (128-bit while building)
  let oh: u64 = 0x4000000000000000, ol: u64 = 0 // the current bit, 2^126 downwards by 4
  for (let i = 0; i < 64; i++) {
    const th = rh + oh + (rl + ol < rl ? 1 : 0), tl = rl + ol
    const ge = mh > th || (mh == th && ml >= tl)
    // res >>= 1
    rl = (rl >> 1) | (rh << 63); rh >>= 1
    if (ge) {
      const borrow: u64 = ml < tl ? 1 : 0
      ml -= tl; mh = mh - th - borrow
      const nl = rl + ol
      rh += oh + (nl < rl ? 1 : 0); rl = nl
    }
    ol = (ol >> 2) | (oh << 62); oh >>= 2
  }
  // M − root² is left in (mh, ml); the true root exceeds root + 1/2 iff it is > root.
  const rem0 = mh == 0 && ml == 0
  const above = mh != 0 || ml > rl
  const ext: u64 = (above ? 0x8000000000000000 : 0) | (rem0 ? 0 : 1)
  roundPack(0, (e >> 1) + BIAS, rl, ext)
}

/** The quotient bits of the last FPREM/FPREM1 (C0 = bit 2, C3 = bit 1, C1 = bit 0) and whether it was partial (C2). */
export let quot: u32 = 0
export let incomplete: bool = false
/** Whether the last FPREM/FPREM1 gave a NaN (an operand NaN or an invalid operation): it defines no quotient bits. */
export let premNaN: bool = false

/**
 * FPREM (nearest = false: quotient truncated, as fmod) and FPREM1 (IEEE
 * remainder). Exact. With exponents 64 or more apart only a partial
 * remainder is computed (C2 set; the program loops), reducing the difference
 * by N = 32 + (difference mod 32) bits (the SDM leaves N to the
 * implementation, between 32 and 63).
 */
export function prem(as: u64, ae: u32, bs: u64, be: u32, nearest: bool): void {
  roundedUp = false; quot = 0; incomplete = false; premNaN = true
  if (nanOperands(as, ae, bs, be, true)) return
  // Invalid: IE alone, even with a denormal operand (as the host reports it).
  if (isInf(as, ae) || isZero(bs, be)) { setIndefinite(); return }
  premNaN = false
  if (isZero(as, ae) || isInf(bs, be)) { checkDenormal(as, ae); checkDenormal(bs, be); rSig = as; rSe = ae; return }
  unpackA(as, ae); unpackB(bs, be)
  const d = aExp - bExp
  let sign = aSign
  if (d < -1 || (d == -1 && !nearest)) { roundPackTo(aSign, aExp, aSig, 0, 64, EXP_MAX - 1, RC_NEAREST); return }
  if (d == -1) {
    // |a| in [|b|/4, |b|): a − b·sign is nearer when |a| > |b|/2 (exact, Sterbenz).
    if (aSig > bSig) { quot = 1; normRoundPackExact(sign ^ 1, aExp, bSig - (aSig - bSig)) }
    else roundPackTo(aSign, aExp, aSig, 0, 64, EXP_MAX - 1, RC_NEAREST)
    return
  }
  let k = d
  if (d >= 64) { k = 32 + (d & 31); incomplete = true }
  let r = aSig
  let top = false
  let q: u64 = 0
  for (let i = 0; i <= k; i++) {
    const bit = top || r >= bSig
    if (bit) r -= bSig
    q = (q << 1) | (bit ? 1 : 0)
    if (i < k) { top = (r >> 63) != 0; r <<= 1 }
  }
  if (nearest && !incomplete) {
    const half = bSig - r // r < bSig
    if (r > half || (r == half && (q & 1) != 0)) { r = half; q++; sign ^= 1 }
  }
  quot = incomplete ? 0 : <u32>(q & 7) // C0, C3, C1 read 0 while the remainder is partial
  if (r == 0) { setResult(aSign, 0, 0); return }
  normRoundPackExact(sign, aExp - k, r)
}

/** An exact result (no rounding but denormalization): sig·2^(exp − BIAS − 63). */
function normRoundPackExact(sign: u32, exp: i32, sig: u64): void {
  const n = <i32>clz(sig)
  roundPackTo(sign, exp - n, sig << <u64>n, 0, 64, EXP_MAX - 1, RC_NEAREST)
}

/**
 * Rounds to an integer under `mode` (FRNDINT, FIST): leaves the integer's
 * magnitude in `intMag` (valid when the exponent is below 2^64) and the
 * result as an extended value.
 */
export let intMag: u64 = 0
export function roundInt(as: u64, ae: u32, mode: u32): void {
  roundedUp = false
  if (nanOperands(as, ae, 0, 0, false)) return
  if (isInf(as, ae) || isZero(as, ae)) { rSig = as; rSe = ae; intMag = 0; return }
  unpackA(as, ae)
  const f = BIAS + 63 - aExp // fraction bits
  if (f <= 0) { rSig = aSig; rSe = (aSign << 15) | <u32>aExp; intMag = aSig; return }
  shrSticky(aSig, 0, f)
  let n = hi
  const frac = lo
  const guard = (frac >> 63) != 0, rest = (frac << 1) != 0
  let up = false
  if (mode == RC_NEAREST) up = guard && (rest || (n & 1) != 0)
  else if (mode == RC_UP) up = frac != 0 && aSign == 0
  else if (mode == RC_DOWN) up = frac != 0 && aSign != 0
  if (frac != 0) flags |= PE
  roundedUp = up
  if (up) n++
  intMag = n
  if (n == 0) { setResult(aSign, 0, 0); return }
  const c = <i32>clz(n)
  setResult(aSign, BIAS + 63 - c, n << <u64>c)
}

/**
 * The integer FIST/FISTTP stores (`bytes` 2, 4 or 8): out of range, NaN and
 * infinity give the integer indefinite (the most negative value) with IE.
 */
export function toInt(as: u64, ae: u32, mode: u32, bytes: u32): u64 {
  const indef: u64 = <u64>1 << <u64>(bytes * 8 - 1)
  if (isNaN(as, ae) || isInf(as, ae) || isUnsupported(as, ae)) { flags |= IE; roundedUp = false; return indef }
  const f0 = flags
  roundInt(as, ae, mode)
  flags = (flags & ~DE) | (f0 & DE) // FIST reports no denormal operand
  const neg = signOf(ae) != 0
  const big = expOf(rSe) > BIAS + 63 || (expOf(rSe) == BIAS + 63 && !(neg && intMag == indef))
  if (big || (neg ? intMag > indef : intMag >= indef)) { flags = f0 | IE; roundedUp = false; return indef }
  return neg ? 0 - intMag : intMag
}

/** An integer (FILD): exact. */
export function fromInt(v: i64): void {
  if (v == 0) { setResult(0, 0, 0); return }
  const s: u32 = v < 0 ? 1 : 0
  const m: u64 = v < 0 ? <u64>(0 - v) : <u64>v
  const c = <i32>clz(m)
  setResult(s, BIAS + 63 - c, m << <u64>c)
}

/** A double (FLD m64, arithmetic with m64 operands): exact; NaNs keep their kind (the caller quiets for FLD). */
export function fromF64(b: u64): void {
  const s = <u32>(b >> 63), e = <i32>((b >> 52) & 0x7ff), f = b & 0xfffffffffffff
  if (e == 0x7ff) { setResult(s, EXP_MAX, INT_BIT | (f << 11)); return }
  if (e == 0) {
    if (f == 0) { setResult(s, 0, 0); return }
    flags |= DE
    const c = <i32>clz(f)
    setResult(s, BIAS + 63 - 1074 - c, f << <u64>c); return
  }
  setResult(s, e - 1023 + BIAS, INT_BIT | (f << 11))
}

export function fromF32(b: u32): void {
  const s = b >> 31, e = <i32>((b >> 23) & 0xff), f = <u64>(b & 0x7fffff)
  if (e == 0xff) { setResult(s, EXP_MAX, INT_BIT | (f << 40)); return }
  if (e == 0) {
    if (f == 0) { setResult(s, 0, 0); return }
    flags |= DE
    const c = <i32>clz(f)
    setResult(s, BIAS + 63 - 149 - c, f << <u64>c); return
  }
  setResult(s, e - 127 + BIAS, INT_BIT | (f << 40))
}

/**
 * Rounds to a narrower format (FST m32/m64): `frac` fraction bits, exponent
 * bias `fbias`, all-ones exponent `fexpMax`; returns the bits. The rounding
 * control applies, the precision control does not.
 */
export function toNarrow(as: u64, ae: u32, frac: u32, fbias: i32, fexpMax: i32): u64 {
  roundedUp = false
  const s = <u64>signOf(ae)
  const top = s << <u64>(frac == 52 ? 63 : 31)
  const expBits = <u64>fexpMax << <u64>frac
  if (isUnsupported(as, ae)) { flags |= IE; return (<u64>1 << <u64>(frac == 52 ? 63 : 31)) | expBits | (<u64>1 << <u64>(frac - 1)) }
  if (isNaN(as, ae)) {
    if ((as & QUIET) == 0) flags |= IE
    return top | expBits | (((as | QUIET) << 1) >> <u64>(64 - frac))
  }
  if (isInf(as, ae)) return top | expBits
  if (isZero(as, ae)) return top
  const f0 = flags
  unpackA(as, ae)
  flags = f0 // stores report no denormal operand
  roundPackTo(aSign, aExp - BIAS + fbias, aSig, 0, frac + 1, fexpMax - 1, rc)
  return top | (<u64>expOf(rSe) << <u64>frac) | ((rSig << 1) >> <u64>(64 - frac))
}

/** FSCALE: a · 2^trunc(b). */
export function scale(as: u64, ae: u32, bs: u64, be: u32): void {
  roundedUp = false
  if (nanOperands(as, ae, bs, be, true)) return
  const bInf = isInf(bs, be)
  if (bInf) {
    if (signOf(be) == 0) { if (isZero(as, ae)) { setIndefinite(); return } setResult(signOf(ae), EXP_MAX, INT_BIT); return }
    if (isInf(as, ae)) { setIndefinite(); return }
    setResult(signOf(ae), 0, 0); return
  }
  if (isZero(as, ae) || isInf(as, ae)) { rSig = as; rSe = ae; if (!isZero(bs, be)) normExp(bs, be); return }
  let n: i32 = 0
  if (!isZero(bs, be)) {
    unpackB(bs, be)
    const f = BIAS + 63 - bExp
    // Beyond ±2^20 every finite result has overflowed or underflowed already.
    const m: u64 = f <= 43 ? 0x100000 : (f >= 64 ? 0 : bSig >> <u64>f)
    n = <i32>(m > 0x100000 ? 0x100000 : m)
    if (bSign != 0) n = -n
  }
  unpackA(as, ae)
  // Exact but for overflow and underflow; the precision control does not apply (SDM 8.1.5.2).
  roundPackTo(aSign, aExp + n, aSig, 0, 64, EXP_MAX - 1, rc)
}

/** FXTRACT: rSig/rSe = the exponent as a value; xtSig/xtSe = the significand with exponent 0. */
export let xtSig: u64 = 0
export let xtSe: u32 = 0
export function xtract(as: u64, ae: u32): void {
  roundedUp = false
  if (nanOperands(as, ae, 0, 0, false)) { xtSig = rSig; xtSe = rSe; return }
  if (isZero(as, ae)) { flags |= ZE; setResult(1, EXP_MAX, INT_BIT); xtSig = as; xtSe = ae; return }
  if (isInf(as, ae)) { setResult(0, EXP_MAX, INT_BIT); xtSig = as; xtSe = ae; return }
  unpackA(as, ae)
  xtSig = aSig; xtSe = (aSign << 15) | <u32>BIAS
  fromInt(<i64>(aExp - BIAS))
}

/** Comparison results, as FCOM reports them (C3 C2 C0): greater 000, less 001, equal 100, unordered 111. */
export const CMP_GT: u32 = 0
export const CMP_LT: u32 = 1
export const CMP_EQ: u32 = 2
export const CMP_UN: u32 = 3

/** Compares a with b; IE for any NaN when `signaling` (FCOM), for an SNaN only otherwise (FUCOM). */
export function compare(as: u64, ae: u32, bs: u64, be: u32, signaling: bool): u32 {
  if (isUnsupported(as, ae) || isUnsupported(bs, be)) { flags |= IE; return CMP_UN }
  const an = isNaN(as, ae), bn = isNaN(bs, be)
  if (an || bn) {
    if (signaling || (an && (as & QUIET) == 0) || (bn && (bs & QUIET) == 0)) flags |= IE
    return CMP_UN
  }
  const aZ = isZero(as, ae), bZ = isZero(bs, be)
  if (aZ && bZ) return CMP_EQ
  if (!aZ) unpackA(as, ae)
  if (!bZ) unpackB(bs, be)
  const sa = signOf(ae), sb = signOf(be)
  if (aZ) return sb != 0 ? CMP_GT : CMP_LT
  if (bZ) return sa != 0 ? CMP_LT : CMP_GT
  if (sa != sb) return sa != 0 ? CMP_LT : CMP_GT
  if (aExp == bExp && aSig == bSig) return CMP_EQ
  const aBigger = aExp > bExp || (aExp == bExp && aSig > bSig)
  return aBigger != (sa != 0) ? CMP_GT : CMP_LT
}

/**
 * The constants of FLD1, FLDL2T, …: 64 significand bits and the bits after
 * them, so directed rounding gives what the hardware gives (it rounds a
 * 66-bit constant; the bits past those two are non-zero for all of these).
 */
export function loadConst(sig: u64, ext: u64, exp: i32): void {
  if (sig == 0) { setResult(0, 0, 0); return }
  const f0 = flags
  roundPackTo(0, exp, sig, ext, 64, EXP_MAX - 1, rc)
  flags = f0 // loading a constant raises no precision exception and leaves C1 clear
  roundedUp = false
}

// ---- F2XM1 ---------------------------------------------------------------------------
// 2^x − 1 = x·ln2·S(t), S(t) = (e^t − 1)/t = Σ t^k/(k+1)!, t = x·ln2: the
// series in 128-bit fixed point (S scaled by 2^126), the products keeping
// 128 bits, so the one final rounding sees ~120 correct bits: the result is
// correctly rounded but for values within 2^-120 of a rounding boundary.
const LN2_HI: u64 = 0xb17217f7d1cf79ab
const LN2_LO: u64 = 0xc9e3b39803f2f6af // ln2 = (LN2_HI:LN2_LO)·2^-128
let w3: u64 = 0
let w2: u64 = 0
let w1: u64 = 0
let w0: u64 = 0

/** (w3..w0) = (a1:a0) · (b1:b0). */
function mul128(a1: u64, a0: u64, b1: u64, b0: u64): void {
  mul64(a0, b0); w0 = lo; let c1 = hi
  mul64(a0, b1); let x1 = lo, x2 = hi
  mul64(a1, b0); let y1 = lo, y2 = hi
  mul64(a1, b1); const z2 = lo, z3 = hi
  let s = c1 + x1; let carry2: u64 = s < c1 ? 1 : 0
  const s1 = s + y1; carry2 += s1 < s ? 1 : 0
  w1 = s1
  s = x2 + y2; let carry3: u64 = s < x2 ? 1 : 0
  const t = s + z2; carry3 += t < s ? 1 : 0
  const u = t + carry2; carry3 += u < t ? 1 : 0
  w2 = u
  w3 = z3 + carry3
}

export function f2xm1(as: u64, ae: u32): void {
  roundedUp = false
  if (nanOperands(as, ae, 0, 0, false)) return
  if (isZero(as, ae)) { rSig = as; rSe = ae; return }
  if (isInf(as, ae)) { if (signOf(ae) == 0) { rSig = as; rSe = ae } else setResult(1, BIAS, INT_BIT); return }
  // The SDM leaves |x| > 1 undefined; beyond 2 the fixed point below would not hold |t|, so x comes back.
  if (expOf(ae) > BIAS) { rSig = as; rSe = ae; return }
  unpackA(as, ae)
  // T = x's significand · ln2, top 128 of 192 bits: t = T·2^(aExp − BIAS − 127).
  mul64(aSig, LN2_LO); const h1 = hi
  mul64(aSig, LN2_HI)
  let tl = lo + h1
  let th = hi + (tl < lo ? 1 : 0)
  const bigT = th, bigTl = tl
  // |t| in fixed point (2^126 = 1); |x| ≤ 1 so the shift is at least 1.
  shrSticky(th, tl, BIAS + 1 - aExp)
  const fh = hi, fl = lo & ~<u64>1 // the sticky bit is not part of the value
  let sh: u64 = 0x4000000000000000, sl: u64 = 0 // S = 1
  let mh: u64 = sh, ml: u64 = 0 // the current term's magnitude
  for (let k: u64 = 2; k < 48; k++) {
    mul128(mh, ml, fh, fl)
    // term · t >> 126, then / k
    mh = (w3 << 2) | (w2 >> 62); ml = (w2 << 2) | (w1 >> 62)
    let rem: u64 = 0
    let q3 = ((rem << 32) | (mh >> 32)) / k; rem = ((rem << 32) | (mh >> 32)) % k
    let q2 = ((rem << 32) | (mh & 0xffffffff)) / k; rem = ((rem << 32) | (mh & 0xffffffff)) % k
    let q1 = ((rem << 32) | (ml >> 32)) / k; rem = ((rem << 32) | (ml >> 32)) % k
    let q0 = ((rem << 32) | (ml & 0xffffffff)) / k
    mh = (q3 << 32) | q2; ml = (q1 << 32) | q0
    if (mh == 0 && ml == 0) break
    if (aSign != 0 && (k & 1) == 0) { // odd powers of a negative t subtract
      const b: u64 = sl < ml ? 1 : 0
      sl -= ml; sh = sh - mh - b
    } else {
      const nl = sl + ml
      sh += mh + (nl < sl ? 1 : 0); sl = nl
    }
  }
  // 2^x − 1 = T·S·2^(aExp − BIAS − 253).
  mul128(bigT, bigTl, sh, sl)
  const p0 = prec
  prec = 64 // the precision control applies to the basic arithmetic only (SDM 8.1.5.2)
  normRoundPack(aSign, aExp + 2, w3, w2 | ((w1 | w0) != 0 ? 1 : 0), aSign)
  prec = p0
}
