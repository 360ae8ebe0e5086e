/* date [-u] [-d @SECONDS] [+FORMAT]: print the time (always UTC: the
 * guests have no time zone data). Default format: "%a %b %e %H:%M:%S UTC %Y". */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int c;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  time_t t = ts.tv_sec;
  while ((c = getopt(argc, argv, "ud:")) != -1) {
    if (c == 'd') {
      if (optarg[0] != '@') errx(1, "only -d @SECONDS is supported");
      char *end;
      t = strtol(optarg + 1, &end, 10);
      if (*end) errx(1, "invalid date '%s'", optarg);
    } else if (c != 'u') {
      return 2;
    }
  }
  const char *fmt = "%a %b %e %H:%M:%S UTC %Y";
  if (optind < argc) {
    if (argv[optind][0] != '+') errx(1, "setting the date is not supported");
    fmt = argv[optind] + 1;
  }
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[1024];
  if (!strftime(buf, sizeof buf, fmt, &tm) && *fmt) errx(1, "format too long");
  puts(buf);
  return 0;
}
