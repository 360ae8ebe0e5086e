/* uniq [-c] [-d] [-u] [-i] [INPUT [OUTPUT]]: collapse adjacent equal lines.
 * -c prefixes counts, -d prints only repeated lines, -u only unique ones. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int show_count, only_dup, only_unique, fold;

static void emit(FILE *out, const char *line, long n) {
  if (only_dup && n < 2) return;
  if (only_unique && n > 1) return;
  if (show_count) fprintf(out, "%7ld %s\n", n, line);
  else fprintf(out, "%s\n", line);
}

int main(int argc, char **argv) {
  int c;
  while ((c = getopt(argc, argv, "cdui")) != -1) {
    if (c == 'c') show_count = 1;
    else if (c == 'd') only_dup = 1;
    else if (c == 'u') only_unique = 1;
    else if (c == 'i') fold = 1;
    else return 2;
  }
  FILE *in = stdin, *out = stdout;
  if (optind < argc && strcmp(argv[optind], "-") != 0 && !(in = fopen(argv[optind], "r"))) err(1, "%s", argv[optind]);
  if (optind + 1 < argc && !(out = fopen(argv[optind + 1], "w"))) err(1, "%s", argv[optind + 1]);
  char *line = NULL, *prev = NULL;
  size_t cap = 0;
  long n = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, in)) > 0) {
    if (line[len - 1] == '\n') line[len - 1] = 0;
    if (prev && (fold ? strcasecmp(prev, line) : strcmp(prev, line)) == 0) {
      n++;
      continue;
    }
    if (prev) emit(out, prev, n);
    free(prev);
    prev = strdup(line);
    n = 1;
  }
  if (prev) emit(out, prev, n);
  fflush(out);
  return 0;
}
