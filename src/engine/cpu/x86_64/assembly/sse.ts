// SSE/SSE2 moves and integer operations (the ones glibc's string and memory
// functions use first). XMM registers live in the register block
// (core-layout.ts R_XMM); the arithmetic maps onto wasm SIMD (v128), whose
// integer lane semantics are the same as SSE's (wrapping, saturating,
// unsigned-rounding averages, narrowing with saturation).
//
// Legacy SSE requires 16-byte alignment of packed memory operands except
// for the unaligned moves: a misaligned one raises #GP (CoreExit.Exception 13).
import { CoreExit } from '../../core-abi'
import { R_XMM } from './layout'
import { ld, st } from './mem'
import { gFault, probeWrite } from './mmu'
import { ctx, ea, imm, isMem, osz, raiseExit, readE, readG, reg, rm, writeE, setReg } from './state'

@inline function xmmAddr(i: u32): u32 { return ctx + R_XMM + (i << 4) }

function misaligned(): bool {
  if (isMem && (ea & 15) != 0) { raiseExit(CoreExit.Exception, 13); return true }
  return false
}

/** The 16-byte r/m operand (an XMM register or memory). */
function readW(): v128 {
  if (!isMem) return v128.load(xmmAddr(rm))
  const lo = ld(ea, 8)
  const hi = ld(ea + 8, 8)
  return i64x2.replace_lane(i64x2.splat(<i64>lo), 1, <i64>hi)
}

function writeV(v: v128): void { if (gFault == 0) v128.store(xmmAddr(reg), v) }

function writeW(v: v128): void {
  if (!isMem) { if (gFault == 0) v128.store(xmmAddr(rm), v); return }
  if (!probeWrite(ea, 16)) return
  st(ea, 8, <u64>i64x2.extract_lane(v, 0))
  st(ea + 8, 8, <u64>i64x2.extract_lane(v, 1))
}

/** MOVDQA/MOVAPS/MOVAPD (aligned = 1) and MOVDQU/MOVUPS/MOVUPD (0), load form. */
export function movx_V_W(aligned: u32): void {
  if (aligned != 0 && misaligned()) return
  const v = readW()
  writeV(v)
}

/** The store form. */
export function movx_W_V(aligned: u32): void {
  if (aligned != 0 && misaligned()) return
  writeW(v128.load(xmmAddr(reg)))
}

/** MOVD/MOVQ xmm, r/m32/64: zero-extends into the whole register. */
export function movd_V_E(): void {
  const v = readE()
  writeV(i64x2.replace_lane(i64x2.splat(0), 0, <i64>v))
}

/** MOVD/MOVQ r/m32/64, xmm. */
export function movd_E_V(): void { writeE(<u64>i64x2.extract_lane(v128.load(xmmAddr(reg)), 0)) }

/** MOVQ xmm, xmm/m64 (F3 0F 7E): the upper half is zeroed. */
export function movq_V_W(): void {
  const v: u64 = isMem ? ld(ea, 8) : <u64>i64x2.extract_lane(v128.load(xmmAddr(rm)), 0)
  writeV(i64x2.replace_lane(i64x2.splat(0), 0, <i64>v))
}

/** MOVQ xmm/m64, xmm (66 0F D6): a register destination's upper half is zeroed. */
export function movq_W_V(): void {
  const v = <u64>i64x2.extract_lane(v128.load(xmmAddr(reg)), 0)
  if (isMem) st(ea, 8, v)
  else if (gFault == 0) v128.store(xmmAddr(rm), i64x2.replace_lane(i64x2.splat(0), 0, <i64>v))
}

// Operation kinds of sse_V_W (the table's arguments).
export const PXOR: u32 = 0
export const POR: u32 = 1
export const PAND: u32 = 2
export const PANDN: u32 = 3
export const PCMPEQB: u32 = 4
export const PCMPEQW: u32 = 5
export const PCMPEQD: u32 = 6
export const PCMPGTB: u32 = 7
export const PCMPGTW: u32 = 8
export const PCMPGTD: u32 = 9
export const PMINUB: u32 = 10
export const PMAXUB: u32 = 11
export const PMINSW: u32 = 12
export const PMAXSW: u32 = 13
export const PADDB: u32 = 14
export const PADDW: u32 = 15
export const PADDD: u32 = 16
export const PADDQ: u32 = 17
export const PSUBB: u32 = 18
export const PSUBW: u32 = 19
export const PSUBD: u32 = 20
export const PSUBQ: u32 = 21
export const PADDUSB: u32 = 22
export const PADDUSW: u32 = 23
export const PSUBUSB: u32 = 24
export const PSUBUSW: u32 = 25
export const PADDSB: u32 = 26
export const PADDSW: u32 = 27
export const PSUBSB: u32 = 28
export const PSUBSW: u32 = 29
export const PMULLW: u32 = 30
export const PMULHW: u32 = 31
export const PMULHUW: u32 = 32
export const PMULUDQ: u32 = 33
export const PMADDWD: u32 = 34
export const PAVGB: u32 = 35
export const PAVGW: u32 = 36
export const PUNPCKLBW: u32 = 37
export const PUNPCKLWD: u32 = 38
export const PUNPCKLDQ: u32 = 39
export const PUNPCKLQDQ: u32 = 40
export const PUNPCKHBW: u32 = 41
export const PUNPCKHWD: u32 = 42
export const PUNPCKHDQ: u32 = 43
export const PUNPCKHQDQ: u32 = 44
export const PACKUSWB: u32 = 45
export const PACKSSWB: u32 = 46
export const PACKSSDW: u32 = 47
export const PSADBW: u32 = 48

