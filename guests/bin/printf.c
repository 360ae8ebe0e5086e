/* printf FORMAT [ARG...]: formatted output as in C, reusing the format
 * while arguments remain. Conversions: d i u o x X c s f F e E g G b %. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int status;

/* Prints a backslash escape starting after the backslash; returns the
 * number of characters consumed, or -1 for \c (stop all output). */
static int escape(const char *p) {
  switch (*p) {
  case 'n': putchar('\n'); return 1;
  case 't': putchar('\t'); return 1;
  case 'r': putchar('\r'); return 1;
  case 'a': putchar('\a'); return 1;
  case 'b': putchar('\b'); return 1;
  case 'f': putchar('\f'); return 1;
  case 'v': putchar('\v'); return 1;
  case 'e': putchar(27); return 1;
  case '\\': putchar('\\'); return 1;
  case 'c': return -1;
  case 0: putchar('\\'); return 0;
  }
  if (*p >= '0' && *p <= '7') {
    int v = 0, k = 0;
    if (*p == '0') k = 1; /* \0NNN */
    int n = k;
    for (; n < k + 3 && p[n] >= '0' && p[n] <= '7'; n++) v = v * 8 + (p[n] - '0');
    putchar(v);
    return n;
  }
  putchar('\\');
  putchar(*p);
  return 1;
}

static long long int_arg(const char *s) {
  if (s[0] == '\'' || s[0] == '"') return (unsigned char)s[1];
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 0);
  if (*end || end == s) {
    if (end == s || errno) v = (long long)strtoull(s, &end, 0);
    if (*end || end == s) {
      fprintf(stderr, "printf: %s: invalid number\n", s);
      status = 1;
    }
  }
  return v;
}

static double float_arg(const char *s) {
  char *end;
  double v = strtod(s, &end);
  if (*end || end == s) {
    fprintf(stderr, "printf: %s: invalid number\n", s);
    status = 1;
  }
  return v;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("usage: printf FORMAT [ARG...]\n", stderr);
    return 2;
  }
  const char *fmt = argv[1];
  int ai = 2;
  do {
    int used = 0;
    for (const char *p = fmt; *p; p++) {
      if (*p == '\\') {
        int n = escape(p + 1);
        if (n < 0) return status;
        p += n;
        continue;
      }
      if (*p != '%') {
        putchar(*p);
        continue;
      }
      if (p[1] == '%') {
        putchar('%');
        p++;
        continue;
      }
      /* Copy the spec (flags, width, precision) and find the conversion. */
      char spec[64];
      size_t n = 0;
      spec[n++] = '%';
      p++;
      while (*p && strchr("-+ #0", *p) && n < 40) spec[n++] = *p++;
      while (*p && ((*p >= '0' && *p <= '9') || *p == '.' || *p == '*') && n < 40) {
        if (*p == '*') {
          long long w = ai < argc ? int_arg(argv[ai++]) : 0;
          used = 1;
          n += (size_t)snprintf(spec + n, sizeof spec - n, "%d", (int)w);
          p++;
        } else {
          spec[n++] = *p++;
        }
      }
      while (*p == 'l' || *p == 'h' || *p == 'z' || *p == 'j' || *p == 'L') p++;
      char conv = *p;
      if (!conv) {
        fputs("printf: missing conversion\n", stderr);
        return 1;
      }
      const char *arg = ai < argc ? argv[ai++] : NULL;
      if (arg) used = 1;
      switch (conv) {
      case 'd':
      case 'i':
        spec[n++] = 'l', spec[n++] = 'l', spec[n++] = conv, spec[n] = 0;
        printf(spec, arg ? int_arg(arg) : 0LL);
        break;
      case 'u':
      case 'o':
      case 'x':
      case 'X':
        spec[n++] = 'l', spec[n++] = 'l', spec[n++] = conv, spec[n] = 0;
        printf(spec, arg ? (unsigned long long)int_arg(arg) : 0ULL);
        break;
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G':
        spec[n++] = conv, spec[n] = 0;
        printf(spec, arg ? float_arg(arg) : 0.0);
        break;
      case 'c':
        spec[n++] = 'c', spec[n] = 0;
        printf(spec, arg ? arg[0] : 0);
        break;
      case 's':
        spec[n++] = 's', spec[n] = 0;
        printf(spec, arg ? arg : "");
        break;
      case 'b':
        for (const char *q = arg ? arg : ""; *q; q++) {
          if (*q != '\\') {
            putchar(*q);
            continue;
          }
          int k = escape(q + 1);
          if (k < 0) return status;
          q += k;
        }
        break;
      default:
        fprintf(stderr, "printf: %%%c: invalid conversion\n", conv);
        return 1;
      }
    }
    if (!used) break;
  } while (ai < argc);
  return status;
}
