/**
 * The architecture parts of the kernel, chosen by the board's core: how a
 * core's exits become exception classes, and the extended vCPU state of a
 * VM. One module per architecture beside this one.
 */
import type { CoreArch } from '../../cpu/core'
import type { CoreExit } from '../../cpu/core-abi'
import type { ExcClass } from '../vcpu'
import type { CoreContext } from '../../cpu/core'
import { aarch64EnterVm, aarch64ExcClass, aarch64LeaveVm, newAarch64VcpuExt, type Aarch64VcpuExt } from './aarch64'
import { x86_64ExcClass } from './x86_64'

export type VcpuExt = Aarch64VcpuExt

export interface KernelArch {
  /** The exception class of a user-mode exit that is not a page fault (`imm`: the exit's immediate or vector). */
  excClass(exit: CoreExit, imm: number): ExcClass
  /** A zeroed extended vCPU state (vcpu_control with EXT); null where VMs are not modelled. */
  newVcpuExt(): VcpuExt | null
  /** Loads a VM's extended state into its vCPU context before it runs; false when they do not fit together. */
  enterVm(regs: CoreContext, ext: VcpuExt): boolean
  /** Saves what the guest changed of the extended state after it ran. */
  leaveVm(regs: CoreContext, ext: VcpuExt): void
}

const ARCHES: { [A in CoreArch]: KernelArch } = {
  aarch64: { excClass: aarch64ExcClass, newVcpuExt: newAarch64VcpuExt, enterVm: aarch64EnterVm, leaveVm: aarch64LeaveVm },
  // No VMX: no extended state, so no vCPU of this board ever enters a Vm.
  x86_64: { excClass: x86_64ExcClass, newVcpuExt: () => null, enterVm: () => false, leaveVm: () => {} },
}

export function kernelArch(arch: CoreArch): KernelArch {
  return ARCHES[arch]
}