function sseOp(k: u32, a: v128, b: v128): v128 {
  switch (k) {
    case PXOR: return v128.xor(a, b)
    case POR: return v128.or(a, b)
    case PAND: return v128.and(a, b)
    case PANDN: return v128.andnot(b, a)
    case PCMPEQB: return i8x16.eq(a, b)
    case PCMPEQW: return i16x8.eq(a, b)
    case PCMPEQD: return i32x4.eq(a, b)
    case PCMPGTB: return i8x16.gt_s(a, b)
    case PCMPGTW: return i16x8.gt_s(a, b)
    case PCMPGTD: return i32x4.gt_s(a, b)
    case PMINUB: return i8x16.min_u(a, b)
    case PMAXUB: return i8x16.max_u(a, b)
    case PMINSW: return i16x8.min_s(a, b)
    case PMAXSW: return i16x8.max_s(a, b)
    case PADDB: return i8x16.add(a, b)
    case PADDW: return i16x8.add(a, b)
    case PADDD: return i32x4.add(a, b)
    case PADDQ: return i64x2.add(a, b)
    case PSUBB: return i8x16.sub(a, b)
    case PSUBW: return i16x8.sub(a, b)
    case PSUBD: return i32x4.sub(a, b)
    case PSUBQ: return i64x2.sub(a, b)
    case PADDUSB: return i8x16.add_sat_u(a, b)
    case PADDUSW: return i16x8.add_sat_u(a, b)
    case PSUBUSB: return i8x16.sub_sat_u(a, b)
    case PSUBUSW: return i16x8.sub_sat_u(a, b)
    case PADDSB: return i8x16.add_sat_s(a, b)
    case PADDSW: return i16x8.add_sat_s(a, b)
    case PSUBSB: return i8x16.sub_sat_s(a, b)
    case PSUBSW: return i16x8.sub_sat_s(a, b)
    case PMULLW: return i16x8.mul(a, b)
    case PMULHW: {
      const lo = i32x4.extmul_low_i16x8_s(a, b), hi = i32x4.extmul_high_i16x8_s(a, b)
      return i8x16.shuffle(lo, hi, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31)
    }
    case PMULHUW: {
      const lo = i32x4.extmul_low_i16x8_u(a, b), hi = i32x4.extmul_high_i16x8_u(a, b)
      return i8x16.shuffle(lo, hi, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31)
    }
    case PMULUDQ: {
      // The low doubleword of each quadword: gather lanes 0 and 2, then widen-multiply.
      const a2 = i8x16.shuffle(a, a, 0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11)
      const b2 = i8x16.shuffle(b, b, 0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11)
      return i64x2.extmul_low_i32x4_u(a2, b2)
    }
    case PMADDWD: return i32x4.dot_i16x8_s(a, b)
    case PAVGB: return i8x16.avgr_u(a, b)
    case PAVGW: return i16x8.avgr_u(a, b)
    case PUNPCKLBW: return i8x16.shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23)
    case PUNPCKLWD: return i8x16.shuffle(a, b, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23)
    case PUNPCKLDQ: return i8x16.shuffle(a, b, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23)
    case PUNPCKLQDQ: return i8x16.shuffle(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
    case PUNPCKHBW: return i8x16.shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31)
    case PUNPCKHWD: return i8x16.shuffle(a, b, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31)
    case PUNPCKHDQ: return i8x16.shuffle(a, b, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31)
    case PUNPCKHQDQ: return i8x16.shuffle(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31)
    case PACKUSWB: return i8x16.narrow_i16x8_u(a, b)
    case PACKSSWB: return i8x16.narrow_i16x8_s(a, b)
    case PACKSSDW: return i16x8.narrow_i32x4_s(a, b)
    default: { // PSADBW: per quadword, the sum of absolute byte differences
      const d = v128.or(i8x16.sub_sat_u(a, b), i8x16.sub_sat_u(b, a))
      const w = i16x8.extadd_pairwise_i8x16_u(d)
      const q = i64x2.extend_low_i32x4_u(i32x4.extadd_pairwise_i16x8_u(w)) // lanes 0,1 of the dword sums
      const q2 = i64x2.extend_high_i32x4_u(i32x4.extadd_pairwise_i16x8_u(w))
      // dword sums: [s0 s1 s2 s3]; quadword 0 = s0 + s1, quadword 1 = s2 + s3.
      return i64x2.replace_lane(i64x2.splat(i64x2.extract_lane(q, 0) + i64x2.extract_lane(q, 1)), 1, i64x2.extract_lane(q2, 0) + i64x2.extract_lane(q2, 1))
    }
  }
}

