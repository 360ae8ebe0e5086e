/* The printf engine: one formatter (__vformat) writing into a sink, and the
 * printf family on top of it.
 *
 * Floating point is printed exactly: a double is m * 2^e, so its decimal
 * expansion is finite; we compute all of its digits with a small base-1e9
 * big integer (m * 2^e, or m * 5^-e shifted by -e decimal places) and round
 * that digit string half-to-even, which is what glibc prints in the default
 * rounding mode. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "libc.h"

#define F_MINUS 1
#define F_PLUS 2
#define F_SPACE 4
#define F_ALT 8
#define F_ZERO 16

static void sink_put(struct fmt_sink *s, const char *p, size_t n) {
  s->total += n;
  while (n) {
    if (s->len == s->cap) {
      s->flush(s);
      if (s->len == s->cap) return; /* a full fixed buffer: drop the rest */
    }
    size_t k = s->cap - s->len < n ? s->cap - s->len : n;
    memcpy(s->buf + s->len, p, k);
    s->len += k;
    p += k;
    n -= k;
  }
}

static void sink_pad(struct fmt_sink *s, char c, long n) {
  char chunk[32];
  memset(chunk, c, sizeof chunk);
  while (n > 0) {
    size_t k = n > 32 ? 32 : (size_t)n;
    sink_put(s, chunk, k);
    n -= (long)k;
  }
}

/* Emits prefix (sign, 0x) and body with width/justification. zero_ok says
 * whether the 0 flag pads with zeros between prefix and body. */
static void emit(struct fmt_sink *s, int flags, long width, const char *prefix, size_t plen, const char *body,
                 size_t blen, long zeros, int zero_ok) {
  long len = (long)(plen + blen) + zeros;
  long pad = width > len ? width - len : 0;
  if (!(flags & F_MINUS) && !((flags & F_ZERO) && zero_ok)) sink_pad(s, ' ', pad);
  sink_put(s, prefix, plen);
  if (!(flags & F_MINUS) && (flags & F_ZERO) && zero_ok) sink_pad(s, '0', pad);
  sink_pad(s, '0', zeros);
  sink_put(s, body, blen);
  if (flags & F_MINUS) sink_pad(s, ' ', pad);
}

static void fmt_int(struct fmt_sink *s, int flags, long width, long prec, char conv, uint64_t v, int neg) {
  char buf[72];
  int at = sizeof buf;
  const char *digits = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  unsigned base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X' || conv == 'p') ? 16 : 10;
  for (uint64_t x = v; x; x /= base) buf[--at] = digits[x % base];
  size_t blen = sizeof buf - (size_t)at;
  char prefix[3];
  size_t plen = 0;
  if (conv == 'd' || conv == 'i') {
    if (neg) prefix[plen++] = '-';
    else if (flags & F_PLUS) prefix[plen++] = '+';
    else if (flags & F_SPACE) prefix[plen++] = ' ';
  } else if ((conv == 'x' || conv == 'X') && (flags & F_ALT) && v) {
    prefix[plen++] = '0';
    prefix[plen++] = conv;
  } else if (conv == 'p') {
    prefix[plen++] = '0';
    prefix[plen++] = 'x';
  }
  long zeros = 0;
  if (prec < 0) prec = 1;
  if ((long)blen < prec) zeros = prec - (long)blen;
  if (conv == 'o' && (flags & F_ALT) && zeros == 0 && (blen == 0 || buf[at] != '0')) zeros = 1;
  emit(s, flags, width, prefix, plen, buf + at, blen, zeros, prec == 1 || prec < 0);
}

/* ---- exact decimal digits of a double ---- */

#define LIMBS 100
#define MAXDIG 800

struct decimal {
  char d[MAXDIG]; /* digits, most significant first, no leading zeros */
  int len;        /* number of digits; 0 means the value is zero */
  int point;      /* digits before the decimal point (may be <= 0) */
};

static void big_mul(uint32_t *limb, int *n, uint32_t m) {
  uint64_t carry = 0;
  for (int i = 0; i < *n; i++) {
    uint64_t x = (uint64_t)limb[i] * m + carry;
    limb[i] = (uint32_t)(x % 1000000000u);
    carry = x / 1000000000u;
  }
  while (carry) {
    limb[(*n)++] = (uint32_t)(carry % 1000000000u);
    carry /= 1000000000u;
  }
}

