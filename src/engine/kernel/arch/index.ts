/**
 * The architecture parts of the kernel, chosen by the board's core: how a
 * core's exits become exception classes, and the extended vCPU state of a
 * VM. One module per architecture beside this one.
 */
import type { CoreArch } from '../../cpu/core'
import type { CoreExit } from '../../cpu/core-abi'
import type { ExcClass } from '../vcpu'
import { aarch64ExcClass, newAarch64VcpuExt, type Aarch64VcpuExt } from './aarch64'

export type VcpuExt = Aarch64VcpuExt

export interface KernelArch {
  /** The exception class of a user-mode exit that is not a page fault. */
  excClass(exit: CoreExit): ExcClass
  /** A zeroed extended vCPU state (vcpu_control with EXT). */
  newVcpuExt(): VcpuExt
}

const ARCHES: { [A in CoreArch]: KernelArch } = {
  aarch64: { excClass: aarch64ExcClass, newVcpuExt: newAarch64VcpuExt },
}

export function kernelArch(arch: CoreArch): KernelArch {
  return ARCHES[arch]
}
