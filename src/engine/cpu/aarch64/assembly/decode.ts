// The A64 decode table: one encoding per line, bits 31..0, in the spirit of
// QEMU's a64.decode. A token is either literal bits (0/1) or a field
// `name:width` (any value). The first matching row wins, so more specific rows
// come first. decodeOne() then rejects the unallocated corners of a row and
// pre-computes the immediate the handler needs; the result is cached per
// instruction word in the decoded-code slot (see exec.ts).
import { DECODE_BASE, DECODE_MAX_ROWS } from './layout'
import { Op } from './ops'
import { decodeSimd, sAux, sImm } from './simd_decode'

let nRows: u32 = 0
let tableError: i32 = -1 // index of the first malformed row, or -1

function row(op: Op, pattern: string): void {
  let mask: u32 = 0
  let value: u32 = 0
  let bits: i32 = 0
  let i = 0
  const n = pattern.length
  while (i < n) {
    const ch = pattern.charCodeAt(i)
    if (ch == 32) { i++; continue }
    // a token: literal bits or name:width
    let j = i
    while (j < n && pattern.charCodeAt(j) != 32) j++
    let colon = -1
    for (let k = i; k < j; k++) if (pattern.charCodeAt(k) == 58) colon = k
    if (colon >= 0) {
      let w = 0
      for (let k = colon + 1; k < j; k++) w = w * 10 + (pattern.charCodeAt(k) - 48)
      mask <<= <u32>w
      value <<= <u32>w
      bits += w
    } else {
      for (let k = i; k < j; k++) {
        const c = pattern.charCodeAt(k)
        mask = (mask << 1) | (c == 120 ? 0 : 1) // 'x' = don't care
        value = (value << 1) | (c == 49 ? 1 : 0)
        bits++
      }
    }
    i = j
  }
  if (bits != 32 && tableError < 0) tableError = <i32>nRows
  if (nRows >= DECODE_MAX_ROWS) return
  const a = DECODE_BASE + nRows * 12
  store<u32>(a, mask)
  store<u32>(a, value, 4)
  store<u32>(a, <u32>op, 8)
  nRows++
}

export function decodeTableError(): i32 { return tableError }
export function decodeRows(): u32 { return nRows }
export function decodeRowMask(i: u32): u32 { return load<u32>(DECODE_BASE + i * 12) }
export function decodeRowValue(i: u32): u32 { return load<u32>(DECODE_BASE + i * 12, 4) }
export function decodeRowOp(i: u32): u32 { return load<u32>(DECODE_BASE + i * 12, 8) }

