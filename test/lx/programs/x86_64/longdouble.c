/* x86-64 under lx: long double, which glibc computes on the x87 unit —
 * printf %Lf/%Le/%Lg/%La (the digits come from the 64-bit significand),
 * strtold (rounding of long decimal strings, denormals, overflow), the
 * arithmetic operators under each rounding mode, libm's x87 functions
 * (sqrtl, fmodl, remainderl, rintl, frexpl, ldexpl, expl) and conversions
 * to and from integers; the x87 and SSE control state across a signal
 * handler (which starts from the initial state). Prints only what the host
 * prints too. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const numbers[] = {
  "0", "-0", "1", "0.1", "3.14159265358979323846264338327950288", "1e4932", "1.18973149535723176502e+4932",
  "1e-4950", "3.6451995318824746025e-4951", "-2.5", "123456789012345678901234567890", "0x1.fffffffffffffffep+16383",
  "inf", "-nan", "1.0000000000000000000000000000000001", "4.9406564584124654e-324", "0.3333333333333333333333333",
};

static void print(const char *what, long double x) {
  printf("%-8s %Lf | %.21Le | %Lg | %La\n", what, x, x, x, x);
}

static volatile long double handler_third;
static void on_usr1(int sig) {
  volatile long double one = 1;
  handler_third = one / 3;
  printf("handler: rounding %d, 1/3 = %La, 1/3 double = %a\n", fegetround(), handler_third, (double)one / 3);
  (void)sig;
}

int main(void) {
  volatile long double third = 1.0L / 3, big = 1e300L, tiny = 1e-300L;
  print("third", third);
  print("pi", 3.14159265358979323846264338327950288L);
  print("big^10", big * big * big * big * big * big * big * big * big * big);
  print("tiny^16", tiny * tiny * tiny * tiny * tiny * tiny * tiny * tiny * tiny * tiny * tiny * tiny * tiny * tiny * tiny * tiny);
  for (unsigned i = 0; i < sizeof numbers / sizeof *numbers; i++) {
    char *end;
    long double v = strtold(numbers[i], &end);
    printf("strtold(%s) = %La %.25Lg (%d chars)\n", numbers[i], v, v, (int)(end - numbers[i]));
  }
  static const int modes[] = { FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO };
  for (int m = 0; m < 4; m++) {
    fesetround(modes[m]);
    volatile long double a = third, b = 7.0L;
    printf("mode %d: %La %La %La %La %La %La\n", m, a + b, a - b, a * b, b / a, sqrtl(b), rintl(a * 100));
    printf("        %Lf %ld %lld\n", b / 3, lrintl(b / 3 * 1e6L), llrintl(-b / 3 * 1e15L));
  }
  fesetround(FE_UPWARD);
  signal(SIGUSR1, on_usr1);
  raise(SIGUSR1);
  volatile long double one = 1;
  printf("after the handler: rounding %d, 1/3 = %La\n", fegetround(), one / 3);
  fesetround(FE_TONEAREST);
  long double acc = 0;
  for (int i = 1; i <= 2000; i++) acc += 1.0L / ((long double)i * i);
  print("basel", acc);
  int e;
  long double f = frexpl(12345.678L, &e);
  printf("frexpl %La %d ldexpl %La\n", f, e, ldexpl(f, e + 16000));
  printf("fmodl %La %La remainderl %La %La\n", fmodl(1e100L, 3.7L), fmodl(-17.25L, 0.5L), remainderl(1e30L, 7.1L), remainderl(10.5L, 3.0L));
  for (int i = -3; i <= 3; i++) printf("expl(%d.37) = %La\n", i * 7, expl(i * 7 + 0.37L));
  for (int i = -60; i <= 60; i++) printf("%La%c", expl(i * 0.4375L + i * 1e-7L), i % 6 == 5 ? '\n' : ' ');
  volatile long double ni = -9.2233720368547758075e18L;
  printf("int conversions %lld %lld %llu %d\n", (long long)ni, (long long)(ni / 3), (unsigned long long)(-ni / 2), (int)(third * 1e9L));
  printf("compare %d %d %d %d\n", third < 0.34L, third == third, isnan(third / 0.0L - third / 0.0L), isinf(-1 / (third - third)));
  return 0;
}
