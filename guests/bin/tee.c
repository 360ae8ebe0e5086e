/* tee [-a] [FILE...]: copy stdin to stdout and to each FILE (-a appends). */
#include <err.h>
#include <fcntl.h>
#include <unistd.h>

static int write_all(int fd, const char *p, ssize_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, (size_t)n);
    if (w < 0) return -1;
    p += w;
    n -= w;
  }
  return 0;
}

int main(int argc, char **argv) {
  int c, append = 0, status = 0;
  while ((c = getopt(argc, argv, "ai")) != -1) {
    if (c == 'a') append = 1;
    else if (c != 'i') return 2;
  }
  int fds[64], n = 0;
  for (int i = optind; i < argc && n < 64; i++) {
    int fd = open(argv[i], O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0666);
    if (fd < 0) {
      warn("%s", argv[i]);
      status = 1;
      continue;
    }
    fds[n++] = fd;
  }
  static char buf[65536];
  ssize_t r;
  while ((r = read(0, buf, sizeof buf)) > 0) {
    if (write_all(1, buf, r) < 0) status = 1;
    for (int i = 0; i < n; i++)
      if (write_all(fds[i], buf, r) < 0) status = 1;
  }
  return r < 0 ? 1 : status;
}
