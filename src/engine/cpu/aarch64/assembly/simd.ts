// SIMD & FP execution: AdvSIMD structure loads/stores here; arithmetic in
// simd_ops.ts / fp.ts. Returns 0, or an exit reason (undefined / fault).
import { R_SP, R_V } from './layout'
import { gFault, spMask, SP_POISON } from './mmu'
import { ldN, stN } from './mem'
import { Op } from './ops'
import { execSimdData } from './simd_ops'

export let simdExit: i32 = 0

@inline function vreg(c: u32, r: u32): u32 { return c + R_V + ((r & 31) << 4) }
/** The base register of a load or store (31 is SP), with exec.ts's SP alignment check. */
@inline function MB(c: u32, r: u32): u64 {
  // Branch-free, so that loads and stores pay nothing measurable: a misaligned SP
  // under the check becomes SP_POISON + offset, which only the slow path sees.
  const v = load<u64>(c + select<u32>(R_SP, r << 3, r == 31))
  return select<u64>(SP_POISON, v, (<u32>v & select<u32>(spMask, 0, r == 31)) != 0)
}
@inline function setXS(c: u32, r: u32, v: u64): void { store<u64>(c + select<u32>(R_SP, r << 3, r == 31), v) }

/** LD1-4 / ST1-4 (multiple structures). aux = rpt << 4 | selem (from decode). */
function ldstMultiple(c: u32, insn: u32, aux: u32): i32 {
  const q = (insn >>> 30) & 1
  const isLoad = (insn >>> 22) & 1
  const size = (insn >>> 10) & 3
  const rt = insn & 31
  const rn = (insn >>> 5) & 31
  const rpt = aux >>> 4
  const selem = aux & 15
  const esize: u32 = 1 << size
  const elems: u32 = (q ? 16 : 8) >>> size
  const base = MB(c, rn)
  let addr = base
  for (let r: u32 = 0; r < rpt; r++) {
    for (let e: u32 = 0; e < elems; e++) {
      for (let s: u32 = 0; s < selem; s++) {
        const v = vreg(c, rt + r + s)
        if (isLoad) {
          const x = ldN(addr, size)
          if (gFault != 0) return gFault
          if (size == 3) store<u64>(v + e * 8, x)
          else if (size == 2) store<u32>(v + e * 4, <u32>x)
          else if (size == 1) store<u16>(v + e * 2, <u16>x)
          else store<u8>(v + e, <u8>x)
        } else {
          let x: u64
          if (size == 3) x = load<u64>(v + e * 8)
          else if (size == 2) x = load<u32>(v + e * 4)
          else if (size == 1) x = load<u16>(v + e * 2)
          else x = load<u8>(v + e)
          stN(addr, size, x)
          if (gFault != 0) return gFault
        }
        addr += esize
      }
    }
  }
  if (isLoad && !q) for (let r: u32 = 0; r < rpt * selem; r++) store<u64>(vreg(c, rt + r), 0, 8)
  if ((insn & (1 << 23)) != 0) {
    const rm = (insn >>> 16) & 31
    setXS(c, rn, base + (rm == 31 ? addr - base : load<u64>(c + (rm << 3))))
  }
  return 0
}

/** LD1-4 / ST1-4 (single structure) and LD1R-LD4R. aux = selem << 8 | scale << 4 | replicate. */
function ldstSingle(c: u32, insn: u32, aux: u32, index: u32): i32 {
  const q = (insn >>> 30) & 1
  const isLoad = (insn >>> 22) & 1
  const rt = insn & 31
  const rn = (insn >>> 5) & 31
  const selem = aux >>> 8
  const scale = (aux >>> 4) & 15
  const replicate = (aux & 1) != 0
  const esize: u32 = 1 << scale
  const base = MB(c, rn)
  let addr = base
  for (let s: u32 = 0; s < selem; s++) {
    const v = vreg(c, rt + s)
    if (replicate) {
      const x = ldN(addr, scale)
      if (gFault != 0) return gFault
      let rep = x
      if (scale == 0) rep = x * 0x0101010101010101
      else if (scale == 1) rep = x * 0x0001000100010001
      else if (scale == 2) rep = x | (x << 32)
      store<u64>(v, rep)
      store<u64>(v, q ? rep : 0, 8)
    } else if (isLoad) {
      const x = ldN(addr, scale)
      if (gFault != 0) return gFault
      if (scale == 3) store<u64>(v + index * 8, x)
      else if (scale == 2) store<u32>(v + index * 4, <u32>x)
      else if (scale == 1) store<u16>(v + index * 2, <u16>x)
      else store<u8>(v + index, <u8>x)
    } else {
      let x: u64
      if (scale == 3) x = load<u64>(v + index * 8)
      else if (scale == 2) x = load<u32>(v + index * 4)
      else if (scale == 1) x = load<u16>(v + index * 2)
      else x = load<u8>(v + index)
      stN(addr, scale, x)
      if (gFault != 0) return gFault
    }
    addr += esize
  }
  if ((insn & (1 << 23)) != 0) {
    const rm = (insn >>> 16) & 31
    setXS(c, rn, base + (rm == 31 ? addr - base : load<u64>(c + (rm << 3))))
  }
  return 0
}

export function execSimd(c: u32, op: Op, insn: u32, aux: u32, imm: u64): i32 {
  if (op == Op.LDST_MULT) return ldstMultiple(c, insn, aux)
  if (op == Op.LDST_SINGLE) return ldstSingle(c, insn, aux, <u32>imm)
  return execSimdData(c, op, insn, aux, imm)
}
