/*
 * Maps single pages, alternately readable and writable so that no two
 * neighbours could merge, until mmap fails: Linux stops at vm.max_map_count
 * (65530) with ENOMEM.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void) {
  long n = 0;
  for (;;) {
    void *p = mmap(NULL, 4096, n & 1 ? PROT_READ : PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      printf("mmap failed after %ld maps: %s\n", n, strerror(errno));
      break;
    }
    n++;
  }
  return 0;
}
