// The state of the instruction being executed: the running context, RIP, the
// decoded prefixes and operands (decode.ts fills them, handlers read them),
// and the register and operand accessors handlers share.
//
// Ordering rule that makes a faulting instruction restartable: a handler
// performs every access that can fault before it changes any register or
// flag (a read-modify-write probes its write first, see rmwProbe), and after
// a fault every writer here does nothing, so the run loop only has to put RIP
// back on the instruction.
import { gFault, probeWrite } from './mmu'
import { ld, st } from './mem'

/** Address of the running context's register block. */
export let ctx: u32 = 0
export function setCtx(c: u32): void { ctx = c }

/** RIP: the next instruction's address once decoded; handlers that branch set it. */
export let rip: u64 = 0
/** The address of the instruction being executed. */
export let startRip: u64 = 0
export function setRip(v: u64): void { rip = v }
export function setStartRip(v: u64): void { startRip = v }

// ---- decoded instruction ----------------------------------------------------
/** Operand size in bytes (1, 2, 4, 8). */
export let osz: u32 = 4
/** Address size in bytes (4 with 67, else 8). */
export let asz: u32 = 8
/** The REX byte, or 0. */
export let rex: u32 = 0
/** F2 or F3 when the last such prefix was not taken as a mandatory prefix, else 0. */
export let rep: u32 = 0
/** The opcode byte (its low bits carry a register or condition in some rows). */
export let opcode: u32 = 0
/** ModRM reg field with REX.R. */
export let reg: u32 = 0
/** ModRM r/m field with REX.B (a register when !isMem). */
export let rm: u32 = 0
export let isMem: bool = false
/** The memory operand's linear address (segment base added). */
export let ea: u64 = 0
/** The segment base of an FS/GS override, else 0. */
export let segBase: u64 = 0
/** Whether the memory operand's base register is RSP (POP Ev computes its address after the increment). */
export let eaBaseRsp: bool = false
/** VEX.vvvv: the extra register operand of a VEX row (B operands). */
export let vvvv: u32 = 0
export function setVvvv(v: u32): void { vvvv = v }
/** The register in the opcode's low bits with REX.B (+r rows). */
export let zreg: u32 = 0
/** The immediate, sign-extended to 64 bits (IW: zero-extended); ENTER's second one in imm2. */
export let imm: u64 = 0
export let imm2: u64 = 0

export function setDecoded(o: u32, a: u32, x: u32, p: u32, op: u32): void { osz = o; asz = a; rex = x; rep = p; opcode = op }
export function setModrm(r: u32, m: u32, mem: bool): void { reg = r; rm = m; isMem = mem }
export function setEa(v: u64, base: bool): void { ea = v; eaBaseRsp = base }
export function setSegBase(v: u64): void { segBase = v }
export function setZreg(v: u32): void { zreg = v }
export function setImm(v: u64, v2: u64): void { imm = v; imm2 = v2 }

// ---- exits raised by handlers -------------------------------------------------
/** 0, or the CoreExit a handler ended the run with. */
export let exitReason: i32 = 0
/** The vector of a CoreExit.Exception. */
export let exitVector: u32 = 0
export function raiseExit(reason: i32, vector: u32): void { exitReason = reason; exitVector = vector }
export function clearExit(): void { exitReason = 0 }

/** Instructions the current run has retired before this one (RDTSC reads it). */
export let runRetired: f64 = 0
export function setRunRetired(v: f64): void { runRetired = v }
/** Budget the current instruction may still use (REP string loops). */
export let budgetLeft: i32 = 0
export function setBudgetLeft(v: i32): void { budgetLeft = v }
/** Iterations a REP instruction retired beyond its first (or, when it faulted, in all). */
export let extraRetired: i32 = 0
export function setExtraRetired(v: i32): void { extraRetired = v }

// ---- registers ----------------------------------------------------------------
export const RAX: u32 = 0
export const RCX: u32 = 1
export const RDX: u32 = 2
export const RBX: u32 = 3
export const RSP: u32 = 4
export const RBP: u32 = 5
export const RSI: u32 = 6
export const RDI: u32 = 7

@inline export function sizeMask(size: u32): u64 { return size == 8 ? <u64>-1 : (<u64>1 << (<u64>size * 8)) - 1 }
@inline export function signBit(size: u32): u64 { return <u64>1 << (<u64>size * 8 - 1) }
/** Sign-extends the low `size` bytes of v. */
@inline export function sext(v: u64, size: u32): u64 {
  const sh = <u64>(64 - size * 8)
  return <u64>((<i64>(v << sh)) >> sh)
}

@inline export function gpr(r: u32): u64 { return load<u64>(ctx + (r << 3)) }
export function setGpr(r: u32, v: u64): void { if (gFault == 0) store<u64>(ctx + (r << 3), v) }

/** Register `r` as an operand of `size` bytes: without REX, byte registers 4..7 are AH CH DH BH. */
export function getReg(size: u32, r: u32): u64 {
  if (size == 8) return load<u64>(ctx + (r << 3))
  if (size == 4) return <u64>load<u32>(ctx + (r << 3))
  if (size == 2) return <u64>load<u16>(ctx + (r << 3))
  if (rex == 0 && r >= 4 && r < 8) return <u64>load<u8>(ctx + ((r - 4) << 3) + 1)
  return <u64>load<u8>(ctx + (r << 3))
}

/** Writes register `r` as an operand of `size` bytes: 32-bit writes zero the upper half, 8/16-bit writes merge. */
export function setReg(size: u32, r: u32, v: u64): void {
  if (gFault != 0) return
  const a = ctx + (r << 3)
  if (size == 8) store<u64>(a, v)
  else if (size == 4) store<u64>(a, v & 0xFFFFFFFF)
  else if (size == 2) store<u16>(a, <u16>v)
  else if (rex == 0 && r >= 4 && r < 8) store<u8>(ctx + ((r - 4) << 3) + 1, <u8>v)
  else store<u8>(a, <u8>v)
}

/** The r/m operand at the instruction's operand size. */
export function readE(): u64 { return isMem ? ld(ea, osz) : getReg(osz, rm) }
export function writeE(v: u64): void { if (isMem) st(ea, osz, v); else setReg(osz, rm, v) }
export function readESized(size: u32): u64 { return isMem ? ld(ea, size) : getReg(size, rm) }
export function readG(): u64 { return getReg(osz, reg) }
export function writeG(v: u64): void { setReg(osz, reg, v) }

/** Before a read-modify-write of a memory operand: faults now if the write would, so nothing changes before a fault. */
export function rmwProbe(): void { if (isMem) probeWrite(ea, osz) }

// ---- stack --------------------------------------------------------------------
export function push(v: u64, size: u32): void {
  const sp = gpr(RSP) - <u64>size
  st(sp, size, v)
  setGpr(RSP, sp)
}

/** Reads the top of the stack; popDone() then moves RSP (so a fault in between changes nothing). */
export function peek(size: u32): u64 { return ld(gpr(RSP), size) }
export function popDone(size: u32): void { setGpr(RSP, gpr(RSP) + <u64>size) }
