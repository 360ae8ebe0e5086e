/* head [-n N] [-c N] [-N] [FILE...]: the first N lines (default 10) or bytes. */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long lines = 10, bytes = -1;
static char buf[65536];

static int head(int fd, const char *name) {
  long left = bytes >= 0 ? bytes : lines;
  ssize_t n;
  while (left > 0 && (n = read(fd, buf, sizeof buf)) > 0) {
    ssize_t take = 0;
    if (bytes >= 0) {
      take = n < left ? n : left;
      left -= take;
    } else {
      while (take < n && left > 0)
        if (buf[take++] == '\n') left--;
    }
    fwrite(buf, 1, (size_t)take, stdout);
    if (n < 0) break;
  }
  return 0;
}

int main(int argc, char **argv) {
  /* -N is short for -n N */
  if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' && argv[1][1] <= '9') {
    lines = atol(argv[1] + 1);
    argv[1] = argv[0];
    argv++;
    argc--;
  }
  int c, status = 0;
  while ((c = getopt(argc, argv, "n:c:q")) != -1) {
    if (c == 'n') lines = atol(optarg);
    else if (c == 'c') bytes = atol(optarg);
    else if (c != 'q') return 2;
  }
  int nfiles = argc - optind;
  if (nfiles == 0) return head(0, "stdin");
  for (int i = optind; i < argc; i++) {
    int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);
    if (fd < 0) {
      warn("cannot open '%s'", argv[i]);
      status = 1;
      continue;
    }
    if (nfiles > 1) printf("%s==> %s <==\n", i > optind ? "\n" : "", argv[i]);
    head(fd, argv[i]);
    if (fd) close(fd);
  }
  return status;
}