/** op xmm, xmm/m128 (memory operands must be 16-byte aligned). */
export function sse_V_W(k: u32): void {
  if (misaligned()) return
  const b = readW()
  if (gFault != 0) return
  writeV(sseOp(k, v128.load(xmmAddr(reg)), b))
}

/** PMOVMSKB r32/64, xmm (MOVMSKPS/PD: lane = 4/8). */
export function movmsk_G_U(lane: u32): void {
  const v = v128.load(xmmAddr(rm))
  const m: u32 = lane == 1 ? i8x16.bitmask(v) : lane == 4 ? i32x4.bitmask(v) : i64x2.bitmask(v)
  setReg(osz == 8 ? 8 : 4, reg, <u64>m)
}

/** PSHUFD (k 0), PSHUFLW (1), PSHUFHW (2) xmm, xmm/m128, imm8. */
export function pshuf_V_W_I(k: u32): void {
  if (misaligned()) return
  const s = readW()
  if (gFault != 0) return
  const sel = <u32>imm & 0xFF
  const tmp = memory.data(16)
  v128.store(tmp, s)
  const out = memory.data(16)
  v128.store(out, s)
  if (k == 0) for (let i: u32 = 0; i < 4; i++) store<u32>(out + i * 4, load<u32>(tmp + ((sel >> (i * 2)) & 3) * 4))
  else {
    const base: u32 = k == 1 ? 0 : 8
    for (let i: u32 = 0; i < 4; i++) store<u16>(out + base + i * 2, load<u16>(tmp + base + ((sel >> (i * 2)) & 3) * 2))
  }
  writeV(v128.load(out))
}

// Shift kinds: lanes of 16/32/64 bits, logical right, arithmetic right, left; byte shifts of the whole register.
export const SRLW: u32 = 0
export const SRAW: u32 = 1
export const SLLW: u32 = 2
export const SRLD: u32 = 3
export const SRAD: u32 = 4
export const SLLD: u32 = 5
export const SRLQ: u32 = 6
export const SLLQ: u32 = 8
export const SRLDQ: u32 = 9
export const SLLDQ: u32 = 10

function shiftLanes(k: u32, v: v128, count: u64): v128 {
  if (k == SRLDQ || k == SLLDQ) {
    const n = count > 16 ? 16 : <u32>count
    const tmp = memory.data(48)
    v128.store(tmp, i64x2.splat(0))
    v128.store(tmp + 16, v)
    v128.store(tmp + 32, i64x2.splat(0))
    return v128.load(k == SRLDQ ? tmp + 16 + n : tmp + 16 - n)
  }
  const bits: u64 = k <= SLLW ? 16 : k <= SLLD ? 32 : 64
  const kind = k <= SLLD ? k % 3 : k == SRLQ ? 0 : 2
  if (count >= bits) {
    if (kind != 1) return i64x2.splat(0)
    count = bits - 1 // arithmetic shifts fill with the sign
  }
  const c = <i32>count
  if (bits == 16) return kind == 0 ? i16x8.shr_u(v, c) : kind == 1 ? i16x8.shr_s(v, c) : i16x8.shl(v, c)
  if (bits == 32) return kind == 0 ? i32x4.shr_u(v, c) : kind == 1 ? i32x4.shr_s(v, c) : i32x4.shl(v, c)
  return kind == 0 ? i64x2.shr_u(v, c) : i64x2.shl(v, c)
}

/** PSRLW/PSRAW/PSLLW… xmm, imm8 (66 0F 71–73 groups). */
export function pshift_U_I(k: u32): void {
  writeVrm(shiftLanes(k, v128.load(xmmAddr(rm)), <u64>(<u32>imm & 0xFF)))
}

function writeVrm(v: v128): void { if (gFault == 0) v128.store(xmmAddr(rm), v) }

/** PSRLW/PSRAW/PSLLW… xmm, xmm/m128: the count is the source's low quadword. */
export function pshift_V_W(k: u32): void {
  if (misaligned()) return
  const s = readW()
  if (gFault != 0) return
  writeV(shiftLanes(k, v128.load(xmmAddr(reg)), <u64>i64x2.extract_lane(s, 0)))
}

/** PEXTRW r32, xmm, imm8. */
export function pextrw_G_U_I(): void {
  const v = v128.load(xmmAddr(rm))
  const tmp = memory.data(16)
  v128.store(tmp, v)
  setReg(osz == 8 ? 8 : 4, reg, <u64>load<u16>(tmp + ((<u32>imm & 7) << 1)))
}

/** PINSRW xmm, r32/m16, imm8. */
export function pinsrw_V_E_I(): void {
  const w = isMem ? ld(ea, 2) : <u64>load<u16>(ctx + (rm << 3))
  if (gFault != 0) return
  const tmp = memory.data(16)
  v128.store(tmp, v128.load(xmmAddr(reg)))
  store<u16>(tmp + ((<u32>imm & 7) << 1), <u16>w)
  writeV(v128.load(tmp))
}

/** MOVNTI m32/64, r32/64: a store. */
export function movnti_M_G(): void { writeE(readG()) }
