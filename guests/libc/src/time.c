/* Clocks, sleeping and calendar conversion (UTC only: no time zones). */
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "syscall.h"

int clock_gettime(clockid_t clk, struct timespec *ts) { return (int)scr(SYS_clock_gettime, clk, ts); }
int nanosleep(const struct timespec *req, struct timespec *rem) { return (int)scr(SYS_nanosleep, req, rem); }
int gettimeofday(struct timeval *tv, void *tz) {
  (void)tz;
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) < 0) return -1;
  tv->tv_sec = ts.tv_sec;
  tv->tv_usec = ts.tv_nsec / 1000;
  return 0;
}

time_t time(time_t *t) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (t) *t = ts.tv_sec;
  return ts.tv_sec;
}

unsigned sleep(unsigned seconds) {
  struct timespec req = {seconds, 0}, rem;
  if (nanosleep(&req, &rem) < 0) return (unsigned)rem.tv_sec;
  return 0;
}

int usleep(unsigned long usec) {
  struct timespec req = {(time_t)(usec / 1000000), (long)(usec % 1000000) * 1000};
  return nanosleep(&req, NULL);
}

/* Days from 1970-01-01 to the civil date y-m-d, by counting 400-year eras
 * that start on March 1 so that the leap day falls at the end of a year. */
static long days_from_civil(long y, int m, int d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}


struct tm *gmtime_r(const time_t *t, struct tm *out) {
  long secs = *t;
  long days = secs / 86400, rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  out->tm_hour = (int)(rem / 3600);
  out->tm_min = (int)(rem / 60 % 60);
  out->tm_sec = (int)(rem % 60);
  out->tm_wday = (int)((days + 4) % 7);
  if (out->tm_wday < 0) out->tm_wday += 7;
  /* The inverse of days_from_civil. */
  long z = days + 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = yoe + era * 400;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  int d = (int)(doy - (153 * mp + 2) / 5 + 1);
  int m = (int)(mp < 10 ? mp + 3 : mp - 9);
  y += m <= 2;
  out->tm_year = (int)(y - 1900);
  out->tm_mon = m - 1;
  out->tm_mday = d;
  out->tm_yday = (int)(days - days_from_civil(y, 1, 1));
  out->tm_isdst = 0;
  return out;
}

struct tm *gmtime(const time_t *t) {
  static struct tm tm;
  return gmtime_r(t, &tm);
}

time_t timegm(const struct tm *tm) {
  long y = tm->tm_year + 1900L + tm->tm_mon / 12;
  int m = tm->tm_mon % 12;
  if (m < 0) {
    m += 12;
    y--;
  }
  return days_from_civil(y, m + 1, 1) * 86400 + (tm->tm_mday - 1) * 86400L + tm->tm_hour * 3600L +
         tm->tm_min * 60L + tm->tm_sec;
}

static const char *const wday_names[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
static const char *const mon_names[] = {"January", "February", "March",     "April",   "May",      "June",
                                        "July",    "August",   "September", "October", "November", "December"};

/* strftime for the conversions `date` needs; unknown ones are copied. */
size_t strftime(char *buf, size_t n, const char *fmt, const struct tm *tm) {
  size_t at = 0;
  char tmp[64];
  for (const char *p = fmt; *p; p++) {
    const char *piece = tmp;
    tmp[0] = 0;
    if (*p != '%') {
      tmp[0] = *p;
      tmp[1] = 0;
    } else {
      p++;
      switch (*p) {
      case 'Y': snprintf(tmp, sizeof tmp, "%d", tm->tm_year + 1900); break;
      case 'C': snprintf(tmp, sizeof tmp, "%02d", (tm->tm_year + 1900) / 100); break;
      case 'y': snprintf(tmp, sizeof tmp, "%02d", (tm->tm_year + 1900) % 100); break;
      case 'm': snprintf(tmp, sizeof tmp, "%02d", tm->tm_mon + 1); break;
      case 'd': snprintf(tmp, sizeof tmp, "%02d", tm->tm_mday); break;
      case 'e': snprintf(tmp, sizeof tmp, "%2d", tm->tm_mday); break;
      case 'H': snprintf(tmp, sizeof tmp, "%02d", tm->tm_hour); break;
      case 'I': snprintf(tmp, sizeof tmp, "%02d", (tm->tm_hour + 11) % 12 + 1); break;
      case 'M': snprintf(tmp, sizeof tmp, "%02d", tm->tm_min); break;
      case 'S': snprintf(tmp, sizeof tmp, "%02d", tm->tm_sec); break;
      case 'p': piece = tm->tm_hour < 12 ? "AM" : "PM"; break;
      case 'j': snprintf(tmp, sizeof tmp, "%03d", tm->tm_yday + 1); break;
      case 'u': snprintf(tmp, sizeof tmp, "%d", tm->tm_wday ? tm->tm_wday : 7); break;
      case 'w': snprintf(tmp, sizeof tmp, "%d", tm->tm_wday); break;
      case 'a': snprintf(tmp, sizeof tmp, "%.3s", wday_names[tm->tm_wday]); break;
      case 'A': piece = wday_names[tm->tm_wday]; break;
      case 'b':
      case 'h': snprintf(tmp, sizeof tmp, "%.3s", mon_names[tm->tm_mon]); break;
      case 'B': piece = mon_names[tm->tm_mon]; break;
      case 'Z': piece = "UTC"; break;
      case 'z': piece = "+0000"; break;
      case 's': snprintf(tmp, sizeof tmp, "%ld", (long)timegm(tm)); break;
      case 'F': snprintf(tmp, sizeof tmp, "%d-%02d-%02d", tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday); break;
      case 'T':
      case 'X': snprintf(tmp, sizeof tmp, "%02d:%02d:%02d", tm->tm_hour, tm->tm_min, tm->tm_sec); break;
      case 'R': snprintf(tmp, sizeof tmp, "%02d:%02d", tm->tm_hour, tm->tm_min); break;
      case 'D':
      case 'x':
        snprintf(tmp, sizeof tmp, "%02d/%02d/%02d", tm->tm_mon + 1, tm->tm_mday, (tm->tm_year + 1900) % 100);
        break;
      case 'c':
        snprintf(tmp, sizeof tmp, "%.3s %.3s %2d %02d:%02d:%02d %d", wday_names[tm->tm_wday], mon_names[tm->tm_mon],
                 tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec, tm->tm_year + 1900);
        break;
      case 'n': piece = "\n"; break;
      case 't': piece = "\t"; break;
      case '%': piece = "%"; break;
      case 0: p--; piece = "%"; break;
      default: snprintf(tmp, sizeof tmp, "%%%c", *p); break;
      }
    }
    size_t len = strlen(piece);
    if (at + len >= n) return 0;
    memcpy(buf + at, piece, len);
    at += len;
  }
  if (at >= n) return 0;
  buf[at] = 0;
  return at;
}

