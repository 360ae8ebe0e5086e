// SSE/SSE2 floating point: scalar and packed single/double arithmetic,
// square root, minimum/maximum, compares, conversions, and the moves that
// go with them. wasm's f32/f64 arithmetic is IEEE 754 with round-to-nearest-
// even, as SSE's default MXCSR; what differs is written out here: which NaN
// comes out (the first source's, quieted, else the second's; an invalid
// operation gives the negative "real indefinite" QNaN), MIN/MAX returning the
// second operand for NaNs and equal zeros, and out-of-range conversions to
// integers giving the "integer indefinite" value.
//
// Not modelled yet: MXCSR rounding modes other than nearest, FTZ/DAZ, and the
// exception flags (MXCSR's status bits stay as the program wrote them).
import { CoreExit } from '../../core-abi'
import { Fl } from '../core-layout'
import { setArith } from './flags'
import { R_MXCSR, R_XMM } from './layout'
import { ld, st } from './mem'
import { gFault, probeWrite } from './mmu'
import { ctx, ea, imm, isMem, osz, raiseExit, readE, reg, rm, setReg } from './state'

@inline function xmm(i: u32): u32 { return ctx + R_XMM + (i << 4) }

// Scratch lanes: the source operand (16 bytes) and the result.
export const SRC: u32 = <u32>memory.data(16, 16)
export const DST: u32 = <u32>memory.data(16, 16)

/** Loads the r/m operand's `bytes` (4, 8 or 16) into SRC; false after a fault (or #GP for a misaligned packed operand). */
export function loadSrc(bytes: u32, aligned: bool): bool {
  if (!isMem) { v128.store(SRC, v128.load(xmm(rm))); return true }
  if (aligned && (ea & 15) != 0) { raiseExit(CoreExit.Exception, 13); return false }
  if (bytes == 4) store<u32>(SRC, <u32>ld(ea, 4))
  else if (bytes == 8) store<u64>(SRC, ld(ea, 8))
  else { store<u64>(SRC, ld(ea, 8)); store<u64>(SRC + 8, ld(ea + 8, 8)) }
  return gFault == 0
}

export function commit(): void { if (gFault == 0) v128.store(xmm(reg), v128.load(DST)) }

// ---- NaN rules ----------------------------------------------------------------
@inline function nan64(b: u64): bool { return (b & 0x7FFFFFFFFFFFFFFF) > 0x7FF0000000000000 }
@inline function nan32(b: u32): bool { return (b & 0x7FFFFFFF) > 0x7F800000 }
const DEFAULT_NAN64: u64 = 0xFFF8000000000000
const DEFAULT_NAN32: u32 = 0xFFC00000

/** The NaN an operation on a, b gives when its IEEE result r is a NaN. */
function nanResult64(a: u64, b: u64): u64 {
  if (nan64(a)) return a | 0x0008000000000000
  if (nan64(b)) return b | 0x0008000000000000
  return DEFAULT_NAN64
}
function nanResult32(a: u32, b: u32): u32 {
  if (nan32(a)) return a | 0x00400000
  if (nan32(b)) return b | 0x00400000
  return DEFAULT_NAN32
}

// Arithmetic kinds (the table's arguments).
export const FADD: u32 = 0
export const FSUB: u32 = 1
export const FMUL: u32 = 2
export const FDIV: u32 = 3
export const FMIN: u32 = 4
export const FMAX: u32 = 5
export const FSQRT: u32 = 6

export function op64(k: u32, ab: u64, bb: u64): u64 {
  const a = reinterpret<f64>(ab), b = reinterpret<f64>(bb)
  if (k == FMIN) return a < b ? ab : bb
  if (k == FMAX) return a > b ? ab : bb
  let r: f64
  if (k == FSQRT) {
    r = sqrt<f64>(b)
    return r != r ? (nan64(bb) ? bb | 0x0008000000000000 : DEFAULT_NAN64) : reinterpret<u64>(r)
  }
  r = k == FADD ? a + b : k == FSUB ? a - b : k == FMUL ? a * b : a / b
  return r != r ? nanResult64(ab, bb) : reinterpret<u64>(r)
}

export function op32(k: u32, ab: u32, bb: u32): u32 {
  const a = reinterpret<f32>(ab), b = reinterpret<f32>(bb)
  if (k == FMIN) return a < b ? ab : bb
  if (k == FMAX) return a > b ? ab : bb
  let r: f32
  if (k == FSQRT) {
    r = sqrt<f32>(b)
    return r != r ? (nan32(bb) ? bb | 0x00400000 : DEFAULT_NAN32) : reinterpret<u32>(r)
  }
  r = k == FADD ? a + b : k == FSUB ? a - b : k == FMUL ? a * b : a / b
  return r != r ? nanResult32(ab, bb) : reinterpret<u32>(r)
}

