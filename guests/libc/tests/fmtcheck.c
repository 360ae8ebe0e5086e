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
  return 0;
}
