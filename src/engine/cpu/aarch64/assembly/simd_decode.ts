// SIMD & FP decode rows and their checks.
import { Op } from './ops'

export function simdRows(row: (op: Op, pattern: string) => void): void {
  // ---- scalar floating point ----
  row(Op.FCVT_FIXED,     "sf:1 0 0 11110 type:2 0 rmode:2 opcode:3 scale:6 rn:5 rd:5")   // SCVTF/UCVTF/FCVTZS/FCVTZU #fbits
  row(Op.FCVT_INT,       "sf:1 0 0 11110 type:2 1 rmode:2 opcode:3 000000 rn:5 rd:5")    // FCVT[NPMZA][SU], [SU]CVTF, FMOV (general)
  row(Op.FP_1SRC,        "0 0 0 11110 type:2 1 opcode:6 10000 rn:5 rd:5")                // FMOV FABS FNEG FSQRT FCVT FRINT*
  row(Op.FCMP,           "0 0 0 11110 type:2 1 rm:5 00 1000 rn:5 e:1 z:1 000")           // FCMP, FCMPE (also with #0.0)
  row(Op.FMOV_IMM,       "0 0 0 11110 type:2 1 imm8:8 100 00000 rd:5")
  row(Op.FCCMP,          "0 0 0 11110 type:2 1 rm:5 cond:4 01 rn:5 e:1 nzcv:4")          // FCCMP, FCCMPE
  row(Op.FP_2SRC,        "0 0 0 11110 type:2 1 rm:5 opcode:4 10 rn:5 rd:5")              // FMUL FDIV FADD FSUB FMAX FMIN FMAXNM FMINNM FNMUL
  row(Op.FCSEL,          "0 0 0 11110 type:2 1 rm:5 cond:4 11 rn:5 rd:5")
  row(Op.FP_3SRC,        "0 0 0 11111 type:2 o1:1 rm:5 o0:1 ra:5 rn:5 rd:5")             // FMADD FMSUB FNMADD FNMSUB
  // ---- AdvSIMD scalar ----
  row(Op.SCALAR_COPY,    "01 0 11110000 imm5:5 0 0000 1 rn:5 rd:5")                      // DUP (element), scalar
  row(Op.SCALAR_3SAME,   "01 u:1 11110 size:2 1 rm:5 opcode:5 1 rn:5 rd:5")
  row(Op.SCALAR_3DIFF,   "01 u:1 11110 size:2 1 rm:5 opcode:4 00 rn:5 rd:5")             // SQDMLAL/SQDMLSL/SQDMULL
  row(Op.SCALAR_2MISC,   "01 u:1 11110 size:2 10000 opcode:5 10 rn:5 rd:5")
  row(Op.SCALAR_PAIR,    "01 u:1 11110 size:2 11000 opcode:5 10 rn:5 rd:5")
  row(Op.SCALAR_SHIFT_IMM,"01 u:1 111110 immh:4 immb:3 opcode:5 1 rn:5 rd:5")
  row(Op.SCALAR_ELEM,    "01 u:1 11111 size:2 l:1 m:1 rm:4 opcode:4 h:1 0 rn:5 rd:5")
  // ---- AdvSIMD vector ----
  row(Op.SIMD_TBL,       "0 q:1 001110 000 rm:5 0 len:2 op:1 00 rn:5 rd:5")               // TBL, TBX
  row(Op.SIMD_PERM,      "0 q:1 001110 size:2 0 rm:5 0 opcode:3 10 rn:5 rd:5")            // UZP1/2 TRN1/2 ZIP1/2
  row(Op.SIMD_EXT,       "0 q:1 101110 00 0 rm:5 0 imm4:4 0 rn:5 rd:5")
  row(Op.SIMD_COPY,      "0 q:1 op:1 01110000 imm5:5 0 imm4:4 1 rn:5 rd:5")               // DUP INS SMOV UMOV
  row(Op.SIMD_3SAME,     "0 q:1 u:1 01110 size:2 1 rm:5 opcode:5 1 rn:5 rd:5")
  row(Op.SIMD_3DIFF,     "0 q:1 u:1 01110 size:2 1 rm:5 opcode:4 00 rn:5 rd:5")
  row(Op.SIMD_2MISC,     "0 q:1 u:1 01110 size:2 10000 opcode:5 10 rn:5 rd:5")
  row(Op.SIMD_ACROSS,    "0 q:1 u:1 01110 size:2 11000 opcode:5 10 rn:5 rd:5")
  row(Op.SIMD_MODIMM,    "0 q:1 op:1 0111100000 abc:3 cmode:4 o2:1 1 defgh:5 rd:5")      // MOVI MVNI ORR BIC FMOV (vector, immediate)
  row(Op.SIMD_SHIFT_IMM, "0 q:1 u:1 011110 immh:4 immb:3 opcode:5 1 rn:5 rd:5")
  row(Op.SIMD_ELEM,      "0 q:1 u:1 01111 size:2 l:1 m:1 rm:4 opcode:4 h:1 0 rn:5 rd:5")
  // Crypto (AES, SHA), FP16, dot product, complex, BF16, I8MM: unallocated (not advertised).
}

export let sAux: u32 = 0
export let sImm: u64 = 0

export function decodeSimd(op: Op, insn: u32): Op {
  sAux = 0
  sImm = 0
  if (op == Op.LDST_MULT) {
    const opcode = (insn >>> 12) & 15
    const q = (insn >>> 30) & 1
    const size = (insn >>> 10) & 3
    let rpt: u32 = 0, selem: u32 = 0
    switch (opcode) {
      case 0: rpt = 1; selem = 4; break
      case 2: rpt = 4; selem = 1; break
      case 4: rpt = 1; selem = 3; break
      case 6: rpt = 3; selem = 1; break
      case 7: rpt = 1; selem = 1; break
      case 8: rpt = 1; selem = 2; break
      case 10: rpt = 2; selem = 1; break
      default: return Op.UNDEF
    }
    if (size == 3 && q == 0 && selem != 1) return Op.UNDEF
    sAux = (rpt << 4) | selem
    return op
  }
  if (op == Op.LDST_SINGLE) {
    const q = (insn >>> 30) & 1
    const l = (insn >>> 22) & 1
    const r = (insn >>> 21) & 1
    const opcode = (insn >>> 13) & 7
    const s = (insn >>> 12) & 1
    const size = (insn >>> 10) & 3
    const selem = (((opcode & 1) << 1) | r) + 1
    let scale = opcode >>> 1
    let index: u32 = 0
    let replicate: u32 = 0
    switch (scale) {
      case 3:
        if (l == 0 || s != 0) return Op.UNDEF
        scale = size
        replicate = 1
        break
      case 0: index = (q << 3) | (s << 2) | size; break
      case 1:
        if ((size & 1) != 0) return Op.UNDEF
        index = (q << 2) | (s << 1) | (size >>> 1)
        break
      case 2:
        if ((size & 2) != 0) return Op.UNDEF
        if ((size & 1) == 0) index = (q << 1) | s
        else {
          if (s != 0) return Op.UNDEF
          index = q
          scale = 3
        }
        break
    }
    sAux = (selem << 8) | (scale << 4) | replicate
    sImm = index
    return op
  }
  // The remaining SIMD & FP rows check their fields at execution (simd_ops.ts)
  // and report an undefined instruction there.
  return op
}
