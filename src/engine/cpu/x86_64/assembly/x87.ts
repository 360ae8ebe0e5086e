// The x87 unit (SDM vol. 1, chapter 8): the register stack of eight 80-bit
// registers addressed relative to TOP, the abridged tag word, the control
// and status words, and the instructions of D8..DF. The arithmetic is exact
// extended precision (x80.ts), so long double results agree with hardware.
//
// Exceptions: every exception is reported in the status word as the masked
// response defines it (glibc and the C runtime leave them masked). An
// unmasked exception sets ES/B but raises no #MF (not modelled). The
// instruction and data pointers (FIP/FDP/FOP) are stored as zero, as AMD
// CPUs do when no exception is pending.
//
// Ordering rule (state.ts): memory is read, or a store probed, before the
// stack or a status word changes.
import { Fl } from '../core-layout'
import { cond, setArith } from './flags'
import { R_FCW, R_FSW, R_FTW, R_ST, FCW_INIT } from './layout'
import { ld, st } from './mem'
import { gFault, probeWrite } from './mmu'
import { RAX, ctx, ea, reg, rm, setReg } from './state'
import { ud } from './system'
import * as X from './x80'

// ---- status word bits -------------------------------------------------------------
const SF: u32 = 0x40
const ES: u32 = 0x80
const C0: u32 = 0x100
const C1: u32 = 0x200
const C2: u32 = 0x400
const C3: u32 = 0x4000
const B: u32 = 0x8000
const CC_ALL: u32 = C0 | C1 | C2 | C3

/** Memory operand kinds of the arithmetic rows (their handler argument). */
const MF32: u32 = 0
const MF64: u32 = 1
const MI32: u32 = 2
const MI16: u32 = 3

@inline function fsw(): u32 { return load<u16>(ctx + R_FSW) }
@inline function setFsw(v: u32): void { store<u16>(ctx + R_FSW, <u16>v) }
@inline function fcw(): u32 { return load<u16>(ctx + R_FCW) }
@inline function top(): u32 { return (fsw() >> 11) & 7 }
@inline function setTop(t: u32): void { setFsw((fsw() & ~0x3800) | ((t & 7) << 11)) }
@inline function phys(i: u32): u32 { return (top() + i) & 7 }
@inline function regAt(p: u32): u32 { return ctx + R_ST + (p << 4) }
@inline function tags(): u32 { return load<u8>(ctx + R_FTW) }
@inline function isValid(i: u32): bool { return ((tags() >> phys(i)) & 1) != 0 }
@inline function sigOf(i: u32): u64 { return load<u64>(regAt(phys(i))) }
@inline function seOf(i: u32): u32 { return load<u16>(regAt(phys(i)), 8) }

function setSt(i: u32, sig: u64, se: u32): void {
  const p = phys(i)
  store<u64>(regAt(p), sig)
  store<u16>(regAt(p), <u16>se, 8)
  store<u8>(ctx + R_FTW, <u8>(tags() | (1 << p)))
}
function pop(): void {
  store<u8>(ctx + R_FTW, <u8>(tags() & ~(1 << phys(0))))
  setTop(top() + 1)
}

// Per-instruction exception state: stack faults add SF and set C1 (overflow) or clear it (underflow).
let stackFault: u32 = 0 // 0 none, 1 underflow, 2 overflow

/** Starts an x87 instruction: the control word's rounding and precision, no exceptions yet. */
function begin(): void { X.setControl(fcw()); X.clearFlags(); stackFault = 0 }

/**
 * Ends one: ORs its exceptions into the status word, sets C1 as the SDM says
 * (rounded up, or the stack fault's direction) and `cc` for C0, C2, C3 when
 * `ccMask` says the instruction defines them, and ES/B when an unmasked
 * exception is pending.
 */
function finish(ccMask: u32, cc: u32): void {
  let w = fsw() | X.flags
  if (stackFault != 0) w |= SF | X.IE
  w = (w & ~(C1 | ccMask)) | (cc & ccMask)
  if (stackFault == 2 || (stackFault == 0 && X.roundedUp)) w |= C1
  if ((w & ~fcw() & 0x3f) != 0) w |= ES | B
  setFsw(w)
}

