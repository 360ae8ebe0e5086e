// Lazy flags. Most flag-setting instructions only record what they did
// (operation kind and size, result, second operand, carry-in) and the six
// arithmetic flags are computed when something reads them (Jcc, SETcc, ADC,
// PUSHF, an exit…), as QEMU's cc_op and v86's lazy flags do. Instructions
// whose flags are irregular (shifts, rotates, multiplies, bit operations)
// compute them at once and set CcOp.EFLAGS. Every setter does nothing after a
// fault of the current instruction (state.ts's ordering rule).
import { CcOp, Fl } from '../core-layout'
import { gFault } from './mmu'
import { sizeMask } from './state'

/** CcOp * 4 + log2(size). */
export let ccOp: u32 = 0
export let ccDst: u64 = 0
export let ccSrc: u64 = 0
export let ccSrc2: u64 = 0
/** RFLAGS; its arithmetic bits are valid only while ccOp is EFLAGS. */
export let rflags: u64 = Fl.FIXED | Fl.IF

export function loadFlags(op: u32, dst: u64, src: u64, src2: u64, fl: u64): void {
  ccOp = op; ccDst = dst; ccSrc = src; ccSrc2 = src2; rflags = fl
}

@inline function lg2(size: u32): u32 { return ctz(size) }

/** Records a lazily evaluated flag-setting operation of `size` bytes. */
export function setLazy(kind: CcOp, size: u32, dst: u64, src: u64, src2: u64): void {
  if (gFault != 0) return
  ccOp = (<u32>kind << 2) | lg2(size)
  ccDst = dst
  ccSrc = src
  ccSrc2 = src2
}

/** Sets the six arithmetic flags at once (bits of Fl.ARITH). */
export function setArith(f: u32): void {
  if (gFault != 0) return
  rflags = (rflags & ~<u64>Fl.ARITH) | <u64>(f & Fl.ARITH)
  ccOp = CcOp.EFLAGS
}

/** Sets RFLAGS bits outside the lazy six (DF, AC, ID…), keeping the arithmetic state. */
export function setOtherFlags(mask: u64, v: u64): void {
  if (gFault != 0) return
  rflags = (rflags & ~mask) | (v & mask)
}

/** PF, ZF and SF of a result of `size` bytes. */
export function szp(res: u64, size: u32): u32 {
  const r = res & sizeMask(size)
  let f: u32 = (popcnt(<u32>r & 0xFF) & 1) == 0 ? Fl.PF : 0
  if (r == 0) f |= Fl.ZF
  if ((r >>> (<u64>size * 8 - 1)) != 0) f |= Fl.SF
  return f
}

/** The six arithmetic flags, computed from the lazy state. */
export function arith(): u32 {
  const kind = ccOp >> 2
  if (kind == CcOp.EFLAGS) return <u32>rflags & Fl.ARITH
  const size: u32 = 1 << (ccOp & 3)
  const m = sizeMask(size)
  const sh = <u64>size * 8 - 1
  const res = ccDst & m
  const b = ccSrc & m
  let f = szp(res, size)
  let a: u64 = 0
  switch (kind) {
    case CcOp.ADD: {
      a = (res - b) & m
      if (res < b) f |= Fl.CF
      if ((((a ^ res) & (b ^ res)) >>> sh) & 1) f |= Fl.OF
      break
    }
    case CcOp.ADC: {
      a = (res - b - ccSrc2) & m
      if (ccSrc2 != 0 ? res <= b : res < b) f |= Fl.CF
      if ((((a ^ res) & (b ^ res)) >>> sh) & 1) f |= Fl.OF
      break
    }
    case CcOp.SUB: {
      a = (res + b) & m
      if (a < b) f |= Fl.CF
      if ((((a ^ b) & (a ^ res)) >>> sh) & 1) f |= Fl.OF
      break
    }
    case CcOp.SBB: {
      a = (res + b + ccSrc2) & m
      if (ccSrc2 != 0 ? a <= b : a < b) f |= Fl.CF
      if ((((a ^ b) & (a ^ res)) >>> sh) & 1) f |= Fl.OF
      break
    }
    case CcOp.LOGIC: return f
    case CcOp.INC: {
      a = (res - 1) & m
      if (ccSrc2 != 0) f |= Fl.CF
      if (res == <u64>1 << sh) f |= Fl.OF
      return f | (<u32>(a ^ 1 ^ res) & Fl.AF)
    }
    case CcOp.DEC: {
      a = (res + 1) & m
      if (ccSrc2 != 0) f |= Fl.CF
      if (res == (<u64>1 << sh) - 1) f |= Fl.OF
      return f | (<u32>(a ^ 1 ^ res) & Fl.AF)
    }
    default: return f
  }
  return f | (<u32>(a ^ b ^ res) & Fl.AF)
}

@inline export function getCF(): u64 { return <u64>(arith() & Fl.CF) }

/** The whole RFLAGS value with the arithmetic flags computed. */
export function fullFlags(): u64 { return (rflags & ~<u64>Fl.ARITH) | <u64>arith() }

/** Stores the computed flags in rflags (CcOp.EFLAGS): what exits leave for the host. */
export function materialize(): void {
  rflags = fullFlags()
  ccOp = CcOp.EFLAGS
}

/** Condition code `cc` (the low four bits of Jcc/SETcc/CMOVcc). */
export function cond(cc: u32): bool {
  const f = arith()
  let r: bool
  switch (cc >> 1) {
    case 0: r = (f & Fl.OF) != 0; break
    case 1: r = (f & Fl.CF) != 0; break
    case 2: r = (f & Fl.ZF) != 0; break
    case 3: r = (f & (Fl.CF | Fl.ZF)) != 0; break
    case 4: r = (f & Fl.SF) != 0; break
    case 5: r = (f & Fl.PF) != 0; break
    case 6: r = ((f & Fl.SF) != 0) != ((f & Fl.OF) != 0); break
    default: r = (f & Fl.ZF) != 0 || (((f & Fl.SF) != 0) != ((f & Fl.OF) != 0))
  }
  return (cc & 1) != 0 ? !r : r
}
