// The compiled form of the table's rows, one emitter per interpreter handler
// and named after it (the generated JIT_ROWS say which emitter a row uses;
// a row whose emitter is not here, or `jit=interp`, ends the region and the
// interpreter runs it). Each emitter mirrors its handler in ../assembly/ —
// same operand order, same lazy-flag record — and keeps the interpreter's
// ordering rule: every access that can leave (a TLB miss) comes before any
// register, flag or memory write, so leaving means nothing of the
// instruction happened. An emitter that cannot take its instruction here
// returns `false` before emitting anything.
import { W } from '../../wasm/wasm-writer'
import { CcOp, DCF_MEM } from '../core-layout'
import { Acc, type Gen, sizeMask } from './codegen'
import type { Insn } from './region'

/** true: compiled, the region goes on; 'end': compiled, control left (JMP, CALL, RET); false: not compiled here. */
export type Emitted = boolean | 'end'
type Emitter = (g: Gen, i: Insn, args: readonly string[]) => Emitted

const RAX = 0, RSP = 4

const isMem = (i: Insn): boolean => (i.flags & DCF_MEM) !== 0

interface AluKind { cc: CcOp; op: W; writes: boolean; carry?: boolean }

/** The ALU kinds the table's alu_*(KIND) arguments name, as flags.ts records them. */
const ALU: Readonly<Partial<Record<string, AluKind>>> = {
  ADD: { cc: CcOp.ADD, op: W.i64Add, writes: true },
  ADC: { cc: CcOp.ADC, op: W.i64Add, writes: true, carry: true },
  SBB: { cc: CcOp.SBB, op: W.i64Sub, writes: true, carry: true },
  OR: { cc: CcOp.LOGIC, op: W.i64Or, writes: true },
  AND: { cc: CcOp.LOGIC, op: W.i64And, writes: true },
  SUB: { cc: CcOp.SUB, op: W.i64Sub, writes: true },
  XOR: { cc: CcOp.LOGIC, op: W.i64Xor, writes: true },
  CMP: { cc: CcOp.SUB, op: W.i64Sub, writes: false },
  TEST: { cc: CcOp.LOGIC, op: W.i64And, writes: false },
}

/** The r/m operand into local `into`: after access() for a memory operand (th set). */
function readE(g: Gen, i: Insn, size: number, into: number): void {
  if (isMem(i)) g.load(size)
  else g.getReg(size, i.rm, i.rex)
  g.f.set(into)
}

/** Translates a memory r/m operand (leaving on a miss); the write TLB when it will be written. */
function prepareE(g: Gen, i: Insn, size: number, acc: Acc): void {
  if (!isMem(i)) return
  g.ea(i)
  g.access(size, acc)
}

function writeE(g: Gen, i: Insn, size: number, v: number): void {
  if (isMem(i)) g.store(size, v)
  else g.setReg(size, i.rm, i.rex, v)
}

/** a (local ta) KIND b (local tb) into local tr, masked to the size, flags
 *  recorded; ADC/SBB take CF (into local tc) first. */
function alu(g: Gen, kind: AluKind, size: number): void {
  const f = g.f
  if (kind.carry) {
    g.readyFlags()
    g.cond(2) // B: CF
    f.op(W.i64ExtendI32U).set(g.tc)
  }
  f.get(g.ta).get(g.tb).op(kind.op)
  if (kind.carry) f.get(g.tc).op(kind.op)
  if (size !== 8) f.i64(sizeMask(size)).op(W.i64And)
  f.set(g.tr)
  g.setLazy(kind.cc, size, g.tr, kind.cc === CcOp.LOGIC ? 0n : g.tb, kind.carry ? g.tc : 0n)
}

function aluEG(g: Gen, i: Insn, args: readonly string[]): Emitted {
  const k = ALU[args[0]]
  if (!k) return false
  prepareE(g, i, i.osz, k.writes ? Acc.Write : Acc.Read)
  g.getReg(i.osz, i.reg, i.rex); g.f.set(g.tb)
  readE(g, i, i.osz, g.ta)
  alu(g, k, i.osz)
  if (k.writes) writeE(g, i, i.osz, g.tr)
  return true
}

function aluGE(g: Gen, i: Insn, args: readonly string[]): Emitted {
  const k = ALU[args[0]]
  if (!k) return false
  prepareE(g, i, i.osz, Acc.Read)
  readE(g, i, i.osz, g.tb)
  g.getReg(i.osz, i.reg, i.rex); g.f.set(g.ta)
  alu(g, k, i.osz)
  if (k.writes) g.setReg(i.osz, i.reg, i.rex, g.tr)
  return true
}

