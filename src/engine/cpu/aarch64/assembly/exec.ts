// The run loop. Instructions execute from decoded-code slots: one slot per
// 4 KiB RAM page that has been executed, one 16-byte entry per instruction
// word ([insn u32][op u16][aux u16][imm u64]). An entry whose op is 0 is
// decoded on first execution; entry 1024 of every slot is a REFETCH sentinel,
// so straight-line code needs no page-end check. Branches that stay in the
// page jump within the slot; anything else goes through REFETCH, which
// translates the PC through the execute TLB. Slots are keyed by RAM page, so
// remapping a virtual page simply leads to another slot, and stores into a
// slot's page clear the entries they overwrite (mmu.ts).
//
// Block compiler: taken in-page branches count their target entry (hashed);
// at the threshold the host compiles the region starting there into a wasm
// function (../jit/) and the entry becomes Op.JIT, which calls it through the
// imported function table. A compiled function runs whole iterations only
// when the budget allows them, so run() still stops after exactly `budget`
// instructions; when it cannot start (budget, a TLB miss at its first
// access) the entry gets its original op back until the counter fires again.
// A region's exit to another compiled entry calls it from the Op.JIT case
// directly (chaining); arrivals through REFETCH count towards hotness too.
import { Access, CoreExit } from '../../core-abi'
import {
  C_EX_ADDR, C_EX_HI, C_EX_LO, C_EX_SIZE, C_EX_VALID, C_IMM, C_JIT_MISS, JIT_MAX_REGION, C_INSTRET, C_PC, C_REASON, C_RETIRED, C_SYNDROME,
  ENTRY_BYTES, CODE_BASE, R_EL, HOT_BASE, HOT_ENTRIES, JITSIDE_BASE, RAM_BASE, SCRATCH_BASE, R_CF, R_FPCR, R_FPSR,
  R_NF, R_PC, R_SP, R_V, R_VF, R_XZR, R_ZF, SLOT_BYTES, SLOTJIT_BASE, SLOTMAP_BASE, TLB_MASK, TLB_ENTRY_RAM,
} from './layout'
import {
  allocSlot, asidLow, clearFault, codeEpoch, coreBase, curCore, enterCore, fillTlb, gFault, raiseAlignment, slotAddr, spMask, SP_POISON,
  sysCtx, tlbR, tlbW, tlbX,
} from './mmu'
import { decAux, decImm, decodeOne } from './decode'
import { Op } from './ops'
import { condHolds } from './cond'
import { ld16, ld32, ld64, ld8, ldN, st16, st32, st64, st8, stN } from './mem'
import { readSys, sysOk, writeSys, K_NZCV } from './sysreg'
import { execSimd, simdExit } from './simd'
import { fpGetFPCR, fpGetFPSR, fpSetFPCR, fpSetFPSR } from './fp/index'

export const REFETCH_ENTRY: u32 = SCRATCH_BASE

/** Compiles the region of RAM page `hostPage` (a linear-memory address)
 *  starting at word `index`; returns its function-table index, 0 if none. */
@external('env', 'jitCompile')
declare function hostJitCompile(hostPage: u32, index: u32): i32

/** Taken branches to an entry before the host is asked to compile from
 *  there; 0 turns the block compiler off. */
export let jitThreshold: u32 = 0

// ---- registers -------------------------------------------------------------------

@inline function X(c: u32, r: u32): u64 { return load<u64>(c + (r << 3)) }
@inline function W(c: u32, r: u32): u64 { return load<u32>(c + (r << 3)) }
/** Write Xr; a write to XZR lands in the zero slot and is undone at once. */
@inline function setX(c: u32, r: u32, v: u64): void { store<u64>(c + (r << 3), v); store<u64>(c + R_XZR, 0) }
@inline function setW(c: u32, r: u32, v: u64): void { setX(c, r, v & 0xFFFFFFFF) }
/** Register 31 as SP (address bases, ADD/SUB immediate, extended register). */
@inline function XS(c: u32, r: u32): u64 { return load<u64>(c + select<u32>(R_SP, r << 3, r == 31)) }
/**
 * The base register of a load or store (31 is SP). In the system
 * instantiation of the loop (S = u64, see run), a misaligned SP under SP
 * alignment checking becomes SP_POISON + offset, which only the slow path
 * sees and faults on; the task instantiation (S = u32) reads the register
 * and nothing else, so user code pays nothing for the check.
 */
@inline function MB<S>(c: u32, r: u32): u64 {
  const v = load<u64>(c + select<u32>(R_SP, r << 3, r == 31))
  if (sizeof<S>() == 8) return select<u64>(SP_POISON, v, (<u32>v & select<u32>(spMask, 0, r == 31)) != 0)
  return v
}
@inline function setXS(c: u32, r: u32, v: u64): void { store<u64>(c + select<u32>(R_SP, r << 3, r == 31), v) }

@inline function sx32(v: u64): u64 { return <u64><i64><i32><u32>v }

// ---- flags -------------------------------------------------------------------------

@inline function setNZ64(c: u32, r: u64): void {
  store<u64>(c + R_NF, r); store<u64>(c + R_ZF, r); store<u64>(c + R_CF, 0); store<u64>(c + R_VF, 0)
}
@inline function setNZ32(c: u32, r: u64): void { setNZ64(c, sx32(r)) }

@inline function addc64(c: u32, a: u64, b: u64, cin: u64, flags: bool): u64 {
  const r = a + b + cin
  if (flags) {
    store<u64>(c + R_NF, r)
    store<u64>(c + R_ZF, r)
    store<u64>(c + R_CF, (r < a || (cin != 0 && r == a)) ? 1 : 0)
    store<u64>(c + R_VF, (a ^ r) & (b ^ r))
  }
  return r
}
@inline function addc32(c: u32, a: u64, b: u64, cin: u64, flags: bool): u64 {
  const a32 = a & 0xFFFFFFFF
  const b32 = b & 0xFFFFFFFF
  const w = a32 + b32 + cin
  const r = w & 0xFFFFFFFF
  if (flags) {
    store<u64>(c + R_NF, sx32(r))
    store<u64>(c + R_ZF, r)
    store<u64>(c + R_CF, w >>> 32)
    store<u64>(c + R_VF, sx32((a32 ^ r) & (b32 ^ r)))
  }
  return r
}

export function nzcvValue(c: u32): u64 {
  let v: u64 = 0
  if (load<i64>(c + R_NF) < 0) v |= 1 << 31
  if (load<u64>(c + R_ZF) == 0) v |= 1 << 30
  if (load<u64>(c + R_CF) != 0) v |= 1 << 29
  if (load<i64>(c + R_VF) < 0) v |= 1 << 28
  return v
}
export function setNzcvBits(c: u32, nzcv: u32): void {
  store<u64>(c + R_NF, (nzcv & 8) != 0 ? <u64>-1 : 0)
  store<u64>(c + R_ZF, (nzcv & 4) != 0 ? 0 : 1)
  store<u64>(c + R_CF, (nzcv >>> 1) & 1)
  store<u64>(c + R_VF, (nzcv & 1) != 0 ? <u64>-1 : 0)
}

// ---- operand helpers ------------------------------------------------------------------

@inline function shiftReg(v: u64, type: u32, amt: u64, sf: u32): u64 {
  if (sf) {
    switch (type) {
      case 0: return v << amt
      case 1: return v >>> amt
      case 2: return <u64>(<i64>v >> amt)
      default: return rotr<u64>(v, amt)
    }
  }
  const w = <u32>v
  const a = <u32>amt
  switch (type) {
    case 0: return <u64>(w << a)
    case 1: return <u64>(w >>> a)
    case 2: return <u64><u32>(<i32>w >> a)
    default: return <u64>rotr<u32>(w, a)
  }
}

@inline function extendReg(v: u64, option: u32, sh: u32): u64 {
  let r: u64
  switch (option) {
    case 0: r = v & 0xFF; break
    case 1: r = v & 0xFFFF; break
    case 2: r = v & 0xFFFFFFFF; break
    case 4: r = <u64><i64><i8>v; break
    case 5: r = <u64><i64><i16>v; break
    case 6: r = <u64><i64><i32>v; break
    default: r = v
  }
  return r << sh
}

@inline function ones(n: u32): u64 { return n >= 64 ? <u64>-1 : (<u64>1 << n) - 1 }

@inline function bitfield(op: Op, sf: u32, dst: u64, src: u64, immr: u32, imms: u32): u64 {
  const size: u32 = sf ? 64 : 32
  let r: u64
  if (imms >= immr) {
    const w = imms - immr + 1
    let f = (src >>> immr) & ones(w)
    if (op == Op.SBFM) { if (w < 64 && ((f >>> (w - 1)) & 1) != 0) f |= ~ones(w) }
    else if (op == Op.BFM) f = (dst & ~ones(w)) | f
    r = f
  } else {
    const w = imms + 1
    const pos = size - immr
    let f = src & ones(w)
    if (op == Op.SBFM) { if (((f >>> (w - 1)) & 1) != 0) f |= ~ones(w) }
    f = f << pos
    if (op == Op.BFM) f = (dst & ~(ones(w) << pos)) | f
    r = f
  }
  return sf ? r : r & 0xFFFFFFFF
}

