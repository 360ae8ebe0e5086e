// See lib.h. Output is buffered and flushed at exit so that a test issues
// few write calls.
#include "lib.h"

#if defined(__x86_64__)
/* The x86-64 build (l4lab bench cpu --arch x86_64): Linux's SYSCALL ABI, write = 1, exit_group = 231. */
long sys_write(int fd, const void *buf, unsigned long len) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(1L), "D"((long)fd), "S"(buf), "d"(len) : "rcx", "r11", "memory");
  return r;
}

void sys_exit(int code) {
  flush();
  __asm__ volatile("syscall" : : "a"(231L), "D"((long)code) : "rcx", "r11", "memory");
  for (;;) {}
}
#else
long sys_write(int fd, const void *buf, unsigned long len) {
  register long x0 __asm__("x0") = fd;
  register long x1 __asm__("x1") = (long)buf;
  register long x2 __asm__("x2") = (long)len;
  register long x8 __asm__("x8") = 64;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x8) : "memory");
  return x0;
}

void sys_exit(int code) {
  flush();
  register long x0 __asm__("x0") = code;
  register long x8 __asm__("x8") = 94;
  __asm__ volatile("svc #0" : : "r"(x0), "r"(x8) : "memory");
  for (;;) {}
}
#endif

void *memcpy(void *d, const void *s, size_t n) {
  u8 *dd = d; const u8 *ss = s;
  while (n--) *dd++ = *ss++;
  return d;
}
void *memmove(void *d, const void *s, size_t n) {
  u8 *dd = d; const u8 *ss = s;
  if (dd < ss) while (n--) *dd++ = *ss++;
  else while (n--) dd[n] = ss[n];
  return d;
}
void *memset(void *d, int c, size_t n) {
  u8 *dd = d;
  while (n--) *dd++ = (u8)c;
  return d;
}
int memcmp(const void *a, const void *b, size_t n) {
  const u8 *x = a, *y = b;
  for (; n; n--, x++, y++) if (*x != *y) return *x - *y;
  return 0;
}
size_t strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

static char obuf[4096];
static unsigned olen;
void flush(void) { if (olen) sys_write(1, obuf, olen); olen = 0; }
void putc_(char c) { if (olen == sizeof obuf) flush(); obuf[olen++] = c; }
void put(const char *s) { while (*s) putc_(*s++); }
void puthex(u64 v) { for (int i = 60; i >= 0; i -= 4) putc_("0123456789abcdef"[(v >> i) & 15]); }
void putudec(u64 v) { char b[24]; int n = 0; do { b[n++] = '0' + v % 10; v /= 10; } while (v); while (n) putc_(b[--n]); }
void putdec(i64 v) { if (v < 0) { putc_('-'); putudec(-(u64)v); } else putudec(v); }
void show(const char *name, u64 v) { put(name); putc_('='); puthex(v); putc_('\n'); }
