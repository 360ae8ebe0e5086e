/* tr [-d] [-s] SET1 [SET2]: translate, delete (-d) or squeeze (-s)
 * characters. Sets take ranges (a-z) and escapes (\n \t \\ \NNN); a short
 * SET2 is padded with its last character. */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Expands a set into out (up to 256 bytes); returns its length. */
static int expand_set(const char *s, unsigned char *out) {
  int n = 0;
  while (*s && n < 256) {
    int c = (unsigned char)*s++;
    if (c == '\\' && *s) {
      c = (unsigned char)*s++;
      if (c == 'n') c = '\n';
      else if (c == 't') c = '\t';
      else if (c == 'r') c = '\r';
      else if (c >= '0' && c <= '7') {
        int v = c - '0';
        for (int k = 0; k < 2 && *s >= '0' && *s <= '7'; k++) v = v * 8 + (*s++ - '0');
        c = v & 0xff;
      }
    }
    if (s[0] == '-' && s[1]) {
      int hi = (unsigned char)s[1];
      s += 2;
      if (hi < c) errx(1, "range-endpoints of '%c-%c' are in reverse order", c, hi);
      for (int x = c; x <= hi && n < 256; x++) out[n++] = (unsigned char)x;
      continue;
    }
    out[n++] = (unsigned char)c;
  }
  return n;
}

int main(int argc, char **argv) {
  int c, del = 0, squeeze = 0;
  while ((c = getopt(argc, argv, "ds")) != -1) {
    if (c == 'd') del = 1;
    else if (c == 's') squeeze = 1;
    else return 2;
  }
  int nargs = argc - optind;
  if (nargs < 1 || nargs > 2 || (!del && !squeeze && nargs != 2)) errx(1, "usage: tr [-ds] SET1 [SET2]");
  unsigned char set1[256], set2[256];
  int n1 = expand_set(argv[optind], set1), n2 = nargs > 1 ? expand_set(argv[optind + 1], set2) : 0;
  int map[256], in1[256] = {0}, in_squeeze[256] = {0};
  for (int i = 0; i < 256; i++) map[i] = i;
  for (int i = 0; i < n1; i++) in1[set1[i]] = 1;
  if (!del && n2 > 0)
    for (int i = 0; i < n1; i++) map[set1[i]] = set2[i < n2 ? i : n2 - 1];
  /* -s squeezes SET2 when there is one (after translating or deleting), else SET1. */
  if (squeeze) {
    const unsigned char *sq = n2 > 0 ? set2 : set1;
    for (int i = 0; i < (n2 > 0 ? n2 : n1); i++) in_squeeze[sq[i]] = 1;
  }
  int last = -1, ch;
  while ((ch = getchar()) != EOF) {
    if (del && in1[ch]) continue;
    int out = map[ch];
    if (squeeze && in_squeeze[out] && out == last) continue;
    putchar(out);
    last = out;
  }
  return 0;
}
