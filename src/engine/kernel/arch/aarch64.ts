/**
 * The AArch64 parts of the kernel: the register file a vCPU's user mode runs
 * with, the extended vCPU state of a VM (what Fiasco keeps in the ARM vCPU
 * state area for a guest: HCR_EL2, SCTLR_EL1, CNTVOFF_EL2, VMPIDR_EL2 and the
 * GIC virtual CPU interface), and how the core's exits map to the kernel's
 * exception classes.
 */
import type { Aarch64Context } from '../../cpu/aarch64/context'
import { SysMode, SysReg } from '../../cpu/aarch64/core-layout'
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

type VcpuExt = Aarch64VcpuExt

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

/**
 * HCR_EL2 while a guest runs. The kernel keeps stage 2 on (VM), physical
 * interrupts and SErrors at EL2 (IMO, FMO, AMO: they are the kernel's), SMC
 * trapped (TSC: there is no EL3 behind it) and EL1 in AArch64 (RW); the VMM
 * chooses the rest of what it may: the virtual IRQ/FIQ/SError lines (VI,
 * VF, VSE), WFI/WFE traps, ID and virtual-memory-control traps.
 */
const HCR_FORCED = (1n << 0n) | (1n << 3n) | (1n << 4n) | (1n << 5n) | (1n << 19n) | (1n << 31n)
const HCR_VMM = (1n << 6n) | (1n << 7n) | (1n << 8n) | (1n << 13n) | (1n << 14n) | (1n << 15n) | (1n << 16n) | (1n << 17n) | (1n << 18n) | (1n << 26n) | (1n << 30n)

/**
 * VM entry: the guest context runs at EL1 or EL0 with the kernel as its
 * EL2, and the extended state the VMM prepared is loaded into it (Fiasco
 * loads the same fields into the hardware on a VM entry).
 */
export function aarch64EnterVm(regs: CoreContext, ext: VcpuExt): boolean {
  const ctx = aarch64Regs(regs)
  if (!ctx || ext.arch !== 'aarch64') return false
  if (!(ctx.mode & SysMode.HostEl2)) ctx.setMode(SysMode.System | SysMode.HostEl2, 1)
  else if (ctx.el > 1) ctx.setMode(ctx.mode, 1)
  ctx.setSysReg(SysReg.HCR_EL2, (ext.hcr & HCR_VMM) | HCR_FORCED)
  ctx.setSysReg(SysReg.VMPIDR_EL2, ext.vmpidr)
  ctx.setSysReg(SysReg.MPIDR_EL1, ext.vmpidr)
  ctx.setSysReg(SysReg.CNTVOFF_EL2, ext.cntvoff)
  // EL1 may read the physical counter and use the physical timer (as QEMU's and KVM's guests may read the counter).
  ctx.setSysReg(SysReg.CNTHCTL_EL2, 3n)
  ctx.setSysReg(SysReg.ICH_HCR, BigInt(ext.gicHcr | 1))
  ctx.setSysReg(SysReg.ICH_VMCR, BigInt(ext.gicVmcr >>> 0))
  for (let i = 0; i < GIC_LIST_REGISTERS; i++) ctx.setSysReg(SysReg.ICH_LR0 + i, ext.gicLr[i])
  return true
}

/** VM exit: what the guest changed of the extended state goes back to the VMM's copy. */
export function aarch64LeaveVm(regs: CoreContext, ext: VcpuExt): void {
  const ctx = aarch64Regs(regs)
  if (!ctx) return
  ext.gicVmcr = Number(ctx.sysReg(SysReg.ICH_VMCR) & 0xffff_ffffn)
  ext.sctlr = ctx.sysReg(SysReg.SCTLR_EL1)
  for (let i = 0; i < GIC_LIST_REGISTERS; i++) ext.gicLr[i] = ctx.sysReg(SysReg.ICH_LR0 + i)
}

/** What ended a guest's run (`trap.imm` of a VmExit upcall), by name for VMMs. */
export const VmExitKind = {
  Stage2Abort: CoreExit.Stage2Abort,
  Hvc: CoreExit.Hvc,
  Smc: CoreExit.Smc,
  Wfi: CoreExit.Wfi,
  SysReg: CoreExit.SysReg,
  Irq: CoreExit.Irq,
  Undefined: CoreExit.Undefined,
} as const

/** The guest system registers a VMM reads and writes by name (indexes for the vCPU context's `sysReg`). */
export const GuestSysReg = {
  SCTLR_EL1: SysReg.SCTLR_EL1,
  ESR_EL1: SysReg.ESR_EL1,
  FAR_EL1: SysReg.FAR_EL1,
  CNTV_CTL: SysReg.CNTV_CTL,
  CNTV_CVAL: SysReg.CNTV_CVAL,
  CNTP_CTL: SysReg.CNTP_CTL,
  CNTP_CVAL: SysReg.CNTP_CVAL,
} as const