static void exact_decimal(double v, struct decimal *out) {
  uint64_t bits;
  memcpy(&bits, &v, 8);
  int bexp = (int)((bits >> 52) & 0x7ff);
  uint64_t mant = bits & ((1ull << 52) - 1);
  int e;
  if (bexp == 0) {
    e = -1074;
  } else {
    mant |= 1ull << 52;
    e = bexp - 1075;
  }
  if (mant == 0) {
    out->len = 0;
    out->point = 1;
    return;
  }
  uint32_t limb[LIMBS];
  int n = 0;
  for (uint64_t m = mant; m; m /= 1000000000u) limb[n++] = (uint32_t)(m % 1000000000u);
  int k = 0;
  if (e > 0) {
    for (int left = e; left > 0; left -= 29) big_mul(limb, &n, 1u << (left < 29 ? left : 29));
  } else if (e < 0) {
    k = -e;
    for (int left = k; left > 0; left -= 13) {
      uint32_t p = 1;
      for (int i = 0; i < (left < 13 ? left : 13); i++) p *= 5;
      big_mul(limb, &n, p);
    }
  }
  /* Print the limbs: the top one without leading zeros, the rest as 9 digits. */
  int len = 0;
  char tmp[10];
  int t = 0;
  for (uint32_t x = limb[n - 1]; x; x /= 10) tmp[t++] = (char)('0' + x % 10);
  while (t) out->d[len++] = tmp[--t];
  for (int i = n - 2; i >= 0; i--) {
    uint32_t x = limb[i];
    for (int j = 8; j >= 0; j--) {
      out->d[len + j] = (char)('0' + x % 10);
      x /= 10;
    }
    len += 9;
  }
  out->point = len - k;
  while (len > 0 && out->d[len - 1] == '0') len--;
  out->len = len;
}

/* Keeps the first `keep` digits, rounding half to even on the rest. */
static void round_decimal(struct decimal *x, int keep) {
  if (keep >= x->len) return;
  if (keep < 0) {
    x->len = 0;
    return;
  }
  int up;
  char r = x->d[keep];
  if (r > '5') up = 1;
  else if (r < '5') up = 0;
  else {
    up = 0;
    for (int i = keep + 1; i < x->len; i++)
      if (x->d[i] != '0') up = 1;
    if (!up) up = keep > 0 && ((x->d[keep - 1] - '0') & 1);
  }
  x->len = keep;
  if (up) {
    int i = keep - 1;
    while (i >= 0 && x->d[i] == '9') i--;
    if (i < 0) {
      x->d[0] = '1';
      x->len = 1;
      x->point++;
      return;
    }
    x->d[i]++;
    x->len = i + 1;
  }
  while (x->len > 0 && x->d[x->len - 1] == '0') x->len--;
}

static char digit_at(const struct decimal *x, int i) { return i >= 0 && i < x->len ? x->d[i] : '0'; }

#define FBUF 1500 /* 309 integer digits, the point, MAXPREC digits, and slack */
#define MAXPREC 1100

/* Writes the fixed form of x with prec fraction digits into buf. */
static int put_fixed(char *buf, const struct decimal *x, int prec, int alt) {
  int n = 0;
  if (x->len == 0 || x->point <= 0) buf[n++] = '0';
  else
    for (int i = 0; i < x->point; i++) buf[n++] = digit_at(x, i);
  if (prec > 0 || alt) buf[n++] = '.';
  int base = x->len == 0 ? 0 : x->point;
  for (int i = 0; i < prec; i++) buf[n++] = x->len == 0 ? '0' : digit_at(x, base + i);
  return n;
}

static int put_exp(char *buf, const struct decimal *x, int prec, int alt, char conv) {
  int n = 0;
  buf[n++] = x->len ? x->d[0] : '0';
  if (prec > 0 || alt) buf[n++] = '.';
  for (int i = 1; i <= prec; i++) buf[n++] = digit_at(x, i);
  int ex = x->len ? x->point - 1 : 0;
  buf[n++] = conv;
  buf[n++] = ex < 0 ? '-' : '+';
  if (ex < 0) ex = -ex;
  if (ex >= 100) buf[n++] = (char)('0' + ex / 100);
  buf[n++] = (char)('0' + ex / 10 % 10);
  buf[n++] = (char)('0' + ex % 10);
  return n;
}

