/**
 * The Linux user ABI lx implements, for aarch64 (asm-generic numbering):
 * system call numbers, and the flags and constants the process side uses.
 * File-related constants live with the file layer (vfs/).
 */
export const enum Nr {
  getcwd = 17, dup = 23, dup3 = 24, fcntl = 25, ioctl = 29, flock = 32, mknodat = 33, mkdirat = 34, unlinkat = 35,
  symlinkat = 36, linkat = 37, renameat = 38, umount2 = 39, mount = 40, statfs = 43, fstatfs = 44, truncate = 45,
  ftruncate = 46, fallocate = 47, faccessat = 48, chdir = 49, fchdir = 50, chroot = 51, fchmod = 52, fchmodat = 53,
  fchownat = 54, fchown = 55, openat = 56, close = 57, pipe2 = 59, getdents64 = 61, lseek = 62, read = 63, write = 64,
  readv = 65, writev = 66, pread64 = 67, pwrite64 = 68, preadv = 69, pwritev = 70, sendfile = 71, pselect6 = 72,
  ppoll = 73, readlinkat = 78, newfstatat = 79, fstat = 80, sync = 81, fsync = 82, fdatasync = 83, utimensat = 88,
  exit = 93, exit_group = 94, waitid = 95, set_tid_address = 96, futex = 98, set_robust_list = 99,
  get_robust_list = 100, nanosleep = 101, getitimer = 102, setitimer = 103, clock_gettime = 113, clock_getres = 114,
  clock_nanosleep = 115, sched_setaffinity = 122, sched_getaffinity = 123, sched_yield = 124, kill = 129, tkill = 130,
  tgkill = 131, sigaltstack = 132, rt_sigsuspend = 133, rt_sigaction = 134, rt_sigprocmask = 135, rt_sigpending = 136,
  rt_sigtimedwait = 137, rt_sigreturn = 139, setpriority = 140, getpriority = 141, setregid = 143, setgid = 144,
  setreuid = 145, setuid = 146, setresuid = 147, getresuid = 148, setresgid = 149, getresgid = 150, times = 153,
  setpgid = 154, getpgid = 155, getsid = 156, setsid = 157, getgroups = 158, setgroups = 159, uname = 160,
  sethostname = 161, getrlimit = 163, setrlimit = 164, getrusage = 165, umask = 166, prctl = 167, getcpu = 168,
  gettimeofday = 169, getpid = 172, getppid = 173, getuid = 174, geteuid = 175, getgid = 176, getegid = 177,
  gettid = 178, sysinfo = 179, socket = 198, brk = 214, munmap = 215, mremap = 216, clone = 220, execve = 221,
  mmap = 222, fadvise64 = 223, mprotect = 226, msync = 227, mlock = 228, munlock = 229, madvise = 233, wait4 = 260,
  prlimit64 = 261, renameat2 = 276, getrandom = 278, memfd_create = 279, statx = 291, rseq = 293, clone3 = 435,
  faccessat2 = 439,
}

export const enum E {
  PERM = 1, NOENT = 2, SRCH = 3, INTR = 4, IO = 5, NXIO = 6, E2BIG = 7, NOEXEC = 8, BADF = 9, CHILD = 10, AGAIN = 11,
  NOMEM = 12, ACCES = 13, FAULT = 14, BUSY = 16, EXIST = 17, NOTDIR = 20, ISDIR = 21, INVAL = 22, NFILE = 23,
  MFILE = 24, NOTTY = 25, FBIG = 27, NOSPC = 28, SPIPE = 29, ROFS = 30, PIPE = 32, RANGE = 34, NOSYS = 38,
  NAMETOOLONG = 36, NOTEMPTY = 39, LOOP = 40, TIMEDOUT = 110, RESTARTSYS = 512,
}

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

/** Linux's user address-space limit on arm64 with 48-bit VAs. */
export const TASK_SIZE = 2 ** 48
export const STACK_TOP = 0xffff_ffff_f000
export const STACK_LIMIT = 8 * 1024 * 1024
export const MMAP_BASE = 0xffff_8000_0000
/** Where static-PIE executables are placed (ELF_ET_DYN_BASE on arm64: 2/3 of TASK_SIZE, aligned). */
export const ET_DYN_BASE = 0xaaaa_aaaa_0000
