/**
 * The architecture-neutral CPU core contract: what the kernel (and a board)
 * needs from an emulated CPU. A core runs a register context in an address
 * space for a budget of instructions and says why it stopped (a CoreExit,
 * with details in a reused record, so an exit allocates nothing). Misses of
 * its soft TLB come back through the `Translate` callback the core was
 * created with (the kernel's memory spaces answer it).
 *
 * Each architecture supplies a context type tagged with its name, so code
 * that needs the registers of one architecture narrows a `CoreContext` by
 * `arch` instead of casting (kernel/arch/, apps/lx/arch/).
 */
import type { Access, CoreExit } from './core-abi'
import type { Aarch64Context } from './aarch64/context'
import type { X86_64Context } from './x86_64/context'

export { CoreExit, Access, TranslateFault } from './core-abi'

/** The register file of one emulated thread, of some architecture. */
export type CoreContext = Aarch64Context | X86_64Context

export type CoreArch = CoreContext['arch']

/** Every architecture a core exists for (today the same as the kernel's: both cores run its threads). */
export type CpuArch = CoreArch

/**
 * What every architecture's context offers the kernel: the PC and SP (the
 * kernel starts threads and moves a PC when an exception handler says so),
 * and whole-file snapshots (a vCPU switching between user threads).
 */
export interface ContextBase<A extends CpuArch = CoreArch> {
  readonly arch: A
  /** The PC as a number (addresses are below 2^53). */
  readonly pcNum: number
  setPc(v: bigint): void
  setSp(v: bigint): void
  /** Zeroes every register. */
  reset(): void
  snapshot(): Uint8Array
  restore(bytes: Uint8Array): void
}

/**
 * The last exit of a core. Fields that do not apply to an exit keep stale
 * values; read them by exit kind:
 * - DataAbort, InstructionAbort, Alignment: faultAddress (VA), access, syndrome;
 * - Stage2Abort: faultAddress (VA if known), ipa, access, syndrome;
 * - Syscall, Breakpoint, Hvc, Smc: imm;
 * - Undefined: syndrome = the instruction word;
 * - SysReg: syndrome (AArch64: ESR_EL2 ISS of a trapped MSR/MRS/SYS).
 */
export interface ExitDetails {
  /** Instructions retired by the run that ended with this exit. */
  retired: number
  /** Where the context stopped (what its PC holds now). */
  pc: number
  faultAddress: number
  /** The intermediate physical address of a stage-2 fault. */
  ipa: number
  access: Access
  /** The immediate of SVC/HVC/SMC/BRK. */
  imm: number
  /** ESR_ELx-shaped syndrome (AArch64), or the undefined instruction word. */
  syndrome: number
}

/**
 * Looks up a page for the running address space: the RAM offset of the 4 KiB
 * physical page holding `vaddr`, or a TranslateFault. `vaddr` is exact.
 */
export type Translate = (asid: number, vaddr: number, access: Access) => number

export interface CompilerStats {
  regions: number
  instructions: number
  failed: number
  /** Instructions retired by compiled code, and calls of compiled regions (where the core counts them). */
  retired?: number
  calls?: number
}

export interface Core<C extends ContextBase<CpuArch> = CoreContext> {
  readonly arch: C['arch']
  /** Board RAM as the core sees it (its linear memory), for the host's copies. */
  readonly ram: Uint8Array
  /** How many cores share this RAM. */
  readonly cores: number
  /** A fresh, zeroed register context. */
  allocContext(): C
  freeContext(ctx: C): void
  run(core: number, ctx: C, asid: number, budget: number): CoreExit
  /** The last exit of `core`; the same object every time (read it before the next run). */
  details(core: number): ExitDetails
  flushTlb(asid?: number): void
  flushTlbPage(asid: number, vaddr: number): void
  /** The host wrote RAM: decoded or compiled code there is stale. */
  invalidateCode(ramOffset: number, bytes: number): void
  /**
   * Write tracking of RAM pages, where the core has it: the host learns which
   * pages guest stores (or host writes) touched without comparing them (a
   * display's framebuffer). A page starts tracked as written.
   */
  trackWrites?(ramPage: number, on: boolean): void
  /** For each tracked RAM page `pages[i]`: written[i] = 1 if it was written since the last call, else 0; returns how many were. */
  takeWrites?(pages: Int32Array, written: Uint8Array): number
  /** Sets `core`'s counter (CNTPCT) to `ticks` now; it counts on with the instructions retired. */
  setCounter?(core: number, ticks: number): void
  /** Breaks the exclusive monitor of `core` (a context switch). */
  clearExclusive(core: number): void
  /** What the core's code compiler did, if it has one (for --stats and the UI). */
  compilerStats?(): CompilerStats
}