export function buildTable(): void {
  nRows = 0
  // ---- Data processing, immediate -------------------------------------------
  row(Op.ADR,      "0 immlo:2 10000 immhi:19 rd:5")
  row(Op.ADRP,     "1 immlo:2 10000 immhi:19 rd:5")
  row(Op.ADD_I,    "sf:1 0 0 100010 sh:1 imm12:12 rn:5 rd:5")
  row(Op.ADDS_I,   "sf:1 0 1 100010 sh:1 imm12:12 rn:5 rd:5")
  row(Op.SUB_I,    "sf:1 1 0 100010 sh:1 imm12:12 rn:5 rd:5")
  row(Op.SUBS_I,   "sf:1 1 1 100010 sh:1 imm12:12 rn:5 rd:5")
  // ADDG/SUBG (100011) need MTE: unallocated here.
  row(Op.LOGIC_I,  "sf:1 opc:2 100100 n:1 immr:6 imms:6 rn:5 rd:5")
  row(Op.MOVN,     "sf:1 00 100101 hw:2 imm16:16 rd:5")
  row(Op.MOVZ,     "sf:1 10 100101 hw:2 imm16:16 rd:5")
  row(Op.MOVK,     "sf:1 11 100101 hw:2 imm16:16 rd:5")
  row(Op.SBFM,     "sf:1 00 100110 n:1 immr:6 imms:6 rn:5 rd:5")
  row(Op.BFM,      "sf:1 01 100110 n:1 immr:6 imms:6 rn:5 rd:5")
  row(Op.UBFM,     "sf:1 10 100110 n:1 immr:6 imms:6 rn:5 rd:5")
  row(Op.EXTR,     "sf:1 00 100111 n:1 0 rm:5 imms:6 rn:5 rd:5")
  // ---- Branches, exception generation, system ---------------------------------
  row(Op.B,        "0 00101 imm26:26")
  row(Op.BL,       "1 00101 imm26:26")
  row(Op.CBZ,      "sf:1 011010 0 imm19:19 rt:5")
  row(Op.CBNZ,     "sf:1 011010 1 imm19:19 rt:5")
  row(Op.TBZ,      "b5:1 011011 0 b40:5 imm14:14 rt:5")
  row(Op.TBNZ,     "b5:1 011011 1 b40:5 imm14:14 rt:5")
  row(Op.B_COND,   "0101010 0 imm19:19 0 cond:4")
  row(Op.SVC,      "11010100 000 imm16:16 000 01")
  // HVC (…10) and SMC (…11) are undefined at EL0.
  row(Op.BRK,      "11010100 001 imm16:16 000 00")
  // HLT and DCPS*: unallocated at EL0.
  row(Op.HINT,     "11010101 00000011 0010 crm:4 op2:3 11111")   // NOP, YIELD, WFE, WFI, SEV, SEVL, and hints that act as NOP (PAC*SP, BTI without the feature)
  row(Op.CLREX,    "11010101 00000011 0011 crm:4 010 11111")
  row(Op.BARRIER,  "11010101 00000011 0011 crm:4 100 11111")     // DSB (incl. SSBB/PSSBB)
  row(Op.BARRIER,  "11010101 00000011 0011 crm:4 101 11111")     // DMB
  row(Op.BARRIER,  "11010101 00000011 0011 crm:4 110 11111")     // ISB
  // SB (…111) needs FEAT_SB; MSR (immediate) to PSTATE fields: none allowed at EL0 here.
  row(Op.SYS,      "1101010100 0 01 op1:3 crn:4 crm:4 op2:3 rt:5")   // DC ZVA, DC C*VA*, IC IVAU
  row(Op.MSR_R,    "1101010100 0 1 o0:1 op1:3 crn:4 crm:4 op2:3 rt:5")
  row(Op.MRS,      "1101010100 1 1 o0:1 op1:3 crn:4 crm:4 op2:3 rt:5")
  row(Op.BR,       "1101011 0000 11111 000000 rn:5 00000")
  row(Op.BLR,      "1101011 0001 11111 000000 rn:5 00000")
  row(Op.RET,      "1101011 0010 11111 000000 rn:5 00000")
  // BRAA/RETAA…, ERET, DRPS: unallocated at EL0 without PAuth.
  // ---- Loads and stores --------------------------------------------------------
  row(Op.STXR,     "size:2 001000 0 0 0 rs:5 o0:1 rt2:5 rn:5 rt:5")   // STXR, STLXR
  row(Op.LDXR,     "size:2 001000 0 1 0 rs:5 o0:1 rt2:5 rn:5 rt:5")   // LDXR, LDAXR
  row(Op.STXP,     "1 sz:1 001000 0 0 1 rs:5 o0:1 rt2:5 rn:5 rt:5")   // STXP, STLXP
  row(Op.LDXP,     "1 sz:1 001000 0 1 1 rs:5 o0:1 rt2:5 rn:5 rt:5")   // LDXP, LDAXP
  row(Op.STLR,     "size:2 001000 1 0 0 rs:5 1 rt2:5 rn:5 rt:5")
  row(Op.LDAR,     "size:2 001000 1 1 0 rs:5 1 rt2:5 rn:5 rt:5")
  // STLLR/LDLAR (LOR), CAS*/CASP* (LSE): unallocated.
  row(Op.LDR_LIT,  "0 sf:1 011 0 00 imm19:19 rt:5")
  row(Op.LDRSW_LIT,"10 011 0 00 imm19:19 rt:5")
  row(Op.PRFM_LIT, "11 011 0 00 imm19:19 rt:5")
  row(Op.LDR_LIT_V,"opc:2 011 1 00 imm19:19 rt:5")
  row(Op.STP,      "sf:1 0 101 0 0 idx:2 0 imm7:7 rt2:5 rn:5 rt:5")   // STP, STNP (32/64)
  row(Op.LDP,      "sf:1 0 101 0 0 idx:2 1 imm7:7 rt2:5 rn:5 rt:5")   // LDP, LDNP
  row(Op.LDPSW,    "01 101 0 0 idx:2 1 imm7:7 rt2:5 rn:5 rt:5")
  row(Op.STP_V,    "opc:2 101 1 0 idx:2 0 imm7:7 rt2:5 rn:5 rt:5")
  row(Op.LDP_V,    "opc:2 101 1 0 idx:2 1 imm7:7 rt2:5 rn:5 rt:5")
  row(Op.LDST_IMM9,"size:2 111 v:1 00 opc:2 0 imm9:9 idx:2 rn:5 rt:5")   // LDUR/STUR, post-, pre-index, LDTR/STTR
  row(Op.LDST_REG, "size:2 111 v:1 00 opc:2 1 rm:5 option:3 s:1 10 rn:5 rt:5")
  // atomic memory operations (…1 xxxxx x xxx 00) and LDRA*: unallocated without LSE/PAuth.
  row(Op.LDST_UIMM,"size:2 111 v:1 01 opc:2 imm12:12 rn:5 rt:5")
  row(Op.LDST_MULT,  "0 q:1 0011000 l:1 000000 opcode:4 size:2 rn:5 rt:5")      // LD1-4/ST1-4 multiple
  row(Op.LDST_MULT,  "0 q:1 0011001 l:1 0 rm:5 opcode:4 size:2 rn:5 rt:5")       // … post-index
  row(Op.LDST_SINGLE,"0 q:1 0011010 l:1 r:1 00000 opcode:3 s:1 size:2 rn:5 rt:5") // single lane, replicate
  row(Op.LDST_SINGLE,"0 q:1 0011011 l:1 r:1 rm:5 opcode:3 s:1 size:2 rn:5 rt:5")  // … post-index
  // ---- Data processing, register ------------------------------------------------
  row(Op.UDIV,     "sf:1 0 0 11010110 rm:5 000010 rn:5 rd:5")
  row(Op.SDIV,     "sf:1 0 0 11010110 rm:5 000011 rn:5 rd:5")
  row(Op.LSLV,     "sf:1 0 0 11010110 rm:5 001000 rn:5 rd:5")
  row(Op.LSRV,     "sf:1 0 0 11010110 rm:5 001001 rn:5 rd:5")
  row(Op.ASRV,     "sf:1 0 0 11010110 rm:5 001010 rn:5 rd:5")
  row(Op.RORV,     "sf:1 0 0 11010110 rm:5 001011 rn:5 rd:5")
  row(Op.CRC32,    "sf:1 0 0 11010110 rm:5 010 c:1 sz:2 rn:5 rd:5")
  row(Op.RBIT,     "sf:1 1 0 11010110 00000 000000 rn:5 rd:5")
  row(Op.REV16,    "sf:1 1 0 11010110 00000 000001 rn:5 rd:5")
  row(Op.REV32,    "1 1 0 11010110 00000 000010 rn:5 rd:5")
  row(Op.REV,      "0 1 0 11010110 00000 000010 rn:5 rd:5")
  row(Op.REV,      "1 1 0 11010110 00000 000011 rn:5 rd:5")
  row(Op.CLZ,      "sf:1 1 0 11010110 00000 000100 rn:5 rd:5")
  row(Op.CLS,      "sf:1 1 0 11010110 00000 000101 rn:5 rd:5")
  row(Op.LOGIC_SR, "sf:1 opc:2 01010 shift:2 n:1 rm:5 imm6:6 rn:5 rd:5")
  row(Op.ADD_SR,   "sf:1 0 0 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5")
  row(Op.ADDS_SR,  "sf:1 0 1 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5")
  row(Op.SUB_SR,   "sf:1 1 0 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5")
  row(Op.SUBS_SR,  "sf:1 1 1 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5")
  row(Op.ADD_ER,   "sf:1 0 0 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5")
  row(Op.ADDS_ER,  "sf:1 0 1 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5")
  row(Op.SUB_ER,   "sf:1 1 0 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5")
  row(Op.SUBS_ER,  "sf:1 1 1 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5")
  row(Op.ADC,      "sf:1 0 0 11010000 rm:5 000000 rn:5 rd:5")
  row(Op.ADCS,     "sf:1 0 1 11010000 rm:5 000000 rn:5 rd:5")
  row(Op.SBC,      "sf:1 1 0 11010000 rm:5 000000 rn:5 rd:5")
  row(Op.SBCS,     "sf:1 1 1 11010000 rm:5 000000 rn:5 rd:5")
  // RMIF, SETF8/16 (FlagM): unallocated.
  row(Op.CCMN,     "sf:1 0 1 11010010 rm:5 cond:4 i:1 0 rn:5 0 nzcv:4")
  row(Op.CCMP,     "sf:1 1 1 11010010 rm:5 cond:4 i:1 0 rn:5 0 nzcv:4")
  row(Op.CSEL,     "sf:1 0 0 11010100 rm:5 cond:4 00 rn:5 rd:5")
  row(Op.CSINC,    "sf:1 0 0 11010100 rm:5 cond:4 01 rn:5 rd:5")
  row(Op.CSINV,    "sf:1 1 0 11010100 rm:5 cond:4 00 rn:5 rd:5")
  row(Op.CSNEG,    "sf:1 1 0 11010100 rm:5 cond:4 01 rn:5 rd:5")
  row(Op.MADD,     "sf:1 00 11011 000 rm:5 0 ra:5 rn:5 rd:5")
  row(Op.MSUB,     "sf:1 00 11011 000 rm:5 1 ra:5 rn:5 rd:5")
  row(Op.SMADDL,   "1 00 11011 001 rm:5 0 ra:5 rn:5 rd:5")
  row(Op.SMSUBL,   "1 00 11011 001 rm:5 1 ra:5 rn:5 rd:5")
  row(Op.SMULH,    "1 00 11011 010 rm:5 0 ra:5 rn:5 rd:5")
  row(Op.UMADDL,   "1 00 11011 101 rm:5 0 ra:5 rn:5 rd:5")
  row(Op.UMSUBL,   "1 00 11011 101 rm:5 1 ra:5 rn:5 rd:5")
  row(Op.UMULH,    "1 00 11011 110 rm:5 0 ra:5 rn:5 rd:5")
  buildSimdRows()
}

