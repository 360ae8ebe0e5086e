// Which instructions the block compiler takes, decoded from the guest's words
// into a small form the code generator reads. Anything not listed here ends
// the region before it, so the interpreter runs it: compiling a subset is
// always correct, never a silent wrong result. The subset is the integer
// code compilers emit in hot loops.

import { JIT_MAX_REGION, R_TPIDR, R_TPIDRRO } from '../core-layout'

/** Register 31 means XZR in some operand positions and SP in others. */
export const ZR = 31

export type Insn =
  | { k: 'addi'; sf: boolean; sub: boolean; setf: boolean; rd: number; rn: number; imm: bigint }
  | { k: 'logi'; sf: boolean; opc: number; rd: number; rn: number; imm: bigint }
  | { k: 'movw'; sf: boolean; opc: number; rd: number; shift: number; imm16: number }
  | { k: 'bfm'; sf: boolean; opc: number; rd: number; rn: number; r: number; s: number; wmask: bigint; tmask: bigint }
  | { k: 'extr'; sf: boolean; rd: number; rn: number; rm: number; lsb: number }
  | { k: 'adr'; page: boolean; rd: number; imm: bigint }
  | { k: 'logr'; sf: boolean; opc: number; inv: boolean; rd: number; rn: number; rm: number; type: number; amt: number }
  | { k: 'addr'; sf: boolean; sub: boolean; setf: boolean; rd: number; rn: number; rm: number; type: number; amt: number }
  | { k: 'adde'; sf: boolean; sub: boolean; setf: boolean; rd: number; rn: number; rm: number; option: number; amt: number }
  | { k: 'shiftv'; sf: boolean; type: number; rd: number; rn: number; rm: number }
  | { k: 'div'; sf: boolean; signed: boolean; rd: number; rn: number; rm: number }
  | { k: 'rev'; sf: boolean; opc: number; rd: number; rn: number }
  | { k: 'clz'; sf: boolean; rd: number; rn: number }
  | { k: 'csel'; sf: boolean; inv: boolean; inc: boolean; rd: number; rn: number; rm: number; cond: number }
  | { k: 'ccmp'; sf: boolean; sub: boolean; useImm: boolean; rn: number; rm: number; cond: number; nzcv: number }
  | { k: 'madd'; sf: boolean; sub: boolean; rd: number; rn: number; rm: number; ra: number }
  | { k: 'maddl'; signed: boolean; sub: boolean; rd: number; rn: number; rm: number; ra: number }
  | { k: 'ldst'; size: number; load: boolean; ext: 0 | 32 | 64; rt: number; rn: number; mode: 'off' | 'pre' | 'post' | 'reg'; imm: bigint; rm: number; option: number; amt: number }
  | { k: 'ldstp'; size: number; load: boolean; rt: number; rt2: number; rn: number; mode: 'off' | 'pre' | 'post'; imm: bigint }
  // SIMD&FP registers: 1 << size bytes (size 4 = Q), the rest of the register zeroed by loads.
  | { k: 'ldstv'; size: number; load: boolean; rt: number; rn: number; mode: 'off' | 'pre' | 'post' | 'reg'; imm: bigint; rm: number; option: number; amt: number }
  | { k: 'ldstpv'; size: number; load: boolean; rt: number; rt2: number; rn: number; mode: 'off' | 'pre' | 'post'; imm: bigint }
  // follow: the region continues at the target (set by scanRegion; for BL
  // after setting X30)
  | { k: 'b'; link: boolean; delta: number; follow?: boolean }
  | { k: 'bcond'; cond: number; delta: number }
  | { k: 'cbz'; sf: boolean; nz: boolean; rt: number; delta: number }
  | { k: 'tbz'; nz: boolean; rt: number; bit: number; delta: number }
  // ret: a RET the region continues after, at this page word, when X30
  // holds its address (the return of a BL the region followed); else it exits
  | { k: 'br'; rn: number; link: boolean; ret?: number }
  | { k: 'nop' }
  // MRS of TPIDR_EL0 / TPIDRRO_EL0 (libc's thread pointer: errno, TLS): a load from the register block at `off`
  | { k: 'mrs'; rt: number; off: number }
  | { k: 'mulh'; signed: boolean; rd: number; rn: number; rm: number }
  // MOVI/MVNI (AdvSIMD modified immediate): Vd = the 128-bit value lo, hi
  | { k: 'movi'; rd: number; lo: bigint; hi: bigint }

