/* spin [-r] [SECONDS]: burn CPU. With -r it reports iterations per second
 * once a second; with SECONDS it stops after that long (else runs until
 * killed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  int report = 0;
  double limit = -1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-r") == 0) report = 1;
    else limit = strtod(argv[i], NULL);
  }
  double start = now(), mark = start;
  unsigned long iters = 0, since = 0;
  volatile unsigned long sink = 1;
  for (;;) {
    /* A batch of work between clock reads keeps the clock's share small. */
    for (int k = 0; k < 10000; k++) sink = sink * 6364136223846793005ul + 1442695040888963407ul;
    iters += 10000;
    since += 10000;
    double t = now();
    if (report && t - mark >= 1.0) {
      printf("spin: %.0f iterations/s\n", (double)since / (t - mark));
      fflush(stdout);
      since = 0;
      mark = t;
    }
    if (limit >= 0 && t - start >= limit) break;
  }
  printf("spin: %lu iterations in %.1f s\n", iters, now() - start);
  return 0;
}