function aluAI(g: Gen, i: Insn, args: readonly string[]): Emitted {
  const k = ALU[args[0]]
  if (!k) return false
  g.getReg(i.osz, RAX, i.rex); g.f.set(g.ta)
  g.f.i64(i.imm & sizeMask(i.osz)).set(g.tb)
  alu(g, k, i.osz)
  if (k.writes) g.setReg(i.osz, RAX, i.rex, g.tr)
  return true
}

function aluEI(g: Gen, i: Insn, args: readonly string[]): Emitted {
  const k = ALU[args[0]]
  if (!k) return false
  prepareE(g, i, i.osz, k.writes ? Acc.Write : Acc.Read)
  readE(g, i, i.osz, g.ta)
  g.f.i64(BigInt.asUintN(64, i.imm) & BigInt.asUintN(64, sizeMask(i.osz))).set(g.tb)
  alu(g, k, i.osz)
  if (k.writes) writeE(g, i, i.osz, g.tr)
  return true
}

function notE(g: Gen, i: Insn): Emitted {
  prepareE(g, i, i.osz, Acc.Write)
  readE(g, i, i.osz, g.ta)
  g.f.get(g.ta).i64(sizeMask(i.osz)).op(W.i64Xor).set(g.tr)
  writeE(g, i, i.osz, g.tr)
  return true
}

function negE(g: Gen, i: Insn): Emitted {
  const f = g.f
  prepareE(g, i, i.osz, Acc.Write)
  readE(g, i, i.osz, g.ta)
  f.i64(0n).get(g.ta).op(W.i64Sub)
  if (i.osz !== 8) f.i64(sizeMask(i.osz)).op(W.i64And)
  f.set(g.tr)
  writeE(g, i, i.osz, g.tr)
  g.setLazy(CcOp.SUB, i.osz, g.tr, g.ta, 0n)
  return true
}

/** INC (0) / DEC (1) keep CF: it is taken from the flag state. */
function incdecE(g: Gen, i: Insn, args: readonly string[]): Emitted {
  const f = g.f
  g.readyFlags()
  prepareE(g, i, i.osz, Acc.Write)
  readE(g, i, i.osz, g.ta)
  f.get(g.ta).i64(1n).op(args[0] === '0' ? W.i64Add : W.i64Sub)
  if (i.osz !== 8) f.i64(sizeMask(i.osz)).op(W.i64And)
  f.set(g.tr)
  g.cond(2) // CF (condition B)
  f.op(W.i64ExtendI32U).set(g.tb)
  writeE(g, i, i.osz, g.tr)
  g.setLazy(args[0] === '0' ? CcOp.INC : CcOp.DEC, i.osz, g.tr, 1n, g.tb)
  return true
}

function movEG(g: Gen, i: Insn): Emitted {
  prepareE(g, i, i.osz, Acc.Write)
  g.getReg(i.osz, i.reg, i.rex); g.f.set(g.ta)
  writeE(g, i, i.osz, g.ta)
  return true
}

function movGE(g: Gen, i: Insn): Emitted {
  prepareE(g, i, i.osz, Acc.Read)
  readE(g, i, i.osz, g.ta)
  g.setReg(i.osz, i.reg, i.rex, g.ta)
  return true
}

function movEI(g: Gen, i: Insn): Emitted {
  prepareE(g, i, i.osz, Acc.Write)
  g.f.i64(i.imm & sizeMask(i.osz)).set(g.ta)
  writeE(g, i, i.osz, g.ta)
  return true
}

function movZI(g: Gen, i: Insn): Emitted {
  g.f.i64(i.imm).set(g.ta)
  g.setReg(i.osz, i.zreg, i.rex, g.ta)
  return true
}

/** LEA: the address without segment base, at the operand size. */
function leaGM(g: Gen, i: Insn): Emitted {
  g.ea(i, false)
  g.f.get(g.va)
  if (i.osz !== 8) g.f.i64(sizeMask(i.osz)).op(W.i64And)
  g.f.set(g.ta)
  g.setReg(i.osz, i.reg, i.rex, g.ta)
  return true
}

function movzxGE(g: Gen, i: Insn, args: readonly string[]): Emitted {
  const size = 1 << Number(args[0])
  prepareE(g, i, size, Acc.Read)
  readE(g, i, size, g.ta)
  g.setReg(i.osz, i.reg, i.rex, g.ta)
  return true
}

function movsxGE(g: Gen, i: Insn, args: readonly string[]): Emitted {
  const size = 1 << Number(args[0])
  const f = g.f
  prepareE(g, i, size, Acc.Read)
  readE(g, i, size, g.ta)
  f.get(g.ta).op(size === 1 ? W.i64Extend8S : size === 2 ? W.i64Extend16S : W.i64Extend32S)
  if (i.osz !== 8) f.i64(sizeMask(i.osz)).op(W.i64And)
  f.set(g.ta)
  g.setReg(i.osz, i.reg, i.rex, g.ta)
  return true
}

