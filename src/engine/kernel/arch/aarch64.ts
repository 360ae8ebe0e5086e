/**
 * The AArch64 parts of the kernel: the register file a vCPU's user mode runs
 * with, the extended vCPU state of a VM (what Fiasco keeps in the ARM vCPU
 * state area for a guest: HCR_EL2, SCTLR_EL1, CNTVOFF_EL2, VMPIDR_EL2 and the
 * GIC virtual CPU interface), and how the core's exits map to the kernel's
 * exception classes.
 */
import type { Aarch64Context } from '../../cpu/aarch64/context'
import type { CoreContext } from '../../cpu/core'
import { CoreExit } from '../../cpu/core-abi'
import { ExcClass } from '../vcpu'

/** The user registers of an AArch64 vCPU (X0–X30, SP, PC, NZCV, FPCR/FPSR, TPIDR, V0–V31). */
export type Aarch64Regs = Aarch64Context

/** A vCPU's registers as AArch64 registers, or null when they are another architecture's (or absent). */
export function aarch64Regs(regs: CoreContext | null): Aarch64Regs | null {
  return regs !== null && regs.arch === 'aarch64' ? regs : null
}

/** List registers of the virtual GIC CPU interface (GIC-400 and GICv3 CPU interfaces of Cortex-A57 class cores have 4). */
export const GIC_LIST_REGISTERS = 4

/** The extended vCPU state of an AArch64 VM, switched by the kernel on VM entry and exit. */
export interface Aarch64VcpuExt {
  readonly arch: 'aarch64'
  /** HCR_EL2: trap and routing controls while the guest runs. */
  hcr: bigint
  /** SCTLR_EL1 of the guest. */
  sctlr: bigint
  /** CNTVOFF_EL2: the guest's virtual counter is the physical one minus this. */
  cntvoff: bigint
  /** VMPIDR_EL2: what the guest reads as MPIDR_EL1. */
  vmpidr: bigint
  /** ICH_HCR_EL2 and ICH_VMCR_EL2 of the virtual GIC CPU interface. */
  gicHcr: number
  gicVmcr: number
  /** ICH_LR<n>_EL2: the virtual interrupts the hypervisor injects. */
  readonly gicLr: BigUint64Array
}

export function newAarch64VcpuExt(): Aarch64VcpuExt {
  return { arch: 'aarch64', hcr: 0n, sctlr: 0n, cntvoff: 0n, vmpidr: 0n, gicHcr: 0, gicVmcr: 0, gicLr: new BigUint64Array(GIC_LIST_REGISTERS) }
}

/**
 * The exception class an exit from user mode (EL0) raises. HVC and SMC are
 * undefined at EL0, WFI traps only where the kernel asks for it (it does
 * not: a user-mode WFI retires as a hint), so what is not a system call,
 * breakpoint or alignment fault is an undefined instruction.
 */
export function aarch64ExcClass(exit: CoreExit): ExcClass {
  switch (exit) {
    case CoreExit.Syscall:
      return ExcClass.Syscall
    case CoreExit.Breakpoint:
      return ExcClass.Breakpoint
    case CoreExit.Alignment:
      return ExcClass.Alignment
    default:
      return ExcClass.Undefined
  }
}
