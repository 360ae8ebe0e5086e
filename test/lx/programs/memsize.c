/*
 * Memory requests past 4 GiB (4 GiB + 100 MiB, 8 GiB): lengths are 64-bit,
 * so a request is for what it says or fails, never for a wrapped smaller
 * size. Private writable memory is committed (mmap, brk, mprotect adding
 * PROT_WRITE, mremap growing), so more than the VM has is ENOMEM; an
 * inaccessible reservation of that size is a VMA of exactly that size.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *res(int failed) {
  return failed ? strerror(errno) : "ok";
}

/* The size of the VMA that starts at p, from /proc/self/maps. */
static unsigned long vma_size(void *p) {
  FILE *f = fopen("/proc/self/maps", "r");
  char line[256];
  unsigned long a, b, size = 0;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "%lx-%lx", &a, &b) == 2 && a == (unsigned long)p) size = b - a;
  fclose(f);
  return size;
}

int main(void) {
  size_t sizes[] = {(4ul << 30) + (100ul << 20), 8ul << 30};
  for (int i = 0; i < 2; i++) {
    size_t n = sizes[i];
    printf("%zu bytes\n", n);
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("  mmap rw: %s\n", res(p == MAP_FAILED));
    p = mmap(NULL, n, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("  mmap none: %s, vma %lu bytes\n", res(p == MAP_FAILED), vma_size(p));
    printf("  mprotect rw: %s\n", res(mprotect(p, n, PROT_READ | PROT_WRITE) != 0));
    printf("  mprotect last page rw: %s\n", res(mprotect((char *)p + n - 4096, 4096, PROT_READ | PROT_WRITE) != 0));
    ((char *)p)[n - 1] = 1;
    printf("  munmap: %s\n", res(munmap(p, n) != 0));
    char *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("  mremap to it: %s\n", res(mremap(q, 4096, n, MREMAP_MAYMOVE) == MAP_FAILED));
    munmap(q, 4096);
    char *b0 = sbrk(0);
    printf("  brk: %s\n", res(brk(b0 + n) != 0));
  }
  return 0;
}
