// SIMD & FP decode rows and their checks.
import { Op } from './ops'

export function simdRows(row: (op: Op, pattern: string) => void): void {
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
  return Op.UNDEF
}
