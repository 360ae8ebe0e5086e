// Static glibc on the core: the string functions glibc selects by IFUNC
// (AdvSIMD implementations) over many sizes and alignments, printf of
// floating-point values, qsort, malloc, and libm. Built with
// aarch64-linux-gnu-gcc -static (the harness adds brk and anonymous mmap).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long h = 1469598103934665603ul;
static void mix(unsigned long v) { h = (h ^ v) * 1099511628211ul; }
static int cmp(const void *a, const void *b) { long x = *(const long *)a, y = *(const long *)b; return (x > y) - (x < y); }

int main(void) {
  static char a[4096], b[4096];
  unsigned long x = 88172645463325252ul;
  for (int i = 0; i < 4096; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; a[i] = (char)(x % 26 + 'a'); }
  a[4095] = 0;
  for (int off = 0; off < 17; off++) for (int len = 0; len < 300; len += 7) {
    memcpy(b + off, a + (len & 15), len); memset(b + off + len, 'z', 5); b[off + len + 5] = 0;
    mix(strlen(b + off)); mix((unsigned long)(strchr(b + off, 'q') ? strchr(b + off, 'q') - (b + off) : -1));
    mix((unsigned long)(memchr(b + off, 'e', len) ? (char *)memchr(b + off, 'e', len) - (b + off) : -1));
    mix((unsigned long)strcmp(b + off, a + (len & 15))); mix((unsigned long)memcmp(b + off, a + 3, len));
    mix((unsigned long)(strrchr(b + off, 'a') ? strrchr(b + off, 'a') - (b + off) : -1));
    memmove(b + off + 1, b + off, len); mix((unsigned long)b[off + len / 2]);
  }
  printf("strings=%016lx\n", h);
  long v[1000];
  for (int i = 0; i < 1000; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; v[i] = (long)(x % 100000) - 50000; }
  qsort(v, 1000, sizeof v[0], cmp);
  printf("qsort %ld %ld %ld\n", v[0], v[500], v[999]);
  char *p = malloc(100000); memset(p, 1, 100000); p = realloc(p, 300000); printf("malloc %d\n", p[99999]); free(p);
  for (int i = -20; i <= 20; i++) {
    double d = i * 0.37 + 0.001;
    printf("%d %.17g %.9g %.12e %g %g %g %g %a\n", i, exp(d), log(fabs(d)), pow(fabs(d), 1.7), sin(d), cos(d), floor(d * 3), fma(d, d, -1), d);
    printf("%.8f %f %.3Lf\n", sqrtf((float)fabs(d)), atan2(d, 1.5), (long double)d * 3);
  }
  printf("%.0f %.20e %g %g\n", 1e300 * 10, 5e-324, NAN, -INFINITY);
  return 0;
}
