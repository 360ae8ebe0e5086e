/* warn/err: messages prefixed with the program's name (argv[0]'s last part). */
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libc.h"

const char *progname(void) {
  const char *slash = strrchr(__progname, '/');
  return slash ? slash + 1 : __progname;
}

static void vwarn_to(int with_errno, const char *fmt, va_list ap) {
  int saved = errno;
  fflush(stdout);
  char buf[512];
  int n = snprintf(buf, sizeof buf, "%s: ", progname());
  if (fmt && n < (int)sizeof buf) n += vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
  if (with_errno && n < (int)sizeof buf) n += snprintf(buf + n, sizeof buf - (size_t)n, "%s%s", fmt ? ": " : "", strerror(saved));
  if (n >= (int)sizeof buf - 1) n = (int)sizeof buf - 2;
  buf[n++] = '\n';
  fwrite(buf, 1, (size_t)n, stderr);
  errno = saved;
}

void warn(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vwarn_to(1, fmt, ap);
  va_end(ap);
}

void warnx(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vwarn_to(0, fmt, ap);
  va_end(ap);
}

_Noreturn void err(int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vwarn_to(1, fmt, ap);
  va_end(ap);
  exit(status);
}

_Noreturn void errx(int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vwarn_to(0, fmt, ap);
  va_end(ap);
  exit(status);
}
