// The x86-64 core's layouts that both sides read: the register block of an
// emulated thread, the per-core exit record, the soft-TLB entry and the CPUID
// values the core reports. The core (assembly/), its TypeScript side
// (x86_64-core.ts, context.ts) and the tests import this one file, written in
// the subset of TypeScript that AssemblyScript compiles too: plain integer
// constants.

// ---- register block (one per emulated thread; CTX_BYTES each) --------------
export const CTX_BYTES = 1024
/** RAX RCX RDX RBX RSP RBP RSI RDI R8..R15 at 8 * i (the ModRM numbering). */
export const R_GPR = 0
export const R_RSP = 32
export const R_RIP = 128
/**
 * RFLAGS. The six arithmetic flags (OF SF ZF AF PF CF) live here only while
 * R_CC_OP is CcOp.EFLAGS; otherwise they are computed on demand from the last
 * flag-setting operation (R_CC_*), as QEMU's cc_op does. Every exit from run()
 * materializes them here and sets CcOp.EFLAGS, so the host only ever reads and
 * writes this word.
 */
export const R_RFLAGS = 136
/** u32: CcOp * 4 + log2(operand bytes). */
export const R_CC_OP = 144
/** The result of the last flag-setting operation. */
export const R_CC_DST = 152
/** Its second operand (the first is recomputed from result and second). */
export const R_CC_SRC = 160
/** The carry into ADC/SBB, or CF before INC/DEC (which keep it). */
export const R_CC_SRC2 = 168
export const R_FS_BASE = 176
export const R_GS_BASE = 184
/** u32 MXCSR (SSE control/status), reset 0x1F80. */
export const R_MXCSR = 192
/** XMM0..XMM15, 16 bytes each, lowest byte first. */
export const R_XMM = 256
/** x87 state (assembly/x87.ts). */
export const R_X87 = 512
/** u16 x87 control word (FNSTCW/FLDCW), 0x37F after FNINIT. */
export const R_FCW = R_X87
/** u16 x87 status word (FNSTSW); TOP, the stack top's physical register, in bits 13:11. */
export const R_FSW = R_X87 + 2
/** u8 abridged tag word, as FXSAVE stores it: bit i set = physical register i holds a value (0 = all empty, as after FNINIT). */
export const R_FTW = R_X87 + 4
/** Physical registers R0..R7, 16 bytes each: the significand (u64, explicit integer bit) then the sign/exponent word (u16). */
export const R_ST = R_X87 + 16
/** FCW after FNINIT and reset: all exceptions masked, 64-bit precision, round to nearest. */
export const FCW_INIT = 0x37f

// ---- the FXSAVE image (SDM vol. 1, table 10-2, 64-bit format) ---------------
// Written by the FXSAVE instruction (assembly/x87.ts) and by lx's signal
// frames (context.ts saveFpState); the x87 pointers FIP/FDP/FOP read 0.
export const FX_SIZE = 512
export const FX_FCW = 0
export const FX_FSW = 2
/** The abridged tag word (one bit per physical register), as R_FTW holds it. */
export const FX_FTW = 4
export const FX_MXCSR = 24
export const FX_MXCSR_MASK = 28
/** ST0..ST7 (not physical order), 16 bytes each: 10 bytes of value, 6 reserved. */
export const FX_ST = 32
export const FX_XMM = 160
/** MXCSR bits that may be set: DAZ (bit 6) is not implemented, so FXSAVE's mask clears it (as CPUs without DAZ). */
export const MXCSR_MASK = 0xffbf

/** The flag-setting operation kinds of R_CC_OP (docs/cpu-x86_64.md, "Flags"). */
export const enum CcOp {
  /** Flags are in R_RFLAGS. */
  EFLAGS = 0,
  ADD = 1,
  SUB = 2,
  ADC = 3,
  SBB = 4,
  /** AND/OR/XOR/TEST: CF = OF = AF = 0. */
  LOGIC = 5,
  INC = 6,
  DEC = 7,
}

/** RFLAGS bits. */
export const enum Fl {
  CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400, OF = 0x800,
  AC = 0x40000, ID = 0x200000,
  /** The arithmetic flags the lazy state covers. */
  ARITH = 0x8d5,
  /** Bit 1 reads as one. */
  FIXED = 0x2,
}

