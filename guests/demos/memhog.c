/* memhog [-s STEP_MIB] [MAX_MIB]: allocate memory STEP_MiB (default 1) at
 * a time and touch every page, until an allocation fails or MAX_MIB is
 * reached; report how far it got and exit 0. In a VM its memory quota
 * stops it; on a host, give MAX_MIB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long step = 1, max = -1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) step = atol(argv[++i]);
    else max = atol(argv[i]);
  }
  if (step < 1) step = 1;
  long page = sysconf(_SC_PAGESIZE), got = 0;
  size_t chunk = (size_t)step << 20;
  for (;;) {
    if (max >= 0 && got + step > max) break;
    char *p = malloc(chunk);
    if (!p) break;
    for (size_t off = 0; off < chunk; off += (size_t)page) p[off] = (char)off | 1;
    got += step;
    if (got % 16 == 0) {
      printf("memhog: %ld MiB\n", got);
      fflush(stdout);
    }
  }
  printf("memhog: allocated and touched %ld MiB, %s\n", got,
         max >= 0 && got + step > max ? "reached the limit given" : "then allocation failed");
  return 0;
}
