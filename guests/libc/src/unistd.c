/* Thin wrappers over the system calls of aarch64 Linux. aarch64 has no
 * open/stat/fork/pipe/dup2 calls; the *at and clone forms stand in. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <poll.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include "syscall.h"

int errno;
const char *__progname = "";

long __syscall_ret(long r) {
  if ((unsigned long)r > -4096ul) {
    errno = (int)-r;
    return -1;
  }
  return r;
}

ssize_t read(int fd, void *buf, size_t n) { return scr(SYS_read, fd, buf, n); }
ssize_t write(int fd, const void *buf, size_t n) { return scr(SYS_write, fd, buf, n); }
ssize_t pread(int fd, void *buf, size_t n, off_t off) { return scr(SYS_pread64, fd, buf, n, off); }
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) { return scr(SYS_pwrite64, fd, buf, n, off); }
off_t lseek(int fd, off_t off, int whence) { return scr(SYS_lseek, fd, off, whence); }
int close(int fd) { return (int)scr(SYS_close, fd); }
int dup(int fd) { return (int)scr(SYS_dup, fd); }
int dup3(int fd, int to, int flags) { return (int)scr(SYS_dup3, fd, to, flags); }

int dup2(int fd, int to) {
  /* dup3 refuses fd == to; dup2 then only checks that fd is open. */
  if (fd == to) return fcntl(fd, F_GETFD) < 0 ? -1 : to;
  return dup3(fd, to, 0);
}

int pipe2(int fds[2], int flags) { return (int)scr(SYS_pipe2, fds, flags); }
int pipe(int fds[2]) { return pipe2(fds, 0); }

int openat(int dirfd, const char *path, int flags, ...) {
  mode_t mode = 0;
  if (flags & O_CREAT) {
    va_list ap;
    va_start(ap, flags);
    mode = va_arg(ap, mode_t);
    va_end(ap);
  }
  return (int)scr(SYS_openat, dirfd, path, flags, mode);
}

int open(const char *path, int flags, ...) {
  mode_t mode = 0;
  if (flags & O_CREAT) {
    va_list ap;
    va_start(ap, flags);
    mode = va_arg(ap, mode_t);
    va_end(ap);
  }
  return (int)scr(SYS_openat, AT_FDCWD, path, flags, mode);
}

int creat(const char *path, mode_t mode) { return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode); }

int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  long arg = va_arg(ap, long);
  va_end(ap);
  return (int)scr(SYS_fcntl, fd, cmd, arg);
}

int ioctl(int fd, unsigned long req, ...) {
  va_list ap;
  va_start(ap, req);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  return (int)scr(SYS_ioctl, fd, req, arg);
}

int unlink(const char *path) { return (int)scr(SYS_unlinkat, AT_FDCWD, path, 0); }
int rmdir(const char *path) { return (int)scr(SYS_unlinkat, AT_FDCWD, path, AT_REMOVEDIR); }
int remove(const char *path) {
  int r = unlink(path);
  if (r < 0 && errno == EISDIR) r = rmdir(path);
  return r;
}
int link(const char *from, const char *to) { return (int)scr(SYS_linkat, AT_FDCWD, from, AT_FDCWD, to, 0); }
int symlink(const char *target, const char *path) { return (int)scr(SYS_symlinkat, target, AT_FDCWD, path); }
ssize_t readlink(const char *path, char *buf, size_t n) { return scr(SYS_readlinkat, AT_FDCWD, path, buf, n); }
int rename(const char *from, const char *to) { return (int)scr(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 0); }
int access(const char *path, int mode) { return (int)scr(SYS_faccessat, AT_FDCWD, path, mode); }
int chdir(const char *path) { return (int)scr(SYS_chdir, path); }
int fchdir(int fd) { return (int)scr(SYS_fchdir, fd); }
int fsync(int fd) { return (int)scr(SYS_fsync, fd); }
void sync(void) { sc0(SYS_sync); }
int mkdir(const char *path, mode_t mode) { return (int)scr(SYS_mkdirat, AT_FDCWD, path, mode); }
int chmod(const char *path, mode_t mode) { return (int)scr(SYS_fchmodat, AT_FDCWD, path, mode); }
mode_t umask(mode_t mask) { return (mode_t)sc(SYS_umask, mask); }
int utimensat(int dirfd, const char *path, const struct timespec times[2], int flags) {
  return (int)scr(SYS_utimensat, dirfd, path, times, flags);
}

char *getcwd(char *buf, size_t n) {
  long r = scr(SYS_getcwd, buf, n);
  return r < 0 ? NULL : buf;
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags) {
  return (int)scr(SYS_newfstatat, dirfd, path, st, flags);
}
int stat(const char *path, struct stat *st) { return fstatat(AT_FDCWD, path, st, 0); }
int lstat(const char *path, struct stat *st) { return fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW); }
int fstat(int fd, struct stat *st) { return (int)scr(SYS_fstat, fd, st); }

int isatty(int fd) {
  struct winsize ws;
  return ioctl(fd, TIOCGWINSZ, &ws) == 0;
}

