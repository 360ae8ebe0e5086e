/* exit and atexit, number parsing, the environment, qsort and rand. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libc.h"

static void (*exit_fns[32])(void);
static int exit_fn_count;

int atexit(void (*fn)(void)) {
  if (exit_fn_count == 32) return -1;
  exit_fns[exit_fn_count++] = fn;
  return 0;
}

_Noreturn void exit(int status) {
  while (exit_fn_count > 0) exit_fns[--exit_fn_count]();
  __stdio_flush_all();
  _exit(status);
}

_Noreturn void abort(void) {
  struct sigaction sa = {0};
  sa.sa_handler = SIG_DFL;
  sigaction(SIGABRT, &sa, NULL);
  sigset_t set = 1ul << (SIGABRT - 1);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  raise(SIGABRT);
  _exit(127);
}

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }

/* Parses the magnitude shared by all strto*l variants; *neg reports a sign
 * and *overflow a value beyond ULLONG_MAX. */
static unsigned long long parse_unsigned(const char *s, char **end, int base, int *neg, int *overflow) {
  const char *p = s;
  *neg = 0;
  *overflow = 0;
  while (isspace((unsigned char)*p)) p++;
  if (*p == '-' || *p == '+') *neg = *p++ == '-';
  if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 32) == 'x' && isxdigit((unsigned char)p[2])) {
    p += 2;
    base = 16;
  } else if (base == 0) {
    base = p[0] == '0' ? 8 : 10;
  }
  unsigned long long v = 0;
  const char *digits = p;
  for (;; p++) {
    int d;
    if (isdigit((unsigned char)*p)) d = *p - '0';
    else if (isalpha((unsigned char)*p)) d = (*p | 32) - 'a' + 10;
    else break;
    if (d >= base) break;
    if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base) *overflow = 1;
    v = v * (unsigned)base + (unsigned)d;
  }
  if (p == digits) p = s; /* no digits: nothing was parsed */
  if (end) *end = (char *)p;
  return v;
}

unsigned long long strtoull(const char *s, char **end, int base) {
  int neg, ovf;
  unsigned long long v = parse_unsigned(s, end, base, &neg, &ovf);
  if (ovf) {
    errno = ERANGE;
    return ULLONG_MAX;
  }
  return neg ? -v : v;
}

long long strtoll(const char *s, char **end, int base) {
  int neg, ovf;
  unsigned long long v = parse_unsigned(s, end, base, &neg, &ovf);
  if (ovf || v > (neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX)) {
    errno = ERANGE;
    return neg ? LLONG_MIN : LLONG_MAX;
  }
  return neg ? (long long)-v : (long long)v;
}

unsigned long strtoul(const char *s, char **end, int base) { return strtoull(s, end, base); }
long strtol(const char *s, char **end, int base) { return strtoll(s, end, base); }
int atoi(const char *s) { return (int)strtol(s, NULL, 10); }
long atol(const char *s) { return strtol(s, NULL, 10); }

/* Decimal and hexadecimal-free strtod: digits are gathered exactly into a
 * 19-digit integer and scaled by powers of ten, which is within one or two
 * ulps -- enough for `printf %f` and `seq` arguments. */
double strtod(const char *s, char **end) {
  const char *p = s;
  while (isspace((unsigned char)*p)) p++;
  int neg = 0;
  if (*p == '-' || *p == '+') neg = *p++ == '-';
  if (strncasecmp(p, "inf", 3) == 0) {
    p += strncasecmp(p, "infinity", 8) == 0 ? 8 : 3;
    if (end) *end = (char *)p;
    return neg ? -__builtin_inf() : __builtin_inf();
  }
  if (strncasecmp(p, "nan", 3) == 0) {
    if (end) *end = (char *)(p + 3);
    return __builtin_nan("");
  }
  unsigned long long mant = 0;
  int exp10 = 0, ndigits = 0, any = 0;
  for (; isdigit((unsigned char)*p); p++, any = 1) {
    if (ndigits < 19) {
      mant = mant * 10 + (unsigned)(*p - '0');
      if (mant) ndigits++;
    } else {
      exp10++;
    }
  }
  if (*p == '.') {
    p++;
    for (; isdigit((unsigned char)*p); p++, any = 1) {
      if (ndigits < 19) {
        mant = mant * 10 + (unsigned)(*p - '0');
        if (mant) ndigits++;
        exp10--;
      }
    }
  }
  if (!any) {
    if (end) *end = (char *)s;
    return 0;
  }
  if ((*p | 32) == 'e') {
    const char *q = p + 1;
    int eneg = 0, e = 0;
    if (*q == '-' || *q == '+') eneg = *q++ == '-';
    if (isdigit((unsigned char)*q)) {
      for (; isdigit((unsigned char)*q); q++)
        if (e < 10000) e = e * 10 + (*q - '0');
      exp10 += eneg ? -e : e;
      p = q;
    }
  }
  if (end) *end = (char *)p;
  double v = (double)mant;
  double scale = 1, base = 10;
  int e = exp10 < 0 ? -exp10 : exp10;
  while (e) {
    if (e & 1) scale *= base;
    base *= base;
    e >>= 1;
  }
  v = exp10 < 0 ? v / scale : v * scale;
  return neg ? -v : v;
}

