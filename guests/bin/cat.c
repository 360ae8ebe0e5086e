/* cat [-n] [FILE...]: copy files (or stdin, also for "-") to stdout. */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buf[65536];
static int number, line_no = 1, at_line_start = 1;

static int copy(int fd, const char *name) {
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    if (!number) {
      if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) return -1;
    } else {
      for (ssize_t i = 0; i < n; i++) {
        if (at_line_start) printf("%6d\t", line_no++);
        putchar(buf[i]);
        at_line_start = buf[i] == '\n';
      }
    }
    /* What was read goes out before the next read waits: typed lines come back at once. */
    if (fflush(stdout)) return -1;
  }
  if (n < 0) {
    warn("%s", name);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int c, status = 0;
  while ((c = getopt(argc, argv, "nu")) != -1) {
    if (c == 'n') number = 1;
    else if (c != 'u') return 2;
  }
  setvbuf(stdout, NULL, _IOFBF, 0);
  if (optind == argc) return copy(0, "stdin") ? 1 : 0;
  for (int i = optind; i < argc; i++) {
    if (strcmp(argv[i], "-") == 0) {
      status |= copy(0, "stdin") != 0;
      continue;
    }
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      warn("%s", argv[i]);
      status = 1;
      continue;
    }
    if (copy(fd, argv[i])) status = 1;
    close(fd);
  }
  if (fflush(stdout)) status = 1;
  return status;
}
