/**
 * The vCPU state area (l4sys vcpu.h: l4_vcpu_state_t), as the kernel and a
 * native vCPU thread share it. In L4Re it is a page of user memory; here it
 * is an object both sides hold, with the same fields:
 *
 * - `state` and `savedState`: VcpuF flags (IRQ, PAGE_FAULTS, EXCEPTIONS,
 *   USER_MODE, FPU_ENABLED). On an upcall the kernel copies state to
 *   savedState and clears USER_MODE and IRQ (the handler runs with IRQs off).
 * - `sticky`: IRQ_PENDING, set when an IRQ or IPC arrives while IRQs are off.
 * - `userTask`: the task user mode runs in (L4Re: a capability selector in the
 *   state area; here the capability index in the vCPU thread's own task).
 * - `regs`: the user-mode registers (an emulated CPU context of the board's
 *   architecture; vcpu_control fills it in). Code for one architecture
 *   narrows it by `regs.arch` (kernel/arch/).
 * - `trap`: why the upcall happened (what l4_vcpu_state_t's r.err/pfa say).
 * - `ipc`: label and tag of an IPC or IRQ delivered by the upcall.
 *
 * For a native thread the "entry point" is the return of its pending
 * vcpu_resume (or of the receive during which the event arrived): the
 * generator is resumed with an upcall result and reads the reason here.
 *
 * Extended state (VCPU_CONTROL_EXT) is for hardware-assisted VMs: the user
 * task is a Vm and user mode is guest EL1/EL0 under stage-2 translation; its
 * architecture's part (ARM: HCR, SCTLR, timer offset, GIC list registers)
 * lives in `ext` (kernel/arch/).
 */
import type { CoreContext } from '../cpu/core'
import type { VcpuExt } from './arch'

export const enum TrapKind {
  None = 0,
  /** A system call, breakpoint, undefined instruction or alignment fault in user mode: see `trap.excClass`. */
  Exception = 1,
  /** A user-mode access to an unmapped page or without the right: `trap.pfa`, `trap.access`. */
  PageFault = 2,
  /** An Irq object bound to this vCPU fired: `ipc.label`. */
  Irq = 3,
  /** An IPC arrived: `ipc.label`, `ipc.tag`, message in the UTCB. */
  Ipc = 4,
  /**
   * Extended mode: a VM exit. `trap.imm` is the core's exit (CoreExit:
   * Stage2Abort, Hvc, Smc, Wfi, SysReg, Irq…), `trap.syndrome` its
   * ESR-shaped syndrome (for Irq: the INTID of the timer that fired),
   * `trap.pfa` the IPA of a stage-2 abort, `trap.pc` the guest's PC.
   */
  VmExit = 5,
}

/**
 * The exception classes of the exception protocol (MR0 of an exception IPC,
 * `trap.excClass` of an upcall), whatever instruction raised them.
 */
export const enum ExcClass {
  /** AArch64 SVC, x86-64 SYSCALL. */
  Syscall = 1,
  /** AArch64 BRK, x86-64 INT3. */
  Breakpoint = 2,
  Undefined = 3,
  Alignment = 4,
  /** x86-64 #DE (integer division by zero or overflow). */
  Arithmetic = 5,
  /** x86-64 #GP (a privileged instruction, a misaligned SSE operand, a non-canonical address). */
  Protection = 6,
}

export interface VcpuTrap {
  kind: TrapKind
  excClass: ExcClass | 0
  /** The immediate of the instruction that trapped (SVC #imm, BRK #imm). */
  imm: number
  /** The faulting instruction word for undefined instructions, or the CPU's syndrome. */
  syndrome: number
  pfa: number
  /** Access (1 read, 2 write, 4 execute). */
  access: number
  pc: number
}

/** A vCPU state area. A class, so the kernel can tell a real one from any other payload. */
export class VcpuState {
  state = 0
  savedState = 0
  sticky = 0
  userTask = 0
  /** The user-mode register context; null until vcpu_control gives one. */
  regs: CoreContext | null = null
  readonly trap: VcpuTrap = { kind: TrapKind.None, excClass: 0, imm: 0, syndrome: 0, pfa: 0, access: 0, pc: 0 }
  readonly ipc = { label: 0, tag: 0 }
  /** Extended mode (VCPU_CONTROL_EXT): the user task is a Vm. */
  extended = false
  /** The architecture's extended state; null while not extended. */
  ext: VcpuExt | null = null
}

export function newVcpuState(): VcpuState {
  return new VcpuState()
}
