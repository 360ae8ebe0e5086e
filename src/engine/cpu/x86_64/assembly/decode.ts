// Instruction decoding: prefixes, REX, the opcode maps, ModRM/SIB,
// displacements and immediates — all driven by the attribute words the
// generator derived from encodings.table (./generated/decoder.ts). Decoding
// happens as the instruction runs (register values are read for the
// effective address), fetching bytes through the execute TLB; a fetch that
// faults leaves the fault in mmu.gFault and nothing changed.
import { Access, CoreExit } from '../../core-abi'
import { OPMAP, GROUPS } from './generated/decoder'
import { R_FS_BASE, R_GS_BASE } from './layout'
import { asidLow, gFault, pageHost, tlbX } from './mmu'
import { F_BASE_RSP, F_FS, F_GS, F_HAS_BASE, F_HAS_INDEX, F_MEM, F_RIPREL, claim, lookup } from './dcache'
import { RAM_BASE, TLB_ENTRY_HOST, TLB_MASK } from './layout'
import {
  ctx, gpr, raiseExit, rip, setDecoded, setEa, setImm, setModrm, setRip, setSegBase, setStartRip, setVvvv, setZreg,
  osz as sOsz, asz as sAsz, rex as sRex, rep as sRep, opcode as sOpcode, reg as sReg, rm as sRm, isMem as sIsMem,
  zreg as sZreg, vvvv as sVvvv, imm as sImm, imm2 as sImm2,
} from './state'

// Attribute word (scripts/build/x86-decoder.mjs, A / Imm / Size).
const OP_MASK: u32 = 0x3ff
const A_MODRM: u32 = 1 << 10
const IMM_SHIFT: u32 = 11
const SIZE_SHIFT: u32 = 15
const A_GROUP: u32 = 1 << 17
const A_LOCK: u32 = 1 << 18
const A_ZREG: u32 = 1 << 19
const A_STRICT: u32 = 1 << 20
const A_LZ: u32 = 1 << 21
const A_NOVVVV: u32 = 1 << 22
const IMM_IB: u32 = 1
const IMM_IW: u32 = 2
const IMM_IZ: u32 = 3
const IMM_IV: u32 = 4
const IMM_IW_IB: u32 = 5
const IMM_MOFFS: u32 = 6
const IMM_JZ: u32 = 7
const SIZE_BYTE: u32 = 1
const SIZE_D64: u32 = 2
const SIZE_F64: u32 = 3

/** The architectural limit on instruction length. */
const MAX_LEN: u32 = 15

// Fetch state: the host range of the page being fetched from (fetchPtr the
// next byte, fetchEnd its page end) and the guest address of fetchBase.
// The instruction's length is derived from them, so the per-byte fetch is a
// compare, a load and an increment.
let fetchBaseVa: u64 = 0
let fetchBase: u32 = 0
let fetchPtr: u32 = 0
let fetchEnd: u32 = 0
let startVa: u64 = 0
// The code page the last fetch used (page address, host address): within
// one run translations only get added, so the next instruction on the same
// page needs no TLB lookup. run() forgets it on entry (the host may have
// changed mappings between runs).
let codePage: u64 = <u64>-1
let codeHost: u32 = 0
export function forgetCodePage(): void { codePage = <u64>-1 }

/** Bytes of the current instruction fetched so far. */
@inline function fetched(): u32 { return <u32>(fetchBaseVa - startVa) + (fetchPtr - fetchBase) }

/** The next byte is on another page (or fetching starts): translate it. 0 after a fault (fetchPtr stays at fetchEnd). */
function refill(): u32 {
  const va = fetchBaseVa + <u64>(fetchPtr - fetchBase)
  const h = pageHost(va, Access.Execute)
  if (h == 0) return 0
  codePage = va & ~<u64>0xFFF
  codeHost = h
  fetchBaseVa = va
  fetchBase = h + (<u32>va & 0xFFF)
  fetchPtr = fetchBase + 1
  fetchEnd = h + 4096
  return <u32>load<u8>(fetchBase)
}

