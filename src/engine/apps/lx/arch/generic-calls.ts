/**
 * The calls every architecture shares, by their asm-generic names: name →
 * the implementation in core/, mm/ or fs/, as xv6's syscalls[] and Linux's
 * sys_call_table. The calls take the argument registers the arch's cpu.ts
 * decoded and are the same on every architecture; an arch's table
 * (arch/NAME/syscalls.ts) numbers them, and replaces or adds what differs
 * there (clone's argument order, x86-64's legacy calls and open flags).
 * `yielding` marks the calls that may need IPC (they are generators).
 */
import { call, unimplemented, yielding, type SyscallEntry } from '../core/syscall'
import * as id from '../core/identity'
import * as sched from '../core/priority'
import * as sig from '../core/signal-calls'
import * as time from '../core/time'
import * as sys from '../core/system'
import { clone, clone3 } from '../core/fork'
import { execve } from '../core/exec'
import { exit, exit_group, wait4, waitid } from '../core/exit'
import { futex } from '../core/futex'
import { getitimer, setitimer } from '../core/itimer'
import * as mm from '../mm/calls'
import * as fd from '../fs/fd-calls'
import * as path from '../fs/path-calls'
import * as stat from '../fs/stat-calls'
import * as rw from '../fs/rw'
import { ppoll, pselect6 } from '../fs/poll'

export const genericCalls = {
  // ------------------------------------------------------------ files
  getcwd: call(path.getcwd),
  dup: call(fd.dup),
  dup3: call(fd.dup3),
  fcntl: call(fd.fcntl),
  ioctl: call(fd.ioctl),
  flock: call(fd.fdNoop),
  mknodat: call(path.mknodat),
  mkdirat: call(path.mkdirat),
  unlinkat: call(path.unlinkat),
  symlinkat: call(path.symlinkat),
  linkat: call(path.linkat),
  renameat: call(path.renameat),
  umount2: call(fd.notPermitted),
  mount: call(fd.notPermitted),
  statfs: call(stat.statfs),
  fstatfs: call(stat.fstatfs),
  truncate: call(path.truncate),
  ftruncate: call(path.ftruncate),
  fallocate: unimplemented,
  faccessat: call(path.faccessat),
  chdir: call(path.chdir),
  fchdir: call(path.fchdir),
  chroot: call(fd.notPermitted),
  fchmod: call(path.fchmod),
  fchmodat: call(path.fchmodat),
  fchownat: call(path.fchownat),
  fchown: call(path.fchown),
  openat: call(fd.openat),
  close: call(fd.close),
  pipe2: call(fd.pipe2),
  getdents64: call(fd.getdents64),
  lseek: call(fd.lseek),
  read: yielding(rw.read),
  write: yielding(rw.write),
  readv: yielding(rw.readv),
  writev: yielding(rw.writev),
  pread64: yielding(rw.pread64),
  pwrite64: yielding(rw.pwrite64),
  preadv: yielding(rw.preadv),
  pwritev: yielding(rw.pwritev),
  sendfile: call(rw.sendfile),
  pselect6: call(pselect6),
  ppoll: call(ppoll),
  readlinkat: call(path.readlinkat),
  newfstatat: call(stat.newfstatat),
  fstat: call(stat.fstat),
  sync: call(fd.sync),
  fsync: call(fd.fdNoop),
  fdatasync: call(fd.fdNoop),
  utimensat: call(path.utimensat),
  fadvise64: call(fd.fdNoop),
  renameat2: call(path.renameat2),
  memfd_create: unimplemented,
  statx: call(stat.statx),
  faccessat2: call(path.faccessat2),

  // -------------------------------------------------------- processes
  exit: yielding(exit),
  exit_group: yielding(exit_group),
  waitid: call(waitid),
  wait4: call(wait4),
  clone: yielding(clone),
  clone3: yielding(clone3),
  execve: yielding(execve),
  set_tid_address: call(id.set_tid_address),
  set_robust_list: call(id.set_robust_list),
  rseq: unimplemented,

  // ------------------------------------------------------------- time
  nanosleep: call(time.nanosleep),
  getitimer: call(getitimer),
  setitimer: call(setitimer),
  clock_gettime: call(time.clock_gettime),
  clock_getres: call(time.clock_getres),
  clock_nanosleep: call(time.clock_nanosleep),
  times: call(time.times),
  getrusage: call(time.getrusage),
  gettimeofday: call(time.gettimeofday),

  // ------------------------------------------------------- scheduling
  futex: call(futex),
  sched_setaffinity: call(sched.sched_setaffinity),
  sched_getaffinity: call(sched.sched_getaffinity),
  sched_yield: call(sched.sched_yield),
  setpriority: call(sched.setpriority),
  getpriority: call(sched.getpriority),
  getcpu: call(sched.getcpu),

  // ---------------------------------------------------------- signals
  kill: call(sig.kill),
  tkill: call(sig.tkill),
  tgkill: call(sig.tgkill),
  sigaltstack: call(sig.sigaltstack),
  rt_sigsuspend: call(sig.rt_sigsuspend),
  rt_sigaction: call(sig.rt_sigaction),
  rt_sigprocmask: call(sig.rt_sigprocmask),
  rt_sigpending: call(sig.rt_sigpending),
  rt_sigreturn: call(sig.rt_sigreturn),

  // --------------------------------------------------------- identity
  setregid: call(id.setreid),
  setgid: call(id.setgid),
  setreuid: call(id.setreid),
  setuid: call(id.setuid),
  setresuid: call(id.setreid),
  getresuid: call(id.getresuid),
  setresgid: call(id.setreid),
  getresgid: call(id.getresgid),
  setpgid: call(id.setpgid),
  getpgid: call(id.getpgid),
  getsid: call(id.getsid),
  setsid: call(id.setsid),
  getgroups: call(id.getgroups),
  setgroups: call(id.setgroups),
  uname: call(id.uname),
  umask: call(id.umask),
  prctl: call(id.prctl),
  getpid: call(id.getpid),
  getppid: call(id.getppid),
  getuid: call(id.getuid),
  geteuid: call(id.getuid),
  getgid: call(id.getgid),
  getegid: call(id.getgid),
  gettid: call(id.gettid),

  // ------------------------------------------------ system, resources
  getrlimit: call(sys.getrlimit),
  setrlimit: call(sys.setrlimit),
  prlimit64: call(sys.prlimit64),
  sysinfo: call(sys.sysinfo),
  getrandom: yielding(sys.getrandom),
  socket: unimplemented,

  // ----------------------------------------------------------- memory
  brk: yielding(mm.brk),
  munmap: yielding(mm.munmap),
  mremap: yielding(mm.mremap),
  mmap: yielding(mm.mmap),
  mprotect: yielding(mm.mprotect),
  msync: call(mm.nothingToDo),
  mlock: call(mm.nothingToDo),
  munlock: call(mm.nothingToDo),
  madvise: yielding(mm.madvise),
} satisfies Record<string, SyscallEntry>

export type GenericCall = keyof typeof genericCalls