// The SIMD & FP rows live with their decoder.
import { simdRows } from './simd_decode'
function buildSimdRows(): void { simdRows(row) }

// ---- per-row checks and pre-computed immediates ---------------------------------

export let decImm: u64 = 0
export let decAux: u32 = 0

@inline function sext(v: u64, bits: u32): u64 {
  const s = 64 - <u64>bits
  return <u64>(<i64>(v << s) >> s)
}

/** DecodeBitMasks for logical immediates; returns 0 with decAux = 1 when the
 *  encoding is reserved (0 is never a valid logical immediate). */
export function bitMasks(n: u32, imms: u32, immr: u32, sf: u32): u64 {
  const combined = (n << 6) | (~imms & 0x3F)
  if (combined == 0) return 0
  const len = 31 - clz<u32>(combined)
  if (len < 1) return 0
  const esize: u32 = 1 << len
  const levels = esize - 1
  const s = imms & levels
  const r = immr & levels
  if (s == levels) return 0
  if (sf == 0 && len == 6) return 0
  let elem: u64 = s + 1 == 64 ? <u64>-1 : ((<u64>1 << (s + 1)) - 1)
  if (r != 0) {
    const emask: u64 = esize == 64 ? <u64>-1 : ((<u64>1 << esize) - 1)
    elem = ((elem >>> r) | (elem << (esize - r))) & emask
  }
  let v = elem
  for (let e = esize; e < 64; e <<= 1) v |= v << e
  if (sf == 0) v &= 0xFFFFFFFF
  return v
}

