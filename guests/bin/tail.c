/* tail [-n N|-n +N] [-c N] [-N] [FILE...]: the last N lines (default 10)
 * or bytes; +N starts at line N. The input is read into memory. */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long count = 10;
static int by_bytes, from_start;

static int tail(int fd, const char *name) {
  size_t cap = 65536, len = 0;
  char *data = malloc(cap);
  if (!data) errx(1, "out of memory");
  ssize_t n;
  for (;;) {
    if (len == cap) {
      data = realloc(data, cap *= 2);
      if (!data) errx(1, "out of memory");
    }
    n = read(fd, data + len, cap - len);
    if (n <= 0) break;
    len += (size_t)n;
  }
  if (n < 0) {
    warn("%s", name);
    free(data);
    return 1;
  }
  size_t start;
  if (by_bytes) {
    if (from_start) start = count > 0 ? (size_t)count - 1 : 0;
    else start = (size_t)count < len ? len - (size_t)count : 0;
    if (start > len) start = len;
  } else if (from_start) {
    start = 0;
    for (long line = 1; line < count && start < len; start++)
      if (data[start] == '\n') line++;
  } else if (count == 0) {
    start = len;
  } else {
    /* Walk back over `count` newlines, not counting the final one. */
    size_t end = len > 0 && data[len - 1] == '\n' ? len - 1 : len;
    long seen = 0;
    start = end;
    while (start > 0) {
      if (data[start - 1] == '\n' && ++seen == count) break;
      start--;
    }
  }
  fwrite(data + start, 1, len - start, stdout);
  free(data);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
    count = atol(argv[1] + 1);
    argv[1] = argv[0];
    argv++;
    argc--;
  }
  int c, status = 0;
  while ((c = getopt(argc, argv, "n:c:q")) != -1) {
    if (c == 'n' || c == 'c') {
      by_bytes = c == 'c';
      from_start = optarg[0] == '+';
      count = atol(optarg + (optarg[0] == '+' || optarg[0] == '-'));
    } else if (c != 'q') {
      return 2;
    }
  }
  int nfiles = argc - optind;
  if (nfiles == 0) return tail(0, "stdin");
  for (int i = optind; i < argc; i++) {
    int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);
    if (fd < 0) {
      warn("cannot open '%s'", argv[i]);
      status = 1;
      continue;
    }
    if (nfiles > 1) printf("%s==> %s <==\n", i > optind ? "\n" : "", argv[i]);
    fflush(stdout);
    status |= tail(fd, argv[i]);
    if (fd) close(fd);
  }
  return status;
}
