/* Internal declarations shared between the libc's source files. */
#ifndef LIBC_INTERNAL_H
#define LIBC_INTERNAL_H
#include <stddef.h>
#include <stdarg.h>

extern const char *__progname;
extern unsigned long __auxv_pagesz;
void __stdio_flush_all(void);

/* The printf engine writes through a sink: a buffer with a flush hook. */
struct fmt_sink {
  char *buf;
  size_t len, cap;
  size_t total;
  void (*flush)(struct fmt_sink *s);
  void *ctx;
};
int __vformat(struct fmt_sink *s, const char *fmt, va_list ap);

#endif