/** Returns the op for `insn` (Op.UNDEF when unallocated) and leaves the
 *  row's pre-computed immediate in decImm / decAux. */
export function decodeOne(insn: u32): Op {
  decImm = 0
  decAux = 0
  let op = Op.UNDEF
  for (let i: u32 = 0; i < nRows; i++) {
    const a = DECODE_BASE + i * 12
    if ((insn & load<u32>(a)) == load<u32>(a, 4)) { op = <Op>load<u32>(a, 8); break }
  }
  return refine(op, insn)
}

function refine(op: Op, insn: u32): Op {
  const sf = insn >>> 31
  switch (op) {
    case Op.UNDEF: return op
    case Op.ADR: decImm = sext(((insn >>> 5) & 0x7FFFF) << 2 | ((insn >>> 29) & 3), 21); return op
    case Op.ADRP: decImm = sext(((insn >>> 5) & 0x7FFFF) << 2 | ((insn >>> 29) & 3), 21) << 12; return op
    case Op.ADD_I: case Op.ADDS_I: case Op.SUB_I: case Op.SUBS_I:
      decImm = <u64>((insn >>> 10) & 0xFFF) << (((insn >>> 22) & 1) * 12)
      if (op == Op.SUB_I) { decImm = 0 - decImm; op = Op.ADD_I }
      if (op == Op.ADD_I && sf) return Op.ADD_IX // 64-bit add/sub of an immediate (SP allowed)
      if (op == Op.ADD_I) return Op.ADD_I
      return <Op>(<u32>Op.ADDSUBS_I_0 + sf * 2 + (op == Op.SUBS_I ? 1 : 0))
    case Op.LOGIC_I: {
      const n = (insn >>> 22) & 1
      if (sf == 0 && n == 1) return Op.UNDEF
      const m = bitMasks(n, (insn >>> 10) & 0x3F, (insn >>> 16) & 0x3F, sf)
      if (m == 0) return Op.UNDEF
      decImm = m
      return op
    }
    case Op.MOVN: case Op.MOVZ: case Op.MOVK: {
      const hw = (insn >>> 21) & 3
      if (sf == 0 && hw >= 2) return Op.UNDEF
      decImm = <u64>((insn >>> 5) & 0xFFFF) << (hw * 16)
      decAux = hw * 16
      return op
    }
    case Op.SBFM: case Op.BFM: case Op.UBFM: {
      const n = (insn >>> 22) & 1
      if (n != sf) return Op.UNDEF
      if (sf == 0 && (((insn >>> 16) & 0x20) != 0 || ((insn >>> 10) & 0x20) != 0)) return Op.UNDEF
      return op
    }
    case Op.EXTR: {
      const n = (insn >>> 22) & 1
      if (n != sf) return Op.UNDEF
      if (sf == 0 && ((insn >>> 10) & 0x20) != 0) return Op.UNDEF
      if ((insn & 31) == 31) return op
      return sf ? Op.EXTR_X : Op.EXTR_W
    }
    case Op.B: case Op.BL: decImm = sext(<u64>(insn & 0x3FFFFFF) << 2, 28); return op
    case Op.B_COND:
      decImm = sext(<u64>((insn >>> 5) & 0x7FFFF) << 2, 21)
      return <Op>(<u32>Op.BCOND_0 + (insn & 15))
    case Op.CBZ: case Op.CBNZ: case Op.LDR_LIT: case Op.LDRSW_LIT: case Op.PRFM_LIT:
      decImm = sext(<u64>((insn >>> 5) & 0x7FFFF) << 2, 21); return op
    case Op.LDR_LIT_V:
      if ((insn >>> 30) == 3) return Op.UNDEF
      decImm = sext(<u64>((insn >>> 5) & 0x7FFFF) << 2, 21); return op
    case Op.TBZ: case Op.TBNZ: decImm = sext(<u64>((insn >>> 5) & 0x3FFF) << 2, 16); return op
    case Op.STP: case Op.LDP: case Op.LDPSW: {
      const idx = (insn >>> 23) & 3
      if (op == Op.LDPSW && idx == 0) return Op.UNDEF
      const scale: u32 = op == Op.LDPSW ? 2 : (sf ? 3 : 2)
      decImm = sext(<u64>((insn >>> 15) & 0x7F), 7) << scale
      decAux = idx
      return op
    }
    case Op.STP_V: case Op.LDP_V: {
      const opc = insn >>> 30
      if (opc == 3) return Op.UNDEF
      decImm = sext(<u64>((insn >>> 15) & 0x7F), 7) << (2 + opc)
      decAux = idx2(insn)
      if (opc == 2) return op == Op.LDP_V ? Op.LDP_Q : Op.STP_Q
      return op
    }
    case Op.LDST_IMM9: case Op.LDST_UIMM: case Op.LDST_REG: return refineLdst(op, insn)
    case Op.SYS: case Op.MSR_R: case Op.MRS: return op // checked at execution (sysreg.ts)
    case Op.REV16: case Op.RBIT: case Op.CLZ: case Op.CLS: case Op.REV: case Op.REV32: return op
    case Op.CRC32: {
      const sz = (insn >>> 10) & 3
      if ((sz == 3) != (sf == 1)) return Op.UNDEF
      return op
    }
    case Op.LOGIC_SR: case Op.ADD_SR: case Op.ADDS_SR: case Op.SUB_SR: case Op.SUBS_SR: {
      if (sf == 0 && ((insn >>> 10) & 0x20) != 0) return Op.UNDEF
      if (op != Op.LOGIC_SR && ((insn >>> 22) & 3) == 3) return Op.UNDEF
      return specializeReg(op, insn)
    }
    case Op.ADD_ER: case Op.ADDS_ER: case Op.SUB_ER: case Op.SUBS_ER:
      if (((insn >>> 10) & 7) > 4) return Op.UNDEF
      return op
    default:
      if (op > Op.SIMD_FIRST || op == Op.LDST_MULT || op == Op.LDST_SINGLE) {
        const r = decodeSimd(op, insn)
        decAux = sAux
        decImm = sImm
        return r
      }
      return op
  }
}

