// BMI1 and BMI2: VEX-encoded general-register instructions (operand size 32
// or 64 by VEX.W; B operands are VEX.vvvv). Flags as the SDM defines them;
// AF and PF (and SF where noted) are undefined and left as computed here.
import { Fl } from '../core-layout'
import { setArith } from './flags'
import { gFault } from './mmu'
import { RDX, getReg, imm, osz, readE, setReg, sizeMask, vvvv, writeG, reg } from './state'

@inline function bits(): u64 { return <u64>osz * 8 }
@inline function sf(v: u64): u32 { return ((v >>> (bits() - 1)) & 1) != 0 ? Fl.SF : 0 }
@inline function zf(v: u64): u32 { return v == 0 ? Fl.ZF : 0 }

/** ANDN Gy, By, Ey: ~B & E. */
export function andn(): void {
  const e = readE()
  if (gFault != 0) return
  const r = ~getReg(osz, vvvv) & e & sizeMask(osz)
  writeG(r)
  setArith(sf(r) | zf(r))
}

/** BEXTR Gy, Ey, By: the field of B[15:8] bits from bit B[7:0]. */
export function bextr(): void {
  const e = readE()
  if (gFault != 0) return
  const ctl = getReg(osz, vvvv)
  const start = ctl & 0xFF, len = (ctl >> 8) & 0xFF
  let r: u64 = 0
  if (start < bits()) {
    r = e >>> start
    if (len < 64) r &= (<u64>1 << len) - 1
    r &= sizeMask(osz)
  }
  writeG(r)
  setArith(zf(r))
}

/** BLSR (k 1), BLSMSK (2), BLSI (3) By, Ey. */
export function bls(k: u32): void {
  const e = readE()
  if (gFault != 0) return
  const m = sizeMask(osz)
  const r = (k == 1 ? (e - 1) & e : k == 2 ? (e - 1) ^ e : (0 - e) & e) & m
  setReg(osz, vvvv, r)
  const cf: u32 = k == 3 ? (e != 0 ? 1 : 0) : (e == 0 ? 1 : 0)
  setArith(sf(r) | zf(r) | cf)
}

/** BZHI Gy, Ey, By: E with the bits from B[7:0] up cleared; CF when the index is beyond the operand. */
export function bzhi(): void {
  const e = readE()
  if (gFault != 0) return
  const n = getReg(osz, vvvv) & 0xFF
  let r = e
  let cf: u32 = 1
  if (n < bits()) { r = e & ((<u64>1 << n) - 1); cf = 0 }
  r &= sizeMask(osz)
  writeG(r)
  setArith(sf(r) | zf(r) | cf)
}

/** PDEP (dep 1) / PEXT (0) Gy, By, Ey: E is the mask. */
export function pdep(dep: u32): void {
  const mask = readE()
  if (gFault != 0) return
  const src = getReg(osz, vvvv)
  let r: u64 = 0
  let k: u64 = 0
  let m = mask & sizeMask(osz)
  while (m != 0) {
    const low = m & (0 - m)
    if (dep != 0) { if ((src >>> k) & 1) r |= low } else if ((src & low) != 0) r |= <u64>1 << k
    k++
    m &= m - 1
  }
  writeG(r)
}

/** MULX Gy (high), By (low), Ey: RDX * E, no flags; the high half wins when both name one register. */
export function mulx(): void {
  const e = readE()
  if (gFault != 0) return
  const a = getReg(osz, RDX)
  if (osz == 8) {
    const a0 = a & 0xFFFFFFFF, a1 = a >>> 32, b0 = e & 0xFFFFFFFF, b1 = e >>> 32
    const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1
    const mid = (p00 >>> 32) + (p01 & 0xFFFFFFFF) + (p10 & 0xFFFFFFFF)
    const hi = p11 + (p01 >>> 32) + (p10 >>> 32) + (mid >>> 32)
    setReg(8, vvvv, a * e)
    setReg(8, reg, hi)
  } else {
    const p = a * e
    setReg(4, vvvv, p & 0xFFFFFFFF)
    setReg(4, reg, p >>> 32)
  }
}

/** RORX Gy, Ey, Ib: rotate right by an immediate, no flags. */
export function rorx(): void {
  const e = readE()
  if (gFault != 0) return
  const n = <u64>(<u32>imm & (osz == 8 ? 63 : 31))
  const w = bits()
  writeG(n == 0 ? e : ((e >>> n) | (e << (w - n))) & sizeMask(osz))
}

/** SARX (k 0), SHLX (1), SHRX (2) Gy, Ey, By: shift by B, no flags. */
export function shiftx(k: u32): void {
  const e = readE()
  if (gFault != 0) return
  const n = getReg(osz, vvvv) & (osz == 8 ? 63 : 31)
  const w = bits()
  let r: u64
  if (k == 0) r = <u64>((<i64>(e << (64 - w))) >> <i64>(n + 64 - w))
  else if (k == 1) r = e << n
  else r = e >>> n
  writeG(r & sizeMask(osz))
}

