/* Files under lx: the *at calls, directories, links, stat, pipes, dup,
 * poll/select, sendfile, in the private /tmp. Prints results only (no
 * inode numbers, times or pids), so the output is the same everywhere. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

int main(void) {
  char d[] = "/tmp/lxtest.XXXXXX";
  if (!mkdtemp(d)) { perror("mkdtemp"); return 1; }
  if (chdir(d) != 0) { perror("chdir"); return 1; }
  int fd = openat(AT_FDCWD, "a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0640);
  printf("open %d\n", fd >= 3);
  printf("write %zd\n", write(fd, "hello, lab\n", 11));
  printf("lseek %ld\n", (long)lseek(fd, 100, SEEK_SET));
  printf("write2 %zd\n", write(fd, "x", 1));
  close(fd);
  struct stat st;
  stat("a.txt", &st);
  printf("size %ld mode %o nlink %ld reg %d\n", (long)st.st_size, st.st_mode & 07777, (long)st.st_nlink, S_ISREG(st.st_mode));
  printf("link %d symlink %d\n", link("a.txt", "b.txt"), symlink("a.txt", "c.lnk"));
  stat("a.txt", &st);
  printf("nlink %ld\n", (long)st.st_nlink);
  char buf[64] = {0};
  printf("readlink %zd %s\n", readlink("c.lnk", buf, sizeof buf - 1), buf);
  lstat("c.lnk", &st);
  printf("lnk %d\n", S_ISLNK(st.st_mode));
  printf("mkdir %d %d\n", mkdir("sub", 0755), mkdir("sub", 0755) == -1 && errno == EEXIST);
  printf("rename %d\n", rename("b.txt", "sub/b.txt"));
  printf("unlink-dir %d %s\n", unlink("sub"), strerror(errno));
  printf("rmdir-nonempty %d %s\n", rmdir("sub"), strerror(errno));
  DIR *dir = opendir(".");
  char *names[16]; int n = 0;
  struct dirent *e;
  while ((e = readdir(dir)) && n < 16) names[n++] = strdup(e->d_name);
  closedir(dir);
  qsort(names, n, sizeof names[0], cmp);
  for (int i = 0; i < n; i++) printf("entry %s\n", names[i]);
  fd = open("a.txt", O_RDONLY);
  memset(buf, 0, sizeof buf);
  printf("pread %zd %.5s\n", pread(fd, buf, 5, 7), buf);
  int fd2 = dup(fd);
  lseek(fd, 2, SEEK_SET);
  printf("dup shares offset %ld\n", (long)lseek(fd2, 0, SEEK_CUR));
  int p[2];
  pipe(p);
  printf("sendfile %zd\n", sendfile(p[1], fd, NULL, 9));
  close(p[1]);
  memset(buf, 0, sizeof buf);
  printf("pipe read %zd %s\n", read(p[0], buf, sizeof buf), buf);
  printf("pipe eof %zd\n", read(p[0], buf, sizeof buf));
  int q[2];
  pipe(q);
  struct pollfd pf = { q[0], POLLIN, 0 };
  printf("poll empty %d\n", poll(&pf, 1, 10));
  if (fork() == 0) { write(q[1], "ping", 4); _exit(0); }
  printf("poll ready %d revents %d\n", poll(&pf, 1, -1), pf.revents & POLLIN);
  fd_set rs; FD_ZERO(&rs); FD_SET(q[0], &rs);
  struct timeval tv = { 1, 0 };
  printf("select %d\n", select(q[0] + 1, &rs, NULL, NULL, &tv));
  wait(NULL);
  printf("noent %d %s\n", open("nope", O_RDONLY), strerror(errno));
  printf("access %d %d\n", access("a.txt", R_OK), access("nope", F_OK));
  unlink("a.txt"); unlink("c.lnk"); unlink("sub/b.txt"); rmdir("sub");
  chdir("/");
  printf("rmdir %d\n", rmdir(d));
  char cwd[64];
  printf("cwd %s\n", getcwd(cwd, sizeof cwd));
  return 0;
}