@inline function fetch8(): u32 {
  if (fetchPtr == fetchEnd) return refill()
  const b = <u32>load<u8>(fetchPtr)
  fetchPtr++
  return b
}

function fetchN(n: u32): u64 {
  if (fetchPtr + n <= fetchEnd) {
    const p = fetchPtr
    fetchPtr += n
    if (n == 4) return <u64>load<u32>(p)
    if (n == 1) return <u64>load<u8>(p)
    if (n == 2) return <u64>load<u16>(p)
    return load<u64>(p)
  }
  let v: u64 = 0
  for (let i: u32 = 0; i < n; i++) v |= <u64>fetch8() << (<u64>i * 8)
  return v
}

/** The first four bytes of the instruction just decoded (the Undefined exit's syndrome); its pages were fetched, so reading them cannot fault. */
export function firstBytes(): u32 {
  const n = min<u32>(fetched(), 4)
  let v: u32 = 0
  for (let i: u32 = 0; i < n; i++) {
    const va = startVa + <u64>i
    const h = pageHost(va, Access.Execute)
    if (h == 0) break
    v |= <u32>load<u8>(h + (<u32>va & 0xFFF)) << (i * 8)
  }
  return v
}

@inline function sx8(v: u64): u64 { return <u64>(<i64>(<i8>v)) }
@inline function sx16(v: u64): u64 { return <u64>(<i64>(<i16>v)) }
@inline function sx32(v: u64): u64 { return <u64>(<i64>(<i32>v)) }

/**
 * Decodes the instruction at RIP. Returns its op (>= 0; 0 = undefined, whose
 * handler raises the exit) with state.ts's fields set and RIP moved past it,
 * or -1 when fetching faulted or the instruction is too long (exit raised).
 */
/**
 * Decodes the instruction at RIP (from the decoded-instruction cache when it
 * is there). Returns its op (>= 0; 0 = undefined, whose handler raises the
 * exit) with state.ts's fields set and RIP moved past it, or -1 when fetching
 * faulted or the instruction is too long (exit raised).
 */
export function decode(): i32 {
  const start = rip
  let host: u32 = 0
  if ((start & ~<u64>0xFFF) == codePage) host = codeHost
  else {
    host = pageHost(start, Access.Execute)
    if (host == 0) { setStartRip(start); return -1 }
    codePage = start & ~<u64>0xFFF
    codeHost = host
  }
  const ramOff = host - RAM_BASE + (<u32>start & 0xFFF)
  const e = lookup(ramOff)
  if (e != 0) return fromEntry(e, start)
  const op = decodeFresh()
  // Keep it when it decoded, lies within its page and raised nothing.
  if (op > 0 && gFault == 0 && fetchBaseVa == start) toEntry(claim(ramOff), op)
  return op
}

/**
 * The cached entry of the instruction at RIP, or 0 when it is not cached or
 * its page is not in the execute TLB: a probe without side effects (no fill,
 * no fault), for the run loop's look for a compiled region (exec.ts).
 */
export function peekEntry(): u32 {
  const start = rip
  const page = start & ~<u64>0xFFF
  let host: u32 = 0
  if (page == codePage) host = codeHost
  else {
    const e = tlbX + ((<u32>(start >>> 12) & TLB_MASK) << 4)
    if (load<u64>(e) != (page | asidLow)) return 0
    host = load<u32>(e, TLB_ENTRY_HOST)
  }
  return lookup(host - RAM_BASE + (<u32>start & 0xFFF))
}

// The memory operand's recipe, as decodeFresh found it (for the cache).
let rBase: u32 = 0
let rIndex: u32 = 0
let rScale: u32 = 0
let rDisp: u64 = 0
let rFlags: u32 = 0

