/* wc [-l] [-w] [-c] [FILE...]: count lines, words and bytes. Counts are
 * right-aligned in 7 columns, except that one count of one input is
 * printed bare (so `wc -l < f` gives a plain number). */
#include <ctype.h>
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int show_l, show_w, show_c;
static long tl, tw, tc;
static char buf[65536];

static void print(long l, long w, long c, const char *name, int bare) {
  const char *sep = "";
  if (show_l) printf(bare ? "%ld" : "%7ld", l), sep = " ";
  if (show_w) printf(bare ? "%s%ld" : "%s%7ld", sep, w), sep = " ";
  if (show_c) printf(bare ? "%s%ld" : "%s%7ld", sep, c);
  if (name) printf(" %s", name);
  putchar('\n');
}

static int count(int fd, const char *name, int bare) {
  long l = 0, w = 0, c = 0;
  int in_word = 0;
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    c += n;
    for (ssize_t i = 0; i < n; i++) {
      unsigned char ch = (unsigned char)buf[i];
      if (ch == '\n') l++;
      if (isspace(ch)) in_word = 0;
      else if (!in_word) in_word = 1, w++;
    }
  }
  if (n < 0) {
    warn("%s", name ? name : "stdin");
    return 1;
  }
  tl += l, tw += w, tc += c;
  print(l, w, c, name, bare);
  return 0;
}

int main(int argc, char **argv) {
  int c, status = 0;
  while ((c = getopt(argc, argv, "lwcm")) != -1) {
    if (c == 'l') show_l = 1;
    else if (c == 'w') show_w = 1;
    else if (c == 'c' || c == 'm') show_c = 1;
    else return 2;
  }
  if (!show_l && !show_w && !show_c) show_l = show_w = show_c = 1;
  int nshow = show_l + show_w + show_c;
  int nfiles = argc - optind;
  if (nfiles == 0) return count(0, NULL, nshow == 1);
  for (int i = optind; i < argc; i++) {
    int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);
    if (fd < 0) {
      warn("%s", argv[i]);
      status = 1;
      continue;
    }
    status |= count(fd, argv[i], nshow == 1 && nfiles == 1);
    if (fd) close(fd);
  }
  if (nfiles > 1) print(tl, tw, tc, "total", 0);
  return status;
}