@inline function umulh(a: u64, b: u64): u64 {
  const al = a & 0xFFFFFFFF, ah = a >>> 32, bl = b & 0xFFFFFFFF, bh = b >>> 32
  const t = al * bl
  const m1 = ah * bl + (t >>> 32)
  const m2 = al * bh + (m1 & 0xFFFFFFFF)
  return ah * bh + (m1 >>> 32) + (m2 >>> 32)
}
@inline function smulh(a: u64, b: u64): u64 {
  let h = umulh(a, b)
  if (<i64>a < 0) h -= b
  if (<i64>b < 0) h -= a
  return h
}

@inline function rbit64(v: u64): u64 {
  v = ((v >>> 1) & 0x5555555555555555) | ((v & 0x5555555555555555) << 1)
  v = ((v >>> 2) & 0x3333333333333333) | ((v & 0x3333333333333333) << 2)
  v = ((v >>> 4) & 0x0F0F0F0F0F0F0F0F) | ((v & 0x0F0F0F0F0F0F0F0F) << 4)
  return bswap<u64>(v)
}

@inline function crc32(acc: u32, data: u64, bytes: u32, poly: u32): u32 {
  for (let i: u32 = 0; i < bytes; i++) {
    acc ^= <u32>(data >>> (<u64>i * 8)) & 0xFF
    for (let k = 0; k < 8; k++) acc = (acc >>> 1) ^ (poly & (0 - (acc & 1)))
  }
  return acc
}


// ---- generic handlers, instantiated with constant arguments per op ----------------

/** AND/ORR/EOR (shifted register; BIC/ORN/EON via imm = ~0). */
@inline function logicSR(c: u32, insn: u32, ip: u32, sf: u32, opc: u32, type: u32): void {
  const a = X(c, (insn >>> 5) & 31)
  const b = shiftReg(X(c, (insn >>> 16) & 31), type, <u64>((insn >>> 10) & 63), sf) ^ load<u64>(ip, 8)
  const r = opc == 0 ? a & b : opc == 1 ? a | b : a ^ b
  // INVARIANT: rd != 31 (decode keeps writes to XZR on the generic path)
  store<u64>(c + ((insn & 31) << 3), sf ? r : r & 0xFFFFFFFF)
}

/** ADD/SUB/ADDS/SUBS (shifted register). */
@inline function addSubSR(c: u32, insn: u32, sf: u32, flags: bool, sub: bool, type: u32): void {
  const a = X(c, (insn >>> 5) & 31)
  let b = shiftReg(X(c, (insn >>> 16) & 31), type, <u64>((insn >>> 10) & 63), sf)
  let r: u64
  if (flags) {
    if (sub) b = ~b
    r = sf ? addc64(c, a, b, sub ? 1 : 0, true) : addc32(c, a, b, sub ? 1 : 0, true)
  } else {
    r = sub ? a - b : a + b
    if (!sf) r &= 0xFFFFFFFF
  }
  // INVARIANT: rd != 31 unless flags are set (CMP/CMN), which store nothing then
  const rd = insn & 31
  if (rd != 31) store<u64>(c + (rd << 3), r)
}

/** ADDS/SUBS with an immediate operand `b` already scaled. */
@inline function addSubsImmV(c: u32, insn: u32, b: u64, sf: u32, sub: bool): void {
  const a = XS(c, (insn >>> 5) & 31)
  const r = sf ? addc64(c, a, sub ? ~b : b, sub ? 1 : 0, true) : addc32(c, a, sub ? ~b : b, sub ? 1 : 0, true)
  const rd = insn & 31
  if (rd != 31) store<u64>(c + (rd << 3), r)
}

/** ADDS/SUBS (immediate), CMP/CMN. */
@inline function addSubsImm(c: u32, insn: u32, ip: u32, sf: u32, sub: bool): void {
  const a = XS(c, (insn >>> 5) & 31)
  const b = load<u64>(ip, 8)
  const r = sf ? addc64(c, a, sub ? ~b : b, sub ? 1 : 0, true) : addc32(c, a, sub ? ~b : b, sub ? 1 : 0, true)
  const rd = insn & 31
  if (rd != 31) store<u64>(c + (rd << 3), r)
}

/** The compare of a CMP/CMN (ADDS/SUBS) fused with the B.cond after it
 *  (Op.CMPI_B_<sf*2+sub> immediate, Op.CMPR_B_<sf*2+sub> register). */
@inline function fusedCompare(c: u32, insn: u32, op: u32): void {
  switch (op) {
    case Op.CMPI_B_0: addSubsImmV(c, insn, cmpImm(insn), 0, false); break
    case Op.CMPI_B_1: addSubsImmV(c, insn, cmpImm(insn), 0, true); break
    case Op.CMPI_B_2: addSubsImmV(c, insn, cmpImm(insn), 1, false); break
    case Op.CMPI_B_3: addSubsImmV(c, insn, cmpImm(insn), 1, true); break
    case Op.CMPR_B_0: cmpReg(c, insn, false, false); break
    case Op.CMPR_B_1: cmpReg(c, insn, false, true); break
    case Op.CMPR_B_2: cmpReg(c, insn, true, false); break
    default: cmpReg(c, insn, true, true)
  }
}

@inline function cmpImm(insn: u32): u64 { return <u64>((insn >>> 10) & 0xFFF) << (((insn >>> 22) & 1) * 12) }

/** ADDS/SUBS (register, no shift). */
@inline function cmpReg(c: u32, insn: u32, sf: bool, sub: bool): void {
  const b = X(c, (insn >>> 16) & 31)
  const a = X(c, (insn >>> 5) & 31)
  const r = sf ? addc64(c, a, sub ? ~b : b, sub ? 1 : 0, true) : addc32(c, a, sub ? ~b : b, sub ? 1 : 0, true)
  const rd = insn & 31
  if (rd != 31) store<u64>(c + (rd << 3), r)
}

// ---- loads and stores --------------------------------------------------------------------

/** One register transfer of kind V:size:opc at va. */
function transfer(c: u32, kind: u32, rt: u32, va: u64): void {
  const size = (kind >>> 2) & 3
  const opc = kind & 3
  if ((kind & 16) == 0) {
    if (opc == 0) { stN(va, size, X(c, rt)); return }
    if (opc == 1) { const v = ldN(va, size); if (gFault == 0) setX(c, rt, v); return }
    if (size == 3) return // PRFM / PRFUM: no access, no fault
    const v = ldN(va, size)
    if (gFault != 0) return
    const s = 64 - (8 << size)
    const x = <u64>(<i64>(v << s) >> s)
    setX(c, rt, opc == 2 ? x : x & 0xFFFFFFFF)
    return
  }
  const vr = c + R_V + (rt << 4)
  if (size == 0 && opc >= 2) { // Q
    if (opc == 2) { st64(va, load<u64>(vr)); if (gFault == 0) st64(va + 8, load<u64>(vr, 8)); return }
    const lo = ld64(va)
    if (gFault != 0) return
    const hi = ld64(va + 8)
    if (gFault != 0) return
    store<u64>(vr, lo); store<u64>(vr, hi, 8)
    return
  }
  if (opc == 0) { stN(va, size, load<u64>(vr)); return }
  const v = ldN(va, size)
  if (gFault != 0) return
  store<u64>(vr, v); store<u64>(vr, 0, 8)
}

function exclusiveFail(c: u32): void {
  store<u32>(coreBase(curCore) + C_EX_VALID, 0)
}

// ---- exits -----------------------------------------------------------------------------

function leave(c: u32, pc: u64, reason: i32, retired: i32): i32 {
  const cb = coreBase(curCore)
  store<u64>(c + R_PC, pc)
  store<u32>(c + R_FPCR, fpGetFPCR())
  store<u32>(c + R_FPSR, fpGetFPSR())
  store<u32>(cb + C_REASON, reason)
  store<u64>(cb + C_PC, pc)
  store<f64>(cb + C_RETIRED, <f64>retired)
  store<f64>(cb + C_INSTRET, load<f64>(cb + C_INSTRET) + <f64>retired)
  return reason
}

function leaveSyndrome(c: u32, pc: u64, reason: i32, retired: i32, imm: u32, syndrome: u32): i32 {
  const cb = coreBase(curCore)
  store<u32>(cb + C_IMM, imm)
  store<u32>(cb + C_SYNDROME, syndrome)
  return leave(c, pc, reason, retired)
}