/** ST(i) for reading: an empty register is a stack underflow and reads as the real indefinite. */
let opSig: u64 = 0
let opSe: u32 = 0
function readSt(i: u32): bool {
  if (!isValid(i)) { stackFault = 1; opSig = X.INDEF_SIG; opSe = X.INDEF_SE; return false }
  opSig = sigOf(i); opSe = seOf(i); return true
}

/** Pushes a value; onto a full stack, a stack overflow pushes the real indefinite. */
function push(sig: u64, se: u32): void {
  const t = (top() - 1) & 7
  if (((tags() >> t) & 1) != 0) { stackFault = 2; sig = X.INDEF_SIG; se = X.INDEF_SE }
  setTop(t)
  setSt(0, sig, se)
}

/** Reads the memory operand of an arithmetic row into (opSig, opSe), exactly; false after a fault. */
function loadOperand(kind: u32): bool {
  if (kind == MF32) { const v = <u32>ld(ea, 4); if (gFault != 0) return false; X.fromF32(v) }
  else if (kind == MF64) { const v = ld(ea, 8); if (gFault != 0) return false; X.fromF64(v) }
  else if (kind == MI32) { const v = <i32>ld(ea, 4); if (gFault != 0) return false; X.fromInt(<i64>v) }
  else { const v = <i16>ld(ea, 2); if (gFault != 0) return false; X.fromInt(<i64>v) }
  opSig = X.rSig; opSe = X.rSe
  return true
}

// ---- arithmetic --------------------------------------------------------------------
/**
 * One of the eight arithmetic operations (the ModRM reg field: ADD MUL COM
 * COMP SUB SUBR DIV DIVR) on x and y; `rev` swaps the operands of SUB/DIV.
 * Returns false for the compares, which write no register.
 */
function arith(op: u32, xs: u64, xe: u32, ys: u64, ye: u32): void {
  switch (op) {
    case 0: X.add(xs, xe, ys, ye, false); break
    case 1: X.mul(xs, xe, ys, ye); break
    case 4: X.add(xs, xe, ys, ye, true); break
    case 5: X.add(ys, ye, xs, xe, true); break
    case 6: X.div(xs, xe, ys, ye); break
    default: X.div(ys, ye, xs, xe)
  }
}

function compareFlags(r: u32): u32 {
  if (r == X.CMP_LT) return C0
  if (r == X.CMP_EQ) return C3
  if (r == X.CMP_UN) return C0 | C2 | C3
  return 0
}

/** D8/DC/DA/DE with a memory operand: ST0 = ST0 op m (FCOM/FCOMP compare, FCOMP pops). */
export function x87_arith_m(kind: u32): void {
  const op = reg & 7
  begin()
  if (!loadOperand(kind)) return
  const ms = opSig, me = opSe
  readSt(0)
  if (op == 2 || op == 3) {
    const r = stackFault != 0 ? X.CMP_UN : X.compare(opSig, opSe, ms, me, true)
    finish(CC_ALL, compareFlags(r))
    if (op == 3) pop()
    return
  }
  if (stackFault != 0) X.setIndefinite()
  else arith(op, opSig, opSe, ms, me)
  setSt(0, X.rSig, X.rSe)
  finish(0, 0)
}

/**
 * The register forms. `kind` 0: D8 (ST0 = ST0 op STi); 1: DC (STi = STi op
 * ST0, with SUB/SUBR and DIV/DIVR exchanged, SDM "FSUB"); 2: DE (as DC, then
 * pop). Compares (reg 2/3) compare ST0 with STi.
 */
