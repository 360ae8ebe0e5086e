/**
 * The Linux user ABI lx implements, as far as it is the same on every
 * architecture (the asm-generic values, which arm64 and x86_64 share):
 * errno numbers, signal numbers, the flags of mmap, clone, wait and futex,
 * auxv types. What differs per architecture (system call numbers, struct
 * stat, the signal frame, the address-space layout) is in arch/; file
 * constants live with the file layer (fs/vfs/types.ts).
 */
export { Errno } from './fs/vfs/errno'

export const enum Sig {
  HUP = 1, INT = 2, QUIT = 3, ILL = 4, TRAP = 5, ABRT = 6, BUS = 7, FPE = 8, KILL = 9, USR1 = 10, SEGV = 11, USR2 = 12,
  PIPE = 13, ALRM = 14, TERM = 15, STKFLT = 16, CHLD = 17, CONT = 18, STOP = 19, TSTP = 20, TTIN = 21, TTOU = 22,
  URG = 23, XCPU = 24, XFSZ = 25, VTALRM = 26, PROF = 27, WINCH = 28, IO = 29, PWR = 30, SYS = 31,
}
export const NSIG = 64

export const enum Prot { None = 0, Read = 1, Write = 2, Exec = 4 }
export const enum MapF { Shared = 0x01, Private = 0x02, Fixed = 0x10, Anonymous = 0x20, GrowsDown = 0x100, DenyWrite = 0x800, Stack = 0x20000, FixedNoReplace = 0x100000, Populate = 0x8000, NoReserve = 0x4000 }

export const enum CloneF {
  Vm = 0x100, Fs = 0x200, Files = 0x400, Sighand = 0x800, Pidfd = 0x1000, Ptrace = 0x2000, Vfork = 0x4000,
  Parent = 0x8000, Thread = 0x10000, NewNs = 0x20000, Sysvsem = 0x40000, Settls = 0x80000, ParentSettid = 0x100000,
  ChildCleartid = 0x200000, Detached = 0x400000, Untraced = 0x800000, ChildSettid = 0x1000000,
}

export const enum Wait { NoHang = 1, Untraced = 2, Exited = 4, Continued = 8, NoWait = 0x01000000 }

export const enum Futex { Wait = 0, Wake = 1, Requeue = 3, CmpRequeue = 4, WakeOp = 5, WaitBitset = 9, WakeBitset = 10, PrivateFlag = 128, ClockRealtime = 256 }

export const enum AuxT {
  Null = 0, Phdr = 3, Phent = 4, Phnum = 5, Pagesz = 6, Base = 7, Flags = 8, Entry = 9, Uid = 11, Euid = 12,
  Gid = 13, Egid = 14, Platform = 15, Hwcap = 16, Clktck = 17, Secure = 23, Random = 25, Hwcap2 = 26, Execfn = 31,
}

/** RLIMIT_STACK's default: how far the stack may grow below its VMA. */
export const STACK_LIMIT = 8 * 1024 * 1024
