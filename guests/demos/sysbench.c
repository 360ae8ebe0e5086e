/* sysbench [N]: N getpid system calls (default 1000000), reported as
 * round trips per second and nanoseconds per call. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/syscall.h>

static long raw_getpid(void) {
  /* A raw svc, so nothing can cache the answer. */
  register long x8 __asm__("x8") = SYS_getpid;
  register long x0 __asm__("x0");
  __asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
  return x0;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  long pid = 0;
  for (long i = 0; i < n; i++) pid = raw_getpid();
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("sysbench: %ld getpid calls (pid %ld) in %.3f s: %.0f calls/s, %.0f ns/call\n", n, pid, secs,
         secs > 0 ? (double)n / secs : 0.0, n ? secs * 1e9 / (double)n : 0.0);
  return 0;
}
