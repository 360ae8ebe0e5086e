// Linear-memory layout of the x86-64 core. Fixed offsets, so the TypeScript
// side reads registers through plain typed-array views; memory is grown once
// in init() and never again, so host views are never detached.
//
//   0 .. 1 MiB      AssemblyScript static data (the generated decoder's tables)
//   CTX_BASE        register blocks, one per emulated thread (CTX_BYTES)
//   CORE_BASE       per-core state: exit record, counters, three soft TLBs
//   DCACHE_BASE     decoded-instruction cache (dcache.ts)
//   PAGEGEN_BASE    u32 per RAM page: its code generation (a write to a code page bumps it)
//   PAGECODE_BASE   u8 per RAM page: 1 when decoded instructions of it are cached
//   RAM_BASE        guest physical RAM (ramBytes)
import { CTX_BYTES, TLB_ENTRIES as SHARED_TLB_ENTRIES, TLB_ENTRY_BYTES } from '../core-layout'

export const CTX_BASE: u32 = 1 << 20
export const MAX_CTX: u32 = 2048
export const CORE_BASE: u32 = CTX_BASE + CTX_BYTES * MAX_CTX // 3 MiB
export const MAX_CORES: u32 = 16
export const TLB_ENTRIES: u32 = SHARED_TLB_ENTRIES
export const TLB_MASK: u32 = TLB_ENTRIES - 1
export const TLB_BYTES: u32 = TLB_ENTRIES * TLB_ENTRY_BYTES
export const CORE_HDR: u32 = 256
export const CORE_BYTES: u32 = CORE_HDR + 3 * TLB_BYTES // header + read/write/exec TLBs
export const DCACHE_BASE: u32 = 13 << 19 // 6.5 MiB: CORE_BASE + CORE_BYTES * MAX_CORES < 6.1 MiB
export const DCACHE_ENTRIES: u32 = 16384
export const DCACHE_ENTRY_BYTES: u32 = 64
export const PAGEGEN_BASE: u32 = 8 << 20 // DCACHE_BASE + 1 MiB = 7.5 MiB; 512 Ki pages (2 GiB of RAM) * 4 bytes
export const PAGECODE_BASE: u32 = 10 << 20 // 512 Ki pages * 1 byte
export const RAM_BASE: u32 = 12 << 20

// Per-core header, after the exit record (../core-layout.ts C_*).
export const C_ASID_HI: u32 = 72 // u32: asid >> 12 the TLB was filled under
export const C_INSTRET: u32 = 80 // f64: instructions retired on this core in total
export const C_TSCOFF: u32 = 88 // f64: RDTSC reads instret + this
export const C_TLB: u32 = CORE_HDR // read TLB; write at +TLB_BYTES; exec at +2*TLB_BYTES

export {
  CTX_BYTES, R_GPR, R_RSP, R_RIP, R_RFLAGS, R_CC_OP, R_CC_DST, R_CC_SRC, R_CC_SRC2, R_FS_BASE, R_GS_BASE, R_MXCSR, R_XMM, R_FCW, R_FSW, R_FTW, R_ST, FCW_INIT,
  C_REASON, C_ACCESS, C_RETIRED, C_PC, C_FAULT, C_IMM, C_SYNDROME, TLB_ENTRY_HOST, TLB_ENTRY_RAM,
} from '../core-layout'
