/* sort [-r] [-n] [-u] [-f] [FILE...]: sort lines. -n compares leading
 * numbers, -f folds case, -u keeps one of equal lines; equal keys fall back
 * to comparing whole lines bytewise, so the output is deterministic. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int reverse, numeric, unique, fold;
static char **lines;
static size_t nlines, cap;

static void read_lines(FILE *f) {
  char *line = NULL;
  size_t lcap = 0;
  ssize_t n;
  while ((n = getline(&line, &lcap, f)) > 0) {
    if (line[n - 1] == '\n') line[n - 1] = 0;
    if (nlines == cap) {
      cap = cap ? cap * 2 : 1024;
      lines = realloc(lines, cap * sizeof *lines);
      if (!lines) errx(2, "out of memory");
    }
    lines[nlines++] = strdup(line);
  }
  free(line);
}

static int key_cmp(const char *a, const char *b) {
  if (numeric) {
    double x = strtod(a, NULL), y = strtod(b, NULL);
    if (x != y) return x < y ? -1 : 1;
    return 0;
  }
  if (fold) return strcasecmp(a, b);
  return strcmp(a, b);
}

static int line_cmp(const void *pa, const void *pb) {
  const char *a = *(char *const *)pa, *b = *(char *const *)pb;
  int r = key_cmp(a, b);
  if (r == 0 && !unique) r = strcmp(a, b);
  return reverse ? -r : r;
}

int main(int argc, char **argv) {
  int c;
  while ((c = getopt(argc, argv, "rnufb")) != -1) {
    if (c == 'r') reverse = 1;
    else if (c == 'n') numeric = 1;
    else if (c == 'u') unique = 1;
    else if (c == 'f') fold = 1;
    else if (c != 'b') return 2;
  }
  if (optind == argc) read_lines(stdin);
  for (int i = optind; i < argc; i++) {
    FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");
    if (!f) err(2, "%s", argv[i]);
    read_lines(f);
    if (f != stdin) fclose(f);
  }
  qsort(lines, nlines, sizeof *lines, line_cmp);
  for (size_t i = 0; i < nlines; i++) {
    if (unique && i > 0 && key_cmp(lines[i - 1], lines[i]) == 0) continue;
    fputs(lines[i], stdout);
    putchar('\n');
  }
  return 0;
}
