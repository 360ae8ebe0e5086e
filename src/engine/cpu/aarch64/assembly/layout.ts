// Linear-memory layout of the AArch64 core. Everything lives at fixed
// offsets so that the TypeScript side can read registers through plain typed
// array views and so that the hot loop addresses state with constant offsets.
// Memory is grown once, in init(); it never grows afterwards, so host views
// are never detached.
//
//   0 .. 64 KiB          AssemblyScript static data (decode-table strings)
//   CTX_BASE             register blocks, one per emulated thread (CTX_BYTES)
//   CORE_BASE            per-core state: exit record, exclusive monitor, TLBs
//   DECODE_BASE          decode table (mask, value, op) parsed at init
//   SCRATCH_BASE         the REFETCH entry, SIMD scratch vectors, block-compiler state
//   SLOTMAP_BASE         i32 per 4 KiB RAM page: decoded-code slot or -1
//   SLOTPPN_BASE         i32 per slot: the RAM page it caches
//   TRACK_BASE           u8 per 4 KiB RAM page: write tracking (mmu.ts)
//   CODE_BASE            decoded-code slots (one 4 KiB guest page each)
//   RAM_BASE             guest physical RAM (ramBytes)

import { C_TLB_R, CTX_BYTES, TLB_ENTRIES as SHARED_TLB_ENTRIES, TLB_ENTRY_BYTES } from '../core-layout'

export const CTX_BASE: u32 = 1 << 20
export const MAX_CTX: u32 = 2048

export const CORE_BASE: u32 = CTX_BASE + CTX_BYTES * MAX_CTX // 5 MiB
export const MAX_CORES: u32 = 16
/** Entries per access kind, direct mapped (they cover 16 MiB); as u32 for the loops here. */
export const TLB_ENTRIES: u32 = SHARED_TLB_ENTRIES
export const TLB_MASK: u32 = TLB_ENTRIES - 1
export const TLB_BYTES: u32 = TLB_ENTRIES * TLB_ENTRY_BYTES
export const CORE_HDR: u32 = C_TLB_R
export const CORE_BYTES: u32 = CORE_HDR + 3 * TLB_BYTES + 256 // header + read/write/exec TLBs

export const DECODE_BASE: u32 = CORE_BASE + CORE_BYTES * MAX_CORES
export const DECODE_MAX_ROWS: u32 = 2048
export const DECODE_BYTES: u32 = DECODE_MAX_ROWS * 12

/** The REFETCH entry and the SIMD scratch registers (below SLOTMAP_BASE). */
export const SCRATCH_BASE: u32 = 9 << 20

// Block compiler (exec.ts, ../jit/): per-target counters of taken
// branches (hashed), the original op|aux of every entry a compiled function
// was installed at (indexed by table index), one "has compiled entries" byte
// per slot.
export const HOT_BASE: u32 = SCRATCH_BASE + 0x10000 // u16 × HOT_ENTRIES
export const HOT_ENTRIES: u32 = 4096
export const SLOTJIT_BASE: u32 = SCRATCH_BASE + 0x18000 // u8 × NSLOTS
export const JITSIDE_BASE: u32 = SCRATCH_BASE + 0x20000 // u32 × JIT_MAX_FNS
export const JIT_MAX_FNS: u32 = 65536
/** The GICv3 state block (core-layout.ts GIC_*), after the block compiler's tables. */
export const GIC_BASE: u32 = SCRATCH_BASE + 0x60000

export const SLOTMAP_BASE: u32 = 10 << 20 // up to 512 Ki pages (2 GiB) * 4 bytes = 2 MiB
export const NSLOTS: u32 = 2048
export const SLOTPPN_BASE: u32 = 12 << 20
/** u8 per RAM page (up to 512 Ki pages: 512 KiB, after SLOTPPN's NSLOTS × 4 bytes and below CODE_BASE). */
export const TRACK_BASE: u32 = SLOTPPN_BASE + (512 << 10)
export const SLOT_ENTRIES: u32 = 1025 // 1024 instructions + the page-end sentinel
export const ENTRY_BYTES: u32 = 16 // [insn u32][op u16][aux u16][imm u64]
export const SLOT_BYTES: u32 = SLOT_ENTRIES * ENTRY_BYTES
export const CODE_BASE: u32 = 13 << 20
export const RAM_BASE: u32 = 48 << 20 // CODE_BASE + NSLOTS * SLOT_BYTES < 48 MiB

// The register block, the exit record and the access/exit codes are shared
// with the TypeScript side (../core-layout.ts, ../../core-abi.ts).
export {
  CTX_BYTES, R_X, R_XZR, R_SP, R_PC, R_NF, R_ZF, R_CF, R_VF, R_FPCR, R_FPSR, R_TPIDR, R_TPIDRRO, R_EL, R_V,
  C_REASON, C_ACCESS, C_RETIRED, C_PC, C_FAULT, C_IMM, C_SYNDROME, C_IPA, C_IRQ_LINES, TLB_ENTRY_HOST, TLB_ENTRY_RAM,
  CTX_USER_BYTES, R_MODE, R_PSTATE, R_SYSREGS, R_SPALIGN, C_JIT_MISS, JIT_MAX_REGION,
} from '../core-layout'

// Per-core header (at CORE_BASE + core * CORE_BYTES), after the exit record.
export const C_EX_VALID: u32 = 40 // u32: exclusive monitor holds an address
export const C_EX_SIZE: u32 = 44 // u32 bytes (16 for a 64-bit pair)
export const C_EX_ADDR: u32 = 48 // u64
export const C_EX_LO: u32 = 56 // u64 value seen by the load-exclusive
export const C_EX_HI: u32 = 64 // u64 (pairs)
export const C_ASID_HI: u32 = 72 // u32: asid >> 12 the TLB was filled under
export const C_INSTRET: u32 = 80 // f64: instructions retired on this core in total
export const C_CNTVOFF: u32 = 88 // f64
export const C_LAST_SYS: u32 = 120 // u32: the system context whose translations the TLB holds (0: tasks')
export const C_TIMER_LINES: u32 = 124 // u32: the generic timers' output lines (timer.ts)
export const C_LAST_KEY: u32 = 128 // i32: the host key (a VM's VMID) C_LAST_SYS ran under
export const C_TLB: u32 = CORE_HDR // read TLB; write at +TLB_BYTES; exec at +2*TLB_BYTES