export function x87_arith_r(kind: u32): void {
  const op = reg & 7, i = rm & 7
  begin()
  if (op == 2 || op == 3) {
    readSt(0); const as = opSig, ae = opSe
    readSt(i)
    const r = stackFault != 0 ? X.CMP_UN : X.compare(as, ae, opSig, opSe, true)
    finish(CC_ALL, compareFlags(r))
    if (op == 3) pop()
    return
  }
  const dst = kind == 0 ? 0 : i
  const src = kind == 0 ? i : 0
  readSt(dst); const ds = opSig, de = opSe
  readSt(src)
  const o = kind == 0 || op < 4 ? op : op ^ 1
  if (stackFault != 0) X.setIndefinite()
  else arith(o, ds, de, opSig, opSe)
  setSt(dst, X.rSig, X.rSe)
  finish(0, 0)
  if (kind == 2) pop()
}

/** DE D9 FCOMPP and DA E9 FUCOMPP: compare ST0 with ST1, pop both. */
export function x87_compp(unordered: u32): void {
  if ((rm & 7) != 1) { ud(); return }
  begin()
  readSt(0); const as = opSig, ae = opSe
  readSt(1)
  const r = stackFault != 0 ? X.CMP_UN : X.compare(as, ae, opSig, opSe, unordered == 0)
  finish(CC_ALL, compareFlags(r))
  pop(); pop()
}

/** DD /4, /5: FUCOM/FUCOMP ST(i). */
export function x87_ucom(popCount: u32): void {
  begin()
  readSt(0); const as = opSig, ae = opSe
  readSt(rm & 7)
  const r = stackFault != 0 ? X.CMP_UN : X.compare(as, ae, opSig, opSe, false)
  finish(CC_ALL, compareFlags(r))
  if (popCount != 0) pop()
}

/** FCOMI/FUCOMI(P): the comparison into ZF, PF, CF (OF, SF, AF cleared). */
export function x87_comi(unordered: u32, doPop: u32): void {
  begin()
  readSt(0); const as = opSig, ae = opSe
  readSt(rm & 7)
  const r = stackFault != 0 ? X.CMP_UN : X.compare(as, ae, opSig, opSe, unordered == 0)
  const f: u32 = r == X.CMP_LT ? Fl.CF : r == X.CMP_EQ ? Fl.ZF : r == X.CMP_UN ? Fl.ZF | Fl.PF | Fl.CF : 0
  setArith(f)
  finish(0, 0)
  if (doPop != 0) pop()
}

/** FCMOVcc ST0, STi: `cc` is the Jcc condition (B, E, BE, U and their negations). */
export function fcmov(cc: u32): void {
  begin()
  if (!cond(cc)) { finish(0, 0); return }
  readSt(rm & 7)
  if (stackFault == 0 && !isValid(0)) stackFault = 1
  setSt(0, opSig, opSe)
  finish(0, 0)
}

// ---- loads and stores -------------------------------------------------------------
/** FLD m32/m64/m80 (`bytes` 4, 8, 10). A 32/64-bit SNaN is quieted with IE; an 80-bit value is loaded as it is. */
export function fld_m(bytes: u32): void {
  begin()
  let sig: u64, se: u32
  if (bytes == 10) {
    sig = ld(ea, 8); se = <u32>ld(ea + 8, 2)
    if (gFault != 0) return
  } else {
    if (!loadOperand(bytes == 4 ? MF32 : MF64)) return
    sig = opSig; se = opSe
    if (X.isSNaN(sig, se)) { X.raise(X.IE); sig |= 0x4000000000000000 }
  }
  push(sig, se)
  finish(0, 0)
}

/** FILD m16/m32/m64. */
export function fild(bytes: u32): void {
  begin()
  const v = ld(ea, bytes)
  if (gFault != 0) return
  X.fromInt(bytes == 2 ? <i64><i16>v : bytes == 4 ? <i64><i32>v : <i64>v)
  push(X.rSig, X.rSe)
  finish(0, 0)
}

