// What every CPU core and the kernel agree on: why a core stopped, the kinds
// of memory access, and the answers of the translation callback. Written in
// the subset of TypeScript that AssemblyScript compiles as well, so the
// cores (assembly/) and the TypeScript side import this one file and no
// value is copied by hand (scripts/build/cores.mjs rebuilds a core when a
// file like this one, reached from its assembly/, changes).

/**
 * Why `Core.run` returned. The details (PC, fault address, syndrome…) are in
 * the core's exit record (`Core.details`). The names are the events; each
 * architecture maps its instructions onto them (noted per value).
 */
export const enum CoreExit {
  /** The instruction budget is used up; the context simply continues. */
  Budget = 0,
  /** A system call: AArch64 SVC (imm = its immediate, PC after it), x86-64 SYSCALL. */
  Syscall = 1,
  /** A breakpoint instruction: AArch64 BRK (PC on it), x86-64 INT3. */
  Breakpoint = 2,
  /** An undefined or unallocated instruction (syndrome = the instruction word). */
  Undefined = 3,
  /** A stage-1 translation or permission fault on a load or store. */
  DataAbort = 4,
  /** A stage-1 translation or permission fault on an instruction fetch. */
  InstructionAbort = 5,
  /** A misaligned PC, SP or access that the architecture faults on. */
  Alignment = 6,
  /** A hypervisor call: AArch64 HVC #imm from EL1, x86 VMCALL. */
  Hvc = 7,
  /** A secure monitor call: AArch64 SMC #imm (no EL3: it traps to the hypervisor). */
  Smc = 8,
  /** WFI/WFE (x86: HLT): nothing to run until an interrupt or event. */
  Wfi = 9,
  /** A trapped system-register access or system instruction (MSR/MRS/SYS; x86 RDMSR/WRMSR/CPUID). */
  SysReg = 10,
  /** A stage-2 fault: the guest's intermediate physical address is not mapped (or not with the right), MMIO included. */
  Stage2Abort = 11,
  /** A physical interrupt is pending for the core and unmasked. */
  Irq = 12,
  /** An architectural exception no other exit names (x86: #DE, #GP…): imm = the vector, PC on the instruction. */
  Exception = 13,
}

/** Memory access kinds, as bits (a translation asks for one). */
export const enum Access {
  Read = 1,
  Write = 2,
  Execute = 4,
}

/** The translation callback's answers besides a RAM offset (which is ≥ 0). */
export const enum TranslateFault {
  /** Nothing is mapped at the address. */
  Translation = -1,
  /** Something is mapped, without the right for this access. */
  Permission = -2,
}
