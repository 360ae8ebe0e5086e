/* sysbench [N]: getpid system-call round trips. With N, exactly N calls;
 * without, as many as fit in about one second. Reports calls per second
 * and nanoseconds per call. */
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

static double seconds_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : -1;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  long pid = 0, done = 0;
  double secs;
  if (n >= 0) {
    for (; done < n; done++) pid = raw_getpid();
    secs = seconds_since(&t0);
  } else {
    /* Batches of 1000 between clock reads keep the clock's share small. */
    do {
      for (int i = 0; i < 1000; i++) pid = raw_getpid();
      done += 1000;
    } while ((secs = seconds_since(&t0)) < 1.0);
  }
  printf("sysbench: %ld getpid calls (pid %ld) in %.3f s: %.0f calls/s, %.0f ns/call\n", done, pid, secs,
         secs > 0 ? (double)done / secs : 0.0, done ? secs * 1e9 / (double)done : 0.0);
  return 0;
}
