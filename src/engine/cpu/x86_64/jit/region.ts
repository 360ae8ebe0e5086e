// A region's instructions, read from the core's decoded-instruction cache:
// the compiler never decodes x86 itself, so the interpreter and the compiled
// code cannot disagree about an instruction (docs/cpu-x86_64.md, "Block
// compiler"). Each entry becomes an Insn with its offsets from the region's
// start, which is also the only place the region's PC enters the code.
import {
  DC_ASZ, DC_BASE, DC_DISP, DC_FLAGS, DC_IMM, DC_IMM2, DC_INDEX, DC_LEN, DC_OP, DC_OPCODE, DC_OSZ, DC_REG, DC_REP, DC_REX,
  DC_RM, DC_SCALE, DC_ZREG,
} from '../core-layout'

export interface Insn {
  op: number
  /** Operand and address size in bytes. */
  osz: number
  asz: number
  rex: number
  rep: number
  opcode: number
  reg: number
  rm: number
  /** DCF_* bits (memory operand recipe). */
  flags: number
  base: number
  index: number
  scale: number
  zreg: number
  disp: bigint
  imm: bigint
  imm2: bigint
  /** Bytes from the region's start to this instruction, and to its end. */
  at: number
  next: number
}

/** Reads the entry at linear address `e` of the core's memory. */
export function readEntry(view: DataView, e: number, at: number): Insn {
  const len = view.getUint8(e + DC_LEN)
  return {
    op: view.getUint16(e + DC_OP, true),
    osz: view.getUint8(e + DC_OSZ),
    asz: view.getUint8(e + DC_ASZ),
    rex: view.getUint8(e + DC_REX),
    rep: view.getUint8(e + DC_REP),
    opcode: view.getUint8(e + DC_OPCODE),
    reg: view.getUint8(e + DC_REG),
    rm: view.getUint8(e + DC_RM),
    flags: view.getUint8(e + DC_FLAGS),
    base: view.getUint8(e + DC_BASE),
    index: view.getUint8(e + DC_INDEX),
    scale: view.getUint8(e + DC_SCALE),
    zreg: view.getUint8(e + DC_ZREG),
    disp: view.getBigUint64(e + DC_DISP, true),
    imm: view.getBigUint64(e + DC_IMM, true),
    imm2: view.getBigUint64(e + DC_IMM2, true),
    at,
    next: at + len,
  }
}