/** ADD/SUB/MUL/DIV/MIN/MAX/SQRT: lanes 4 (single) or 8 (double) bytes wide; scalar forms touch lane 0 only. */
export function fparith(k: u32, lane: u32, scalar: u32): void {
  if (!loadSrc(scalar != 0 ? lane : 16, scalar == 0)) return
  v128.store(DST, v128.load(xmm(reg)))
  const n: u32 = scalar != 0 ? 1 : 16 / lane
  for (let i: u32 = 0; i < n; i++) {
    if (lane == 8) store<u64>(DST + i * 8, op64(k, load<u64>(DST + i * 8), load<u64>(SRC + i * 8)))
    else store<u32>(DST + i * 4, op32(k, load<u32>(DST + i * 4), load<u32>(SRC + i * 4)))
  }
  commit()
}

/** CMPPS/PD/SS/SD with predicate imm8 & 7: EQ LT LE UNORD NEQ NLT NLE ORD; each lane all ones or zero. */
export function fpcmp(lane: u32, scalar: u32): void {
  if (!loadSrc(scalar != 0 ? lane : 16, scalar == 0)) return
  v128.store(DST, v128.load(xmm(reg)))
  const n: u32 = scalar != 0 ? 1 : 16 / lane
  const p = <u32>imm & 7
  for (let i: u32 = 0; i < n; i++) {
    let a: f64, b: f64
    if (lane == 8) { a = load<f64>(DST + i * 8); b = load<f64>(SRC + i * 8) } else { a = <f64>load<f32>(DST + i * 4); b = <f64>load<f32>(SRC + i * 4) }
    const un = a != a || b != b
    let t: bool
    switch (p) {
      case 0: t = a == b; break
      case 1: t = a < b; break
      case 2: t = a <= b; break
      case 3: t = un; break
      case 4: t = !(a == b); break
      case 5: t = !(a < b); break
      case 6: t = !(a <= b); break
      default: t = !un
    }
    if (lane == 8) store<u64>(DST + i * 8, t ? <u64>-1 : 0)
    else store<u32>(DST + i * 4, t ? <u32>-1 : 0)
  }
  commit()
}

/** UCOMISS/UCOMISD/COMISS/COMISD: ZF PF CF from the comparison (all three when unordered), OF SF AF cleared. */
export function fpcomi(lane: u32): void {
  if (!loadSrc(lane, false)) return
  let a: f64, b: f64
  if (lane == 8) { a = load<f64>(xmm(reg)); b = load<f64>(SRC) } else { a = <f64>load<f32>(xmm(reg)); b = <f64>load<f32>(SRC) }
  let f: u32 = 0
  if (a != a || b != b) f = Fl.ZF | Fl.PF | Fl.CF
  else if (a < b) f = Fl.CF
  else if (a == b) f = Fl.ZF
  setArith(f)
}

/** MOVSS/MOVSD load (a register source moves the low lane only; memory zeroes the rest). */
export function movs_V_W(lane: u32): void {
  if (!loadSrc(lane, false)) return
  if (isMem) v128.store(DST, i64x2.splat(0))
  else v128.store(DST, v128.load(xmm(reg)))
  if (lane == 8) store<u64>(DST, load<u64>(SRC)); else store<u32>(DST, load<u32>(SRC))
  commit()
}

/** MOVSS/MOVSD store (to memory, or the low lane of a register). */
export function movs_W_V(lane: u32): void {
  const v = load<u64>(xmm(reg))
  if (isMem) { st(ea, lane, lane == 8 ? v : v & 0xFFFFFFFF); return }
  if (gFault != 0) return
  if (lane == 8) store<u64>(xmm(rm), v); else store<u32>(xmm(rm), <u32>v)
}

/** MOVLPS/MOVLPD (half 0) and MOVHPS/MOVHPD (half 1) xmm, m64; MOVHLPS/MOVLHPS for register sources. */
export function movhalf_V_W(half: u32): void {
  let v: u64
  if (isMem) { v = ld(ea, 8); if (gFault != 0) return }
  else v = load<u64>(xmm(rm) + (half == 0 ? 8 : 0)) // MOVHLPS takes the source's high half, MOVLHPS its low half
  store<u64>(xmm(reg) + (half << 3), v)
}

/** MOVLPS/MOVLPD/MOVHPS/MOVHPD m64, xmm. */
export function movhalf_M_V(half: u32): void { st(ea, 8, load<u64>(xmm(reg) + (half << 3))) }

