// Stack, control transfer and flag-register handlers.
import { Fl } from '../core-layout'
import { arith, cond, fullFlags, setArith, setOtherFlags } from './flags'
import { ld, st } from './mem'
import { gFault } from './mmu'
import {
  RAX, RBP, RCX, RSP, asz, ea, eaBaseRsp, getReg, gpr, imm, imm2, isMem, opcode, osz, peek, popDone, push, readE, rip,
  rm, setGpr, setReg, setRip, sizeMask, zreg,
} from './state'

export function push_Z(): void { push(getReg(osz, zreg), osz) }
export function push_I(): void { push(imm & sizeMask(osz), osz) }
export function push_E(): void {
  const v = readE()
  if (gFault != 0) return
  push(v, osz)
}

/** POP r: the load first, then RSP, then the register (so POP RSP loads RSP). */
export function pop_Z(): void {
  const v = peek(osz)
  popDone(osz)
  setReg(osz, zreg, v)
}

/** POP Ev: an RSP-based address is computed after the increment. */
export function pop_E(): void {
  const v = peek(osz)
  if (gFault != 0) return
  if (isMem) {
    st(eaBaseRsp ? ea + <u64>osz : ea, osz, v)
    popDone(osz)
  } else {
    popDone(osz)
    setReg(osz, rm, v)
  }
}

/** What PUSHF shows: RF and VM read as 0, IF as 1 (user mode), bit 1 as 1. */
function visibleFlags(): u64 { return (fullFlags() & 0x3C7FD7) | Fl.FIXED | Fl.IF }

export function pushf(): void { push(visibleFlags() & sizeMask(osz), osz) }

/**
 * POPF in user mode changes the arithmetic flags, DF, AC and ID; IF and IOPL
 * stay (CPL 3, IOPL 0). TF is kept clear: single-stepping is not modelled.
 */
export function popf(): void {
  const v = peek(osz)
  if (gFault != 0) return
  popDone(osz)
  const mask: u64 = osz == 2 ? Fl.ARITH | Fl.DF : Fl.ARITH | Fl.DF | Fl.AC | Fl.ID
  setOtherFlags(mask & ~<u64>Fl.ARITH, v)
  setArith(<u32>v & Fl.ARITH)
}

export function sahf(): void {
  const ah = <u32>(gpr(RAX) >>> 8) & 0xFF
  setArith((arith() & Fl.OF) | (ah & (Fl.SF | Fl.ZF | Fl.AF | Fl.PF | Fl.CF)))
}

export function lahf(): void {
  setAh((arith() & 0xD5) | 2)
}

function setAh(v: u32): void {
  // AH is byte 1 of RAX whatever the prefixes.
  const rax = gpr(RAX)
  setGpr(RAX, (rax & ~<u64>0xFF00) | (<u64>(v & 0xFF) << 8))
}

/** CMC (0), CLC (1), STC (2), CLD (3), STD (4). */
export function flagop(k: u32): void {
  if (k >= 3) { setOtherFlags(Fl.DF, k == 4 ? Fl.DF : 0); return }
  const f = arith()
  setArith(k == 0 ? f ^ Fl.CF : k == 1 ? f & ~Fl.CF : f | Fl.CF)
}

/** ENTER Iw, Ib: frame of imm bytes, nesting level imm2 & 31. */
export function enter(): void {
  const level = <u32>imm2 & 31
  const size: u64 = osz
  let sp = gpr(RSP)
  const rbp = gpr(RBP)
  sp -= size
  st(sp, osz, getReg(osz, RBP))
  const frame = sp
  if (level > 0) {
    let bp = rbp
    for (let i: u32 = 1; i < level; i++) {
      bp -= size
      const v = ld(bp, osz)
      sp -= size
      st(sp, osz, v)
    }
    sp -= size
    st(sp, osz, frame)
  }
  if (gFault != 0) return
  setReg(osz, RBP, frame)
  setGpr(RSP, sp - (imm & 0xFFFF))
}

export function leave(): void {
  const bp = gpr(RBP)
  const v = ld(bp, osz)
  if (gFault != 0) return
  setGpr(RSP, bp + <u64>osz)
  setReg(osz, RBP, v)
}

export function jcc(): void { if (cond(opcode & 15)) setRip(rip + imm) }

/** LOOPNE (0), LOOPE (1), LOOP (2), JRCXZ (3); the count is ECX with a 67 prefix. */
export function loop(k: u32): void {
  let n = asz == 4 ? gpr(RCX) & 0xFFFFFFFF : gpr(RCX)
  if (k == 3) { if (n == 0) setRip(rip + imm); return }
  n = (n - 1) & (asz == 4 ? <u64>0xFFFFFFFF : <u64>-1)
  if (asz == 4) setReg(4, RCX, n)
  else setGpr(RCX, n)
  let take = n != 0
  if (k == 0) take = take && (arith() & Fl.ZF) == 0
  else if (k == 1) take = take && (arith() & Fl.ZF) != 0
  if (take) setRip(rip + imm)
}

export function call_J(): void {
  push(rip, 8)
  if (gFault == 0) setRip(rip + imm)
}

export function jmp_J(): void { setRip(rip + imm) }

export function call_E(): void {
  const t = readE()
  if (gFault != 0) return
  push(rip, 8)
  if (gFault == 0) setRip(t)
}

export function jmp_E(): void {
  const t = readE()
  if (gFault == 0) setRip(t)
}

/** RET and RET Iw (imm 0 for the former). */
export function ret(): void {
  const t = peek(8)
  if (gFault != 0) return
  setGpr(RSP, gpr(RSP) + 8 + (imm & 0xFFFF))
  setRip(t)
}
