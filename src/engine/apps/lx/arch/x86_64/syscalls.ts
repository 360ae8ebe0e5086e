/**
 * x86-64's system call table: number (syscall_64.tbl, unistd.ts) → the
 * call in core/, mm/ or fs/, the same implementations arm64's table names.
 * What x86-64 adds: its legacy calls (legacy.ts, most as the *at call with
 * AT_FDCWD), clone's argument order, open flags translated at the entry,
 * and arch_prctl. Numbers not here are unknown: -ENOSYS, counted for
 * `l4lab exec --stats`.
 */
import { Nr } from './unistd'
import * as legacy from './legacy'
import { call, syscallTable, unimplemented, yielding } from '../../core/syscall'
import * as id from '../../core/identity'
import * as sched from '../../core/priority'
import * as sig from '../../core/signal-calls'
import * as time from '../../core/time'
import * as sys from '../../core/system'
import { clone3 } from '../../core/fork'
import { execve } from '../../core/exec'
import { exit, exit_group, wait4, waitid } from '../../core/exit'
import { futex } from '../../core/futex'
import { alarm, getitimer, setitimer } from '../../core/itimer'
import * as mm from '../../mm/calls'
import * as fd from '../../fs/fd-calls'
import * as path from '../../fs/path-calls'
import * as stat from '../../fs/stat-calls'
import * as rw from '../../fs/rw'
import { poll, ppoll, pselect6, select } from '../../fs/poll'