@inline function idx2(insn: u32): u32 { return (insn >>> 23) & 3 }

/** Hot register forms get their own ops: aux = shift type << 8 | amount,
 *  imm = all ones when the second operand is inverted (BIC, ORN, EON). */
function specializeReg(op: Op, insn: u32): Op {
  const sf = insn >>> 31
  const rd = insn & 31
  const type = (insn >>> 22) & 3
  const amount = (insn >>> 10) & 63
  const direct = rd != 31 // the MOV_R*/ADD_R*/SUB_R*/SUBS_R* handlers store Rd without the XZR fix-up
  decAux = (type << 8) | amount
  if (op == Op.LOGIC_SR) {
    const opc = (insn >>> 29) & 3
    if (opc == 3) return op
    decImm = ((insn >>> 21) & 1) != 0 ? <u64>-1 : 0
    if (!direct) return op
    if (opc == 1 && ((insn >>> 5) & 31) == 31 && amount == 0 && decImm == 0) return sf ? Op.MOV_RX : Op.MOV_RW
    return <Op>(<u32>Op.LOGIC_0 + sf * 12 + opc * 4 + type)
  }
  if (direct && amount == 0 && op == Op.ADD_SR) return sf ? Op.ADD_RX : Op.ADD_RW
  if (direct && amount == 0 && op == Op.SUB_SR) return sf ? Op.SUB_RX : Op.SUB_RW
  if (direct && amount == 0 && op == Op.SUBS_SR) return sf ? Op.SUBS_RX : Op.SUBS_RW
  const flags: u32 = op == Op.ADDS_SR || op == Op.SUBS_SR ? 1 : 0
  if (!direct && flags == 0) return op
  const sub: u32 = op == Op.SUB_SR || op == Op.SUBS_SR ? 1 : 0
  return <Op>(<u32>Op.ADDSUB_0 + sf * 12 + flags * 6 + sub * 3 + type)
}

