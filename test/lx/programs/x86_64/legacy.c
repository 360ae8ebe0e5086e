/* x86-64's legacy system calls, made raw (glibc would use the *at ones):
 * open, creat, stat, lstat, access, mkdir, rmdir, unlink, rename, link,
 * symlink, readlink, chmod, pipe, dup2, poll, select, alarm, pause, time,
 * getdents, getpgrp, fork, vfork; and open flags that differ from arm64's
 * (O_DIRECTORY, O_NOFOLLOW) through open and fcntl(F_GETFL). Works in a
 * fresh directory under /tmp and prints only what the host prints too. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct old_dirent { unsigned long d_ino, d_off; unsigned short d_reclen; char d_name[]; };

static long sys(long nr, long a, long b, long c) { long r = syscall(nr, a, b, c); return r < 0 ? -errno : r; }
static void on_alarm(int s) { (void)s; }

int main(void) {
  char dir[] = "/tmp/lxlegacyXXXXXX";
  if (!mkdtemp(dir) || chdir(dir) != 0) return 1;
  long r1 = sys(SYS_mkdir, (long)"d", 0750, 0), r2 = sys(SYS_mkdir, (long)"d", 0750, 0);
  printf("mkdir %ld again %ld\n", r1, r2);
  int fd = sys(SYS_open, (long)"d/f", O_CREAT | O_WRONLY | O_TRUNC, 0640);
  printf("open %d write %zd\n", fd >= 0, write(fd, "hello legacy\n", 13));
  close(fd);
  int cfd = sys(SYS_creat, (long)"d/c", 0600, 0);
  printf("creat %d\n", cfd >= 0);
  close(cfd);
  struct stat st, lst;
  r1 = sys(SYS_stat, (long)"d/f", (long)&st, 0);
  printf("stat %ld size %ld mode %o nlink %ld\n", r1, (long)st.st_size, st.st_mode & 07777, (long)st.st_nlink);
  printf("symlink %ld readlink ", sys(SYS_symlink, (long)"f", (long)"d/l", 0));
  char buf[64] = { 0 };
  long n = sys(SYS_readlink, (long)"d/l", (long)buf, sizeof buf);
  printf("%ld %.*s\n", n, (int)(n > 0 ? n : 0), buf);
  r1 = sys(SYS_lstat, (long)"d/l", (long)&lst, 0);
  int islnk = S_ISLNK(lst.st_mode);
  r2 = sys(SYS_stat, (long)"d/l", (long)&lst, 0);
  printf("lstat %ld link %d stat-through %d\n", r1, islnk, r2 == 0 && S_ISREG(lst.st_mode));
  printf("access %ld %ld\n", sys(SYS_access, (long)"d/f", R_OK, 0), sys(SYS_access, (long)"d/nope", F_OK, 0));
  printf("chmod %ld ", sys(SYS_chmod, (long)"d/f", 0604, 0));
  stat("d/f", &st);
  printf("mode %o\n", st.st_mode & 07777);
  r1 = sys(SYS_link, (long)"d/f", (long)"d/g", 0);
  stat("d/f", &st);
  r2 = sys(SYS_rename, (long)"d/g", (long)"d/h", 0);
  long r3 = sys(SYS_unlink, (long)"d/h", 0, 0), r4 = sys(SYS_unlink, (long)"d/h", 0, 0);
  printf("link %ld nlink %ld rename %ld unlink %ld again %ld\n", r1, (long)st.st_nlink, r2, r3, r4);
  /* O_DIRECTORY and O_NOFOLLOW have x86-64's values here. */
  printf("O_DIRECTORY on a file %ld on a dir %d\n", sys(SYS_open, (long)"d/f", O_RDONLY | O_DIRECTORY, 0), (fd = sys(SYS_open, (long)"d", O_RDONLY | O_DIRECTORY, 0)) >= 0);
  printf("F_GETFL has O_DIRECTORY %d\n", (fcntl(fd, F_GETFL) & O_DIRECTORY) != 0);
  printf("O_NOFOLLOW on a link %ld\n", sys(SYS_open, (long)"d/l", O_RDONLY | O_NOFOLLOW, 0));
  /* getdents (not 64): names and types, sorted by name */
  char dbuf[4096];
  long got = sys(SYS_getdents, fd, (long)dbuf, sizeof dbuf);
  char names[8][32];
  int k = 0;
  for (long at = 0; at < got && k < 8;) {
    struct old_dirent *d = (struct old_dirent *)(dbuf + at);
    snprintf(names[k++], 32, "%s:%d", d->d_name, dbuf[at + d->d_reclen - 1]);
    at += d->d_reclen;
  }
  qsort(names, k, 32, (int (*)(const void *, const void *))strcmp);
  printf("getdents %d:", k);
  for (int i = 0; i < k; i++) printf(" %s", names[i]);
  printf("\n");
  close(fd);
  printf("rmdir nonempty %ld\n", sys(SYS_rmdir, (long)"d", 0, 0));
  unlink("d/f"); unlink("d/l"); unlink("d/c");
  printf("rmdir %ld\n", sys(SYS_rmdir, (long)"d", 0, 0));
  /* pipe, dup2, poll, select, fork, vfork, wait */
  int p[2];
  printf("pipe %ld\n", sys(SYS_pipe, (long)p, 0, 0));
  r1 = sys(SYS_dup2, p[1], 20, 0);
  r2 = sys(SYS_dup2, 20, 20, 0);
  r3 = sys(SYS_dup2, 99, 21, 0);
  printf("dup2 %ld same %ld bad %ld\n", r1, r2, r3);
  struct pollfd pf = { p[0], POLLIN, 0 };
  printf("poll empty %ld\n", sys(SYS_poll, (long)&pf, 1, 10));
  long pid = sys(SYS_fork, 0, 0, 0);
  if (pid == 0) { write(20, "from child", 10); _exit(7); }
  int status;
  waitpid(pid, &status, 0);
  r1 = sys(SYS_poll, (long)&pf, 1, -1);
  printf("fork child status %d poll %ld revents %d\n", WEXITSTATUS(status), r1, pf.revents);
  fd_set rs;
  FD_ZERO(&rs);
  FD_SET(p[0], &rs);
  struct timeval tv = { 1, 0 };
  r1 = syscall(SYS_select, p[0] + 1, &rs, 0, 0, &tv);
  printf("select %ld set %d\n", r1, FD_ISSET(p[0], &rs));
  n = read(p[0], buf, sizeof buf);
  printf("read %.*s\n", (int)n, buf);
  FD_ZERO(&rs);
  FD_SET(p[0], &rs);
  tv.tv_sec = 0; tv.tv_usec = 20000;
  printf("select timeout %ld\n", syscall(SYS_select, p[0] + 1, &rs, 0, 0, &tv));
  volatile int shared = 1;
  pid = vfork(); /* glibc: SYS_vfork, in assembly (a C wrapper would return on the shared stack) */
  if (pid == 0) { shared = 2; _exit(3); }
  waitpid(pid, &status, 0);
  printf("vfork shared %d status %d\n", shared, WEXITSTATUS(status));
  printf("getpgrp %d\n", sys(SYS_getpgrp, 0, 0, 0) == getpgid(0));
  /* alarm, pause, time */
  signal(SIGALRM, on_alarm);
  r1 = sys(SYS_alarm, 5, 0, 0);
  r2 = sys(SYS_alarm, 1, 0, 0);
  printf("alarm %ld left %ld\n", r1, r2);
  printf("pause %ld\n", sys(SYS_pause, 0, 0, 0));
  long t1 = 0, t0 = sys(SYS_time, (long)&t1, 0, 0);
  printf("time %d\n", t0 == t1 && t0 > 1700000000);
  rmdir(dir);
  return 0;
}