/** The effective address of a recipe for the instruction ending at `next`. */
@inline function effectiveAddress(flags: u32, base: u32, index: u32, scale: u32, disp: u64, asz32: bool, next: u64): u64 {
  let a = disp
  if ((flags & F_HAS_BASE) != 0) a += gpr(base)
  if ((flags & F_HAS_INDEX) != 0) a += gpr(index) << <u64>scale
  if ((flags & F_RIPREL) != 0) a += next
  if (asz32) a &= 0xFFFFFFFF
  if ((flags & (F_FS | F_GS)) != 0) a += load<u64>(ctx + ((flags & F_FS) != 0 ? R_FS_BASE : R_GS_BASE))
  return a
}

function toEntry(e: u32, op: i32): void {
  store<u16>(e, <u16>op, 8)
  store<u8>(e, <u8>sOsz, 10)
  store<u8>(e, <u8>sAsz, 11)
  store<u8>(e, <u8>sRex, 12)
  store<u8>(e, <u8>sRep, 13)
  store<u8>(e, <u8>sOpcode, 14)
  store<u8>(e, <u8>fetched(), 15)
  store<u8>(e, <u8>sReg, 16)
  store<u8>(e, <u8>sRm, 17)
  store<u8>(e, <u8>(rFlags | (sIsMem ? F_MEM : 0)), 18)
  store<u8>(e, <u8>rBase, 19)
  store<u8>(e, <u8>rIndex, 20)
  store<u8>(e, <u8>rScale, 21)
  store<u8>(e, <u8>sZreg, 22)
  store<u8>(e, <u8>sVvvv, 23)
  store<u64>(e, rDisp, 24)
  store<u64>(e, sImm, 32)
  store<u64>(e, sImm2, 40)
}

function fromEntry(e: u32, start: u64): i32 {
  setStartRip(start)
  // The fetch state describes this instruction too (its length; firstBytes()).
  startVa = start
  fetchBaseVa = start
  fetchBase = 0
  fetchPtr = <u32>load<u8>(e, 15)
  fetchEnd = 0
  const asz = <u32>load<u8>(e, 11)
  setDecoded(<u32>load<u8>(e, 10), asz, <u32>load<u8>(e, 12), <u32>load<u8>(e, 13), <u32>load<u8>(e, 14))
  const flags = <u32>load<u8>(e, 18)
  const mem = (flags & F_MEM) != 0
  setModrm(<u32>load<u8>(e, 16), <u32>load<u8>(e, 17), mem)
  // The segment base too: LEA, string instructions and MOV moffs read it, and a cached
  // entry must not see the one of the instruction before (an FS-relative load then LEA).
  setSegBase((flags & (F_FS | F_GS)) == 0 ? 0 : load<u64>(ctx + ((flags & F_FS) != 0 ? R_FS_BASE : R_GS_BASE)))
  setZreg(<u32>load<u8>(e, 22))
  setVvvv(<u32>load<u8>(e, 23))
  setImm(load<u64>(e, 32), load<u64>(e, 40))
  const next = start + <u64>load<u8>(e, 15)
  setRip(next)
  if (mem) {
    setEa(effectiveAddress(flags, <u32>load<u8>(e, 19), <u32>load<u8>(e, 20), <u32>load<u8>(e, 21), load<u64>(e, 24), asz == 4, next), (flags & F_BASE_RSP) != 0)
  }
  return <i32>load<u16>(e, 8)
}

