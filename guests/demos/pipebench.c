/* pipebench [MIB]: pipe throughput between two processes. The child
 * writes MIB MiB (default 64) in 64 KiB writes; the parent reads and
 * checks the count and reports MiB/s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static char buf[65536];

int main(int argc, char **argv) {
  long mib = argc > 1 ? atol(argv[1]) : 64;
  int fds[2];
  if (pipe(fds) < 0) {
    perror("pipebench: pipe");
    return 1;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid < 0) {
    perror("pipebench: fork");
    return 1;
  }
  long total = mib << 20;
  if (pid == 0) {
    close(fds[0]);
    memset(buf, 'x', sizeof buf);
    for (long sent = 0; sent < total;) {
      long k = total - sent < (long)sizeof buf ? total - sent : (long)sizeof buf;
      ssize_t w = write(fds[1], buf, (size_t)k);
      if (w <= 0) _exit(1);
      sent += w;
    }
    _exit(0);
  }
  close(fds[1]);
  long got = 0;
  ssize_t r;
  while ((r = read(fds[0], buf, sizeof buf)) > 0) got += r;
  int st;
  waitpid(pid, &st, 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  if (got != total) {
    printf("pipebench: received %ld of %ld bytes\n", got, total);
    return 1;
  }
  printf("pipebench: %ld MiB in %.3f s: %.1f MiB/s\n", mib, secs, secs > 0 ? (double)mib / secs : 0.0);
  return 0;
}
