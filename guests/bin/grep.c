/* grep [-i] [-v] [-n] [-c] [-l] [-q] [-F] [-E] [-e PATTERN] PATTERN [FILE...]
 *
 * Patterns are fixed strings (-F) or simple regular expressions:
 *   c  literal   .  any character   [abc] [a-z] [^...]  classes
 *   *  zero or more of the previous item   ^ $  anchors   \c  literal c
 *   + ?  one-or-more / optional: operators with -E, or written \+ \? without
 * Groups and alternation are not supported. Exit status: 0 if a line was
 * selected, 1 if none, 2 on errors. */
#include <ctype.h>
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum kind { K_CHAR, K_ANY, K_CLASS };
enum rep { R_ONE, R_STAR, R_PLUS, R_QUEST };

struct item {
  enum kind kind;
  enum rep rep;
  unsigned char c;
  unsigned char set[32]; /* bitmap for K_CLASS */
};

static struct item items[512];
static int nitems, anchor_start, anchor_end;
static int ignore_case, invert, number, count_only, list_files, quiet, fixed, extended;
static const char *pattern;

static void set_bit(unsigned char *set, int c) { set[c >> 3] |= (unsigned char)(1 << (c & 7)); }
static int has_bit(const unsigned char *set, int c) { return set[c >> 3] & (1 << (c & 7)); }

static void compile(const char *p) {
  if (*p == '^') anchor_start = 1, p++;
  while (*p) {
    if (nitems == 512) errx(2, "pattern too long");
    if (*p == '$' && !p[1]) {
      anchor_end = 1;
      break;
    }
    struct item *it = &items[nitems];
    memset(it, 0, sizeof *it);
    int is_op_star = *p == '*' && nitems > 0;
    int is_op_plus = nitems > 0 && ((extended && *p == '+') || (!extended && p[0] == '\\' && p[1] == '+'));
    int is_op_quest = nitems > 0 && ((extended && *p == '?') || (!extended && p[0] == '\\' && p[1] == '?'));
    if (is_op_star || is_op_plus || is_op_quest) {
      struct item *prev = &items[nitems - 1];
      prev->rep = is_op_star ? R_STAR : is_op_plus ? R_PLUS : R_QUEST;
      p += *p == '\\' ? 2 : 1;
      continue;
    }
    if (*p == '.') {
      it->kind = K_ANY;
      p++;
    } else if (*p == '[') {
      it->kind = K_CLASS;
      p++;
      int neg = *p == '^';
      if (neg) p++;
      const char *start = p;
      while (*p && (*p != ']' || p == start)) {
        int lo = (unsigned char)*p, hi = lo;
        if (p[1] == '-' && p[2] && p[2] != ']') {
          hi = (unsigned char)p[2];
          p += 3;
        } else {
          p++;
        }
        for (int c = lo; c <= hi; c++) {
          set_bit(it->set, c);
          if (ignore_case) set_bit(it->set, tolower(c)), set_bit(it->set, toupper(c));
        }
      }
      if (*p != ']') errx(2, "unmatched [");
      p++;
      if (neg)
        for (int i = 0; i < 32; i++) it->set[i] = (unsigned char)~it->set[i];
    } else {
      if (*p == '\\' && p[1]) p++;
      it->kind = K_CHAR;
      it->c = (unsigned char)(ignore_case ? tolower((unsigned char)*p) : *p);
      p++;
    }
    nitems++;
  }
}

static int item_matches(const struct item *it, unsigned char c) {
  switch (it->kind) {
  case K_ANY: return c != '\n';
  case K_CLASS: return has_bit(it->set, c);
  default: return (ignore_case ? tolower(c) : c) == it->c;
  }
}

/* Does items[i..] match text at s (ending at end)? Backtracking. */
static int match_here(int i, const char *s, const char *end) {
  for (; i < nitems; i++) {
    const struct item *it = &items[i];
    if (it->rep == R_ONE) {
      if (s == end || !item_matches(it, (unsigned char)*s)) return 0;
      s++;
      continue;
    }
    int min = it->rep == R_PLUS ? 1 : 0;
    const char *t = s;
    long max = it->rep == R_QUEST ? 1 : -1;
    while (t < end && (max < 0 || t - s < max) && item_matches(it, (unsigned char)*t)) t++;
    for (; t - s >= min; t--)
      if (match_here(i + 1, t, end)) return 1;
    return 0;
  }
  return !anchor_end || s == end;
}

static int line_matches(const char *s, size_t len) {
  const char *end = s + len;
  if (fixed) {
    size_t n = strlen(pattern);
    if (n == 0) return 1;
    for (const char *p = s; p + n <= end; p++)
      if (ignore_case ? strncasecmp(p, pattern, n) == 0 : memcmp(p, pattern, n) == 0) return 1;
    return 0;
  }
  if (anchor_start) return match_here(0, s, end);
  for (const char *p = s;; p++) {
    if (match_here(0, p, end)) return 1;
    if (p == end) return 0;
  }
}

static int grep(FILE *f, const char *name, int show_name) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  long lineno = 0, matches = 0;
  while ((n = getline(&line, &cap, f)) > 0) {
    lineno++;
    size_t len = (size_t)n;
    if (line[len - 1] == '\n') len--;
    if (line_matches(line, len) == invert) continue;
    matches++;
    if (quiet) exit(0);
    if (list_files) {
      printf("%s\n", name);
      break;
    }
    if (count_only) continue;
    if (show_name) printf("%s:", name);
    if (number) printf("%ld:", lineno);
    fwrite(line, 1, len, stdout);
    putchar('\n');
  }
  free(line);
  if (count_only) {
    if (show_name) printf("%s:", name);
    printf("%ld\n", matches);
  }
  return matches > 0;
}

int main(int argc, char **argv) {
  int c;
  while ((c = getopt(argc, argv, "ivnclqFEe:sH")) != -1) {
    switch (c) {
    case 'i': ignore_case = 1; break;
    case 'v': invert = 1; break;
    case 'n': number = 1; break;
    case 'c': count_only = 1; break;
    case 'l': list_files = 1; break;
    case 'q': quiet = 1; break;
    case 'F': fixed = 1; break;
    case 'E': extended = 1; break;
    case 'e': pattern = optarg; break;
    case 's':
    case 'H': break;
    default: return 2;
    }
  }
  if (!pattern) {
    if (optind == argc) {
      fputs("usage: grep [-ivnclqFE] PATTERN [FILE...]\n", stderr);
      return 2;
    }
    pattern = argv[optind++];
  }
  if (!fixed) compile(pattern);
  int nfiles = argc - optind, any = 0, errors = 0;
  if (nfiles == 0) any = grep(stdin, "(standard input)", 0);
  for (int i = optind; i < argc; i++) {
    FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");
    if (!f) {
      warn("%s", argv[i]);
      errors = 1;
      continue;
    }
    any |= grep(f, argv[i], nfiles > 1);
    if (f != stdin) fclose(f);
  }
  fflush(stdout);
  return errors && !any ? 2 : any ? 0 : 1;
}