static void fmt_float(struct fmt_sink *s, int flags, long width, long prec, char conv, double v) {
  char prefix[1];
  size_t plen = 0;
  uint64_t bits;
  memcpy(&bits, &v, 8);
  if (bits >> 63) prefix[plen++] = '-';
  else if (flags & F_PLUS) prefix[plen++] = '+';
  else if (flags & F_SPACE) prefix[plen++] = ' ';
  int upper = conv == 'F' || conv == 'E' || conv == 'G';
  if (((bits >> 52) & 0x7ff) == 0x7ff) {
    const char *t = (bits & ((1ull << 52) - 1)) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
    emit(s, flags, width, prefix, plen, t, 3, 0, 0);
    return;
  }
  if (prec < 0) prec = 6;
  if (prec > MAXPREC) prec = MAXPREC;
  int alt = (flags & F_ALT) != 0;
  static struct decimal exact, x; /* large; programs are single-threaded */
  exact_decimal(bits >> 63 ? -v : v, &exact);
  char buf[FBUF];
  int n;
  char lc = (char)(conv | 32);
  if (lc == 'f') {
    x = exact;
    round_decimal(&x, x.point + (int)prec);
    n = put_fixed(buf, &x, (int)prec, alt);
  } else if (lc == 'e') {
    x = exact;
    round_decimal(&x, (int)prec + 1);
    n = put_exp(buf, &x, (int)prec, alt, upper ? 'E' : 'e');
  } else {
    int p = prec == 0 ? 1 : (int)prec;
    x = exact;
    round_decimal(&x, p);
    int ex = x.len ? x.point - 1 : 0;
    x = exact;
    if (ex >= -4 && ex < p) {
      round_decimal(&x, x.point + (p - 1 - ex));
      n = put_fixed(buf, &x, p - 1 - ex, alt);
    } else {
      round_decimal(&x, p);
      n = put_exp(buf, &x, p - 1, alt, upper ? 'E' : 'e');
    }
    if (!alt) {
      /* %g drops trailing zeros of the fraction, and a bare point. */
      char *e = memchr(buf, upper ? 'E' : 'e', (size_t)n);
      int mant_end = e ? (int)(e - buf) : n;
      if (memchr(buf, '.', (size_t)mant_end)) {
        int cut = mant_end;
        while (buf[cut - 1] == '0') cut--;
        if (buf[cut - 1] == '.') cut--;
        memmove(buf + cut, buf + mant_end, (size_t)(n - mant_end));
        n -= mant_end - cut;
      }
    }
  }
  emit(s, flags, width, prefix, plen, buf, (size_t)n, 0, 1);
}