/** Packed form of an ADD/SUB/MOV (register, or immediate without shift) for
 *  ALU2, 0 for other instructions: rd | rn << 5 | sub << 10 | sf << 11 |
 *  imm-form << 12 | 1 << 13 | (rm or imm12) << 14. MOV reads XZR as rn. */
@inline function aluDesc(op: Op, w: u32): u32 {
  let sub: u32 = 0, rn = (w >>> 5) & 31, b = (w >>> 16) & 31, immForm: u32 = 0
  const rd = w & 31
  switch (op) {
    // INVARIANT: the register forms are only decoded for rd != 31 (decode.ts specializeReg)
    case Op.MOV_RW: case Op.MOV_RX: rn = 31; break
    case Op.ADD_RW: case Op.ADD_RX: break
    case Op.SUB_RW: case Op.SUB_RX: sub = 1; break
    case Op.ADD_IX: case Op.ADD_I: {
      // register 31 is SP here: leave those to the plain handlers
      if (rd == 31 || rn == 31 || ((w >>> 22) & 1) != 0) return 0
      sub = (w >>> 30) & 1
      immForm = 1
      b = (w >>> 10) & 0xFFF
      break
    }
    default: return 0
  }
  return rd | (rn << 5) | (sub << 10) | ((w >>> 31) << 11) | (immForm << 12) | (1 << 13) | (b << 14)
}

@inline function aluRun(c: u32, d: u32): void {
  const a = load<u64>(c + (((d >>> 5) & 31) << 3))
  const field = (d >>> 14) & 0xFFF
  const b = select<u64>(<u64>field, load<u64>(c + ((field & 31) << 3)), (d & (1 << 12)) != 0)
  const neg: u64 = <u64>0 - <u64>((d >>> 10) & 1)
  const r = a + (b ^ neg) - neg
  store<u64>(c + ((d & 31) << 3), r & select<u64>(<u64>-1, 0xFFFFFFFF, ((d >>> 11) & 1) != 0))
}

/** The PC of the instruction at entry `ip` of the current slot. Between
 *  branches the loop does not keep the PC: it is the entry's offset. */
@inline function pcAt(pageVa: u64, ip: u32, slotPtr: u32): u64 { return pageVa + <u64>((ip - slotPtr) >>> 2) }

@inline function jumpTo(pc: u64, pageVa: u64, slotPtr: u32): u32 {
  return ((pc & ~<u64>0xFFF) == pageVa && (<u32>pc & 3) == 0) ? slotPtr + ((<u32>pc & 0xFFF) << 2) : REFETCH_ENTRY
}

/** jumpTo for taken branches: an in-page target is counted. (Forward
 *  targets too: with regions that follow jumps, the cases of a switch become
 *  regions that run through the dispatch code up to its indirect branch.) */
@inline function branchTo(pc: u64, pageVa: u64, slotPtr: u32, hostPage: u32): u32 {
  const t = jumpTo(pc, pageVa, slotPtr)
  if (t != REFETCH_ENTRY) countTarget(t, slotPtr, hostPage)
  return t
}

/** One more arrival at entry `t` by a branch, a page change or a compiled
 *  region's exit; at the threshold the host is asked to compile from there. */
@inline function countTarget(t: u32, slotPtr: u32, hostPage: u32): void {
  if (jitThreshold != 0) {
    // Signed: after a "never" from the compiler the counter restarts far below zero.
    const k = HOT_BASE + (((t >>> 4) & (HOT_ENTRIES - 1)) << 1)
    const n = <i32>load<i16>(k) + 1
    if (n >= <i32>jitThreshold) jitInstall(t, slotPtr, hostPage, k)
    else store<i16>(k, <i16>n)
  }
}

@inline function jitInstall(t: u32, slotPtr: u32, hostPage: u32, counter: u32): void {
  store<u16>(counter, 0)
  const op = load<u16>(t, 4)
  // An undecoded entry has no op and imm to restore later: wait until it ran.
  if (op == <u16>Op.JIT || op == <u16>Op.UNDECODED) return
  const fn = hostJitCompile(hostPage, (t - slotPtr) >>> 4)
  // -1: no region can start at this word (e.g. it is not in the compiler's
  // subset); ask again only after 32768 more arrivals, not every threshold.
  // With calls and returns counted, such entries are common and each refusal
  // costs a trip to the host.
  if (fn < 0) store<i16>(counter, <i16>-32768)
  if (fn <= 0) return
  // Entries with the same word and successor decode alike, so one saved
  // op|aux per function serves every place it is installed at.
  store<u32>(JITSIDE_BASE + (<u32>fn << 2), load<u32>(t, 4))
  store<u16>(t, <u16>Op.JIT, 4)
  store<u16>(t, <u16>fn, 6)
  store<u8>(SLOTJIT_BASE + (slotPtr - CODE_BASE) / SLOT_BYTES, 1)
}

/** Calls compiled function `fn` at `pc`: its retired count, or <= 0 when it
 *  cannot start. A miss at its first access (-1 read, -2 write, the address
 *  in C_JIT_MISS) is filled here and the call made once more: a loop whose
 *  first load reads a new page (a hash over a file) would otherwise drop to
 *  the interpreter until it is hot again, and ask the host again. Only for
 *  tasks, whose translations are lookups without side effects: a failed fill
 *  leaves nothing behind once its fault is cleared (the interpreter then
 *  runs the instruction and takes it). */
@inline function callRegion(fn: u32, c: u32, left: i32, pc: u64): i32 {
  const r = call_indirect<i32>(fn, c, left, tlbR, tlbW, asidLow, pc)
  if (r >= 0) return r
  if (sysCtx != 0) return 0
  if (fillTlb(load<u64>(coreBase(curCore) + C_JIT_MISS), r == -2 ? Access.Write : Access.Read) < 0) {
    clearFault()
    return 0
  }
  return call_indirect<i32>(fn, c, left, tlbR, tlbW, asidLow, pc)
}

/** Puts function `fn` back at entry `ip`, which it was taken from in this
 *  run, unless code may have changed since (`epoch`): the entry must hold the
 *  op it had then. */
function relink(ip: u32, fn: u32, epoch: u32): void {
  if (epoch == codeEpoch && load<u32>(ip, 4) == load<u32>(JITSIDE_BASE + (fn << 2))) {
    store<u16>(ip, <u16>Op.JIT, 4)
    store<u16>(ip, <u16>fn, 6)
  }
}

// ---- the loop -----------------------------------------------------------------------------

/**
 * Runs context `c` on `core` for up to `budget` instructions. Instantiated
 * twice: run<u32> for tasks (EL0, every exception an exit) and run<u64> for
 * system contexts (system.ts), whose extra checks are compiled out of the
 * task loop.
 */