/** UNPCKLPS (0), UNPCKHPS (1), UNPCKLPD (2), UNPCKHPD (3). */
export function unpck(k: u32): void {
  if (!loadSrc(16, true)) return
  const a = v128.load(xmm(reg)), b = v128.load(SRC)
  let r: v128
  if (k == 0) r = i8x16.shuffle(a, b, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23)
  else if (k == 1) r = i8x16.shuffle(a, b, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31)
  else if (k == 2) r = i8x16.shuffle(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
  else r = i8x16.shuffle(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31)
  v128.store(DST, r)
  commit()
}

/** SHUFPS (lane 4) / SHUFPD (lane 8) xmm, xmm/m128, imm8: the low half from the destination, the high from the source. */
export function shufp(lane: u32): void {
  if (!loadSrc(16, true)) return
  const a = xmm(reg)
  const sel = <u32>imm
  if (lane == 4) {
    store<u32>(DST, load<u32>(a + (sel & 3) * 4))
    store<u32>(DST + 4, load<u32>(a + ((sel >> 2) & 3) * 4))
    store<u32>(DST + 8, load<u32>(SRC + ((sel >> 4) & 3) * 4))
    store<u32>(DST + 12, load<u32>(SRC + ((sel >> 6) & 3) * 4))
  } else {
    store<u64>(DST, load<u64>(a + (sel & 1) * 8))
    store<u64>(DST + 8, load<u64>(SRC + ((sel >> 1) & 1) * 8))
  }
  commit()
}

// ---- conversions ----------------------------------------------------------------

/** CVTSI2SS (lane 4) / CVTSI2SD (lane 8) xmm, r/m32/64: rounded to nearest. */
export function cvtsi2s(lane: u32): void {
  const v = readE()
  if (gFault != 0) return
  const i: i64 = osz == 8 ? <i64>v : <i64>(<i32>v)
  if (lane == 8) store<f64>(xmm(reg), <f64>i)
  else store<f32>(xmm(reg), <f32>i)
}

/** Float to integer, truncating (trunc 1) or rounding to nearest even; NaN and out-of-range give the integer indefinite. */
function toInt(d: f64, truncate: u32, size: u32): u64 {
  const r = truncate != 0 ? d : nearest<f64>(d)
  const t = trunc<f64>(r)
  if (size == 8) {
    if (!(t >= -9223372036854775808.0 && t < 9223372036854775808.0)) return 0x8000000000000000
    return <u64>(<i64>t)
  }
  if (!(t >= -2147483648.0 && t < 2147483648.0)) return 0x80000000
  return <u64>(<u32>(<i32>t))
}

/** CVT(T)SS2SI / CVT(T)SD2SI r32/64, xmm/m. */
export function cvts2si(lane: u32, truncate: u32): void {
  if (!loadSrc(lane, false)) return
  const d: f64 = lane == 8 ? load<f64>(SRC) : <f64>load<f32>(SRC)
  setReg(osz == 8 ? 8 : 4, reg, toInt(d, truncate, osz == 8 ? 8 : 4))
}

function f32to64(b: u32): u64 {
  if (nan32(b)) return (<u64>(b >> 31) << 63) | 0x7FF8000000000000 | (<u64>(b & 0x3FFFFF) << 29)
  return reinterpret<u64>(<f64>reinterpret<f32>(b))
}
function f64to32(b: u64): u32 {
  if (nan64(b)) return (<u32>(b >>> 63) << 31) | 0x7FC00000 | <u32>((b >>> 29) & 0x3FFFFF)
  return reinterpret<u32>(<f32>reinterpret<f64>(b))
}

/** CVTSS2SD (to 8) / CVTSD2SS (to 4): the low lane; the rest of the destination stays. */
export function cvtss(to: u32): void {
  if (!loadSrc(to == 8 ? 4 : 8, false)) return
  v128.store(DST, v128.load(xmm(reg)))
  if (to == 8) store<u64>(DST, f32to64(load<u32>(SRC)))
  else store<u32>(DST, f64to32(load<u64>(SRC)))
  commit()
}

/**
 * Packed conversions: PS2PD (0), PD2PS (1), DQ2PS (2), PS2DQ (3), TPS2DQ (4),
 * DQ2PD (5), PD2DQ (6), TPD2DQ (7).
 */
export function cvtp(k: u32): void {
  const narrowSrc = k == 0 || k == 5
  if (!loadSrc(narrowSrc ? 8 : 16, !narrowSrc)) return
  v128.store(DST, i64x2.splat(0))
  switch (k) {
    case 0: for (let i: u32 = 0; i < 2; i++) store<u64>(DST + i * 8, f32to64(load<u32>(SRC + i * 4))); break
    case 1: for (let i: u32 = 0; i < 2; i++) store<u32>(DST + i * 4, f64to32(load<u64>(SRC + i * 8))); break
    case 2: for (let i: u32 = 0; i < 4; i++) store<f32>(DST + i * 4, <f32>load<i32>(SRC + i * 4)); break
    case 3: case 4: for (let i: u32 = 0; i < 4; i++) store<u32>(DST + i * 4, <u32>toInt(<f64>load<f32>(SRC + i * 4), k == 4 ? 1 : 0, 4)); break
    case 5: for (let i: u32 = 0; i < 2; i++) store<f64>(DST + i * 8, <f64>load<i32>(SRC + i * 4)); break
    default: for (let i: u32 = 0; i < 2; i++) store<u32>(DST + i * 4, <u32>toInt(load<f64>(SRC + i * 8), k == 7 ? 1 : 0, 4))
  }
  commit()
}

/** LDMXCSR m32 (reserved bits set: #GP) / STMXCSR m32. */
export function ldmxcsr(): void {
  const v = <u32>ld(ea, 4)
  if (gFault != 0) return
  if ((v & 0xFFFF0000) != 0) { raiseExit(CoreExit.Exception, 13); return }
  store<u32>(ctx + R_MXCSR, v)
}
export function stmxcsr(): void { if (probeWrite(ea, 4)) st(ea, 4, <u64>load<u32>(ctx + R_MXCSR)) }