function ones(n: number): bigint { return (1n << BigInt(n)) - 1n }

function ror(v: bigint, r: number, size: number): bigint {
  if (r === 0) return v
  const b = BigInt(r), s = BigInt(size)
  return ((v >> b) | (v << (s - b))) & ones(size)
}

function replicate(v: bigint, esize: number, size: number): bigint {
  let out = 0n
  for (let i = 0; i < size; i += esize) out |= v << BigInt(i)
  return out
}

/** The architecture's DecodeBitMasks; null for the reserved encodings. */
export function decodeBitMasks(n: number, imms: number, immr: number, immediate: boolean, size: number): { wmask: bigint; tmask: bigint } | null {
  const combined = (n << 6) | (~imms & 0x3f)
  if (combined === 0) return null
  const len = 31 - Math.clz32(combined)
  if (len < 1) return null
  const levels = (1 << len) - 1
  if (immediate && (imms & levels) === levels) return null
  const s = imms & levels, r = immr & levels
  const d = (s - r) & levels
  const esize = 1 << len
  if (esize > size) return null
  const welem = ones(s + 1)
  const telem = ones(d + 1)
  return { wmask: replicate(ror(welem, r, esize), esize, size), tmask: replicate(telem, esize, size) }
}

function sext(v: number, bits: number): number { return (v << (32 - bits)) >> (32 - bits) }