/** FST/FSTP m32/m64/m80 (`bytes` 4, 8, 10). */
export function fst_m(bytes: u32, doPop: u32): void {
  if (!probeWrite(ea, bytes)) return
  begin()
  readSt(0)
  if (bytes == 10) { st(ea, 8, opSig); st(ea + 8, 2, <u64>opSe) }
  else if (bytes == 8) st(ea, 8, X.toNarrow(opSig, opSe, 52, 1023, 0x7ff))
  else st(ea, 4, X.toNarrow(opSig, opSe, 23, 127, 0xff))
  finish(0, 0)
  if (doPop != 0) pop()
}

/** FIST/FISTP m16/m32/m64 (rounding control), FISTTP (`trunc`: toward zero). */
export function fist(bytes: u32, doPop: u32, trunc: u32): void {
  if (!probeWrite(ea, bytes)) return
  begin()
  readSt(0)
  const v = X.toInt(opSig, opSe, trunc != 0 ? X.RC_ZERO : X.roundingControl(), bytes)
  st(ea, bytes, v)
  finish(0, 0)
  if (doPop != 0) pop()
}

/** D9 /0 reg: FLD ST(i) (read before the push, so FLD ST(7) of a full stack overflows). */
export function fld_r(): void {
  begin()
  readSt(rm & 7)
  push(opSig, opSe)
  finish(0, 0)
}

/** DD /2, /3 reg: FST/FSTP ST(i). */
export function fst_r(doPop: u32): void {
  begin()
  readSt(0)
  setSt(rm & 7, opSig, opSe)
  finish(0, 0)
  if (doPop != 0) pop()
}

/** D9 /1 reg: FXCH ST(i); an empty one reads as the real indefinite. */
export function fxch(): void {
  const i = rm & 7
  begin()
  readSt(0); const as = opSig, ae = opSe
  readSt(i)
  setSt(0, opSig, opSe)
  setSt(i, as, ae)
  finish(0, 0)
}

/** DD /0 reg: FFREE ST(i) (the tag only). */
export function ffree(): void { store<u8>(ctx + R_FTW, <u8>(tags() & ~(1 << phys(rm & 7)))) }

// ---- D9 register groups -----------------------------------------------------------
/** D9 D0 FNOP (the other D9 /2 register forms are undefined). */
export function fnop(): void { if ((rm & 7) != 0) ud() }

/** D9 E0 FCHS, E1 FABS, E4 FTST, E5 FXAM. */
export function x87_d9_4(): void {
  const r = rm & 7
  if (r == 2 || r == 3 || r > 5) { ud(); return }
  begin()
  if (r == 5) { fxam(); return }
  readSt(0)
  if (r == 4) {
    const c = stackFault != 0 ? X.CMP_UN : X.compare(opSig, opSe, 0, 0, true)
    finish(CC_ALL, compareFlags(c))
    return
  }
  // FCHS/FABS change only the sign bit, even of NaNs, and raise nothing else.
  if (stackFault == 0) setSt(0, opSig, r == 0 ? opSe ^ 0x8000 : opSe & 0x7fff)
  else setSt(0, opSig, opSe)
  finish(0, 0)
}

/** FXAM: the class of ST0 in C3 C2 C0 and its sign in C1 (an empty register is "empty", not a fault). */
function fxam(): void {
  const s = sigOf(0), e = seOf(0)
  let c: u32
  if (!isValid(0)) c = C3 | C0
  else if (X.isUnsupported(s, e)) c = 0
  else if (X.isNaN(s, e)) c = C0
  else if (X.isInf(s, e)) c = C2 | C0
  else if (X.isZero(s, e)) c = C3
  else if (X.expOf(e) == 0) c = C3 | C2
  else c = C2
  if ((e & 0x8000) != 0) c |= C1
  setFsw((fsw() & ~CC_ALL) | c)
}

