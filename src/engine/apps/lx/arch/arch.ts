/**
 * What lx needs of a CPU architecture. core/ and fs/ implement Linux; an
 * architecture adds what Linux keeps under arch/: the system call table
 * (numbers differ, the calls are shared), how a call's number, arguments
 * and result sit in registers, the signal frame and its trampoline, the
 * layout of the user address space, the ELF machine and platform, and the
 * one file structure whose layout is its own (struct stat: asm-generic on
 * arm64, x86_64 has its own; statx, statfs, termios and the other structures
 * lx writes are the same on both 64-bit architectures).
 *
 * An architecture is a constant (LxArch) plus a binding to a vCPU's
 * registers (LxCpu), made once at boot when lx learns what registers the
 * board's vCPU has.
 */
import type { VcpuState } from '../../../kernel/uapi'
import type { Mm } from '../mm/mm'
import type { SyscallTable } from '../core/syscall'
import type { SigInfo } from '../core/signal-defs'
import type { Stat } from '../fs/vfs/types'

/** The user address space of a process. */
export interface AddressLayout {
  /** The end of user space (TASK_SIZE): addresses at or above it are the kernel's. */
  readonly taskSize: number
  /** The initial stack ends here (STACK_TOP). */
  readonly stackTop: number
  /** mmap without a hint places mappings top-down below this. */
  readonly mmapBase: number
  /** The load address of static-PIE executables (ELF_ET_DYN_BASE). */
  readonly etDynBase: number
}

/** A signal frame's stack: where it goes, and the uc_stack to save in it (core/altstack.ts). */
export interface FrameStack {
  top: number
  ucStack: Uint8Array
}

/** What rt_sigreturn found in the frame: the mask to restore and the saved uc_stack. */
export interface SigReturn {
  mask: bigint
  ucStack: Uint8Array
}

export interface LxArch {
  /** uname's machine, AT_PLATFORM, and what messages call the architecture ("aarch64"). */
  readonly name: string
  /** e_machine of the executables it runs (EM_AARCH64). */
  readonly elfMachine: number
  /** AT_HWCAP, as Linux derives it from the core's ID registers. */
  readonly hwcap: number
  /** /proc/cpuinfo for the one CPU lx runs on. */
  readonly cpuinfo: string
  readonly layout: AddressLayout
  /**
   * si_code of the signals an undefined instruction (SIGILL) and a
   * breakpoint (SIGTRAP) raise: each architecture's trap handlers choose
   * their own (x86: ILL_ILLOPN and SI_KERNEL).
   */
  readonly trapCodes: { readonly undefined: number; readonly breakpoint: number }
  /** MINSIGSTKSZ: sigaltstack refuses smaller stacks (ENOMEM). */
  readonly minSigStackSize: number
  /**
   * The signal return trampoline lx maps into every process, for handlers
   * installed without SA_RESTORER: its address and code.
   */
  readonly sigpage: { readonly addr: number; readonly code: Uint8Array }
  /** System call number → implementation. */
  readonly syscalls: SyscallTable
  /** struct stat as newfstatat and fstat fill it. */
  encodeStat(st: Stat): Uint8Array
  /** The vCPU's registers as this architecture's, or null (a board of another architecture). */
  bind(regs: VcpuState['regs']): LxCpu | null
}

/**
 * A vCPU's registers as lx reads and changes them for Linux threads. While a
 * thread runs they hold its registers; a switch saves them as a snapshot.
 */
export interface LxCpu {
  snapshot(): Uint8Array
  restore(regs: Uint8Array): void

  /** The number of the system call the thread made. */
  syscallNr(): number
  /**
   * The six argument registers into `out`, as numbers: addresses and sizes
   * (below 2^53) exactly, small negative values (-1, AT_FDCWD) as negative.
   */
  readArgs(out: number[]): void
  /** The system call's result (a negative errno on failure). */
  setReturn(v: number): void
  /** Does the result register hold -EINTR (a call a signal interrupted)? */
  returnsEintr(): boolean
  /**
   * Back to the system call instruction, with the number and first argument
   * as they were on entry (the result overwrote one of them): the call runs again.
   */
  restartSyscall(origNr: number, origArg0: number): void

  stackPointer(): number
  /** execve: every register cleared, the thread at `pc` with stack `sp` (start_thread). */
  startThread(pc: number, sp: number): void
  /**
   * clone: the child's registers — the caller's, with result 0, and the new
   * stack and thread pointer when given (null: keep the caller's TLS).
   */
  childRegs(stack: number, tls: number | null): Uint8Array

  /**
   * Pushes a frame for a handler of signal `info` (the registers, `oldMask`,
   * the uc_stack) and points the registers at `handler`, returning to
   * `restorer`; false when the stack cannot be written.
   */
  pushSignalFrame(mm: Mm, info: SigInfo, handler: number, restorer: number, oldMask: bigint, siginfo: boolean, stack: FrameStack): boolean
  /** rt_sigreturn: the registers back from the frame at the stack pointer; null for a bad frame. */
  popSignalFrame(mm: Mm): SigReturn | null
}
