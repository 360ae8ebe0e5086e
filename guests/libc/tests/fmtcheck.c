/* printf test vectors: the output is compared with glibc's (libc.test.ts). */
#include <stdio.h>
int main(int argc, char **argv) {
  printf("[%d] [%5d] [%-5d|] [%05d] [%+d] [% d] [%.3d] [%x] [%#X] [%#o] [%lu] [%lld] [%zu]\n", 42, 42, 42, -42, 42, 42, 7, 255, 255, 8, 18446744073709551615ul, -9223372036854775807ll - 1, (size_t)12);
  printf("[%s] [%10s] [%-10s|] [%.2s] [%c] [%p] [%%]\n", "abc", "abc", "abc", "abc", 'z', (void *)0x1234);
  double v[] = {0, -0.0, 1, 0.5, 1.5, 2.5, 3.14159265358979, 1e10, 1e-10, 123456789.125, 1e300, 5e-324, 0.1, 2.0/3, 1e15, 1e16, 1e17, 100, 99.9999999, 0.0001, 0.00001234};
  for (unsigned i = 0; i < sizeof v / sizeof *v; i++)
    printf("%f|%.0f|%.2f|%e|%.3E|%g|%G|%#g|%.10g|%12.4f|%-12.3e|%+g|%010.3f\n", v[i], v[i], v[i], v[i], v[i], v[i], v[i], v[i], v[i], v[i], v[i], v[i], v[i]);
  printf("%f %F %e %g\n", 1.0/0, -1.0/0, __builtin_nan(""), 1.0/0);
  printf("%.20f %.30e\n", 0.1, 1e-300);
  printf("%.0f %.0f %.0f %.0f\n", 0.5, 1.5, 2.5, 3.5);
  /* Pseudo-random bit patterns across the whole double range. */
  unsigned long x = 88172645463325252ul;
  for (int i = 0; i < 400; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    double d;
    unsigned long bits = x;
    if (i % 2) bits = (bits & 0x800fffffffffffff) | ((unsigned long)(1023 + (long)(x % 80) - 40) << 52);
    __builtin_memcpy(&d, &bits, 8);
    if (d != d) continue;
    printf("%.17g|%e|%.3g|%g|%#.5g", d, d, d, d, d);
    if (d < 1e25 && d > -1e25) printf("|%.4f|%f", d, d);
    putchar('\n');
  }
  for (long v = -300; v < 300; v += 7) printf("%ld %5.1f %-8.3e %+.2g|", v, v / 7.0, v * 1e5, v / 3.0);
  putchar('\n');
  return 0;
}