export const syscalls = syscallTable({
  // ------------------------------------------------------------ files
  [Nr.getcwd]: call(path.getcwd),
  [Nr.dup]: call(fd.dup),
  [Nr.dup3]: call(fd.dup3),
  [Nr.fcntl]: call(legacy.fcntl),
  [Nr.ioctl]: call(fd.ioctl),
  [Nr.flock]: call(fd.fdNoop),
  [Nr.mknodat]: call(path.mknodat),
  [Nr.mkdirat]: call(path.mkdirat),
  [Nr.unlinkat]: call(path.unlinkat),
  [Nr.symlinkat]: call(path.symlinkat),
  [Nr.linkat]: call(path.linkat),
  [Nr.renameat]: call(path.renameat),
  [Nr.umount2]: call(fd.notPermitted),
  [Nr.mount]: call(fd.notPermitted),
  [Nr.statfs]: call(stat.statfs),
  [Nr.fstatfs]: call(stat.fstatfs),
  [Nr.truncate]: call(path.truncate),
  [Nr.ftruncate]: call(path.ftruncate),
  [Nr.fallocate]: unimplemented,
  [Nr.faccessat]: call(path.faccessat),
  [Nr.chdir]: call(path.chdir),
  [Nr.fchdir]: call(path.fchdir),
  [Nr.chroot]: call(fd.notPermitted),
  [Nr.fchmod]: call(path.fchmod),
  [Nr.fchmodat]: call(path.fchmodat),
  [Nr.fchownat]: call(path.fchownat),
  [Nr.fchown]: call(path.fchown),
  [Nr.openat]: call(legacy.openat),
  [Nr.close]: call(fd.close),
  [Nr.pipe2]: call(fd.pipe2),
  [Nr.getdents64]: call(fd.getdents64),
  [Nr.lseek]: call(fd.lseek),
  [Nr.read]: yielding(rw.read),
  [Nr.write]: yielding(rw.write),
  [Nr.readv]: yielding(rw.readv),
  [Nr.writev]: yielding(rw.writev),
  [Nr.pread64]: yielding(rw.pread64),
  [Nr.pwrite64]: yielding(rw.pwrite64),
  [Nr.preadv]: yielding(rw.preadv),
  [Nr.pwritev]: yielding(rw.pwritev),
  [Nr.sendfile]: call(rw.sendfile),
  [Nr.pselect6]: call(pselect6),
  [Nr.ppoll]: call(ppoll),
  [Nr.readlinkat]: call(path.readlinkat),
  [Nr.newfstatat]: call(stat.newfstatat),
  [Nr.fstat]: call(stat.fstat),
  [Nr.sync]: call(fd.sync),
  [Nr.fsync]: call(fd.fdNoop),
  [Nr.fdatasync]: call(fd.fdNoop),
  [Nr.utimensat]: call(path.utimensat),
  [Nr.fadvise64]: call(fd.fdNoop),
  [Nr.renameat2]: call(path.renameat2),
  [Nr.memfd_create]: unimplemented,
  [Nr.statx]: call(stat.statx),
  [Nr.faccessat2]: call(path.faccessat2),

  // -------------------------------------------------------- processes
  [Nr.exit]: yielding(exit),
  [Nr.exit_group]: yielding(exit_group),
  [Nr.waitid]: call(waitid),
  [Nr.wait4]: call(wait4),
  [Nr.clone]: yielding(legacy.clone),
  [Nr.clone3]: yielding(clone3),
  [Nr.execve]: yielding(execve),
  [Nr.set_tid_address]: call(id.set_tid_address),
  [Nr.set_robust_list]: call(id.set_robust_list),
  [Nr.rseq]: unimplemented,

  // ------------------------------------------------------------- time
  [Nr.nanosleep]: call(time.nanosleep),
  [Nr.getitimer]: call(getitimer),
  [Nr.setitimer]: call(setitimer),
  [Nr.clock_gettime]: call(time.clock_gettime),
  [Nr.clock_getres]: call(time.clock_getres),
  [Nr.clock_nanosleep]: call(time.clock_nanosleep),
  [Nr.times]: call(time.times),
  [Nr.getrusage]: call(time.getrusage),
  [Nr.gettimeofday]: call(time.gettimeofday),

  // ------------------------------------------------------- scheduling
  [Nr.futex]: call(futex),
  [Nr.sched_setaffinity]: call(sched.sched_setaffinity),
  [Nr.sched_getaffinity]: call(sched.sched_getaffinity),
  [Nr.sched_yield]: call(sched.sched_yield),
  [Nr.setpriority]: call(sched.setpriority),
  [Nr.getpriority]: call(sched.getpriority),
  [Nr.getcpu]: call(sched.getcpu),

  // ---------------------------------------------------------- signals
  [Nr.kill]: call(sig.kill),
  [Nr.tkill]: call(sig.tkill),
  [Nr.tgkill]: call(sig.tgkill),
  [Nr.sigaltstack]: call(sig.sigaltstack),
  [Nr.rt_sigsuspend]: call(sig.rt_sigsuspend),
  [Nr.rt_sigaction]: call(sig.rt_sigaction),
  [Nr.rt_sigprocmask]: call(sig.rt_sigprocmask),
  [Nr.rt_sigpending]: call(sig.rt_sigpending),
  [Nr.rt_sigreturn]: call(sig.rt_sigreturn),

  // --------------------------------------------------------- identity
  [Nr.setregid]: call(id.setreid),
  [Nr.setgid]: call(id.setgid),
  [Nr.setreuid]: call(id.setreid),
  [Nr.setuid]: call(id.setuid),
  [Nr.setresuid]: call(id.setreid),
  [Nr.getresuid]: call(id.getresuid),
  [Nr.setresgid]: call(id.setreid),
  [Nr.getresgid]: call(id.getresgid),
  [Nr.setpgid]: call(id.setpgid),
  [Nr.getpgid]: call(id.getpgid),
  [Nr.getsid]: call(id.getsid),
  [Nr.setsid]: call(id.setsid),
  [Nr.getgroups]: call(id.getgroups),
  [Nr.setgroups]: call(id.setgroups),
  [Nr.uname]: call(id.uname),
  [Nr.umask]: call(id.umask),
  [Nr.prctl]: call(id.prctl),
  [Nr.getpid]: call(id.getpid),
  [Nr.getppid]: call(id.getppid),
  [Nr.getuid]: call(id.getuid),
  [Nr.geteuid]: call(id.getuid),
  [Nr.getgid]: call(id.getgid),
  [Nr.getegid]: call(id.getgid),
  [Nr.gettid]: call(id.gettid),

  // ------------------------------------------------ system, resources
  [Nr.getrlimit]: call(sys.getrlimit),
  [Nr.setrlimit]: call(sys.setrlimit),
  [Nr.prlimit64]: call(sys.prlimit64),
  [Nr.sysinfo]: call(sys.sysinfo),
  [Nr.getrandom]: yielding(sys.getrandom),
  [Nr.socket]: unimplemented,

  // ----------------------------------------------------------- memory
  [Nr.brk]: yielding(mm.brk),
  [Nr.munmap]: yielding(mm.munmap),
  [Nr.mremap]: yielding(mm.mremap),
  [Nr.mmap]: yielding(mm.mmap),
  [Nr.mprotect]: yielding(mm.mprotect),
  [Nr.msync]: call(mm.nothingToDo),
  [Nr.mlock]: call(mm.nothingToDo),
  [Nr.munlock]: call(mm.nothingToDo),
  [Nr.madvise]: yielding(mm.madvise),

  // ------------------------------------ x86-64's legacy calls (legacy.ts)
  [Nr.open]: call(legacy.open),
  [Nr.creat]: call(legacy.creat),
  [Nr.stat]: call(legacy.statPath),
  [Nr.lstat]: call(legacy.lstat),
  [Nr.access]: call(legacy.access),
  [Nr.mkdir]: call(legacy.mkdir),
  [Nr.mknod]: call(legacy.mknod),
  [Nr.rmdir]: call(legacy.rmdir),
  [Nr.unlink]: call(legacy.unlink),
  [Nr.rename]: call(legacy.rename),
  [Nr.link]: call(legacy.link),
  [Nr.symlink]: call(legacy.symlink),
  [Nr.readlink]: call(legacy.readlink),
  [Nr.chmod]: call(legacy.chmod),
  [Nr.chown]: call(legacy.chown),
  [Nr.lchown]: call(legacy.lchown),
  [Nr.pipe]: call(legacy.pipe),
  [Nr.dup2]: call(fd.dup2),
  [Nr.getdents]: call(fd.getdents),
  [Nr.poll]: call(poll),
  [Nr.select]: call(select),
  [Nr.alarm]: call(alarm),
  [Nr.pause]: call(sig.pause),
  [Nr.time]: call(time.time),
  [Nr.getpgrp]: call(legacy.getpgrp),
  [Nr.fork]: yielding(legacy.fork),
  [Nr.vfork]: yielding(legacy.vfork),
  [Nr.arch_prctl]: call(legacy.arch_prctl),
  [Nr.mincore]: unimplemented,
})
