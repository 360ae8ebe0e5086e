/* sleep SECONDS[smhd]...: pause; fractions such as 0.5 are allowed. */
#include <err.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  if (argc < 2) errx(1, "missing operand");
  double total = 0;
  for (int i = 1; i < argc; i++) {
    char *end;
    double v = strtod(argv[i], &end);
    if (end == argv[i] || v < 0) errx(1, "invalid time interval '%s'", argv[i]);
    switch (*end) {
    case 0: case 's': break;
    case 'm': v *= 60; break;
    case 'h': v *= 3600; break;
    case 'd': v *= 86400; break;
    default: errx(1, "invalid time interval '%s'", argv[i]);
    }
    total += v;
  }
  struct timespec ts = {(time_t)total, (long)((total - (double)(time_t)total) * 1e9)};
  while (nanosleep(&ts, &ts) < 0) {}
  return 0;
}
