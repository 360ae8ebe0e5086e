/**
 * What the kernel needs from an emulated CPU (see src/engine/cpu/aarch64 for
 * the AArch64 implementation): run a register context in an address space
 * for a budget of instructions and say why it stopped. Translation misses
 * come back to the kernel through the `translate` callback the core was
 * created with (see Kernel.translate).
 */
export const enum CpuExit {
  Budget = 0,
  Svc = 1,
  Brk = 2,
  Undefined = 3,
  DataAbort = 4,
  InstructionAbort = 5,
  Alignment = 6,
}

export const enum Access {
  Read = 1,
  Write = 2,
  Execute = 4,
}

export interface ExitDetails {
  retired: number
  pc: number
  faultAddress: number
  access: number
  svcImm: number
  syndrome: number
}

export interface ExecCore {
  readonly ram: Uint8Array
  allocContext(): unknown
  freeContext(ctx: unknown): void
  run(core: number, ctx: unknown, asid: number, budget: number): CpuExit
  details(core: number): ExitDetails
  flushTlb(asid?: number): void
  flushTlbPage(asid: number, vaddr: number): void
  invalidateCode(ramOffset: number, bytes: number): void
  clearExclusive(core: number): void
  /** What a core's code compiler did, if it has one (for --stats and the UI). */
  compilerStats?(): { regions: number; instructions: number; failed: number }
}

/** Translation answers to the CPU: a RAM offset, or one of these. */
export const TRANSLATION_FAULT = -1
export const PERMISSION_FAULT = -2
