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
 * - `regs`: the user-mode registers (an emulated CPU context).
 * - `trap`: why the upcall happened (what l4_vcpu_state_t's r.err/pfa say).
 * - `ipc`: label and tag of an IPC or IRQ delivered by the upcall.
 *
 * For a native thread the "entry point" is the return of its pending
 * vcpu_resume (or of the receive during which the event arrived): the
 * generator is resumed with an upcall result and reads the reason here.
 *
 * Extended state (VCPU_CONTROL_EXT) is for hardware-assisted VMs: the user
 * task is a Vm and user mode is guest EL1/EL0 under stage-2 translation; the
 * VM issue fills in `ext` (HCR, SCTLR, timer offset, GIC list registers).
 */
export const enum TrapKind {
  None = 0,
  /** svc/undefined/brk/alignment in user mode: see `trap.syndrome`, `trap.svcImm`. */
  Exception = 1,
  /** A user-mode access to an unmapped page or without the right: `trap.pfa`, `trap.access`. */
  PageFault = 2,
  /** An Irq object bound to this vCPU fired: `ipc.label`. */
  Irq = 3,
  /** An IPC arrived: `ipc.label`, `ipc.tag`, message in the UTCB. */
  Ipc = 4,
  /** Extended mode: a VM exit. */
  VmExit = 5,
}

export const enum ExcClass {
  Svc = 1,
  Brk = 2,
  Undefined = 3,
  Alignment = 4,
}

export interface VcpuTrap {
  kind: TrapKind
  excClass: number
  svcImm: number
  /** The faulting instruction word for undefined instructions, or the CPU's syndrome. */
  syndrome: number
  pfa: number
  /** Access (1 read, 2 write, 4 execute). */
  access: number
  pc: number
}

export interface VcpuState {
  state: number
  savedState: number
  sticky: number
  userTask: number
  /** The user-mode register context (an emulated CPU context handle). */
  regs: unknown
  readonly trap: VcpuTrap
  readonly ipc: { label: number; tag: number }
  extended: boolean
  ext: Record<string, number>
}

export function newVcpuState(regs: unknown, extended = false): VcpuState {
  return {
    state: 0,
    savedState: 0,
    sticky: 0,
    userTask: 0,
    regs,
    trap: { kind: TrapKind.None, excClass: 0, svcImm: 0, syndrome: 0, pfa: 0, access: 0, pc: 0 },
    ipc: { label: 0, tag: 0 },
    extended,
    ext: {},
  }
}
