/* pipebench [MIB]: pipe throughput between two processes. A child writes
 * 64 KiB blocks into a pipe -- MIB MiB if given, else for about one second
 * -- and the parent reads and counts them, then reports MiB/s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static char buf[65536];

static double seconds_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(int argc, char **argv) {
  long mib = argc > 1 ? atol(argv[1]) : -1;
  int fds[2];
  if (pipe(fds) < 0) {
    perror("pipebench: pipe");
    return 1;
  }
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    perror("pipebench: fork");
    return 1;
  }
  if (pid == 0) {
    close(fds[0]);
    memset(buf, 'x', sizeof buf);
    long total = mib >= 0 ? mib << 20 : -1;
    for (long sent = 0; total < 0 || sent < total;) {
      long k = total >= 0 && total - sent < (long)sizeof buf ? total - sent : (long)sizeof buf;
      ssize_t w = write(fds[1], buf, (size_t)k);
      if (w <= 0) _exit(1);
      sent += w;
      /* Timed mode: stop on a whole MiB after a second. */
      if (total < 0 && sent % (1 << 20) == 0 && seconds_since(&t0) >= 1.0) break;
    }
    _exit(0);
  }
  close(fds[1]);
  long got = 0;
  ssize_t r;
  while ((r = read(fds[0], buf, sizeof buf)) > 0) got += r;
  int st;
  waitpid(pid, &st, 0);
  double secs = seconds_since(&t0);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || (mib >= 0 && got != mib << 20)) {
    printf("pipebench: writer failed after %ld bytes\n", got);
    return 1;
  }
  double moved = (double)got / (1 << 20);
  printf("pipebench: %.0f MiB in %.3f s: %.1f MiB/s\n", moved, secs, secs > 0 ? moved / secs : 0.0);
  return 0;
}