/** D9 E8..EE: FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ (rounded per rounding control). */
export function x87_const(): void {
  const r = rm & 7
  if (r == 7) { ud(); return }
  begin()
  switch (r) {
    case 0: X.loadConst(0x8000000000000000, 0, X.BIAS); break
    case 1: X.loadConst(0xd49a784bcd1b8afe, 0x492bf6ff4dafdb4d, X.BIAS + 1); break // log2(10)
    case 2: X.loadConst(0xb8aa3b295c17f0bb, 0xbe87fed0691d3e89, X.BIAS); break // log2(e)
    case 3: X.loadConst(0xc90fdaa22168c234, 0xc4c6628b80dc1cd1, X.BIAS + 1); break // pi
    case 4: X.loadConst(0x9a209a84fbcff798, 0x8f8959ac0b7c9178, X.BIAS - 2); break // log10(2)
    case 5: X.loadConst(0xb17217f7d1cf79ab, 0xc9e3b39803f2f6af, X.BIAS - 1); break // ln(2)
    default: X.loadConst(0, 0, 0)
  }
  push(X.rSig, X.rSe)
  finish(0, 0)
}

/** D9 F0 F2XM1, F4 FXTRACT, F5 FPREM1, F6 FDECSTP, F7 FINCSTP (F1..F3, FYL2X, FPTAN, FPATAN, are not implemented). */
export function x87_d9_6(): void {
  const r = rm & 7
  if (r >= 1 && r <= 3) { ud(); return }
  begin()
  if (r == 0) {
    readSt(0)
    if (stackFault != 0) X.setIndefinite()
    else X.f2xm1(opSig, opSe)
    setSt(0, X.rSig, X.rSe)
    finish(0, 0)
    return
  }
  if (r == 6 || r == 7) { setTop(r == 6 ? top() - 1 : top() + 1); finish(0, 0); return }
  if (r == 5) { fprem(true); return }
  readSt(0)
  if (stackFault != 0) { setSt(0, opSig, opSe); push(opSig, opSe); finish(0, 0); return }
  X.xtract(opSig, opSe)
  setSt(0, X.rSig, X.rSe)
  push(X.xtSig, X.xtSe)
  finish(0, 0)
}

/** D9 F8 FPREM, FA FSQRT, FC FRNDINT, FD FSCALE (F9, FB, FE, FF, the transcendentals, are not implemented). */
export function x87_d9_7(): void {
  const r = rm & 7
  if (r == 1 || r == 3 || r >= 6) { ud(); return }
  begin()
  if (r == 0) { fprem(false); return }
  readSt(0); const as = opSig, ae = opSe
  if (r == 5) readSt(1)
  if (stackFault != 0) X.setIndefinite()
  else if (r == 2) X.sqrt(as, ae)
  else if (r == 4) X.roundInt(as, ae, X.roundingControl())
  else X.scale(as, ae, opSig, opSe)
  setSt(0, X.rSig, X.rSe)
  finish(0, 0)
}

/** FPREM/FPREM1: ST0 = remainder of ST0 / ST1; quotient bits in C0 C3 C1, C2 while incomplete. */
function fprem(nearest: bool): void {
  readSt(0); const as = opSig, ae = opSe
  readSt(1)
  if (stackFault != 0) { X.setIndefinite(); setSt(0, X.rSig, X.rSe); finish(0, 0); return }
  X.prem(as, ae, opSig, opSe, nearest)
  setSt(0, X.rSig, X.rSe)
  // A NaN result leaves C0 and C3 as they were (as the host CPU does); C1 and C2 read 0.
  if (X.premNaN) { finish(C2, 0); return }
  const q = X.quot
  const cc = (X.incomplete ? C2 : 0) | ((q & 4) != 0 ? C0 : 0) | ((q & 2) != 0 ? C3 : 0)
  finish(C0 | C2 | C3, cc)
  if ((q & 1) != 0 && !X.incomplete) setFsw(fsw() | C1)
}

// ---- control ------------------------------------------------------------------------
/** FLDCW m16 */
export function fldcw(): void {
  const v = <u16>ld(ea, 2)
  if (gFault != 0) return
  store<u16>(ctx + R_FCW, v)
}

/** FNSTCW m16 */
export function fnstcw(): void { if (probeWrite(ea, 2)) st(ea, 2, <u64>fcw()) }

