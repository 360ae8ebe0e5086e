// printf for the tests: %s %c %d %u %x with an optional 0 flag, width and
// l (64-bit) length; %p prints 0x and 16 hex digits. Nothing else is needed,
// and an unknown conversion prints itself so that a typo shows in the output.
#include <stdarg.h>
#include "rt.h"

static void number(u64 v, unsigned base, int width, char pad, int negative) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  if (negative) buf[n++] = '-';
  while (width-- > n) putch(pad);
  while (n) putch(buf[--n]);
}

void printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      putch(*fmt);
      continue;
    }
    char pad = ' ';
    int width = 0, is_long = 0;
    if (*++fmt == '0') pad = '0', fmt++;
    while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    if (*fmt == 'l') is_long = 1, fmt++;
    switch (*fmt) {
    case 's': putstr(va_arg(ap, const char *)); break;
    case 'c': putch(va_arg(ap, int)); break;
    case 'd': {
      long v = is_long ? va_arg(ap, long) : va_arg(ap, int);
      number(v < 0 ? -(u64)v : (u64)v, 10, width, pad, v < 0);
      break;
    }
    case 'u': number(is_long ? va_arg(ap, u64) : va_arg(ap, unsigned), 10, width, pad, 0); break;
    case 'x': number(is_long ? va_arg(ap, u64) : va_arg(ap, unsigned), 16, width, pad, 0); break;
    case 'p': putstr("0x"); number(va_arg(ap, u64), 16, 16, '0', 0); break;
    case '%': putch('%'); break;
    case 0: fmt--; break;
    default: putch('%'); putch(*fmt);
    }
  }
  va_end(ap);
}