function decodeFresh(): i32 {
  const start = rip
  setStartRip(start)
  startVa = start
  fetchBaseVa = start
  if ((start & ~<u64>0xFFF) == codePage) {
    fetchBase = codeHost + (<u32>start & 0xFFF)
    fetchPtr = fetchBase
    fetchEnd = codeHost + 4096
  } else {
    fetchBase = 0
    fetchPtr = 0
    fetchEnd = 0
  }
  let osz16 = false
  let asz32 = false
  let repPfx: u32 = 0
  let lock = false
  let rexB: u32 = 0
  let segKind: u32 = 0
  let b: u32 = 0
  // Prefixes; a REX counts only right before the opcode.
  while (true) {
    b = fetch8()
    if (gFault != 0) return -1
    if (fetched() > MAX_LEN) { raiseExit(CoreExit.Exception, 13); return -1 }
    if ((b & 0xF0) == 0x40) { rexB = b; continue }
    if (b == 0x66) osz16 = true
    else if (b == 0x67) asz32 = true
    else if (b == 0xF2 || b == 0xF3) repPfx = b
    else if (b == 0xF0) lock = true
    else if (b == 0x64) segKind = F_FS
    else if (b == 0x65) segKind = F_GS
    else if (b != 0x2E && b != 0x36 && b != 0x3E && b != 0x26) break
    rexB = 0
  }
  let rexv = rexB
  let map: u32 = 0
  let attr: u32 = 0
  if (b == 0xC4 || b == 0xC5) {
    // VEX (C4/C5 are never LES/LDS in 64-bit mode). Its R, X, B, W act as REX's,
    // pp is the mandatory-prefix class and mmmmm the map (VEX maps are 5-7 of OPMAP).
    // A legacy 66/F2/F3, LOCK or REX before it makes the instruction undefined.
    const v1 = fetch8()
    let v2: u32 = 0
    let mm: u32 = 1
    let x: u32 = 0
    let bb: u32 = 0
    if (b == 0xC4) {
      v2 = fetch8()
      mm = v1 & 31
      x = ((~v1) >> 6) & 1
      bb = ((~v1) >> 5) & 1
    } else v2 = v1 & 0x7F // C5: the R vvvv L pp byte, W = 0, X = B = 0
    b = fetch8()
    if (gFault != 0) return -1
    const bad = rexB != 0 || osz16 || repPfx != 0 || lock || mm == 0 || mm > 3
    rexv = 0x40 | (((v2 >> 7) & 1) << 3) | ((((~v1) >> 7) & 1) << 2) | (x << 1) | bb
    map = 4 + mm
    setVvvv(((~v2) >> 3) & 15)
    if (!bad) {
      attr = unchecked(OPMAP[map * 1024 + (v2 & 3) * 256 + b])
      if ((attr & A_LZ) != 0 && (v2 & 4) != 0) attr = 0
      if ((attr & A_NOVVVV) != 0 && (v2 & 0x78) != 0x78) attr = 0
    }
    if (attr == 0) return 0 // undefined: fetched up to the opcode
  } else if (b == 0x0F) {
    b = fetch8()
    map = 1
    if (b == 0x38) { map = 2; b = fetch8() } else if (b == 0x3A) { map = 3; b = fetch8() }
    if (gFault != 0) return -1
  }
  // The opcode maps; in the 0F maps a 66/F3/F2 may select another row
  // (a mandatory prefix), in which case it is not a size or REP prefix.
  if (map == 0) attr = unchecked(OPMAP[b])
  else if (map < 4) {
    const base = map * 1024 + b
    if (repPfx != 0) {
      attr = unchecked(OPMAP[base + (repPfx == 0xF3 ? 512 : 768)])
      if (attr != 0) repPfx = 0
    }
    if (attr == 0 && osz16) {
      attr = unchecked(OPMAP[base + 256])
      if (attr != 0) osz16 = false
    }
    if (attr == 0) {
      attr = unchecked(OPMAP[base])
      // An SSE row is a different instruction with any of these prefixes (one not implemented yet).
      if ((attr & A_STRICT) != 0 && (repPfx != 0 || osz16)) attr = 0
    }
  }
  let modrm: u32 = 0
  if ((attr & A_MODRM) != 0) {
    modrm = fetch8()
    if (gFault != 0) return -1
    if ((attr & A_GROUP) != 0) attr = unchecked(GROUPS[((attr & OP_MASK) << 4) + (((modrm >> 3) & 7) << 1) + (modrm >= 0xC0 ? 1 : 0)])
  }
  const w = (rexv & 8) != 0
  const sizeClass = (attr >> SIZE_SHIFT) & 3
  let osz: u32 = w ? 8 : osz16 ? 2 : 4
  if (sizeClass == SIZE_BYTE) osz = 1
  else if (sizeClass == SIZE_D64) osz = osz16 && !w ? 2 : 8
  else if (sizeClass == SIZE_F64) osz = 8
  setDecoded(osz, asz32 ? 4 : 8, rexv, repPfx, b)
  setSegBase(segKind == 0 ? 0 : load<u64>(ctx + (segKind == F_FS ? R_FS_BASE : R_GS_BASE)))
  if ((attr & A_ZREG) != 0) setZreg((b & 7) | ((rexv & 1) << 3))

  // ModRM, SIB, displacement: the memory operand's recipe.
  let flags: u32 = segKind
  let base: u32 = 0
  let index: u32 = 0
  let scale: u32 = 0
  let disp: u64 = 0
  let isMem = false
  if ((attr & A_MODRM) != 0) {
    const mod = modrm >> 6
    const r = ((modrm >> 3) & 7) | ((rexv & 4) << 1)
    const m = (modrm & 7) | ((rexv & 1) << 3)
    isMem = mod != 3
    if (isMem) {
      flags |= F_HAS_BASE
      base = m
      if ((modrm & 7) == 4) {
        const sib = fetch8()
        const idx = ((sib >> 3) & 7) | ((rexv & 2) << 2)
        base = (sib & 7) | ((rexv & 1) << 3)
        if (idx != 4) { flags |= F_HAS_INDEX; index = idx; scale = sib >> 6 }
        if ((sib & 7) == 5 && mod == 0) { flags &= ~F_HAS_BASE; disp = sx32(fetchN(4)) }
      } else if ((modrm & 7) == 5 && mod == 0) {
        flags = (flags & ~F_HAS_BASE) | F_RIPREL
        disp = sx32(fetchN(4))
      }
      if ((flags & F_HAS_BASE) != 0 && base == 4) flags |= F_BASE_RSP
      if (mod == 1) disp += sx8(fetchN(1))
      else if (mod == 2) disp += sx32(fetchN(4))
    }
    setModrm(r, m, isMem)
  } else setModrm(0, 0, false)

  // Immediates.
  const kind = (attr >> IMM_SHIFT) & 15
  let imm: u64 = 0
  let imm2: u64 = 0
  if (kind == IMM_IB) imm = sx8(fetchN(1))
  else if (kind == IMM_IW) imm = fetchN(2)
  else if (kind == IMM_IZ) imm = osz == 2 ? sx16(fetchN(2)) : sx32(fetchN(4))
  else if (kind == IMM_IV) imm = osz == 8 ? fetchN(8) : osz == 2 ? fetchN(2) : fetchN(4)
  else if (kind == IMM_IW_IB) { imm = fetchN(2); imm2 = fetchN(1) }
  else if (kind == IMM_JZ) imm = sx32(fetchN(4))
  else if (kind == IMM_MOFFS) {
    disp = asz32 ? fetchN(4) : fetchN(8)
    isMem = true
    setModrm(0, 0, true)
  }
  if (gFault != 0) return -1
  const len = fetched()
  if (len > MAX_LEN) { raiseExit(CoreExit.Exception, 13); return -1 }
  setImm(imm, imm2)
  const next = start + <u64>len
  setRip(next)
  rFlags = flags; rBase = base; rIndex = index; rScale = scale; rDisp = disp
  if (isMem) setEa(effectiveAddress(flags, base, index, scale, disp, asz32, next), (flags & F_BASE_RSP) != 0)
  // LOCK only on the rows that allow it, with a memory operand.
  if (lock && ((attr & A_LOCK) == 0 || !isMem)) return 0
  return <i32>(attr & OP_MASK)
}