/** FNSTSW m16 */
export function fnstsw_m(): void { if (probeWrite(ea, 2)) st(ea, 2, <u64>fsw()) }

/** FNSTSW AX (DF E0; the other DF /4 register forms are undefined). */
export function fnstsw_ax(): void {
  if ((rm & 7) != 0) { ud(); return }
  setReg(2, RAX, <u64>fsw())
}

function fninit(): void {
  store<u16>(ctx + R_FCW, FCW_INIT)
  setFsw(0)
  store<u8>(ctx + R_FTW, 0)
}

/** DB E2 FNCLEX (exception flags, ES and B cleared), DB E3 FNINIT; DB E0/E1/E4 are no-ops on later CPUs but undefined here. */
export function x87_db4(): void {
  const r = rm & 7
  if (r == 2) setFsw(fsw() & 0x7f00)
  else if (r == 3) fninit()
  else ud()
}

/** The full tag word of FNSTENV/FNSAVE: 00 valid, 01 zero, 10 special (NaN, infinity, denormal, unsupported), 11 empty. */
function fullTags(): u32 {
  let w: u32 = 0
  for (let p: u32 = 0; p < 8; p++) {
    let t: u32 = 3
    if (((tags() >> p) & 1) != 0) {
      const s = load<u64>(regAt(p)), e = <u32>load<u16>(regAt(p), 8)
      if (X.isZero(s, e)) t = 1
      else if (X.expOf(e) == 0 || X.expOf(e) == X.EXP_MAX || (s >> 63) == 0) t = 2
      else t = 0
    }
    w |= t << (p * 2)
  }
  return w
}

/** Writes the 28-byte protected-mode environment (SDM vol. 1, figure 8-9); the pointers read 0. */
function storeEnv(): void {
  st(ea, 4, <u64>fcw() | 0xffff0000)
  st(ea + 4, 4, <u64>fsw() | 0xffff0000)
  st(ea + 8, 4, <u64>fullTags() | 0xffff0000)
  st(ea + 12, 8, 0)
  st(ea + 20, 8, 0xffff00000000)
}

/** Loads the environment: only the tag word's empty/non-empty distinction is kept (as FXRSTOR's abridged tags). */
function loadEnv(): bool {
  const cw = ld(ea, 2), sw = ld(ea + 4, 2), tw = <u32>ld(ea + 8, 2)
  if (gFault != 0) return false
  store<u16>(ctx + R_FCW, <u16>cw)
  setFsw(<u32>sw)
  let t: u32 = 0
  for (let p: u32 = 0; p < 8; p++) if (((tw >> (p * 2)) & 3) != 3) t |= 1 << p
  store<u8>(ctx + R_FTW, <u8>t)
  return true
}

/** D9 /6 mem FNSTENV: stores the environment, then masks every exception (SDM). */
export function fnstenv(): void {
  if (!probeWrite(ea, 28)) return
  storeEnv()
  store<u16>(ctx + R_FCW, <u16>(fcw() | 0x3f))
}

/** D9 /4 mem FLDENV */
export function fldenv(): void { loadEnv() }

/** DD /6 mem FNSAVE: the environment and ST0..ST7 (10 bytes each), then FNINIT. */
export function fnsave(): void {
  if (!probeWrite(ea, 108)) return
  storeEnv()
  for (let i: u32 = 0; i < 8; i++) {
    st(ea + 28 + i * 10, 8, sigOf(i))
    st(ea + 36 + i * 10, 2, <u64>seOf(i))
  }
  fninit()
}

/** DD /4 mem FRSTOR */
export function frstor(): void {
  // Read every byte first so a fault changes nothing.
  ld(ea + 107, 1)
  if (gFault != 0) return
  const base = ea
  if (!loadEnv()) return
  for (let i: u32 = 0; i < 8; i++) {
    const p = phys(i)
    store<u64>(regAt(p), ld(base + 28 + i * 10, 8))
    store<u16>(regAt(p), <u16>ld(base + 36 + i * 10, 2), 8)
  }
}