/** Pushes local v (osz bytes): the store first, then RSP. */
function push(g: Gen, size: number, v: number): void {
  const f = g.f
  g.rd64(RSP); f.i64(BigInt(size)).op(W.i64Sub).set(g.va)
  g.access(size, Acc.Write)
  g.store(size, v)
  f.get(g.va); g.wr64(RSP)
}

function pushZ(g: Gen, i: Insn): Emitted {
  g.getReg(i.osz, i.zreg, i.rex); g.f.set(g.ta)
  push(g, i.osz, g.ta)
  return true
}

function pushI(g: Gen, i: Insn): Emitted {
  g.f.i64(i.imm & sizeMask(i.osz)).set(g.ta)
  push(g, i.osz, g.ta)
  return true
}

/** POP r: the load, then RSP, then the register (POP RSP loads RSP). */
function popZ(g: Gen, i: Insn): Emitted {
  const f = g.f
  g.rd64(RSP); f.set(g.va)
  g.access(i.osz, Acc.Read)
  g.load(i.osz); f.set(g.ta)
  g.rd64(RSP); f.i64(BigInt(i.osz)).op(W.i64Add); g.wr64(RSP)
  g.setReg(i.osz, i.zreg, i.rex, g.ta)
  return true
}

function jcc(g: Gen, i: Insn): Emitted {
  const f = g.f
  g.readyFlags()
  g.cond(i.opcode & 15)
  const taken = f.open(W.if_)
  g.branchTo(BigInt.asIntN(64, BigInt(i.next) + i.imm))
  f.close(taken)
  return true
}

function jmpJ(g: Gen, i: Insn): Emitted {
  g.branchTo(BigInt.asIntN(64, BigInt(i.next) + i.imm))
  return 'end'
}

function callJ(g: Gen, i: Insn): Emitted {
  g.pcPlus(i.next); g.f.set(g.ta)
  push(g, 8, g.ta)
  g.pcPlus(BigInt.asIntN(64, BigInt(i.next) + i.imm))
  g.exitAfter()
  return 'end'
}

/** A CALL the region follows: only the push (the region goes on at the target). */
export function callFollow(g: Gen, i: Insn): Emitted {
  g.pcPlus(i.next); g.f.set(g.ta)
  push(g, 8, g.ta)
  return true
}

/** The RET of a call the region followed: on after that CALL (region offset
 *  `back`) when it returns there, else out to where it returns. */
export function retFollow(g: Gen, i: Insn, back: number): Emitted {
  const f = g.f
  g.rd64(RSP); f.set(g.va)
  g.access(8, Acc.Read)
  g.load(8); f.set(g.ta)
  g.rd64(RSP); f.i64(8n + (i.imm & 0xffffn)).op(W.i64Add); g.wr64(RSP)
  f.get(g.ta)
  g.pcPlus(back)
  f.op(W.i64Ne)
  const elsewhere = f.open(W.if_)
  f.get(g.ta)
  g.exitAfter()
  f.close(elsewhere)
  return true
}

/** RET and RET Iw. */
function ret(g: Gen, i: Insn): Emitted {
  const f = g.f
  g.rd64(RSP); f.set(g.va)
  g.access(8, Acc.Read)
  g.load(8); f.set(g.ta)
  g.rd64(RSP); f.i64(8n + (i.imm & 0xffffn)).op(W.i64Add); g.wr64(RSP)
  f.get(g.ta)
  g.exitAfter()
  return 'end'
}

/** JMP r/m64. */
function jmpE(g: Gen, i: Insn): Emitted {
  prepareE(g, i, 8, Acc.Read)
  readE(g, i, 8, g.ta)
  g.f.get(g.ta)
  g.exitAfter()
  return 'end'
}

/** CMOVcc: the source is read whatever the condition; a false 32-bit move still zero-extends. */
function cmovGE(g: Gen, i: Insn): Emitted {
  const f = g.f
  g.readyFlags()
  prepareE(g, i, i.osz, Acc.Read)
  readE(g, i, i.osz, g.ta)
  g.getReg(i.osz, i.reg, i.rex)
  f.set(g.tb)
  f.get(g.ta).get(g.tb)
  g.cond(i.opcode & 15)
  f.op(W.select).set(g.ta)
  g.setReg(i.osz, i.reg, i.rex, g.ta)
  return true
}

function setccE(g: Gen, i: Insn): Emitted {
  const f = g.f
  g.readyFlags()
  prepareE(g, i, 1, Acc.Write)
  g.cond(i.opcode & 15)
  f.op(W.i64ExtendI32U).set(g.ta)
  writeE(g, i, 1, g.ta)
  return true
}

/**
 * Shifts and rotates by 1 or an immediate (alu.ts shift_E: the same results
 * and flags, including the values it gives undefined ones). RCL/RCR and
 * counts in CL stay interpreted.
 */
