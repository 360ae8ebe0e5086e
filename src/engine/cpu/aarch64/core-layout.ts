// The AArch64 core's layouts that both sides read: the register block of an
// emulated thread, the per-core exit record, the soft-TLB entry that compiled
// code probes, and the ID register values the core reports. The core (assembly/layout.ts, assembly/sysreg.ts), its
// TypeScript side (aarch64-core.ts, context.ts) and the block compiler
// (jit/codegen.ts) all import this file, which is written in the subset of
// TypeScript that AssemblyScript compiles too: plain integer constants.

// ---- register block (one per emulated thread; CTX_BYTES each) --------------
// X31 reads as zero through the XZR slot; SP_EL0 sits right after it so that
// "register 31 means SP" is one select in the interpreter.
export const CTX_BYTES = 2048
/** The user state (X, SP, PC, flags, FP, V): what a task's thread snapshots. */
export const CTX_USER_BYTES = 1024
/** X0..X30 at 8 * i. */
export const R_X = 0
/** Always zero; a write to XZR is undone at once. */
export const R_XZR = 248
export const R_SP = 256
export const R_PC = 264
// Flags kept as QEMU does: N is the sign of NF, Z is set when ZF == 0, C is
// CF (0/1), V is the sign of VF. 32-bit results are stored sign-extended.
export const R_NF = 272
export const R_ZF = 280
export const R_CF = 288
export const R_VF = 296
/** FPCR and FPSR, u32 each. */
export const R_FPCR = 304
export const R_FPSR = 308
export const R_TPIDR = 312
export const R_TPIDRRO = 320
/** u32: the exception level the context runs at (0 for now). */
export const R_EL = 328
/** V0..V31, 16 bytes each, lane 0 at the lowest address. */
export const R_V = 512

// ---- privileged state (system contexts only; docs/cpu-aarch64-system.md) ---
/** u32: how the context runs (SysMode bits); 0 for a task's EL0 context. */
export const R_MODE = 1024
/** u32: PSTATE's other fields as SPSR has them: DAIF (9:6), PAN (22), SPSel (0), IL (20). */
export const R_PSTATE = 1028
/**
 * u32: 15 when SP alignment checking is on for the code running now
 * (SCTLR_ELx.SA, SA0 at EL0) — a load or store whose base is an SP with any
 * of those low bits set faults — else 0. The system layer sets it before
 * each run; the interpreter and compiled code read it.
 */
export const R_SPALIGN = 1032
/** The system registers, 8 bytes each, at R_SYSREGS + 8 * SysReg. */
export const R_SYSREGS = 1040

export const enum SysMode {
  /** EL0–EL2 state; exceptions are taken in the guest. */
  System = 1,
  /** EL2 is the host: what goes to EL2 is an exit (a VM under our kernel). */
  HostEl2 = 2,
}

/** The system registers of a system context, by slot. */
export const enum SysReg {
  SP_EL0 = 0, SP_EL1, SP_EL2,
  ELR_EL1, ELR_EL2, SPSR_EL1, SPSR_EL2, ESR_EL1, ESR_EL2, FAR_EL1, FAR_EL2, HPFAR_EL2,
  VBAR_EL1, VBAR_EL2, SCTLR_EL1, SCTLR_EL2, TCR_EL1, TCR_EL2, TTBR0_EL1, TTBR1_EL1, TTBR0_EL2,
  MAIR_EL1, MAIR_EL2, AMAIR_EL1, AMAIR_EL2, CONTEXTIDR_EL1, TPIDR_EL1, TPIDR_EL2, CPACR_EL1,
  ACTLR_EL1, ACTLR_EL2, AFSR0_EL1, AFSR1_EL1, AFSR0_EL2, AFSR1_EL2, PAR_EL1, MDSCR_EL1,
  HCR_EL2, VTCR_EL2, VTTBR_EL2, VPIDR_EL2, VMPIDR_EL2, CPTR_EL2, HSTR_EL2, MDCR_EL2,
  CNTHCTL_EL2, CNTVOFF_EL2, CNTKCTL_EL1, CNTP_CTL, CNTP_CVAL, CNTV_CTL, CNTV_CVAL, CNTHP_CTL, CNTHP_CVAL,
  ICH_HCR, ICH_VMCR, ICH_AP1R0, ICH_LR0, ICH_LR1, ICH_LR2, ICH_LR3,
  OSLSR, MPIDR_EL1,
  /**
   * Not an architectural register: for a host-EL2 context, the timers
   * (bit 0 EL1 physical, bit 1 virtual) whose firing the host has been told
   * of and not yet seen deactivated — the mask a hypervisor holds on a
   * forwarded timer PPI until the guest deactivates it (vgic.ts).
   */
  HOST_TMASK,
  COUNT,
}

