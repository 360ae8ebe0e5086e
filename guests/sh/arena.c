/* A bump allocator for everything one line of input needs. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sh.h"

struct block {
  struct block *prev;
  size_t used, cap;
  char data[];
};
static struct block *cur;

void *amalloc(size_t n) {
  n = (n + 15) & ~(size_t)15;
  if (!cur || cur->used + n > cur->cap) {
    size_t cap = n > 16384 ? n : 16384;
    struct block *b = malloc(sizeof *b + cap);
    if (!b) {
      write(2, "sh: out of memory\n", 18);
      _exit(2);
    }
    b->prev = cur;
    b->used = 0;
    b->cap = cap;
    cur = b;
  }
  void *p = cur->data + cur->used;
  cur->used += n;
  return p;
}

char *astrndup(const char *s, size_t n) {
  char *d = amalloc(n + 1);
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

char *astrdup(const char *s) { return astrndup(s, strlen(s)); }

void arena_reset(void) {
  while (cur) {
    struct block *p = cur->prev;
    free(cur);
    cur = p;
  }
}

struct arena_mark arena_mark(void) {
  struct arena_mark m = {cur, cur ? cur->used : 0};
  return m;
}

/* Frees what was allocated since m (marks are released in LIFO order). */
void arena_release(struct arena_mark m) {
  while (cur && cur != m.block) {
    struct block *p = cur->prev;
    free(cur);
    cur = p;
  }
  if (cur) cur->used = m.used;
}

void sb_putn(struct strbuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (b->len + n + 1 > cap) cap *= 2;
    char *ns = amalloc(cap);
    if (b->len) memcpy(ns, b->s, b->len);
    b->s = ns;
    b->cap = cap;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}
void sb_putc(struct strbuf *b, char c) { sb_putn(b, &c, 1); }
void sb_puts(struct strbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }
