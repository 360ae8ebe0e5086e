/* BSD-style diagnostics: "prog: message[: strerror(errno)]" on stderr. */
#ifndef _ERR_H
#define _ERR_H

void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void err(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void errx(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *progname(void);

#endif
