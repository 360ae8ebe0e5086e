/* uptime: the time, how long the system has been up (/proc/uptime) and,
 * if /proc/loadavg exists, the load averages. */
#include <procfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(void) {
  char buf[256];
  if (read_small_file("/proc/uptime", buf, sizeof buf) <= 0) {
    fputs("uptime: cannot read /proc/uptime\n", stderr);
    return 1;
  }
  long up = (long)strtod(buf, NULL);
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  printf(" %02d:%02d:%02d up ", tm.tm_hour, tm.tm_min, tm.tm_sec);
  long days = up / 86400, hours = up / 3600 % 24, mins = up / 60 % 60;
  if (days) printf("%ld day%s, ", days, days == 1 ? "" : "s");
  if (hours) printf("%2ld:%02ld", hours, mins);
  else printf("%ld min", mins);
  if (read_small_file("/proc/loadavg", buf, sizeof buf) > 0) {
    char *save, *a = strtok_r(buf, " ", &save), *b = strtok_r(NULL, " ", &save), *c = strtok_r(NULL, " ", &save);
    if (a && b && c) printf(",  load average: %s, %s, %s", a, b, c);
  }
  putchar('\n');
  return 0;
}