// ---- per-core exit record (at the start of each core's state) --------------
export const C_REASON = 0 // u32: CoreExit
export const C_ACCESS = 4 // u32: Access of a fault
export const C_RETIRED = 8 // f64: instructions retired by the last run
export const C_PC = 16 // u64: the PC the context stopped at
export const C_FAULT = 24 // u64: the faulting virtual address
export const C_IMM = 32 // u32: SVC/HVC/SMC/BRK immediate
export const C_SYNDROME = 36 // u32: ESR_ELx-shaped syndrome, or the undefined instruction word
export const C_IPA = 104 // u64: the physical (or intermediate physical) address of a Stage2Abort
/** u32: the core's interrupt lines as the board drives them (bit 0 IRQ, bit 1 FIQ). */
export const C_IRQ_LINES = 112
/**
 * u64: the address a compiled region's first access missed the soft TLB at,
 * before it retired anything (the region returns -1 for a read, -2 for a
 * write). The run loop fills the TLB and calls the region again instead of
 * interpreting it until it is hot once more (jit/codegen.ts access()).
 */
export const C_JIT_MISS = 248
/** The most guest instructions in one compiled region (jit/region.ts). */
export const JIT_MAX_REGION = 256
/** The read TLB follows the core's header (write and execute TLBs after it); compiled code gets its address. */
export const C_TLB_R = 256

// ---- soft TLB (per core, per access kind, direct mapped; assembly/mmu.ts) ----
export const TLB_ENTRIES = 4096
/** An entry: [tag u64 = page address | asid & 0xFFF][host address u32][RAM offset u32]. */
export const TLB_ENTRY_BYTES = 16
export const TLB_ENTRY_HOST = 8
export const TLB_ENTRY_RAM = 12

// ---- ID registers: exactly what the core implements -----------------------
/** Implementer 'L' (0x4c), architecture 0xf, part 0x001, revision 0. */
export const ID_MIDR = 0x4c0f0010
/** IminLine 16 words, DminLine 16 words, ERG/CWG 16, VIPT L1 I-cache. */
export const ID_CTR = 0x84448004
/** DC ZVA zeroes 64 bytes. */
export const ID_DCZID = 4
/** ID_AA64ISAR0: nothing beyond v8.0 but CRC32 ([19:16] = 1). */
export const ID_ISAR0 = 0x10000
export const ID_ISAR1 = 0
/** ID_AA64PFR0: EL0/EL1 AArch64 only (1); FP and AdvSIMD implemented (0); no GIC system registers. */
export const ID_PFR0 = 0x11
/** ID_AA64MMFR0: 48-bit PA (5), 16-bit ASIDs (2 at [7:4]), 4 KiB granule only (TGran64 = 0xF). */
export const ID_MMFR0 = 0x0f000025
/** Virtual counter frequency: one tick per retired instruction, i.e. a counter that reads as if the core ran at 100 MIPS (DESIGN.md decision 5). */
export const CNTFRQ_HZ = 100000000
