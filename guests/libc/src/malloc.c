/* A small segregated-fit allocator.
 *
 * Requests up to 128 KiB are rounded to a size class (16-byte steps up to
 * 512 bytes, then powers of two) and served from a per-class free list, or
 * carved from the top of the heap, which grows with brk and falls back to
 * anonymous mmap when brk is refused (a Linux personality may cap the data
 * segment). Freed chunks go back to their class list and are never merged:
 * our programs are short-lived and allocate in a few sizes, so simplicity
 * wins over fragmentation. Larger requests get their own mapping and are
 * unmapped on free, so memhog-style programs see the address-space limit. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "syscall.h"

#define HEADER 16
#define LARGE (128 * 1024)
#define SMALL_CLASSES 32 /* 16, 32, ..., 512 */
#define NCLASSES (SMALL_CLASSES + 8) /* then 1K, 2K, ..., 128K */
#define ARENA_STEP (64 * 1024)

struct header {
  size_t cap;    /* usable bytes after the header */
  size_t mapped; /* nonzero: the chunk is its own mapping of this many bytes */
};

static void *free_list[NCLASSES];
static char *top, *top_end;
static unsigned long cur_brk;

void *sbrk(long inc) {
  if (!cur_brk) cur_brk = (unsigned long)sc(SYS_brk, 0);
  if (inc == 0) return (void *)cur_brk;
  unsigned long want = cur_brk + (unsigned long)inc;
  unsigned long got = (unsigned long)sc(SYS_brk, want);
  if (got != want) {
    errno = ENOMEM;
    return (void *)-1;
  }
  unsigned long old = cur_brk;
  cur_brk = got;
  return (void *)old;
}

static int size_class(size_t n, size_t *cap) {
  if (n <= 16 * SMALL_CLASSES) {
    int c = n == 0 ? 0 : (int)((n + 15) / 16) - 1;
    *cap = (size_t)(c + 1) * 16;
    return c;
  }
  int k = 10;
  while (((size_t)1 << k) < n) k++;
  *cap = (size_t)1 << k;
  return SMALL_CLASSES + (k - 10);
}

static int grow_top(size_t need) {
  size_t step = need > ARENA_STEP ? (need + 4095) & ~(size_t)4095 : ARENA_STEP;
  char *p = sbrk((long)step);
  if (p != (char *)-1) {
    if (p != top_end) top = p; /* someone else moved brk: start afresh */
    top_end = p + step;
    return 0;
  }
  p = mmap(NULL, step, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return -1;
  top = p;
  top_end = p + step;
  return 0;
}

void *malloc(size_t n) {
  if (n > LARGE) {
    if (n > ((size_t)1 << 47)) {
      errno = ENOMEM;
      return NULL;
    }
    size_t len = (n + HEADER + 4095) & ~(size_t)4095;
    struct header *h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (h == MAP_FAILED) {
      errno = ENOMEM;
      return NULL;
    }
    h->cap = len - HEADER;
    h->mapped = len;
    return (char *)h + HEADER;
  }
  size_t cap;
  int c = size_class(n, &cap);
  if (free_list[c]) {
    void *p = free_list[c];
    free_list[c] = *(void **)p;
    return p;
  }
  size_t need = cap + HEADER;
  if ((size_t)(top_end - top) < need && grow_top(need) < 0) {
    errno = ENOMEM;
    return NULL;
  }
  struct header *h = (struct header *)top;
  top += need;
  h->cap = cap;
  h->mapped = 0;
  return (char *)h + HEADER;
}

void free(void *p) {
  if (!p) return;
  struct header *h = (struct header *)((char *)p - HEADER);
  if (h->mapped) {
    munmap(h, h->mapped);
    return;
  }
  size_t cap;
  int c = size_class(h->cap, &cap);
  *(void **)p = free_list[c];
  free_list[c] = p;
}

void *calloc(size_t count, size_t size) {
  size_t n;
  if (__builtin_mul_overflow(count, size, &n)) {
    errno = ENOMEM;
    return NULL;
  }
  void *p = malloc(n);
  if (p && !((struct header *)((char *)p - HEADER))->mapped) memset(p, 0, n);
  return p;
}

void *realloc(void *p, size_t n) {
  if (!p) return malloc(n);
  struct header *h = (struct header *)((char *)p - HEADER);
  if (n <= h->cap) return p;
  void *q = malloc(n);
  if (!q) return NULL;
  memcpy(q, p, h->cap);
  free(p);
  return q;
}
