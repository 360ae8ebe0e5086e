// The decoded-instruction cache: decoding is most of an interpreted
// instruction's cost, so a decoded instruction is kept, keyed by the RAM
// offset of its first byte, and run again from its entry. The entry holds
// everything decode.ts produces except what depends on registers: the memory
// operand is kept as its recipe (base, index, scale, displacement,
// RIP-relative, segment), and the address is computed each time.
//
// Direct mapped, DCACHE_ENTRIES entries of 64 bytes:
//   0 u32 key (RAM offset + 1; 0 = empty)   4 u32 generation of its page
//   8 u16 op  10 u8 osz  11 u8 asz  12 u8 rex  13 u8 rep  14 u8 opcode  15 u8 len
//  16 u8 reg  17 u8 rm  18 u8 flags  19 u8 base  20 u8 index  21 u8 scale  22 u8 zreg  23 u8 vvvv
//  24 u64 displacement (or absolute offset)  32 u64 imm  40 u64 imm2
//  48 u16 compiled region starting here (table index)  50 i16 its hotness counter
// (../core-layout.ts DC_*, which the block compiler reads too.)
// An entry is valid while its page's generation (mmu.ts, code pages) is the
// one it was filled under; only instructions that lie within one page are kept.
import { DCACHE_BASE, DCACHE_ENTRIES, DCACHE_ENTRY_BYTES } from './layout'
import { markCode, pageGen } from './mmu'
import {
  DCF_BASE_RSP, DCF_FS, DCF_GS, DCF_HAS_BASE, DCF_HAS_INDEX, DCF_MEM, DCF_RIPREL, DC_GEN, DC_JIT_FN, DC_KEY,
} from '../core-layout'

export const F_MEM: u32 = DCF_MEM
export const F_BASE_RSP: u32 = DCF_BASE_RSP
export const F_RIPREL: u32 = DCF_RIPREL
export const F_HAS_BASE: u32 = DCF_HAS_BASE
export const F_HAS_INDEX: u32 = DCF_HAS_INDEX
export const F_FS: u32 = DCF_FS
export const F_GS: u32 = DCF_GS

@inline export function entryFor(ramOff: u32): u32 {
  return DCACHE_BASE + (((ramOff ^ (ramOff >>> 14)) & (DCACHE_ENTRIES - 1)) * DCACHE_ENTRY_BYTES)
}

/** The entry for the instruction at `ramOff` if it is cached and current, else 0. */
@inline export function lookup(ramOff: u32): u32 {
  const e = entryFor(ramOff)
  if (load<u32>(e, DC_KEY) == ramOff + 1 && load<u32>(e, DC_GEN) == pageGen(ramOff >>> 12)) return e
  return 0
}

/** Claims the entry for `ramOff` (its page becomes a code page) and returns it for the caller to fill. */
export function claim(ramOff: u32): u32 {
  const ppn = ramOff >>> 12
  markCode(ppn)
  const e = entryFor(ramOff)
  store<u32>(e, ramOff + 1, DC_KEY)
  store<u32>(e, pageGen(ppn), DC_GEN)
  // A new instruction here: no compiled region, a fresh count (exec.ts).
  store<u32>(e, 0, DC_JIT_FN)
  return e
}

export function clearAll(): void { memory.fill(DCACHE_BASE, 0, DCACHE_ENTRIES * DCACHE_ENTRY_BYTES) }
