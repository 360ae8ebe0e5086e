// Linear-memory layout of the x86-64 core. Fixed offsets, so the TypeScript
// side reads registers through plain typed-array views; memory is grown once
// in init() and never again, so host views are never detached.
//
//   0 .. 1 MiB      AssemblyScript static data (the generated decoder's tables)
//   CTX_BASE        register blocks, one per emulated thread (CTX_BYTES)
//   CORE_BASE       per-core state: exit record, counters, three soft TLBs
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
export const RAM_BASE: u32 = 8 << 20 // CORE_BASE + CORE_BYTES * MAX_CORES < 7 MiB

// Per-core header, after the exit record (../core-layout.ts C_*).
export const C_ASID_HI: u32 = 72 // u32: asid >> 12 the TLB was filled under
export const C_INSTRET: u32 = 80 // f64: instructions retired on this core in total
export const C_TSCOFF: u32 = 88 // f64: RDTSC reads instret + this
export const C_TLB: u32 = CORE_HDR // read TLB; write at +TLB_BYTES; exec at +2*TLB_BYTES

export {
  CTX_BYTES, R_GPR, R_RSP, R_RIP, R_RFLAGS, R_CC_OP, R_CC_DST, R_CC_SRC, R_CC_SRC2, R_FS_BASE, R_GS_BASE, R_MXCSR, R_XMM,
  C_REASON, C_ACCESS, C_RETIRED, C_PC, C_FAULT, C_IMM, C_SYNDROME, TLB_ENTRY_HOST, TLB_ENTRY_RAM,
} from '../core-layout'