/** Decodes one word, or returns null when the compiler does not take it. */
export function decodeInsn(w: number): Insn | null {
  w >>>= 0
  const sf = w >>> 31 === 1
  const rd = w & 31, rn = (w >>> 5) & 31, rm = (w >>> 16) & 31
  // ---- data processing, immediate
  if ((w & 0x1f800000) === 0x11000000) {
    const imm = BigInt((w >>> 10) & 0xfff) << BigInt(((w >>> 22) & 1) * 12)
    return { k: 'addi', sf, sub: ((w >>> 30) & 1) === 1, setf: ((w >>> 29) & 1) === 1, rd, rn, imm }
  }
  if ((w & 0x1f800000) === 0x12000000) {
    const nbit = (w >>> 22) & 1
    if (!sf && nbit) return null
    const m = decodeBitMasks(nbit, (w >>> 10) & 63, (w >>> 16) & 63, true, sf ? 64 : 32)
    const opc = (w >>> 29) & 3
    if (!m || (rd === 31 && opc !== 3)) return null // writes to SP: leave to the interpreter
    return { k: 'logi', sf, opc, rd, rn, imm: m.wmask }
  }
  if ((w & 0x1f800000) === 0x12800000) {
    const opc = (w >>> 29) & 3, hw = (w >>> 21) & 3
    if (opc === 1 || (!sf && hw >= 2)) return null
    return { k: 'movw', sf, opc, rd, shift: hw * 16, imm16: (w >>> 5) & 0xffff }
  }
  if ((w & 0x1f800000) === 0x13000000) {
    const opc = (w >>> 29) & 3, nbit = (w >>> 22) & 1
    const immr = (w >>> 16) & 63, imms = (w >>> 10) & 63
    if (opc === 3 || nbit !== (sf ? 1 : 0) || (!sf && (immr >= 32 || imms >= 32))) return null
    const m = decodeBitMasks(nbit, imms, immr, false, sf ? 64 : 32)
    if (!m) return null
    return { k: 'bfm', sf, opc, rd, rn, r: immr, s: imms, wmask: m.wmask, tmask: m.tmask }
  }
  if ((w & 0x7fa00000) === 0x13800000) {
    const lsb = (w >>> 10) & 63
    if (((w >>> 22) & 1) !== (sf ? 1 : 0) || (!sf && lsb >= 32)) return null
    return { k: 'extr', sf, rd, rn, rm, lsb }
  }
  if ((w & 0x1f000000) === 0x10000000) {
    const imm = sext((((w >>> 5) & 0x7ffff) << 2) | ((w >>> 29) & 3), 21)
    const page = sf
    return { k: 'adr', page, rd, imm: page ? BigInt(imm) << 12n : BigInt(imm) }
  }
  // ---- data processing, register
  if ((w & 0x1f000000) === 0x0a000000) {
    const amt = (w >>> 10) & 63
    if (!sf && amt >= 32) return null
    return { k: 'logr', sf, opc: (w >>> 29) & 3, inv: ((w >>> 21) & 1) === 1, rd, rn, rm, type: (w >>> 22) & 3, amt }
  }
  if ((w & 0x1f200000) === 0x0b000000) {
    const type = (w >>> 22) & 3, amt = (w >>> 10) & 63
    if (type === 3 || (!sf && amt >= 32)) return null
    return { k: 'addr', sf, sub: ((w >>> 30) & 1) === 1, setf: ((w >>> 29) & 1) === 1, rd, rn, rm, type, amt }
  }
  if ((w & 0x1fe00000) === 0x0b200000) {
    const amt = (w >>> 10) & 7
    if (amt > 4) return null
    return { k: 'adde', sf, sub: ((w >>> 30) & 1) === 1, setf: ((w >>> 29) & 1) === 1, rd, rn, rm, option: (w >>> 13) & 7, amt }
  }
  if ((w & 0x7fe0f000) === 0x1ac02000) return { k: 'shiftv', sf, type: (w >>> 10) & 3, rd, rn, rm }
  if ((w & 0x7fe0f800) === 0x1ac00800) return { k: 'div', sf, signed: ((w >>> 10) & 1) === 1, rd, rn, rm }
  if ((w & 0x7fffe000) === 0x5ac00000) {
    const opc = (w >>> 10) & 7
    if (opc >= 1 && opc <= 3 && !(opc === 3 && !sf)) return { k: 'rev', sf, opc, rd, rn }
    if (opc === 4) return { k: 'clz', sf, rd, rn }
    return null
  }
  if ((w & 0x3fe00800) === 0x1a800000) {
    return { k: 'csel', sf, inv: ((w >>> 30) & 1) === 1, inc: ((w >>> 10) & 1) === 1, rd, rn, rm, cond: (w >>> 12) & 15 }
  }
  if ((w & 0x3fe00410) === 0x3a400000) {
    return { k: 'ccmp', sf, sub: ((w >>> 30) & 1) === 1, useImm: ((w >>> 11) & 1) === 1, rn, rm, cond: (w >>> 12) & 15, nzcv: w & 15 }
  }
  if ((w & 0x7fe00000) === 0x1b000000) return { k: 'madd', sf, sub: ((w >>> 15) & 1) === 1, rd, rn, rm, ra: (w >>> 10) & 31 }
  // (>>> 0: JavaScript's & is signed, these patterns have bit 31 set.)
  if (((w & 0xff600000) >>> 0) === 0x9b200000) {
    return { k: 'maddl', signed: ((w >>> 23) & 1) === 0, sub: ((w >>> 15) & 1) === 1, rd, rn, rm, ra: (w >>> 10) & 31 }
  }
  // ---- loads and stores (general registers)
  if ((w & 0x3f000000) === 0x39000000) return ldst(w, 'off', BigInt(((w >>> 10) & 0xfff) << (w >>> 30)))
  if ((w & 0x3f000000) === 0x3d000000) {
    const log = vlog(w)
    return log < 0 ? null : ldst(w, 'off', BigInt((w >>> 10) & 0xfff) << BigInt(log))
  }
  if ((w & 0x3b200000) === 0x38000000) {
    const type = (w >>> 10) & 3
    if (type === 2) return null // unprivileged forms
    return ldst(w, type === 0 ? 'off' : type === 1 ? 'post' : 'pre', BigInt(sext((w >>> 12) & 0x1ff, 9)))
  }
  if ((w & 0x3b200c00) === 0x38200800) {
    const option = (w >>> 13) & 7
    if ((option & 2) === 0) return null
    const log = ((w >>> 26) & 1) === 1 ? vlog(w) : w >>> 30
    return ldst(w, 'reg', 0n, rm, option, ((w >>> 12) & 1) === 1 ? log : 0)
  }
  if ((w & 0x3e000000) === 0x2c000000) {
    const opc = w >>> 30, type = (w >>> 23) & 3, load = ((w >>> 22) & 1) === 1
    if (opc === 3) return null
    const size = opc + 2
    const rt = w & 31, rt2 = (w >>> 10) & 31
    if (load && rt === rt2) return null
    const mode = type === 1 ? 'post' : type === 3 ? 'pre' : 'off'
    return { k: 'ldstpv', size, load, rt, rt2, rn, mode, imm: BigInt(sext((w >>> 15) & 0x7f, 7)) << BigInt(size) }
  }
  if ((w & 0x3e000000) === 0x28000000) {
    const opc = w >>> 30, type = (w >>> 23) & 3, load = ((w >>> 22) & 1) === 1
    if (opc !== 0 && opc !== 2) return null
    const size = opc === 2 ? 3 : 2
    const rt = w & 31, rt2 = (w >>> 10) & 31
    const mode = type === 1 ? 'post' : type === 3 ? 'pre' : 'off'
    // Unpredictable forms stay with the interpreter, which defines them.
    if (load && rt === rt2) return null
    if (mode !== 'off' && rn !== 31 && (rn === rt || rn === rt2)) return null
    return { k: 'ldstp', size, load, rt, rt2, rn, mode, imm: BigInt(sext((w >>> 15) & 0x7f, 7) << size) }
  }
  // ---- branches
  if ((w & 0x7c000000) === 0x14000000) return { k: 'b', link: sf, delta: sext(w & 0x3ffffff, 26) * 4 }
  if ((w & 0xff000010) === 0x54000000) return { k: 'bcond', cond: w & 15, delta: sext((w >>> 5) & 0x7ffff, 19) * 4 }
  if ((w & 0x7e000000) === 0x34000000) return { k: 'cbz', sf, nz: ((w >>> 24) & 1) === 1, rt: rd, delta: sext((w >>> 5) & 0x7ffff, 19) * 4 }
  if ((w & 0x7e000000) === 0x36000000) {
    return { k: 'tbz', nz: ((w >>> 24) & 1) === 1, rt: rd, bit: ((w >>> 26) & 32) | ((w >>> 19) & 31), delta: sext((w >>> 5) & 0x3fff, 14) * 4 }
  }
  if (((w & 0xffdffc1f) >>> 0) === 0xd61f0000 || ((w & 0xfffffc1f) >>> 0) === 0xd65f0000) {
    return { k: 'br', rn, link: ((w >>> 21) & 1) === 1 && ((w & 0xfffffc1f) >>> 0) !== 0xd65f0000 }
  }
  // The hint space (NOP, YIELD, BTI, PAC's hint forms, …) runs as NOP,
  // except WFE and WFI, which a system context leaves the run loop for.
  if (((w & 0xfffff01f) >>> 0) === 0xd503201f && w !== 0xd503205f && w !== 0xd503207f) return { k: 'nop' }
  if (((w & 0xffffffc0) >>> 0) === 0xd53bd040) return { k: 'mrs', rt: rd, off: (w & 0x20) !== 0 ? R_TPIDRRO : R_TPIDR }
  if (((w & 0xff60fc00) >>> 0) === 0x9b407c00) return { k: 'mulh', signed: ((w >>> 23) & 1) === 0, rd, rn, rm }
  if (((w & 0x9ff80c00) >>> 0) === 0x0f000400) {
    const v = simdImm((w >>> 29) & 1, (w >>> 12) & 15, ((w >>> 11) & 0xe0) | ((w >>> 5) & 31))
    if (v === null) return null
    return { k: 'movi', rd, lo: v, hi: ((w >>> 30) & 1) === 1 ? v : 0n }
  }
  return null
}

