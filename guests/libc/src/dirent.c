/* Directory streams over getdents64; entries are used in the buffer as the
 * kernel wrote them. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

struct DIR {
  int fd;
  int pos, len;
  char buf[4096] __attribute__((aligned(8)));
};

DIR *fdopendir(int fd) {
  DIR *d = malloc(sizeof *d);
  if (!d) return NULL;
  d->fd = fd;
  d->pos = d->len = 0;
  return d;
}

DIR *opendir(const char *path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return NULL;
  DIR *d = fdopendir(fd);
  if (!d) close(fd);
  return d;
}

struct dirent *readdir(DIR *d) {
  if (d->pos >= d->len) {
    int n = getdents64(d->fd, d->buf, sizeof d->buf);
    if (n <= 0) return NULL;
    d->pos = 0;
    d->len = n;
  }
  struct dirent *e = (struct dirent *)(d->buf + d->pos);
  d->pos += e->d_reclen;
  return e;
}

int closedir(DIR *d) {
  int r = close(d->fd);
  free(d);
  return r;
}

int dirfd(DIR *d) { return d->fd; }