function shiftE(g: Gen, i: Insn, args: readonly string[]): Emitted {
  const kind = args[0]
  if (!['ROL', 'ROR', 'SHL', 'SHR', 'SAR'].includes(kind) || args[1] === '0') return false
  const f = g.f
  const size = i.osz
  const bits = size * 8
  const m = sizeMask(size) & ((1n << 64n) - 1n)
  const msb = BigInt(bits - 1)
  const c = (args[1] === '1' ? 1 : Number(i.imm & 0xffn)) & (size === 8 ? 63 : 31)
  prepareE(g, i, size, Acc.Write)
  readE(g, i, size, g.ta)
  if (c === 0) { writeE(g, i, size, g.ta); return true } // no flags change; a 32-bit register is still written
  const bit = (v: number, at: bigint): void => { f.get(v); if (at) f.i64(at).op(W.i64ShrU); f.i64(1n).op(W.i64And) }
  if (kind === 'ROL' || kind === 'ROR') {
    const n = c & (bits - 1)
    if (n === 0) f.get(g.ta)
    else if (kind === 'ROL') f.get(g.ta).i64(BigInt(n)).op(W.i64Shl).get(g.ta).i64(BigInt(bits - n)).op(W.i64ShrU, W.i64Or).i64(m).op(W.i64And)
    else f.get(g.ta).i64(BigInt(n)).op(W.i64ShrU).get(g.ta).i64(BigInt(bits - n)).op(W.i64Shl, W.i64Or).i64(m).op(W.i64And)
    f.set(g.tr)
    g.materialize()
    // CF; OF = ROL: msb ^ CF, ROR: the two top bits differ.
    if (kind === 'ROL') { bit(g.tr, 0n); f.set(g.tb); bit(g.tr, msb); f.get(g.tb).op(W.i64Xor) } else { bit(g.tr, msb); f.set(g.tb); bit(g.tr, msb); bit(g.tr, msb - 1n); f.op(W.i64Xor) }
    f.i64(11n).op(W.i64Shl).get(g.tb).op(W.i64Or)
    // The other arithmetic flags stay as they were.
    f.get(g.rfl).i64(0x8d5n & ~0x801n).op(W.i64And, W.i64Or)
    g.setArith()
  } else {
    if (kind === 'SHL') {
      if (c >= 64) f.i64(0n)
      else f.get(g.ta).i64(BigInt(c)).op(W.i64Shl).i64(m).op(W.i64And)
      f.set(g.tr)
      if (c > bits) f.i64(0n)
      else bit(g.ta, BigInt(bits - c))
      f.set(g.tb)
      bit(g.tr, msb); f.get(g.tb).op(W.i64Xor)
    } else if (kind === 'SHR') {
      f.get(g.ta).i64(BigInt(c)).op(W.i64ShrU).set(g.tr)
      bit(g.ta, BigInt(c - 1)); f.set(g.tb)
      bit(g.ta, msb)
    } else {
      f.get(g.ta)
      if (size !== 8) f.op(size === 4 ? W.i64Extend32S : size === 2 ? W.i64Extend16S : W.i64Extend8S)
      f.set(g.tc)
      f.get(g.tc).i64(BigInt(Math.min(c, 63))).op(W.i64ShrS).i64(m).op(W.i64And).set(g.tr)
      f.get(g.tc).i64(BigInt(Math.min(c - 1, 63))).op(W.i64ShrS).i64(1n).op(W.i64And).set(g.tb)
      f.i64(0n)
    }
    // stack: OF; flags = szp | CF | OF << 11
    f.i64(11n).op(W.i64Shl).get(g.tb).op(W.i64Or)
    g.szp(g.tr, size)
    f.op(W.i64Or)
    g.setArith()
  }
  writeE(g, i, size, g.tr)
  return true
}

function nop(): Emitted { return true }

/** By the handler names of encodings.table (the generated JIT_ROWS' `emitter`). */
export const EMITTERS: Readonly<Partial<Record<string, Emitter>>> = {
  alu_E_G: aluEG,
  alu_G_E: aluGE,
  alu_A_I: aluAI,
  alu_E_I: aluEI,
  not_E: notE,
  neg_E: negE,
  incdec_E: incdecE,
  mov_E_G: movEG,
  mov_G_E: movGE,
  mov_E_I: movEI,
  mov_Z_I: movZI,
  lea_G_M: leaGM,
  movzx_G_E: movzxGE,
  movsx_G_E: movsxGE,
  push_Z: pushZ,
  push_I: pushI,
  pop_Z: popZ,
  jcc,
  jmp_J: jmpJ,
  call_J: callJ,
  ret,
  jmp_E: jmpE,
  cmov_G_E: cmovGE,
  setcc_E: setccE,
  shift_E: shiftE,
  nop,
}