/* fork is clone with only the exit signal: a new process, copy-on-write. */
pid_t fork(void) { return (pid_t)scr(SYS_clone, SIGCHLD, 0, 0, 0, 0); }

int execve(const char *path, char *const argv[], char *const envp[]) {
  return (int)scr(SYS_execve, path, argv, envp);
}
int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

int execvp(const char *file, char *const argv[]) {
  if (strchr(file, '/')) return execve(file, argv, environ);
  const char *path = getenv("PATH");
  if (!path) path = "/bin:/usr/bin";
  char buf[4096];
  int saw_eacces = 0;
  size_t flen = strlen(file);
  for (const char *p = path;; p++) {
    const char *end = strchr(p, ':');
    size_t dlen = end ? (size_t)(end - p) : strlen(p);
    if (dlen + flen + 2 <= sizeof buf) {
      memcpy(buf, p, dlen);
      size_t at = dlen;
      if (at == 0) buf[at++] = '.';
      buf[at++] = '/';
      memcpy(buf + at, file, flen + 1);
      execve(buf, argv, environ);
      if (errno == EACCES) saw_eacces = 1;
      else if (errno != ENOENT && errno != ENOTDIR) return -1;
    }
    if (!end) break;
    p = end;
  }
  errno = saw_eacces ? EACCES : ENOENT;
  return -1;
}

_Noreturn void _exit(int status) {
  for (;;) sc(SYS_exit_group, status);
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru) {
  return (pid_t)scr(SYS_wait4, pid, status, options, ru);
}
pid_t waitpid(pid_t pid, int *status, int options) { return wait4(pid, status, options, NULL); }
pid_t wait(int *status) { return wait4(-1, status, 0, NULL); }

pid_t getpid(void) { return (pid_t)sc0(SYS_getpid); }
pid_t getppid(void) { return (pid_t)sc0(SYS_getppid); }
pid_t gettid(void) { return (pid_t)sc0(SYS_gettid); }
uid_t getuid(void) { return (uid_t)sc0(SYS_getuid); }
uid_t geteuid(void) { return (uid_t)sc0(SYS_geteuid); }
gid_t getgid(void) { return (gid_t)sc0(SYS_getgid); }
gid_t getegid(void) { return (gid_t)sc0(SYS_getegid); }
int setpgid(pid_t pid, pid_t pgid) { return (int)scr(SYS_setpgid, pid, pgid); }
pid_t getpgid(pid_t pid) { return (pid_t)scr(SYS_getpgid, pid); }
pid_t getpgrp(void) { return getpgid(0); }
pid_t setsid(void) { return (pid_t)__syscall_ret(sc0(SYS_setsid)); }
int kill(pid_t pid, int sig) { return (int)scr(SYS_kill, pid, sig); }
int raise(int sig) { return kill(getpid(), sig); }

pid_t tcgetpgrp(int fd) {
  int pgrp;
  return ioctl(fd, TIOCGPGRP, &pgrp) < 0 ? -1 : pgrp;
}
int tcsetpgrp(int fd, pid_t pgrp) {
  int p = pgrp;
  return ioctl(fd, TIOCSPGRP, &p);
}

int uname(struct utsname *u) { return (int)scr(SYS_uname, u); }
int sysinfo(struct sysinfo *info) { return (int)scr(SYS_sysinfo, info); }

int gethostname(char *buf, size_t n) {
  struct utsname u;
  if (uname(&u) < 0) return -1;
  size_t len = strlen(u.nodename);
  if (len >= n) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(buf, u.nodename, len + 1);
  return 0;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  long r = sc(SYS_mmap, addr, len, prot, flags, fd, off);
  if ((unsigned long)r > -4096ul) {
    errno = (int)-r;
    return MAP_FAILED;
  }
  return (void *)r;
}
int munmap(void *addr, size_t len) { return (int)scr(SYS_munmap, addr, len); }
int mprotect(void *addr, size_t len, int prot) { return (int)scr(SYS_mprotect, addr, len, prot); }
void *mremap(void *old, size_t old_len, size_t new_len, int flags) {
  long r = sc(SYS_mremap, old, old_len, new_len, flags);
  if ((unsigned long)r > -4096ul) {
    errno = (int)-r;
    return MAP_FAILED;
  }
  return (void *)r;
}

int poll(struct pollfd *fds, unsigned long n, int timeout) {
  struct timespec ts, *tsp = NULL;
  if (timeout >= 0) {
    ts.tv_sec = timeout / 1000;
    ts.tv_nsec = (long)(timeout % 1000) * 1000000;
    tsp = &ts;
  }
  return (int)scr(SYS_ppoll, fds, n, tsp, NULL, 8);
}

long sysconf(int name) {
  extern unsigned long __auxv_pagesz;
  switch (name) {
  case _SC_PAGESIZE: return (long)__auxv_pagesz;
  case _SC_CLK_TCK: return 100;
  case _SC_NPROCESSORS_ONLN: return 1;
  }
  errno = EINVAL;
  return -1;
}

int getdents64(int fd, void *buf, size_t n) { return (int)scr(SYS_getdents64, fd, buf, n); }