/** MOVI/MVNI's 64-bit immediate (AdvSIMDExpandImm); null for the forms left
 *  to the interpreter (ORR/BIC, which read the register, and FMOV). */
function simdImm(op: number, cmode: number, imm8: number): bigint | null {
  const v = BigInt(imm8)
  let r: bigint
  switch (cmode >>> 1) {
    case 0: case 1: case 2: case 3:
      if (cmode & 1) return null
      r = replicate(v << BigInt((cmode >>> 1) * 8), 32, 64)
      break
    case 4: case 5:
      if (cmode & 1) return null
      r = replicate(v << BigInt(((cmode >>> 1) & 1) * 8), 16, 64)
      break
    case 6:
      r = replicate(cmode & 1 ? (v << 16n) | 0xffffn : (v << 8n) | 0xffn, 32, 64)
      break
    default:
      if (cmode & 1) return null
      if (op === 0) return replicate(v, 8, 64)
      r = 0n
      for (let i = 0; i < 8; i++) if ((imm8 >>> i) & 1) r |= 0xffn << BigInt(i * 8)
      return r
  }
  return op === 1 ? ~r & ones(64) : r
}

/** log2 of the bytes a SIMD&FP load/store moves (4 for Q), -1 if unallocated. */
function vlog(w: number): number {
  const size = w >>> 30, opc = (w >>> 22) & 3
  if (opc >= 2) return size === 0 ? 4 : -1
  return size
}