/** Register loads/stores: the transfer kind (V:size:opc) goes to decAux, the
 *  scaled or sign-extended offset to decImm; hot shapes get their own op. */
function refineLdst(op: Op, insn: u32): Op {
  const size = insn >>> 30
  const v = (insn >>> 26) & 1
  const opc = (insn >>> 22) & 3
  if (v == 0) {
    if (size == 3 && opc == 3) return Op.UNDEF
    if (size == 2 && opc == 3) return Op.UNDEF
    if (size == 3 && opc == 2 && op == Op.LDST_IMM9 && ((insn >>> 10) & 3) != 0) return Op.UNDEF // PRFUM only unscaled
  } else {
    if (size != 0 && opc >= 2) return Op.UNDEF
  }
  decAux = (v << 4) | (size << 2) | opc
  if (op == Op.LDST_UIMM) {
    const scale = v == 1 && opc >= 2 ? 4 : size
    decImm = <u64>((insn >>> 10) & 0xFFF) << scale
    if (v == 0 && opc == 0 && size == 3) return Op.STR_X_UIMM
    const toZr = (insn & 31) == 31 // loads into XZR keep the generic path
    if (v == 0 && opc == 1 && size == 3 && !toZr) return Op.LDR_X_UIMM
    if (v == 0 && opc == 0 && size == 2) return Op.STR_W_UIMM
    if (v == 0 && opc == 1 && size == 2 && !toZr) return Op.LDR_W_UIMM
    if (v == 0 && opc == 0 && size == 0) return Op.STRB_UIMM
    if (v == 0 && opc == 1 && size == 0 && !toZr) return Op.LDRB_UIMM
    return op
  }
  if (op == Op.LDST_IMM9) {
    const idx = (insn >>> 10) & 3
    if (v == 1 && idx == 2) return Op.UNDEF // no unprivileged SIMD&FP forms
    decImm = sext(<u64>((insn >>> 12) & 0x1FF), 9)
    if (v == 0 && opc <= 1 && size >= 2) return Op.LDST_IMM9_INT // LDR/STR W/X with any indexing
    return op
  }
  // register offset: option must be UXTW, LSL/UXTX, SXTW or SXTX
  if ((((insn >>> 13) & 7) & 2) == 0) return Op.UNDEF
  if (v == 0 && (opc == 0 || (opc == 1 && (insn & 31) != 31))) return Op.LDR_REG_Z // plain LDR/STR (register offset)
  return op
}
