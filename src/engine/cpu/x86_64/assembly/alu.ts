// Integer arithmetic handlers: the ALU group, INC/DEC/NEG/NOT, multiply and
// divide, shifts and rotates, double shifts. Named after their table rows'
// operand forms (E = r/m, G = ModRM reg, A = accumulator, I = immediate).
import { CoreExit } from '../../core-abi'
import { CcOp as Cc, Fl } from '../core-layout'
import { arith, getCF, setArith, setLazy, szp } from './flags'
import { gFault } from './mmu'
import {
  RAX, RCX, RDX, getReg, imm, osz, raiseExit, readE, readG, rmwProbe, setReg, sext, signBit, sizeMask, writeE, writeG,
} from './state'

// ALU operation kinds (the table's alu_*(KIND) arguments).
export const ADD: u32 = 0
export const OR: u32 = 1
export const ADC: u32 = 2
export const SBB: u32 = 3
export const AND: u32 = 4
export const SUB: u32 = 5
export const XOR: u32 = 6
export const CMP: u32 = 7
export const TEST: u32 = 8

/** a OP b at the operand size, flags recorded lazily; the result masked to the size. */
function alu(k: u32, a: u64, b: u64): u64 {
  const size = osz
  const m = sizeMask(size)
  let r: u64 = 0
  switch (k) {
    case ADD: r = a + b; setLazy(Cc.ADD, size, r, b, 0); break
    case OR: r = a | b; setLazy(Cc.LOGIC, size, r, 0, 0); break
    case ADC: { const c = getCF(); r = a + b + c; setLazy(Cc.ADC, size, r, b, c); break }
    case SBB: { const c = getCF(); r = a - b - c; setLazy(Cc.SBB, size, r, b, c); break }
    case XOR: r = a ^ b; setLazy(Cc.LOGIC, size, r, 0, 0); break
    case SUB: case CMP: r = a - b; setLazy(Cc.SUB, size, r, b, 0); break
    default: r = a & b; setLazy(Cc.LOGIC, size, r, 0, 0)
  }
  return r & m
}

@inline function writes(k: u32): bool { return k != CMP && k != TEST }

export function alu_E_G(k: u32): void {
  if (writes(k)) rmwProbe()
  const b = readG()
  const a = readE()
  if (gFault != 0) return
  const r = alu(k, a, b)
  if (writes(k)) writeE(r)
}

export function alu_G_E(k: u32): void {
  const b = readE()
  if (gFault != 0) return
  const r = alu(k, readG(), b)
  if (writes(k)) writeG(r)
}

export function alu_A_I(k: u32): void {
  const r = alu(k, getReg(osz, RAX), imm & sizeMask(osz))
  if (writes(k)) setReg(osz, RAX, r)
}

export function alu_E_I(k: u32): void {
  if (writes(k)) rmwProbe()
  const a = readE()
  if (gFault != 0) return
  const r = alu(k, a, imm & sizeMask(osz))
  if (writes(k)) writeE(r)
}

export function not_E(): void {
  rmwProbe()
  const a = readE()
  writeE(~a & sizeMask(osz))
}

export function neg_E(): void {
  rmwProbe()
  const a = readE()
  if (gFault != 0) return
  const r = (0 - a) & sizeMask(osz)
  writeE(r)
  setLazy(Cc.SUB, osz, r, a, 0)
}

/** INC (d = 0) / DEC (d = 1): CF is kept. */
export function incdec_E(d: u32): void {
  rmwProbe()
  const a = readE()
  if (gFault != 0) return
  const r = (d == 0 ? a + 1 : a - 1) & sizeMask(osz)
  const cf = getCF()
  writeE(r)
  setLazy(d == 0 ? Cc.INC : Cc.DEC, osz, r, 1, cf)
}

// ---- multiply and divide ------------------------------------------------------

/** The high 64 bits of the unsigned 128-bit product a * b. */
export function mulhu(a: u64, b: u64): u64 {
  const a0 = a & 0xFFFFFFFF, a1 = a >>> 32, b0 = b & 0xFFFFFFFF, b1 = b >>> 32
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1
  const mid = (p00 >>> 32) + (p01 & 0xFFFFFFFF) + (p10 & 0xFFFFFFFF)
  return p11 + (p01 >>> 32) + (p10 >>> 32) + (mid >>> 32)
}

/** The high 64 bits of the signed 128-bit product a * b. */
export function mulhs(a: u64, b: u64): u64 {
  let h = mulhu(a, b)
  if (<i64>a < 0) h -= b
  if (<i64>b < 0) h -= a
  return h
}

/** CF = OF = overflow; SF, ZF, PF from the low result (architecturally undefined), AF = 0. */
function mulFlags(lo: u64, overflow: bool): void {
  setArith(szp(lo, osz) | (overflow ? Fl.CF | Fl.OF : 0))
}