function ldst(w: number, mode: 'off' | 'pre' | 'post' | 'reg', imm: bigint, rm = 0, option = 0, amt = 0): Insn | null {
  const size = w >>> 30, opc = (w >>> 22) & 3
  const rt = w & 31, rn = (w >>> 5) & 31
  if (((w >>> 26) & 1) === 1) {
    const log = vlog(w)
    if (log < 0) return null
    return { k: 'ldstv', size: log, load: (opc & 1) === 1, rt, rn, mode, imm, rm, option, amt }
  }
  // Writeback to the transferred register is unpredictable: the interpreter defines it.
  if ((mode === 'pre' || mode === 'post') && rn === rt && rn !== 31) return null
  if (opc === 0 || opc === 1) {
    return { k: 'ldst', size, load: opc === 1, ext: 0, rt, rn, mode, imm, rm, option, amt }
  }
  if (size === 3) return opc === 2 && mode !== 'pre' && mode !== 'post' ? { k: 'nop' } : null // PRFM
  if (size === 2 && opc === 3) return null
  return { k: 'ldst', size, load: true, ext: opc === 2 ? 64 : 32, rt, rn, mode, imm, rm, option, amt }
}

export const MAX_REGION = JIT_MAX_REGION

/** A region: decoded instructions from `start` on, in execution order, with
 *  the page word each came from (`at`) and the word execution continues at
 *  after the last one (`next`, -1 when the last one always branches). It
 *  stops before the first word the compiler does not take, and at an
 *  unconditional branch — unless an earlier branch jumps past it (an
 *  if/else body follows), or it is a B or BL to a word not yet in the
 *  region, which the region then follows (the shared tail of a switch case,
 *  a call into the same page), or the RET of such a call, after which it
 *  continues at the call's return address (checked against X30 when run). */
export interface Region {
  start: number
  insns: Insn[]
  at: number[]
  next: number
}

export function scanRegion(words: Uint32Array, start: number): Region | null {
  const insns: Insn[] = []
  const at: number[] = []
  const seen = new Set<number>()
  let furthest = -1 // furthest in-page forward target of the straight-line part
  const calls: number[] = [] // return words of the BLs the region followed
  let i = start
  let next = start
  for (;;) {
    if (insns.length >= MAX_REGION || i < 0 || i >= words.length || seen.has(i)) { next = i; break }
    const ins = decodeInsn(words[i])
    if (!ins) { next = i; break }
    insns.push(ins)
    at.push(i)
    seen.add(i)
    const t = 'delta' in ins ? i + ins.delta / 4 : -1
    const forward = t > i && t < words.length
    const jump = ins.k === 'b' || (ins.k === 'bcond' && ins.cond >= 14)
    if (jump || ins.k === 'br') {
      // Only an *earlier* branch past this one keeps the scan going straight.
      if (furthest > i) {
        if (forward) furthest = Math.max(furthest, t)
        i++
        continue
      }
      if (ins.k === 'b' && t !== start && t >= 0 && t < words.length && !seen.has(t)) {
        // A call into this page: the region runs the callee and, if it
        // returns by RET, the code after the call.
        if (ins.link) calls.push(i + 1)
        insns[insns.length - 1] = { ...ins, follow: true }
        furthest = -1
        i = t
        continue
      }
      const back = calls.length ? calls[calls.length - 1] : -1
      if (ins.k === 'br' && ins.rn === 30 && !ins.link && back >= 0 && back < words.length && !seen.has(back)) {
        calls.pop()
        insns[insns.length - 1] = { ...ins, ret: back }
        furthest = -1
        i = back
        continue
      }
      next = -1
      break
    }
    if (forward) furthest = Math.max(furthest, t)
    i++
  }
  // A region must hold more than the entry instruction to be worth a call.
  return insns.length >= 2 ? { start, insns, at, next } : null
}
