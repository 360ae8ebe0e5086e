/* cut -f LIST [-d DELIM] [-s] | -c LIST [FILE...]: select fields or
 * characters. LIST is N, N-M, N-, -M, comma-separated. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXPOS 4096
static char want[MAXPOS + 2]; /* want[i]: position i (1-based) selected */
static int open_end;          /* positions from open_end on are selected (0: none) */

static int selected(int i) { return (open_end && i >= open_end) || (i <= MAXPOS && want[i]); }

static void parse_list(const char *s) {
  while (*s) {
    char *end;
    long lo = 1, hi;
    if (*s != '-') {
      lo = strtol(s, &end, 10);
      if (end == s || lo < 1) errx(1, "invalid field list");
      s = end;
    }
    if (*s == '-') {
      s++;
      if (*s >= '0' && *s <= '9') {
        hi = strtol(s, &end, 10);
        s = end;
      } else {
        hi = -1;
      }
    } else {
      hi = lo;
    }
    if (hi < 0) open_end = open_end && open_end < lo ? open_end : (int)lo;
    else
      for (long i = lo; i <= hi && i <= MAXPOS; i++) want[i] = 1;
    if (*s == ',') s++;
    else if (*s) errx(1, "invalid field list");
  }
}

int main(int argc, char **argv) {
  int c, fields = 0, chars = 0, only_delimited = 0;
  char delim = '\t';
  while ((c = getopt(argc, argv, "f:c:b:d:s")) != -1) {
    if (c == 'f') fields = 1, parse_list(optarg);
    else if (c == 'c' || c == 'b') chars = 1, parse_list(optarg);
    else if (c == 'd') delim = optarg[0];
    else if (c == 's') only_delimited = 1;
    else return 2;
  }
  if (fields == chars) errx(1, "specify one of -f or -c");
  int status = 0;
  for (int i = optind; i <= argc; i++) {
    if (i == argc && optind < argc) break;
    FILE *f = i == argc || strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");
    if (!f) {
      warn("%s", argv[i]);
      status = 1;
      continue;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
      if (line[n - 1] == '\n') line[--n] = 0;
      if (chars) {
        for (ssize_t k = 0; k < n; k++)
          if (selected((int)k + 1)) putchar(line[k]);
        putchar('\n');
        continue;
      }
      if (!strchr(line, delim)) {
        if (!only_delimited) puts(line);
        continue;
      }
      int field = 1, first = 1;
      char *start = line;
      for (char *p = line;; p++) {
        if (*p == delim || !*p) {
          if (selected(field)) {
            if (!first) putchar(delim);
            fwrite(start, 1, (size_t)(p - start), stdout);
            first = 0;
          }
          if (!*p) break;
          field++;
          start = p + 1;
        }
      }
      putchar('\n');
    }
    free(line);
    if (f != stdin) fclose(f);
  }
  return status;
}