export function mul_A_E(): void {
  const b = readE()
  if (gFault != 0) return
  const size = osz
  const a = getReg(size, RAX)
  if (size == 8) {
    const lo = a * b, hi = mulhu(a, b)
    setReg(8, RAX, lo); setReg(8, RDX, hi)
    mulFlags(lo, hi != 0)
    return
  }
  const p = a * b // fits in 64 bits
  const bits = <u64>size * 8
  const lo = p & sizeMask(size), hi = p >>> bits
  if (size == 1) setReg(2, RAX, p)
  else { setReg(size, RAX, lo); setReg(size, RDX, hi) }
  mulFlags(lo, hi != 0)
}

export function imul_A_E(): void {
  const b = readE()
  if (gFault != 0) return
  const size = osz
  const a = getReg(size, RAX)
  if (size == 8) {
    const lo = a * b, hi = mulhs(a, b)
    setReg(8, RAX, lo); setReg(8, RDX, hi)
    mulFlags(lo, hi != <u64>(<i64>lo >> 63))
    return
  }
  const p = sext(a, size) * sext(b, size)
  const bits = <u64>size * 8
  const lo = p & sizeMask(size)
  if (size == 1) setReg(2, RAX, p)
  else { setReg(size, RAX, lo); setReg(size, RDX, p >>> bits) }
  mulFlags(lo, sext(lo, size) != p)
}

function imul3(a: u64, b: u64): void {
  const size = osz
  let lo: u64, over: bool
  if (size == 8) {
    lo = a * b
    over = mulhs(a, b) != <u64>(<i64>lo >> 63)
  } else {
    const p = sext(a, size) * sext(b, size)
    lo = p & sizeMask(size)
    over = sext(lo, size) != p
  }
  writeG(lo)
  mulFlags(lo, over)
}

export function imul_G_E_I(): void {
  const a = readE()
  if (gFault != 0) return
  imul3(a, imm & sizeMask(osz))
}

export function imul_G_E(): void {
  const b = readE()
  if (gFault != 0) return
  imul3(readG(), b)
}

function divideError(): void { raiseExit(CoreExit.Exception, 0) }

/** Unsigned (hi:lo) / d for hi < d: the quotient; the remainder in divRem. */
let divRem: u64 = 0
function divu128(hi: u64, lo: u64, d: u64): u64 {
  if (hi == 0) { divRem = lo % d; return lo / d }
  let r = hi
  let q: u64 = 0
  for (let i = 0; i < 64; i++) {
    const top = r >>> 63
    r = (r << 1) | (lo >>> 63)
    lo <<= 1
    q <<= 1
    if (top != 0 || r >= d) { r -= d; q |= 1 }
  }
  divRem = r
  return q
}

export function div_A_E(): void {
  const d = readE()
  if (gFault != 0) return
  if (d == 0) { divideError(); return }
  const size = osz
  if (size == 8) {
    const hi = getReg(8, RDX)
    if (hi >= d) { divideError(); return }
    const q = divu128(hi, getReg(8, RAX), d)
    setReg(8, RAX, q); setReg(8, RDX, divRem)
    return
  }
  const bits = <u64>size * 8
  const n = size == 1 ? getReg(2, RAX) : (getReg(size, RDX) << bits) | getReg(size, RAX)
  const q = n / d
  if (q > sizeMask(size)) { divideError(); return }
  const r = n % d
  if (size == 1) setReg(2, RAX, q | (r << 8))
  else { setReg(size, RAX, q); setReg(size, RDX, r) }
}

export function idiv_A_E(): void {
  const dv = readE()
  if (gFault != 0) return
  if (dv == 0) { divideError(); return }
  const size = osz
  if (size == 8) {
    const hi = getReg(8, RDX), lo = getReg(8, RAX)
    const nNeg = <i64>hi < 0
    const dNeg = <i64>dv < 0
    // |n| as 128 bits
    let nh = hi, nl = lo
    if (nNeg) { nl = ~lo + 1; nh = ~hi + (nl == 0 ? 1 : 0) }
    const ad = dNeg ? 0 - dv : dv
    if (nh >= ad) { divideError(); return }
    const q = divu128(nh, nl, ad)
    const qNeg = nNeg != dNeg
    if (qNeg ? q > <u64>0x8000000000000000 : q > <u64>0x7FFFFFFFFFFFFFFF) { divideError(); return }
    const r = divRem
    setReg(8, RAX, qNeg ? 0 - q : q)
    setReg(8, RDX, nNeg ? 0 - r : r)
    return
  }
  const bits = <u64>size * 8
  // The dividend is twice the operand size: AX, DX:AX, EDX:EAX.
  const raw = size == 1 ? getReg(2, RAX) : (getReg(size, RDX) << bits) | getReg(size, RAX)
  const n2 = <i64>sext(raw, size * 2)
  const d = <i64>sext(dv, size)
  if (n2 == i64.MIN_VALUE && d == -1) { divideError(); return }
  const q = n2 / d
  const r = n2 % d
  if (<u64>q != sext(<u64>q, size)) { divideError(); return }
  if (size == 1) setReg(2, RAX, (<u64>q & 0xFF) | ((<u64>r & 0xFF) << 8))
  else { setReg(size, RAX, <u64>q); setReg(size, RDX, <u64>r) }
}