export function run<S>(core: u32, c: u32, asid: i32, budget: i32): i32 {
  enterCore(core, asid)
  fpSetFPCR(load<u32>(c + R_FPCR))
  fpSetFPSR(load<u32>(c + R_FPSR))
  let pc = load<u64>(c + R_PC)
  let left = budget
  let ip = REFETCH_ENTRY
  let pageVa: u64 = 1 // never equal to a page address
  let slotPtr: u32 = 0
  let hostPage: u32 = 0
  // A compiled entry taken out because the budget left was below one pass
  // of its region: reinstalled when the budget runs out, so the next run
  // calls it at once instead of interpreting it until it is hot again and
  // asking the host (most quanta end inside a hot loop).
  let relinkIp: u32 = 0
  let relinkFn: u32 = 0
  let relinkEpoch: u32 = 0
  while (true) {
    if (left <= 0) {
      if (relinkIp != 0) relink(relinkIp, relinkFn, relinkEpoch)
      return leave(c, ip == REFETCH_ENTRY ? pc : pcAt(pageVa, ip, slotPtr), CoreExit.Budget, budget - left)
    }
    const insn = load<u32>(ip)
    switch (<Op>load<u16>(ip, 4)) {
      case Op.REFETCH: {
        // Reached through REFETCH_ENTRY (pc holds the target) or through the
        // sentinel after a page's last word (the PC is the next page).
        if (ip != REFETCH_ENTRY) pc = pageVa + 4096
        if ((<u32>pc & 3) != 0) {
          raiseAlignment(pc, Access.Execute)
          return leave(c, pc, CoreExit.Alignment, budget - left)
        }
        const e = tlbX + ((<u32>(pc >>> 12) & TLB_MASK) << 4)
        let ramOff: i32
        if (load<u64>(e) == ((pc & ~<u64>0xFFF) | asidLow)) ramOff = load<i32>(e, TLB_ENTRY_RAM)
        else {
          ramOff = fillTlb(pc, Access.Execute)
          if (ramOff < 0) return leave(c, pc, gFault, budget - left)
        }
        const ppn = <u32>ramOff >>> 12
        let slot = load<i32>(SLOTMAP_BASE + (ppn << 2))
        if (slot < 0) slot = allocSlot(ppn, <u16>Op.REFETCH)
        slotPtr = slotAddr(slot)
        pageVa = pc & ~<u64>0xFFF
        hostPage = RAM_BASE + <u32>ramOff
        ip = slotPtr + ((<u32>pc & 0xFFF) << 2)
        // Calls, returns and the fall into the next page start regions too,
        // so the code after a call's return gets compiled (and chained to).
        countTarget(ip, slotPtr, hostPage)
        continue
      }
      case Op.UNDECODED: {
        const at = hostPage + ((ip - slotPtr) >>> 2)
        const word = load<u32>(at)
        let op = decodeOne(word)
        let imm = decImm
        const aux = decAux
        // Two adjacent register moves/adds/subs run as one dispatch. The
        // second word is re-decoded on its own if a branch lands on it, and a
        // store to it clears this entry too (mmu.ts invalidateCode).
        let aux2 = aux
        const d1 = aluDesc(op, word)
        const last = (ip - slotPtr) >= 1023 * ENTRY_BYTES
        if (d1 != 0 && !last) {
          const word2 = load<u32>(at, 4)
          const d2 = aluDesc(decodeOne(word2), word2)
          if (d2 != 0) { op = Op.ALU2; imm = <u64>d1 | (<u64>d2 << 32) }
        } else if (op >= Op.ADDSUBS_I_0 && op <= Op.ADDSUBS_I_3 && !last) {
          // CMP/CMN/ADDS/SUBS #imm followed by B.cond: one dispatch. aux =
          // the condition, imm = the branch displacement.
          const word2 = load<u32>(at, 4)
          const op2 = decodeOne(word2)
          if (op2 >= Op.BCOND_0 && op2 <= Op.BCOND_15) {
            imm = decImm
            aux2 = word2 & 15
            op = <Op>(<u32>Op.CMPI_B_0 + (<u32>op - <u32>Op.ADDSUBS_I_0))
          }
        } else if (!last && ((op >= Op.ADDSUB_0 && op <= Op.ADDSUB_23) || op == Op.SUBS_RX || op == Op.SUBS_RW)
          && ((word >>> 29) & 1) != 0 && ((word >>> 10) & 63) == 0 && ((word >>> 22) & 3) == 0) {
          // CMP/CMN/ADDS/SUBS (register, no shift) followed by B.cond.
          const word2 = load<u32>(at, 4)
          const op2 = decodeOne(word2)
          if (op2 >= Op.BCOND_0 && op2 <= Op.BCOND_15) {
            imm = decImm
            aux2 = word2 & 15
            op = <Op>(<u32>Op.CMPR_B_0 + (word >>> 31) * 2 + ((word >>> 30) & 1))
          }
        }
        store<u32>(ip, word)
        store<u16>(ip, <u16>op, 4)
        store<u16>(ip, <u16>aux2, 6)
        store<u64>(ip, imm, 8)
        continue
      }
      case Op.CMPI_B_0: case Op.CMPI_B_1: case Op.CMPI_B_2: case Op.CMPI_B_3:
      case Op.CMPR_B_0: case Op.CMPR_B_1: case Op.CMPR_B_2: case Op.CMPR_B_3: {
        fusedCompare(c, insn, <u32>load<u16>(ip, 4))
        if (left < 2) break // only the compare fits the budget; the B.cond entry runs on its own
        const cond = <u32>load<u16>(ip, 6)
        const disp = load<u64>(ip, 8)
        left--
        ip += ENTRY_BYTES
        if (condHolds(c, cond)) {
          left--
          pc = pcAt(pageVa, ip, slotPtr) + disp
          ip = branchTo(pc, pageVa, slotPtr, hostPage)
          continue
        }
        break
      }
      case Op.JIT: {
        const fn = <u32>load<u16>(ip, 6)
        let r = callRegion(fn, c, left, pcAt(pageVa, ip, slotPtr))
        if (r <= 0) {
          store<u32>(ip, load<u32>(JITSIDE_BASE + (fn << 2)), 4)
          if (left < <i32>JIT_MAX_REGION) { relinkIp = ip; relinkFn = fn; relinkEpoch = codeEpoch }
          continue
        }
        // Chaining: while a region leaves for another compiled entry (in this
        // page or one REFETCH would find at once) and budget is left, call it
        // directly, without the dispatch (each call checks the budget for its
        // own pass; one that cannot start gets its op back).
        while (true) {
          left -= r
          pc = load<u64>(c + R_PC)
          ip = jumpTo(pc, pageVa, slotPtr)
          if (left <= 0) break
          if (ip == REFETCH_ENTRY) {
            // Another page (a call, a return): follow only what REFETCH would
            // find without side effects, an execute-TLB hit on a page with
            // decoded code whose entry is compiled; anything else goes the
            // long way round (REFETCH fills, allocates and counts).
            if ((<u32>pc & 3) != 0) break
            const e = tlbX + ((<u32>(pc >>> 12) & TLB_MASK) << 4)
            if (load<u64>(e) != ((pc & ~<u64>0xFFF) | asidLow)) break
            const ramOff = load<u32>(e, TLB_ENTRY_RAM)
            const slot = load<i32>(SLOTMAP_BASE + ((ramOff >>> 12) << 2))
            if (slot < 0) break
            const sp = slotAddr(slot)
            const t = sp + ((<u32>pc & 0xFFF) << 2)
            if (load<u16>(t, 4) != <u16>Op.JIT) break
            slotPtr = sp
            pageVa = pc & ~<u64>0xFFF
            hostPage = RAM_BASE + ramOff
            ip = t
          } else if (load<u16>(ip, 4) != <u16>Op.JIT) break
          const next = <u32>load<u16>(ip, 6)
          r = callRegion(next, c, left, pc)
          if (r <= 0) {
            store<u32>(ip, load<u32>(JITSIDE_BASE + (next << 2)), 4)
            if (left < <i32>JIT_MAX_REGION) { relinkIp = ip; relinkFn = next; relinkEpoch = codeEpoch }
            break
          }
        }
        continue
      }
      case Op.ALU2: {
        const d = load<u64>(ip, 8)
        aluRun(c, <u32>d)
        if (left >= 2) { aluRun(c, <u32>(d >>> 32)); ip += ENTRY_BYTES; left-- }
        break
      }
      case Op.UNDEF:
        return leaveSyndrome(c, pcAt(pageVa, ip, slotPtr), CoreExit.Undefined, budget - left, 0, insn)

      // ---- data processing, immediate ----
      case Op.ADR: setX(c, insn & 31, pcAt(pageVa, ip, slotPtr) + load<u64>(ip, 8)); break
      case Op.ADRP: setX(c, insn & 31, pageVa + load<u64>(ip, 8)); break
      case Op.ADD_I: {
        const r = XS(c, (insn >>> 5) & 31) + load<u64>(ip, 8)
        setXS(c, insn & 31, (insn >>> 31) != 0 ? r : r & 0xFFFFFFFF)
        break
      }
      case Op.LOGIC_0: logicSR(c, insn, ip, 0, 0, 0); break
      case Op.LOGIC_1: logicSR(c, insn, ip, 0, 0, 1); break
      case Op.LOGIC_2: logicSR(c, insn, ip, 0, 0, 2); break
      case Op.LOGIC_3: logicSR(c, insn, ip, 0, 0, 3); break
      case Op.LOGIC_4: logicSR(c, insn, ip, 0, 1, 0); break
      case Op.LOGIC_5: logicSR(c, insn, ip, 0, 1, 1); break
      case Op.LOGIC_6: logicSR(c, insn, ip, 0, 1, 2); break
      case Op.LOGIC_7: logicSR(c, insn, ip, 0, 1, 3); break
      case Op.LOGIC_8: logicSR(c, insn, ip, 0, 2, 0); break
      case Op.LOGIC_9: logicSR(c, insn, ip, 0, 2, 1); break
      case Op.LOGIC_10: logicSR(c, insn, ip, 0, 2, 2); break
      case Op.LOGIC_11: logicSR(c, insn, ip, 0, 2, 3); break
      case Op.LOGIC_12: logicSR(c, insn, ip, 1, 0, 0); break
      case Op.LOGIC_13: logicSR(c, insn, ip, 1, 0, 1); break
      case Op.LOGIC_14: logicSR(c, insn, ip, 1, 0, 2); break
      case Op.LOGIC_15: logicSR(c, insn, ip, 1, 0, 3); break
      case Op.LOGIC_16: logicSR(c, insn, ip, 1, 1, 0); break
      case Op.LOGIC_17: logicSR(c, insn, ip, 1, 1, 1); break
      case Op.LOGIC_18: logicSR(c, insn, ip, 1, 1, 2); break
      case Op.LOGIC_19: logicSR(c, insn, ip, 1, 1, 3); break
      case Op.LOGIC_20: logicSR(c, insn, ip, 1, 2, 0); break
      case Op.LOGIC_21: logicSR(c, insn, ip, 1, 2, 1); break
      case Op.LOGIC_22: logicSR(c, insn, ip, 1, 2, 2); break
      case Op.LOGIC_23: logicSR(c, insn, ip, 1, 2, 3); break
      case Op.ADDSUB_0: addSubSR(c, insn, 0, false, false, 0); break
      case Op.ADDSUB_1: addSubSR(c, insn, 0, false, false, 1); break
      case Op.ADDSUB_2: addSubSR(c, insn, 0, false, false, 2); break
      case Op.ADDSUB_3: addSubSR(c, insn, 0, false, true, 0); break
      case Op.ADDSUB_4: addSubSR(c, insn, 0, false, true, 1); break
      case Op.ADDSUB_5: addSubSR(c, insn, 0, false, true, 2); break
      case Op.ADDSUB_6: addSubSR(c, insn, 0, true, false, 0); break
      case Op.ADDSUB_7: addSubSR(c, insn, 0, true, false, 1); break
      case Op.ADDSUB_8: addSubSR(c, insn, 0, true, false, 2); break
      case Op.ADDSUB_9: addSubSR(c, insn, 0, true, true, 0); break
      case Op.ADDSUB_10: addSubSR(c, insn, 0, true, true, 1); break
      case Op.ADDSUB_11: addSubSR(c, insn, 0, true, true, 2); break
      case Op.ADDSUB_12: addSubSR(c, insn, 1, false, false, 0); break
      case Op.ADDSUB_13: addSubSR(c, insn, 1, false, false, 1); break
      case Op.ADDSUB_14: addSubSR(c, insn, 1, false, false, 2); break
      case Op.ADDSUB_15: addSubSR(c, insn, 1, false, true, 0); break
      case Op.ADDSUB_16: addSubSR(c, insn, 1, false, true, 1); break
      case Op.ADDSUB_17: addSubSR(c, insn, 1, false, true, 2); break
      case Op.ADDSUB_18: addSubSR(c, insn, 1, true, false, 0); break
      case Op.ADDSUB_19: addSubSR(c, insn, 1, true, false, 1); break
      case Op.ADDSUB_20: addSubSR(c, insn, 1, true, false, 2); break
      case Op.ADDSUB_21: addSubSR(c, insn, 1, true, true, 0); break
      case Op.ADDSUB_22: addSubSR(c, insn, 1, true, true, 1); break
      case Op.ADDSUB_23: addSubSR(c, insn, 1, true, true, 2); break
      case Op.BCOND_0: case Op.BCOND_1: case Op.BCOND_2: case Op.BCOND_3: case Op.BCOND_4: case Op.BCOND_5:
      case Op.BCOND_6: case Op.BCOND_7: case Op.BCOND_8: case Op.BCOND_9: case Op.BCOND_10: case Op.BCOND_11:
      case Op.BCOND_12: case Op.BCOND_13: case Op.BCOND_14: case Op.BCOND_15: {
        if (condHolds(c, insn & 15)) {
          left--
          pc = pcAt(pageVa, ip, slotPtr) + load<u64>(ip, 8)
          ip = branchTo(pc, pageVa, slotPtr, hostPage)
          continue
        }
        break
      }
      case Op.ADDSUBS_I_0: addSubsImm(c, insn, ip, 0, false); break
      case Op.ADDSUBS_I_1: addSubsImm(c, insn, ip, 0, true); break
      case Op.ADDSUBS_I_2: addSubsImm(c, insn, ip, 1, false); break
      case Op.ADDSUBS_I_3: addSubsImm(c, insn, ip, 1, true); break
      case Op.EXTR_X: {
        const lsb = <u64>((insn >>> 10) & 63)
        const n = X(c, (insn >>> 5) & 31), m = X(c, (insn >>> 16) & 31)
        store<u64>(c + ((insn & 31) << 3), lsb == 0 ? m : (m >>> lsb) | (n << (64 - lsb))) // INVARIANT: rd != 31 (decode)
        break
      }
      case Op.EXTR_W: {
        const lsb = <u64>((insn >>> 10) & 31)
        const n = X(c, (insn >>> 5) & 31), m = X(c, (insn >>> 16) & 31)
        store<u64>(c + ((insn & 31) << 3), (((n << 32) | (m & 0xFFFFFFFF)) >>> lsb) & 0xFFFFFFFF) // INVARIANT: rd != 31 (decode)
        break
      }
      case Op.LDP_Q: case Op.STP_Q: {
        const rn = (insn >>> 5) & 31
        const base = MB<S>(c, rn)
        const idx = <u32>load<u16>(ip, 6)
        const off = load<u64>(ip, 8)
        const va = idx == 1 ? base : base + off
        const v0 = c + R_V + ((insn & 31) << 4), v1 = c + R_V + (((insn >>> 10) & 31) << 4)
        if ((insn & (1 << 22)) != 0) {
          const a = ld64(va), b = ld64(va + 8), d = ld64(va + 16), e = ld64(va + 24)
          if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
          store<u64>(v0, a); store<u64>(v0, b, 8); store<u64>(v1, d); store<u64>(v1, e, 8)
        } else {
          st64(va, load<u64>(v0)); st64(va + 8, load<u64>(v0, 8))
          if (gFault == 0) { st64(va + 16, load<u64>(v1)); st64(va + 24, load<u64>(v1, 8)) }
          if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        }
        if (idx == 1) setXS(c, rn, base + off)
        else if (idx == 3) setXS(c, rn, va)
        break
      }
      case Op.ADD_IX: setXS(c, insn & 31, XS(c, (insn >>> 5) & 31) + load<u64>(ip, 8)); break
      // INVARIANT: MOV_R*/ADD_R*/SUB_R*/SUBS_R* are only decoded for rd != 31, so they store Rd directly.
      case Op.MOV_RX: store<u64>(c + ((insn & 31) << 3), X(c, (insn >>> 16) & 31)); break
      case Op.MOV_RW: store<u64>(c + ((insn & 31) << 3), W(c, (insn >>> 16) & 31)); break
      case Op.ADD_RX: store<u64>(c + ((insn & 31) << 3), X(c, (insn >>> 5) & 31) + X(c, (insn >>> 16) & 31)); break
      case Op.ADD_RW: store<u64>(c + ((insn & 31) << 3), (X(c, (insn >>> 5) & 31) + X(c, (insn >>> 16) & 31)) & 0xFFFFFFFF); break
      case Op.SUB_RX: store<u64>(c + ((insn & 31) << 3), X(c, (insn >>> 5) & 31) - X(c, (insn >>> 16) & 31)); break
      case Op.SUB_RW: store<u64>(c + ((insn & 31) << 3), (X(c, (insn >>> 5) & 31) - X(c, (insn >>> 16) & 31)) & 0xFFFFFFFF); break
      case Op.SUBS_RX: store<u64>(c + ((insn & 31) << 3), addc64(c, X(c, (insn >>> 5) & 31), ~X(c, (insn >>> 16) & 31), 1, true)); break
      case Op.SUBS_RW: store<u64>(c + ((insn & 31) << 3), addc32(c, X(c, (insn >>> 5) & 31), ~X(c, (insn >>> 16) & 31), 1, true)); break
      case Op.LDR_REG_Z: {
        const size = (insn >>> 30)
        const sh = ((insn >>> 12) & 1) != 0 ? size : 0
        const va = MB<S>(c, (insn >>> 5) & 31) + extendReg(X(c, (insn >>> 16) & 31), (insn >>> 13) & 7, sh)
        if ((insn & (1 << 22)) == 0) { // store
          const v = X(c, insn & 31)
          if (size == 3) st64(va, v)
          else if (size == 2) st32(va, v)
          else if (size == 1) st16(va, v)
          else st8(va, v)
          if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
          break
        }
        let v: u64
        if (size == 3) v = ld64(va)
        else if (size == 2) v = ld32(va)
        else if (size == 1) v = ld16(va)
        else v = ld8(va)
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        store<u64>(c + ((insn & 31) << 3), v)
        break
      }
      case Op.LOGIC_I: {
        const a = X(c, (insn >>> 5) & 31)
        const m = load<u64>(ip, 8)
        const opc = (insn >>> 29) & 3
        const sf = insn >>> 31
        let r: u64
        if (opc == 0) r = a & m
        else if (opc == 1) r = a | m
        else if (opc == 2) r = a ^ m
        else {
          r = a & m
          if (sf) setNZ64(c, r); else setNZ32(c, r)
          setX(c, insn & 31, sf ? r : r & 0xFFFFFFFF)
          break
        }
        setXS(c, insn & 31, sf ? r : r & 0xFFFFFFFF)
        break
      }
      case Op.MOVN: {
        const r = ~load<u64>(ip, 8)
        setX(c, insn & 31, (insn >>> 31) != 0 ? r : r & 0xFFFFFFFF)
        break
      }
      case Op.MOVZ: setX(c, insn & 31, load<u64>(ip, 8)); break
      case Op.MOVK: {
        const rd = insn & 31
        const sh = <u64>load<u16>(ip, 6)
        let r = (X(c, rd) & ~(<u64>0xFFFF << sh)) | load<u64>(ip, 8)
        setX(c, rd, (insn >>> 31) != 0 ? r : r & 0xFFFFFFFF)
        break
      }
      case Op.SBFM: case Op.BFM: case Op.UBFM: {
        const rd = insn & 31
        setX(c, rd, bitfield(<Op>load<u16>(ip, 4), insn >>> 31, X(c, rd), X(c, (insn >>> 5) & 31), (insn >>> 16) & 63, (insn >>> 10) & 63))
        break
      }
      case Op.EXTR: {
        const lsb = <u64>((insn >>> 10) & 63)
        const n = X(c, (insn >>> 5) & 31), m = X(c, (insn >>> 16) & 31)
        let r: u64
        if ((insn >>> 31) != 0) r = lsb == 0 ? m : (m >>> lsb) | (n << (64 - lsb))
        else r = (((n << 32) | (m & 0xFFFFFFFF)) >>> lsb) & 0xFFFFFFFF
        setX(c, insn & 31, r)
        break
      }

      // ---- branches, exceptions, system ----
      case Op.B: {
        left--
        pc = pcAt(pageVa, ip, slotPtr) + load<u64>(ip, 8)
        ip = branchTo(pc, pageVa, slotPtr, hostPage)
        continue
      }
      case Op.BL: {
        left--
        setX(c, 30, pcAt(pageVa, ip, slotPtr) + 4)
        pc = pcAt(pageVa, ip, slotPtr) + load<u64>(ip, 8)
        ip = branchTo(pc, pageVa, slotPtr, hostPage)
        continue
      }
      case Op.CBZ: case Op.CBNZ: {
        let v = X(c, insn & 31)
        if ((insn >>> 31) == 0) v &= 0xFFFFFFFF
        if ((v == 0) == ((insn & (1 << 24)) == 0)) {
          left--
          pc = pcAt(pageVa, ip, slotPtr) + load<u64>(ip, 8)
          ip = branchTo(pc, pageVa, slotPtr, hostPage)
          continue
        }
        break
      }
      case Op.TBZ: case Op.TBNZ: {
        const bit = ((insn >>> 26) & 32) | ((insn >>> 19) & 31)
        const set = ((X(c, insn & 31) >>> bit) & 1) != 0
        if (set == ((insn & (1 << 24)) != 0)) {
          left--
          pc = pcAt(pageVa, ip, slotPtr) + load<u64>(ip, 8)
          ip = branchTo(pc, pageVa, slotPtr, hostPage)
          continue
        }
        break
      }
      case Op.BR: case Op.BLR: case Op.RET: {
        left--
        const target = X(c, (insn >>> 5) & 31)
        if (((insn >>> 21) & 3) == 1) setX(c, 30, pcAt(pageVa, ip, slotPtr) + 4)
        pc = target
        ip = branchTo(pc, pageVa, slotPtr, hostPage)
        continue
      }
      case Op.SVC: {
        const imm = (insn >>> 5) & 0xFFFF
        return leaveSyndrome(c, pcAt(pageVa, ip, slotPtr) + 4, CoreExit.Syscall, budget - left + 1, imm, (0x15 << 26) | (1 << 25) | imm)
      }
      case Op.BRK: {
        const imm = (insn >>> 5) & 0xFFFF
        return leaveSyndrome(c, pcAt(pageVa, ip, slotPtr), CoreExit.Breakpoint, budget - left, imm, (0x3C << 26) | (1 << 25) | imm)
      }
      case Op.HINT: {
        // WFI and WFE: a system context's board may sleep until an interrupt (system.ts).
        if (sizeof<S>() == 8 && (insn == 0xD503207F || insn == 0xD503205F)) return leave(c, pcAt(pageVa, ip, slotPtr), CoreExit.Wfi, budget - left)
        break
      }
      case Op.BARRIER: break
      case Op.CLREX: store<u32>(coreBase(curCore) + C_EX_VALID, 0); break
      case Op.MRS: {
        const k = (insn >>> 5) & 0x7FFF
        const v = readSys(c, k, nzcvValue(c), budget - left)
        if (!sysOk) return leaveSyndrome(c, pcAt(pageVa, ip, slotPtr), CoreExit.Undefined, budget - left, 0, insn)
        setX(c, insn & 31, v)
        break
      }
      case Op.MSR_R: {
        const k = (insn >>> 5) & 0x7FFF
        const v = X(c, insn & 31)
        if (k == K_NZCV) setNzcvBits(c, <u32>(v >>> 28) & 15)
        else if (!writeSys(c, k, v)) return leaveSyndrome(c, pcAt(pageVa, ip, slotPtr), CoreExit.Undefined, budget - left, 0, insn)
        break
      }
      case Op.SYS: {
        // op1:CRn:CRm:op2 of the cache-maintenance operations EL0 may use.
        const k = (insn >>> 5) & 0x3FFF
        const rt = insn & 31
        if (k == ((3 << 11) | (7 << 7) | (4 << 3) | 1)) { // DC ZVA
          const va = X(c, rt) & ~<u64>63
          for (let i: u64 = 0; i < 64; i += 8) {
            st64(va + i, 0)
            if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
          }
          break
        }
        if (k == ((3 << 11) | (7 << 7) | (5 << 3) | 1) // IC IVAU: our decoded code is always coherent
          || k == ((3 << 11) | (7 << 7) | (11 << 3) | 1) // DC CVAU
          || k == ((3 << 11) | (7 << 7) | (10 << 3) | 1) // DC CVAC
          || k == ((3 << 11) | (7 << 7) | (14 << 3) | 1)) break // DC CIVAC
        return leaveSyndrome(c, pcAt(pageVa, ip, slotPtr), CoreExit.Undefined, budget - left, 0, insn)
      }

      // ---- loads and stores ----
      case Op.LDR_X_UIMM: {
        const va = MB<S>(c, (insn >>> 5) & 31) + load<u64>(ip, 8)
        const v = ld64(va)
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        store<u64>(c + ((insn & 31) << 3), v) // INVARIANT: rt != 31 (decode.ts refineLdst)
        break
      }
      case Op.LDR_W_UIMM: {
        const va = MB<S>(c, (insn >>> 5) & 31) + load<u64>(ip, 8)
        const v = ld32(va)
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        store<u64>(c + ((insn & 31) << 3), v) // INVARIANT: rt != 31 (decode.ts refineLdst)
        break
      }
      case Op.LDRB_UIMM: {
        const va = MB<S>(c, (insn >>> 5) & 31) + load<u64>(ip, 8)
        const v = ld8(va)
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        store<u64>(c + ((insn & 31) << 3), v) // INVARIANT: rt != 31 (decode.ts refineLdst)
        break
      }
      case Op.STR_X_UIMM: {
        st64(MB<S>(c, (insn >>> 5) & 31) + load<u64>(ip, 8), X(c, insn & 31))
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        break
      }
      case Op.STR_W_UIMM: {
        st32(MB<S>(c, (insn >>> 5) & 31) + load<u64>(ip, 8), X(c, insn & 31))
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        break
      }
      case Op.STRB_UIMM: {
        st8(MB<S>(c, (insn >>> 5) & 31) + load<u64>(ip, 8), X(c, insn & 31))
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        break
      }
      case Op.LDST_UIMM: {
        transfer(c, load<u16>(ip, 6), insn & 31, MB<S>(c, (insn >>> 5) & 31) + load<u64>(ip, 8))
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        break
      }
      case Op.LDST_IMM9_INT: {
        const rn = (insn >>> 5) & 31
        const base = MB<S>(c, rn)
        const idx = (insn >>> 10) & 3
        // LDTR/STTR at EL1 access with EL0's permissions: system.ts does them.
        if (sizeof<S>() == 8 && idx == 2 && load<u32>(c + R_EL) == 1) return leaveSyndrome(c, pcAt(pageVa, ip, slotPtr), CoreExit.Undefined, budget - left, 0, insn)
        const off = load<u64>(ip, 8)
        const va = idx == 1 ? base : base + off
        const rt = insn & 31
        if ((insn & (1 << 22)) != 0) {
          const v = (insn >>> 30) == 3 ? ld64(va) : ld32(va)
          if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
          setX(c, rt, v)
        } else {
          if ((insn >>> 30) == 3) st64(va, X(c, rt)); else st32(va, X(c, rt))
          if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        }
        if (idx == 1) setXS(c, rn, base + off)
        else if (idx == 3) setXS(c, rn, va)
        break
      }
      case Op.LDST_IMM9: {
        const rn = (insn >>> 5) & 31
        const base = MB<S>(c, rn)
        const idx = (insn >>> 10) & 3
        // LDTR/STTR at EL1 access with EL0's permissions: system.ts does them.
        if (sizeof<S>() == 8 && idx == 2 && load<u32>(c + R_EL) == 1) return leaveSyndrome(c, pcAt(pageVa, ip, slotPtr), CoreExit.Undefined, budget - left, 0, insn)
        const off = load<u64>(ip, 8)
        const va = idx == 1 ? base : base + off
        transfer(c, load<u16>(ip, 6), insn & 31, va)
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        if (idx == 1) setXS(c, rn, base + off)
        else if (idx == 3) setXS(c, rn, va)
        break
      }
      case Op.LDST_REG: {
        const kind = <u32>load<u16>(ip, 6)
        const size = (kind & 16) != 0 && (kind & 3) >= 2 ? 4 : (kind >>> 2) & 3
        const sh = ((insn >>> 12) & 1) != 0 ? size : 0
        const va = MB<S>(c, (insn >>> 5) & 31) + extendReg(X(c, (insn >>> 16) & 31), (insn >>> 13) & 7, sh)
        transfer(c, kind, insn & 31, va)
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        break
      }
      case Op.LDR_LIT: {
        const va = pcAt(pageVa, ip, slotPtr) + load<u64>(ip, 8)
        const v = (insn & (1 << 30)) != 0 ? ld64(va) : ld32(va)
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        setX(c, insn & 31, v)
        break
      }
      case Op.LDRSW_LIT: {
        const v = ld32(pcAt(pageVa, ip, slotPtr) + load<u64>(ip, 8))
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        setX(c, insn & 31, sx32(v))
        break
      }
      case Op.PRFM_LIT: break
      case Op.LDR_LIT_V: {
        const opc = insn >>> 30
        transfer(c, 16 | (opc == 2 ? 3 : (opc + 2) << 2 | 1), insn & 31, pcAt(pageVa, ip, slotPtr) + load<u64>(ip, 8))
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        break
      }
      case Op.LDP: case Op.LDPSW: {
        const rn = (insn >>> 5) & 31
        const base = MB<S>(c, rn)
        const idx = <u32>load<u16>(ip, 6)
        const off = load<u64>(ip, 8)
        const va = idx == 1 ? base : base + off
        let a: u64, b: u64
        // The second access only after the first succeeded: a fault reports the first address.
        if ((insn >>> 31) != 0) { a = ld64(va); b = gFault == 0 ? ld64(va + 8) : 0 }
        else {
          a = ld32(va); b = gFault == 0 ? ld32(va + 4) : 0
          if ((insn & (1 << 30)) != 0) { a = sx32(a); b = sx32(b) }
        }
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        setX(c, insn & 31, a)
        setX(c, (insn >>> 10) & 31, b)
        if (idx == 1) setXS(c, rn, base + off)
        else if (idx == 3) setXS(c, rn, va)
        break
      }
      case Op.STP: {
        const rn = (insn >>> 5) & 31
        const base = MB<S>(c, rn)
        const idx = <u32>load<u16>(ip, 6)
        const off = load<u64>(ip, 8)
        const va = idx == 1 ? base : base + off
        const a = X(c, insn & 31), b = X(c, (insn >>> 10) & 31)
        if ((insn >>> 31) != 0) { st64(va, a); if (gFault == 0) st64(va + 8, b) }
        else { st32(va, a); if (gFault == 0) st32(va + 4, b) }
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        if (idx == 1) setXS(c, rn, base + off)
        else if (idx == 3) setXS(c, rn, va)
        break
      }
      case Op.LDP_V: case Op.STP_V: {
        const rn = (insn >>> 5) & 31
        const base = MB<S>(c, rn)
        const idx = <u32>load<u16>(ip, 6)
        const off = load<u64>(ip, 8)
        const va = idx == 1 ? base : base + off
        const opc = insn >>> 30
        const kind: u32 = 16 | (opc == 2 ? 2 : (opc + 2) << 2) | ((insn >>> 22) & 1)
        const step: u64 = <u64>4 << opc
        const rt = insn & 31, rt2 = (insn >>> 10) & 31
        if ((insn & (1 << 22)) != 0) {
          // load both before writing either register (rt may equal rt2 or overlap nothing else)
          const v0 = c + R_V + (rt << 4), v1 = c + R_V + (rt2 << 4)
          const lg = opc == 2 ? 3 : 2 + opc
          const lo0 = ldN(va, lg), hi0 = opc == 2 ? ld64(va + 8) : 0
          const lo1 = ldN(va + step, lg), hi1 = opc == 2 ? ld64(va + step + 8) : 0
          if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
          store<u64>(v0, lo0); store<u64>(v0, hi0, 8)
          store<u64>(v1, lo1); store<u64>(v1, hi1, 8)
        } else {
          transfer(c, kind, rt, va)
          if (gFault == 0) transfer(c, kind, rt2, va + step)
          if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        }
        if (idx == 1) setXS(c, rn, base + off)
        else if (idx == 3) setXS(c, rn, va)
        break
      }
      case Op.LDXR: case Op.LDAR: {
        const size = insn >>> 30
        const va = MB<S>(c, (insn >>> 5) & 31)
        if ((va & ((<u64>1 << size) - 1)) != 0) {
          raiseAlignment(va, Access.Read)
          return leave(c, pcAt(pageVa, ip, slotPtr), CoreExit.Alignment, budget - left)
        }
        const v = ldN(va, size)
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        if (<Op>load<u16>(ip, 4) == Op.LDXR) {
          const cb = coreBase(curCore)
          store<u32>(cb + C_EX_VALID, 1)
          store<u32>(cb + C_EX_SIZE, 1 << size)
          store<u64>(cb + C_EX_ADDR, va)
          store<u64>(cb + C_EX_LO, v)
        }
        setX(c, insn & 31, v)
        break
      }
      case Op.LDXP: {
        const is64 = (insn >>> 30) & 1
        const va = MB<S>(c, (insn >>> 5) & 31)
        if ((va & (is64 ? 15 : 7)) != 0) {
          raiseAlignment(va, Access.Read)
          return leave(c, pcAt(pageVa, ip, slotPtr), CoreExit.Alignment, budget - left)
        }
        const lo = ld64(va)
        const hi = is64 ? ld64(va + 8) : 0
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        const cb = coreBase(curCore)
        store<u32>(cb + C_EX_VALID, 1)
        store<u32>(cb + C_EX_SIZE, is64 ? 16 : 8)
        store<u64>(cb + C_EX_ADDR, va)
        store<u64>(cb + C_EX_LO, lo)
        store<u64>(cb + C_EX_HI, hi)
        if (is64) { setX(c, insn & 31, lo); setX(c, (insn >>> 10) & 31, hi) }
        else { setX(c, insn & 31, lo & 0xFFFFFFFF); setX(c, (insn >>> 10) & 31, lo >>> 32) }
        break
      }
      case Op.STXR: case Op.STXP: {
        // The monitor holds (address, size, value seen). The store succeeds
        // when the address and size match and memory still holds the value
        // the load-exclusive saw, which also catches stores by other cores.
        const pair = <Op>load<u16>(ip, 4) == Op.STXP
        const is64 = (insn >>> 30) & 1
        const size: u32 = pair ? (is64 ? 16 : 8) : <u32>1 << (insn >>> 30)
        const va = MB<S>(c, (insn >>> 5) & 31)
        const cb = coreBase(curCore)
        const rs = (insn >>> 16) & 31
        let status: u64 = 1
        if (load<u32>(cb + C_EX_VALID) != 0 && load<u64>(cb + C_EX_ADDR) == va && load<u32>(cb + C_EX_SIZE) == size) {
          const rt = insn & 31, rt2 = (insn >>> 10) & 31
          if (size == 16) {
            const lo = ld64(va), hi = ld64(va + 8)
            if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
            if (lo == load<u64>(cb + C_EX_LO) && hi == load<u64>(cb + C_EX_HI)) {
              st64(va, X(c, rt)); if (gFault == 0) st64(va + 8, X(c, rt2))
              status = 0
            }
          } else {
            const lg = size == 8 ? 3 : size == 4 ? 2 : size == 2 ? 1 : 0
            const cur = ldN(va, lg)
            if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
            if (cur == load<u64>(cb + C_EX_LO)) {
              const v = pair ? (X(c, rt) & 0xFFFFFFFF) | (X(c, rt2) << 32) : X(c, rt)
              stN(va, lg, v)
              status = 0
            }
          }
          if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        }
        store<u32>(cb + C_EX_VALID, 0)
        setX(c, rs, status)
        break
      }
      case Op.STLR: {
        const size = insn >>> 30
        const va = MB<S>(c, (insn >>> 5) & 31)
        if ((va & ((<u64>1 << size) - 1)) != 0) {
          raiseAlignment(va, Access.Write)
          return leave(c, pcAt(pageVa, ip, slotPtr), CoreExit.Alignment, budget - left)
        }
        stN(va, size, X(c, insn & 31))
        if (gFault != 0) return leave(c, pcAt(pageVa, ip, slotPtr), gFault, budget - left)
        break
      }

      // ---- data processing, register ----
      case Op.ADD_SR: case Op.SUB_SR: {
        const sf = insn >>> 31
        const a = X(c, (insn >>> 5) & 31)
        const b = shiftReg(X(c, (insn >>> 16) & 31), (insn >>> 22) & 3, <u64>((insn >>> 10) & 63), sf)
        const r = (insn & (1 << 30)) != 0 ? a - b : a + b
        setX(c, insn & 31, sf ? r : r & 0xFFFFFFFF)
        break
      }
      case Op.ADD_ER: case Op.SUB_ER: case Op.ADDS_ER: case Op.SUBS_ER: {
        const sf = insn >>> 31
        const a = XS(c, (insn >>> 5) & 31)
        let b = extendReg(X(c, (insn >>> 16) & 31), (insn >>> 13) & 7, (insn >>> 10) & 7)
        const sub = (insn >>> 30) & 1
        if (sub) b = ~b
        const fl = ((insn >>> 29) & 1) != 0
        const r = sf ? addc64(c, a, b, sub, fl) : addc32(c, a, b, sub, fl)
        if (fl) setX(c, insn & 31, r); else setXS(c, insn & 31, r)
        break
      }
      case Op.ADC: case Op.ADCS: case Op.SBC: case Op.SBCS: {
        const sf = insn >>> 31
        const a = X(c, (insn >>> 5) & 31)
        let b = X(c, (insn >>> 16) & 31)
        if ((insn >>> 30) & 1) b = ~b
        const fl = ((insn >>> 29) & 1) != 0
        const cin = load<u64>(c + R_CF)
        setX(c, insn & 31, sf ? addc64(c, a, b, cin, fl) : addc32(c, a, b, cin, fl))
        break
      }
      case Op.LOGIC_SR: {
        const sf = insn >>> 31
        const a = X(c, (insn >>> 5) & 31)
        let b = shiftReg(X(c, (insn >>> 16) & 31), (insn >>> 22) & 3, <u64>((insn >>> 10) & 63), sf)
        if ((insn >>> 21) & 1) b = ~b
        const opc = (insn >>> 29) & 3
        let r: u64
        if (opc == 1) r = a | b
        else if (opc == 2) r = a ^ b
        else r = a & b
        if (!sf) r &= 0xFFFFFFFF
        if (opc == 3) { if (sf) setNZ64(c, r); else setNZ32(c, r) }
        setX(c, insn & 31, r)
        break
      }
      case Op.UDIV: case Op.SDIV: {
        const sf = insn >>> 31
        const signed = (insn >>> 10) & 1
        let r: u64
        if (sf) {
          const a = X(c, (insn >>> 5) & 31), b = X(c, (insn >>> 16) & 31)
          if (b == 0) r = 0
          else if (signed) r = (<i64>b == -1) ? 0 - a : <u64>(<i64>a / <i64>b) // INT_MIN / -1 wraps to INT_MIN
          else r = a / b
        } else {
          const a = W(c, (insn >>> 5) & 31), b = W(c, (insn >>> 16) & 31)
          if (b == 0) r = 0
          else if (signed) r = <u64><u32>(<i32><u32>b == -1 ? 0 - <u32>a : <u32>(<i32><u32>a / <i32><u32>b))
          else r = a / b
        }
        setX(c, insn & 31, r)
        break
      }
      case Op.LSLV: case Op.LSRV: case Op.ASRV: case Op.RORV: {
        const sf = insn >>> 31
        const amt = X(c, (insn >>> 16) & 31) & (sf ? 63 : 31)
        setX(c, insn & 31, shiftReg(X(c, (insn >>> 5) & 31), (insn >>> 10) & 3, amt, sf))
        break
      }
      case Op.CRC32: {
        const sz = (insn >>> 10) & 3
        const poly: u32 = (insn & (1 << 12)) != 0 ? 0x82F63B78 : 0xEDB88320
        const r = crc32(<u32>X(c, (insn >>> 5) & 31), X(c, (insn >>> 16) & 31), 1 << sz, poly)
        setX(c, insn & 31, <u64>r)
        break
      }
      case Op.RBIT: {
        const v = X(c, (insn >>> 5) & 31)
        setX(c, insn & 31, (insn >>> 31) != 0 ? rbit64(v) : rbit64(v) >>> 32)
        break
      }
      case Op.REV16: {
        const v = X(c, (insn >>> 5) & 31)
        const r = ((v & 0x00FF00FF00FF00FF) << 8) | ((v >>> 8) & 0x00FF00FF00FF00FF)
        setX(c, insn & 31, (insn >>> 31) != 0 ? r : r & 0xFFFFFFFF)
        break
      }
      case Op.REV32: setX(c, insn & 31, rotr<u64>(bswap<u64>(X(c, (insn >>> 5) & 31)), 32)); break
      case Op.REV: {
        const v = X(c, (insn >>> 5) & 31)
        setX(c, insn & 31, (insn >>> 31) != 0 ? bswap<u64>(v) : <u64>bswap<u32>(<u32>v))
        break
      }
      case Op.CLZ: {
        const v = X(c, (insn >>> 5) & 31)
        setX(c, insn & 31, (insn >>> 31) != 0 ? clz<u64>(v) : <u64>clz<u32>(<u32>v))
        break
      }
      case Op.CLS: {
        const v = X(c, (insn >>> 5) & 31)
        let r: u64
        if ((insn >>> 31) != 0) r = clz<u64>(v ^ <u64>(<i64>v >> 1)) - 1
        else { const w = <u32>v; r = <u64>(clz<u32>(w ^ <u32>(<i32>w >> 1)) - 1) }
        setX(c, insn & 31, r)
        break
      }
      case Op.CCMN: case Op.CCMP: {
        if (condHolds(c, (insn >>> 12) & 15)) {
          const sf = insn >>> 31
          const a = X(c, (insn >>> 5) & 31)
          const m = (insn >>> 16) & 31
          let b: u64 = (insn & (1 << 11)) != 0 ? <u64>m : X(c, m)
          const sub = (insn >>> 30) & 1
          if (sub) b = ~b
          if (sf) addc64(c, a, b, sub, true); else addc32(c, a, b, sub, true)
        } else setNzcvBits(c, insn & 15)
        break
      }
      case Op.CSEL: case Op.CSINC: case Op.CSINV: case Op.CSNEG: {
        let r: u64
        if (condHolds(c, (insn >>> 12) & 15)) r = X(c, (insn >>> 5) & 31)
        else {
          r = X(c, (insn >>> 16) & 31)
          if ((insn >>> 30) & 1) r = ~r
          if ((insn >>> 10) & 1) r += 1
        }
        setX(c, insn & 31, (insn >>> 31) != 0 ? r : r & 0xFFFFFFFF)
        break
      }
      case Op.MADD: case Op.MSUB: {
        const p = X(c, (insn >>> 5) & 31) * X(c, (insn >>> 16) & 31)
        const a = X(c, (insn >>> 10) & 31)
        const r = (insn & (1 << 15)) != 0 ? a - p : a + p
        setX(c, insn & 31, (insn >>> 31) != 0 ? r : r & 0xFFFFFFFF)
        break
      }
      case Op.SMADDL: case Op.SMSUBL: {
        const p = sx32(X(c, (insn >>> 5) & 31)) * sx32(X(c, (insn >>> 16) & 31))
        const a = X(c, (insn >>> 10) & 31)
        setX(c, insn & 31, (insn & (1 << 15)) != 0 ? a - p : a + p)
        break
      }
      case Op.UMADDL: case Op.UMSUBL: {
        const p = W(c, (insn >>> 5) & 31) * W(c, (insn >>> 16) & 31)
        const a = X(c, (insn >>> 10) & 31)
        setX(c, insn & 31, (insn & (1 << 15)) != 0 ? a - p : a + p)
        break
      }
      case Op.SMULH: setX(c, insn & 31, smulh(X(c, (insn >>> 5) & 31), X(c, (insn >>> 16) & 31))); break
      case Op.UMULH: setX(c, insn & 31, umulh(X(c, (insn >>> 5) & 31), X(c, (insn >>> 16) & 31))); break

      default: {
        // SIMD & FP, AdvSIMD loads/stores.
        const r = execSimd(c, <Op>load<u16>(ip, 4), insn, <u32>load<u16>(ip, 6), load<u64>(ip, 8))
        if (r != 0) {
          if (r == CoreExit.Undefined) return leaveSyndrome(c, pcAt(pageVa, ip, slotPtr), CoreExit.Undefined, budget - left, 0, insn)
          return leave(c, pcAt(pageVa, ip, slotPtr), r, budget - left)
        }
      }
    }
    ip += ENTRY_BYTES
    left--
  }
}

export { simdExit }
