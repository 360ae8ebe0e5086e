/* seq [-s SEP] [-w] [FIRST [INCREMENT]] LAST: print a sequence of numbers.
 * Integers when all arguments are integers, else %g-formatted numbers. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int is_integer(const char *s) {
  char *end;
  strtol(s, &end, 10);
  return *s && !*end;
}

int main(int argc, char **argv) {
  const char *sep = "\n";
  int c, width = 0;
  /* Negative numbers are operands, not options. */
  while (optind < argc && argv[optind][0] == '-' && !(argv[optind][1] >= '0' && argv[optind][1] <= '9') &&
         (c = getopt(argc, argv, "s:w")) != -1) {
    if (c == 's') sep = optarg;
    else if (c == 'w') width = 1;
    else return 2;
  }
  int n = argc - optind;
  if (n < 1 || n > 3) errx(1, "usage: seq [-s SEP] [-w] [FIRST [INCREMENT]] LAST");
  char **a = argv + optind;
  const char *sfirst = n > 1 ? a[0] : "1", *sinc = n > 2 ? a[1] : "1", *slast = a[n - 1];
  if (is_integer(sfirst) && is_integer(sinc) && is_integer(slast)) {
    long first = atol(sfirst), inc = atol(sinc), last = atol(slast);
    if (inc == 0) errx(1, "invalid zero increment");
    int w = 0;
    if (width) {
      char tmp[32];
      int w1 = snprintf(tmp, sizeof tmp, "%ld", first), w2 = snprintf(tmp, sizeof tmp, "%ld", last);
      w = w1 > w2 ? w1 : w2;
    }
    int any = 0;
    for (long v = first; inc > 0 ? v <= last : v >= last; v += inc) {
      if (any) fputs(sep, stdout);
      printf(width ? "%0*ld" : "%*ld", w, v);
      any = 1;
    }
    if (any) putchar('\n');
    return 0;
  }
  double first = strtod(sfirst, NULL), inc = strtod(sinc, NULL), last = strtod(slast, NULL);
  if (inc == 0) errx(1, "invalid zero increment");
  int any = 0;
  for (long i = 0;; i++) {
    double v = first + (double)i * inc;
    if (inc > 0 ? v > last + inc * 1e-9 : v < last + inc * 1e-9) break;
    if (any) fputs(sep, stdout);
    printf("%g", v);
    any = 1;
  }
  if (any) putchar('\n');
  return 0;
}