int __vformat(struct fmt_sink *s, const char *fmt, va_list ap) {
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') {
      const char *q = p;
      while (q[1] && q[1] != '%') q++;
      sink_put(s, p, (size_t)(q - p + 1));
      p = q;
      continue;
    }
    const char *start = p++;
    int flags = 0;
    for (;; p++) {
      if (*p == '-') flags |= F_MINUS;
      else if (*p == '+') flags |= F_PLUS;
      else if (*p == ' ') flags |= F_SPACE;
      else if (*p == '#') flags |= F_ALT;
      else if (*p == '0') flags |= F_ZERO;
      else break;
    }
    long width = 0, prec = -1;
    if (*p == '*') {
      width = va_arg(ap, int);
      if (width < 0) {
        flags |= F_MINUS;
        width = -width;
      }
      p++;
    } else {
      while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    }
    if (*p == '.') {
      p++;
      prec = 0;
      if (*p == '*') {
        prec = va_arg(ap, int);
        p++;
      } else {
        while (*p >= '0' && *p <= '9') prec = prec * 10 + (*p++ - '0');
      }
    }
    int size = 0; /* -2 hh, -1 h, 0 int, 1 long/long long/size_t */
    for (;; p++) {
      if (*p == 'h') size--;
      else if (*p == 'l' || *p == 'z' || *p == 'j' || *p == 't') size = 1;
      else if (*p == 'L') size = 2;
      else break;
    }
    char conv = *p;
    switch (conv) {
    case 'd':
    case 'i': {
      long v = size >= 1 ? va_arg(ap, long) : va_arg(ap, int);
      if (size == -1) v = (short)v;
      if (size <= -2) v = (signed char)v;
      uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
      if (prec >= 0) flags &= ~F_ZERO;
      fmt_int(s, flags, width, prec, conv, mag, v < 0);
      break;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      uint64_t v = size >= 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
      if (size == -1) v = (unsigned short)v;
      if (size <= -2) v = (unsigned char)v;
      if (prec >= 0) flags &= ~F_ZERO;
      fmt_int(s, flags, width, prec, conv, v, 0);
      break;
    }
    case 'p': {
      void *v = va_arg(ap, void *);
      if (!v) emit(s, flags, width, "", 0, "(nil)", 5, 0, 0);
      else fmt_int(s, flags & ~F_ZERO, width, prec, 'p', (uintptr_t)v, 0);
      break;
    }
    case 'c': {
      char c = (char)va_arg(ap, int);
      emit(s, flags, width, "", 0, &c, 1, 0, 0);
      break;
    }
    case 's': {
      const char *str = va_arg(ap, const char *);
      if (!str) str = "(null)";
      size_t len = prec >= 0 ? strnlen(str, (size_t)prec) : strlen(str);
      emit(s, flags, width, "", 0, str, len, 0, 0);
      break;
    }
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G': {
      if (size == 2) { /* long double: not supported; consume it */
        (void)va_arg(ap, long double);
        sink_put(s, "?", 1);
        break;
      }
      fmt_float(s, flags, width, prec, conv, va_arg(ap, double));
      break;
    }
    case '%': sink_put(s, "%", 1); break;
    case 'n': (void)va_arg(ap, int *); break;
    default:
      /* Unknown conversion: print it as written. */
      sink_put(s, start, (size_t)(p - start + (*p ? 1 : 0)));
      if (!*p) p--;
      break;
    }
  }
  return (int)s->total;
}

/* ---- the family ---- */

static void flush_none(struct fmt_sink *s) { (void)s; }

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap) {
  char dummy;
  struct fmt_sink s = {n ? buf : &dummy, 0, n ? n - 1 : 0, 0, flush_none, NULL};
  int r = __vformat(&s, fmt, ap);
  if (n) buf[s.len] = 0;
  return r;
}

int snprintf(char *buf, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return r;
}

int vsprintf(char *buf, const char *fmt, va_list ap) { return vsnprintf(buf, (size_t)1 << 30, fmt, ap); }

int sprintf(char *buf, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vsprintf(buf, fmt, ap);
  va_end(ap);
  return r;
}

static void flush_fd(struct fmt_sink *s) {
  int fd = (int)(intptr_t)s->ctx;
  size_t off = 0;
  while (off < s->len) {
    ssize_t w = write(fd, s->buf + off, s->len - off);
    if (w <= 0) break;
    off += (size_t)w;
  }
  s->len = 0;
}

int vdprintf(int fd, const char *fmt, va_list ap) {
  char buf[512];
  struct fmt_sink s = {buf, 0, sizeof buf, 0, flush_fd, (void *)(intptr_t)fd};
  int r = __vformat(&s, fmt, ap);
  flush_fd(&s);
  return r;
}

int dprintf(int fd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vdprintf(fd, fmt, ap);
  va_end(ap);
  return r;
}

static void flush_file(struct fmt_sink *s) {
  fwrite(s->buf, 1, s->len, (FILE *)s->ctx);
  s->len = 0;
}

int vfprintf(FILE *f, const char *fmt, va_list ap) {
  char buf[512];
  struct fmt_sink s = {buf, 0, sizeof buf, 0, flush_file, f};
  int r = __vformat(&s, fmt, ap);
  flush_file(&s);
  return ferror(f) ? -1 : r;
}

int fprintf(FILE *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vfprintf(f, fmt, ap);
  va_end(ap);
  return r;
}

int vprintf(const char *fmt, va_list ap) { return vfprintf(stdout, fmt, ap); }

int printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vfprintf(stdout, fmt, ap);
  va_end(ap);
  return r;
}
