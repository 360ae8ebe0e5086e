/**
 * The x86-64 parts of the kernel: how the core's exits in 64-bit user mode
 * become the exception protocol's classes. A user thread's FS and GS bases
 * are part of its register context (X86_64Context), as Fiasco keeps them in
 * the thread's state and reloads them on a switch. Hardware-assisted VMs
 * (VMX) are not modelled: there is no extended vCPU state, so a vCPU can
 * never enter a Vm here (vcpu_resume answers -EINVAL).
 */
import type { X86_64Context } from '../../cpu/x86_64/context'
import type { CoreContext } from '../../cpu/core'
import { CoreExit } from '../../cpu/core-abi'
import { ExcClass } from '../vcpu'

/** The user registers of an x86-64 vCPU (RAX–R15, RIP, RFLAGS, FS/GS base, XMM0–15, MXCSR). */
export type X86_64Regs = X86_64Context

/** A vCPU's registers as x86-64 registers, or null when they are another architecture's (or absent). */
export function x86_64Regs(regs: CoreContext | null): X86_64Regs | null {
  return regs !== null && regs.arch === 'x86_64' ? regs : null
}

/** Exception vectors (SDM vol. 3, table 6-1) the core reports with CoreExit.Exception. */
const enum Vector {
  DivideError = 0,
  GeneralProtection = 13,
}

/**
 * The class of a user-mode exit that is not a page fault (#PF is the core's
 * DataAbort/InstructionAbort). SYSCALL is the system call (as SVC on
 * AArch64), INT3 the breakpoint, #UD an undefined instruction, #DE an
 * arithmetic fault (Linux: SIGFPE) and #GP a protection fault (Linux:
 * SIGSEGV with SI_KERNEL). Nothing else leaves the core in user mode.
 */
export function x86_64ExcClass(exit: CoreExit, imm: number): ExcClass {
  switch (exit) {
    case CoreExit.Syscall:
      return ExcClass.Syscall
    case CoreExit.Breakpoint:
      return ExcClass.Breakpoint
    case CoreExit.Exception:
      return imm === Vector.DivideError ? ExcClass.Arithmetic : imm === Vector.GeneralProtection ? ExcClass.Protection : ExcClass.Undefined
    default:
      return ExcClass.Undefined
  }
}