// ---- per-core exit record (at the start of each core's state) --------------
export const C_REASON = 0 // u32: CoreExit
export const C_ACCESS = 4 // u32: Access of a fault
export const C_RETIRED = 8 // f64: instructions retired by the last run
export const C_PC = 16 // u64: the RIP the context stopped at
export const C_FAULT = 24 // u64: the faulting virtual address
export const C_IMM = 32 // u32: exception vector of CoreExit.Exception
/** u32: the instruction's first four bytes (Undefined), or a page-fault error code (bit 1 write, bit 4 fetch). */
export const C_SYNDROME = 36

// ---- soft TLB (per core, per access kind, direct mapped; assembly/mmu.ts) ----
export const TLB_ENTRIES = 4096
/** An entry: [tag u64 = page address | asid & 0xFFF][host address u32][RAM offset u32]. */
export const TLB_ENTRY_BYTES = 16
export const TLB_ENTRY_HOST = 8
export const TLB_ENTRY_RAM = 12

// ---- decoded-instruction cache entry (assembly/dcache.ts; read by jit/) ----
// The block compiler builds its regions from these entries, so both read the
// one decoder's output (docs/cpu-x86_64.md, "Block compiler").
export const DC_KEY = 0 // u32: RAM offset + 1 (0 = empty)
export const DC_GEN = 4 // u32: generation of its page when filled
export const DC_OP = 8 // u16: the generated Op
export const DC_OSZ = 10 // u8 operand size
export const DC_ASZ = 11 // u8 address size
export const DC_REX = 12 // u8
export const DC_REP = 13 // u8
export const DC_OPCODE = 14 // u8
export const DC_LEN = 15 // u8 instruction length
export const DC_REG = 16 // u8
export const DC_RM = 17 // u8
export const DC_FLAGS = 18 // u8: dcache.ts F_*
export const DC_BASE = 19 // u8
export const DC_INDEX = 20 // u8
export const DC_SCALE = 21 // u8
export const DC_ZREG = 22 // u8
export const DC_VVVV = 23 // u8
export const DC_DISP = 24 // u64
export const DC_IMM = 32 // u64
export const DC_IMM2 = 40 // u64
/** u16: function-table index of the compiled region starting here (0 = none). */
export const DC_JIT_FN = 48
/** i16: arrivals by a taken branch, towards the compile threshold (negative: back-off after a refusal). */
export const DC_JIT_HOT = 50
// DC_FLAGS bits.
export const DCF_MEM = 1
export const DCF_BASE_RSP = 2
export const DCF_RIPREL = 4
export const DCF_HAS_BASE = 8
export const DCF_HAS_INDEX = 16
export const DCF_FS = 32
export const DCF_GS = 64
/** The most guest instructions in one pass of a compiled region (jit/). */
export const JIT_MAX_REGION = 64

// ---- CPUID: exactly what the core implements --------------------------------
// Leaf 0 vendor "L4LabL4LabCP" (EBX, EDX, ECX order), highest basic leaf 7.
export const CPUID_VENDOR_EBX = 0x614c344c // "L4La"
export const CPUID_VENDOR_EDX = 0x4c344c62 // "bL4L"
export const CPUID_VENDOR_ECX = 0x50436261 // "abCP"
export const CPUID_MAX_BASIC = 7
/** Leaf 1 EAX: family 6, model 0, stepping 0. */
export const CPUID_1_EAX = 0x600
/**
 * Leaf 1 EDX: TSC (4), CX8 (8), CMOV (15), FXSR (24), SSE (25), SSE2 (26):
 * the XMM instructions and FXSAVE/FXRSTOR run (docs/cpu-x86_64.md lists
 * the gaps: MMX-register forms, MXCSR rounding modes and exception flags).
 * No FPU (x87: its transcendental instructions are missing) or MMX until
 * they are implemented.
 */
export const CPUID_1_EDX = (1 << 4) | (1 << 8) | (1 << 15) | (1 << 24) | (1 << 25) | (1 << 26)
/** Leaf 1 ECX: SSE3 (0; MONITOR, bit 3, is not reported), POPCNT (23). */
export const CPUID_1_ECX = (1 << 0) | (1 << 23)
/** Leaf 7.0 EBX: BMI1 (3), BMI2 (8). */
export const CPUID_7_EBX = (1 << 3) | (1 << 8)
export const CPUID_MAX_EXT = 0x80000001
/** Leaf 0x80000001 ECX: LAHF/SAHF in 64-bit mode (0), LZCNT (5). */
export const CPUID_81_ECX = (1 << 0) | (1 << 5)
/** Leaf 0x80000001 EDX: SYSCALL (11), long mode (29). */
export const CPUID_81_EDX = (1 << 11) | (1 << 29)
/** RDTSC counts this many ticks per second of virtual time: one per retired instruction. */
export const TSC_HZ = 100000000