// ---- shifts and rotates -----------------------------------------------------
export const ROL: u32 = 0
export const ROR: u32 = 1
export const RCL: u32 = 2
export const RCR: u32 = 3
export const SHL: u32 = 4
export const SHR: u32 = 5
export const SAR: u32 = 7

/** The count of a shift row: 0 = CL, 1 = one, 2 = the immediate; masked to 5 bits (6 for 64-bit operands). */
function shiftCount(src: u32): u32 {
  const c: u32 = src == 0 ? <u32>getReg(1, RCX) : src == 1 ? 1 : <u32>imm
  return c & (osz == 8 ? 63 : 31)
}

export function shift_E(k: u32, src: u32): void {
  const c = shiftCount(src)
  rmwProbe()
  const a = readE()
  if (gFault != 0) return
  const size = osz
  const bits: u32 = size * 8
  const m = sizeMask(size)
  const msb = signBit(size)
  if (c == 0) { writeE(a); return } // no flags change; a 32-bit register is still written (zero-extended)
  let r: u64 = 0
  let f = arith()
  switch (k) {
    case ROL: case ROR: {
      const n = c & (bits - 1)
      r = n == 0 ? a : k == ROL ? ((a << <u64>n) | (a >>> <u64>(bits - n))) & m : ((a >>> <u64>n) | (a << <u64>(bits - n))) & m
      const cf: u32 = k == ROL ? <u32>(r & 1) : (r & msb) != 0 ? 1 : 0
      const ovf: u32 = k == ROL ? ((r & msb) != 0 ? 1 : 0) ^ cf : <u32>(((r >>> <u64>(bits - 1)) ^ (r >>> <u64>(bits - 2))) & 1)
      f = (f & ~(Fl.CF | Fl.OF)) | cf | (ovf << 11)
      break
    }
    case RCL: case RCR: {
      const n = size <= 2 ? c % (bits + 1) : c
      let cf = <u64>(f & Fl.CF)
      r = a
      for (let i: u32 = 0; i < n; i++) {
        if (k == RCL) { const out = (r & msb) != 0 ? <u64>1 : 0; r = ((r << 1) | cf) & m; cf = out }
        else { const out = r & 1; r = (r >>> 1) | (cf != 0 ? msb : 0); cf = out }
      }
      const ovf: u32 = k == RCL ? ((r & msb) != 0 ? 1 : 0) ^ <u32>cf : <u32>(((r >>> <u64>(bits - 1)) ^ (r >>> <u64>(bits - 2))) & 1)
      f = (f & ~(Fl.CF | Fl.OF)) | <u32>cf | (ovf << 11)
      break
    }
    case SHL: {
      r = c >= 64 ? 0 : (a << <u64>c) & m
      const cf: u32 = c > bits ? 0 : <u32>((a >>> <u64>(bits - c)) & 1)
      const ovf: u32 = ((r & msb) != 0 ? 1 : 0) ^ cf
      f = szp(r, size) | cf | (ovf << 11)
      break
    }
    case SHR: {
      r = a >>> <u64>c
      const cf = <u32>((a >>> <u64>(c - 1)) & 1)
      const ovf: u32 = (a & msb) != 0 ? 1 : 0
      f = szp(r, size) | cf | (ovf << 11)
      break
    }
    default: { // SAR
      const s = <i64>sext(a, size)
      r = <u64>(s >> <i64>min(c, 63)) & m
      const cf = <u32>((<u64>(s >> <i64>min(c - 1, 63))) & 1)
      f = szp(r, size) | cf
    }
  }
  writeE(r)
  setArith(f)
}

/** SHLD (dir 0) / SHRD (dir 1) Ev, Gv by CL (src 0) or an immediate (src 2). */
export function shd_E_G(dir: u32, src: u32): void {
  const c = shiftCount(src)
  rmwProbe()
  const a = readE()
  if (gFault != 0) return
  const size = osz
  const bits: u32 = size * 8
  const m = sizeMask(size)
  if (c == 0) { writeE(a); return }
  const b = readG()
  let r: u64, cf: u32
  // A 16-bit operand with a count above 16 has no defined result; the
  // formulas below give a deterministic one.
  if (dir == 0) {
    r = ((a << <u64>c) | (b >>> <u64>(bits - c))) & m
    cf = <u32>((a >>> <u64>(bits - c)) & 1)
  } else {
    r = ((a >>> <u64>c) | (b << <u64>(bits - c))) & m
    cf = <u32>((a >>> <u64>(c - 1)) & 1)
  }
  const msb = signBit(size)
  const ovf: u32 = ((r ^ a) & msb) != 0 ? 1 : 0
  writeE(r)
  setArith(szp(r, size) | cf | (ovf << 11))
}