double atof(const char *s) { return strtod(s, NULL); }

/* The environment: environ starts as the kernel's vector; the first change
 * copies it into a malloc'd vector that setenv may grow. */
static int env_owned;

static int env_find(const char *name, size_t len) {
  for (int i = 0; environ && environ[i]; i++)
    if (strncmp(environ[i], name, len) == 0 && environ[i][len] == '=') return i;
  return -1;
}

char *getenv(const char *name) {
  size_t len = strlen(name);
  int i = env_find(name, len);
  return i < 0 ? NULL : environ[i] + len + 1;
}

static int env_count(void) {
  int n = 0;
  while (environ && environ[n]) n++;
  return n;
}

static int env_own(int extra) {
  int n = env_count();
  char **v = malloc(sizeof(char *) * (size_t)(n + extra + 1));
  if (!v) return -1;
  for (int i = 0; i < n; i++) v[i] = environ[i];
  v[n] = NULL;
  if (env_owned) free(environ);
  environ = v;
  env_owned = 1;
  return 0;
}

int putenv(char *str) {
  char *eq = strchr(str, '=');
  if (!eq) return unsetenv(str);
  int i = env_find(str, (size_t)(eq - str));
  if (i >= 0) {
    environ[i] = str;
    return 0;
  }
  if (env_own(1) < 0) return -1;
  int n = env_count();
  environ[n] = str;
  environ[n + 1] = NULL;
  return 0;
}

int setenv(const char *name, const char *value, int overwrite) {
  size_t len = strlen(name);
  if (!len || strchr(name, '=')) {
    errno = EINVAL;
    return -1;
  }
  if (!overwrite && env_find(name, len) >= 0) return 0;
  size_t vlen = strlen(value);
  /* Entries are never freed: putenv'd strings and the kernel's ones are
   * mixed in the vector, and a leak per change is cheap for our programs. */
  char *s = malloc(len + vlen + 2);
  if (!s) return -1;
  memcpy(s, name, len);
  s[len] = '=';
  memcpy(s + len + 1, value, vlen + 1);
  return putenv(s);
}

int unsetenv(const char *name) {
  size_t len = strlen(name);
  int i;
  while ((i = env_find(name, len)) >= 0) {
    if (!env_owned && env_own(0) < 0) return -1;
    for (; environ[i]; i++) environ[i] = environ[i + 1];
  }
  return 0;
}

/* qsort: quicksort on a median of three, insertion sort for short runs. */
static void swap_bytes(char *a, char *b, size_t size) {
  while (size--) {
    char t = *a;
    *a++ = *b;
    *b++ = t;
  }
}

static void sort_range(char *base, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
  while (n > 8) {
    char *lo = base, *mid = base + (n / 2) * size, *hi = base + (n - 1) * size;
    if (cmp(mid, lo) < 0) swap_bytes(mid, lo, size);
    if (cmp(hi, mid) < 0) {
      swap_bytes(hi, mid, size);
      if (cmp(mid, lo) < 0) swap_bytes(mid, lo, size);
    }
    swap_bytes(mid, lo, size); /* pivot at base */
    size_t i = 1, j = n - 1;
    for (;;) {
      while (i <= j && cmp(base + i * size, base) < 0) i++;
      while (j >= i && cmp(base + j * size, base) > 0) j--;
      if (i >= j) break;
      swap_bytes(base + i * size, base + j * size, size);
      i++;
      j--;
    }
    swap_bytes(base, base + j * size, size);
    /* Recurse into the smaller side so the stack stays logarithmic. */
    size_t left = j, right = n - j - 1;
    if (left < right) {
      sort_range(base, left, size, cmp);
      base += (j + 1) * size;
      n = right;
    } else {
      sort_range(base + (j + 1) * size, right, size, cmp);
      n = left;
    }
  }
  for (size_t i = 1; i < n; i++)
    for (size_t k = i; k > 0 && cmp(base + (k - 1) * size, base + k * size) > 0; k--)
      swap_bytes(base + (k - 1) * size, base + k * size, size);
}

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
  sort_range(base, n, size, cmp);
}

static unsigned long rand_state = 1;
void srand(unsigned seed) { rand_state = seed; }
int rand(void) {
  rand_state = rand_state * 6364136223846793005ul + 1442695040888963407ul;
  return (int)(rand_state >> 33);
}
