/* Raw system calls: aarch64 Linux takes the number in x8 and up to six
 * arguments in x0..x5, traps with `svc #0`, and returns the result in x0
 * (a value in [-4095, -1] is a negated errno). */
#ifndef LIBC_SYSCALL_H
#define LIBC_SYSCALL_H
#include <sys/syscall.h>

static inline long __sc6(long n, long a, long b, long c, long d, long e, long f) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc #0"
                   : "+r"(x0)
                   : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                   : "memory", "cc");
  return x0;
}

#define __SC_ARGS(a, b, c, d, e, f, ...) (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f)
/* sc(SYS_x, args...) returns the raw result; syscall_ret() turns it into the
 * C convention (-1 and errno). */
#define sc(n, ...) __sc6(n, __SC_ARGS(__VA_ARGS__, 0, 0, 0, 0, 0, 0))
#define sc0(n) __sc6(n, 0, 0, 0, 0, 0, 0)

long __syscall_ret(long r);
#define scr(n, ...) __syscall_ret(sc(n, __VA_ARGS__))

#endif
