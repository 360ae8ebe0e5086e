/**
 * The kernel's user ABI: everything a native µApp (and the l4 libraries)
 * may know of the kernel — protocol numbers, message tags, flexpages,
 * rights and UTCB layout (abi.ts), the native system-call interface (Sys,
 * thread bodies), the vCPU state area and the register files of each
 * architecture's vCPU. µApps import this module and nothing else of the
 * kernel (lint enforces it); in L4Re this is l4sys's headers.
 */
export * from './abi'
export type { CoreArch as CpuArch } from '../cpu/core'
export { SYSCALL, Sys, type NativeEntry, type NativeMemory, type SyscallRegs, type SyscallToken, type ThreadBody } from './native'
export { ExcClass, TrapKind, VcpuState, newVcpuState, type VcpuTrap } from './vcpu'
export { aarch64Regs, GuestSysReg, VmExitKind, type Aarch64Regs, type Aarch64VcpuExt } from './arch/aarch64'
export { x86_64Regs, type X86_64Regs } from './arch/x86_64'
