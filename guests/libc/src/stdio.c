/* Buffered streams. A FILE is either reading or writing at a time; stdout
 * is line-buffered on a terminal and fully buffered otherwise, stderr is
 * unbuffered. All streams are flushed at exit. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libc.h"

struct FILE {
  int fd;
  int mode;     /* _IOFBF, _IOLBF or _IONBF */
  int eof, err;
  int writing;  /* the buffer holds unwritten output */
  int tty_checked;
  char *buf;
  size_t cap;
  size_t pos, len; /* reading: buf[pos..len) is unread input */
  int unget;       /* a pushed-back character, or EOF */
  struct FILE *next;
  int owned_buf;
};

static char stdin_buf[BUFSIZ], stdout_buf[BUFSIZ];
static struct FILE files[3] = {
  {0, _IOFBF, 0, 0, 0, 1, stdin_buf, BUFSIZ, 0, 0, EOF, &files[1], 0},
  {1, _IOFBF, 0, 0, 0, 0, stdout_buf, BUFSIZ, 0, 0, EOF, &files[2], 0},
  {2, _IONBF, 0, 0, 0, 1, NULL, 0, 0, 0, EOF, NULL, 0},
};
FILE *const stdin = &files[0];
FILE *const stdout = &files[1];
FILE *const stderr = &files[2];
static FILE *open_files = &files[0];

static int write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int fflush(FILE *f) {
  if (!f) {
    __stdio_flush_all();
    return 0;
  }
  if (f->writing && f->len) {
    int r = write_all(f->fd, f->buf, f->len);
    f->len = 0;
    if (r < 0) {
      f->err = 1;
      return EOF;
    }
  } else if (!f->writing && f->len > f->pos) {
    /* Give unread input back to the file so a following lseek/exec sees
     * the right offset (matters for `sh FILE` running children). */
    lseek(f->fd, -(off_t)(f->len - f->pos), SEEK_CUR);
  }
  f->pos = f->len = 0;
  return 0;
}

void __stdio_flush_all(void) {
  for (FILE *f = open_files; f; f = f->next)
    if (f->writing) fflush(f);
}

static void check_tty(FILE *f) {
  if (!f->tty_checked) {
    f->tty_checked = 1;
    if (f->mode == _IOFBF && isatty(f->fd)) f->mode = _IOLBF;
  }
}

int setvbuf(FILE *f, char *buf, int mode, size_t size) {
  f->mode = mode;
  f->tty_checked = 1;
  if (buf && size) {
    f->buf = buf;
    f->cap = size;
  }
  return 0;
}

FILE *fdopen(int fd, const char *mode) {
  (void)mode;
  FILE *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->buf = malloc(BUFSIZ);
  if (!f->buf) {
    free(f);
    return NULL;
  }
  f->fd = fd;
  f->mode = _IOFBF;
  f->cap = BUFSIZ;
  f->unget = EOF;
  f->owned_buf = 1;
  f->next = open_files;
  open_files = f;
  return f;
}

FILE *fopen(const char *path, const char *mode) {
  int flags;
  switch (mode[0]) {
  case 'r': flags = O_RDONLY; break;
  case 'w': flags = O_WRONLY | O_CREAT | O_TRUNC; break;
  case 'a': flags = O_WRONLY | O_CREAT | O_APPEND; break;
  default: errno = EINVAL; return NULL;
  }
  if (strchr(mode, '+')) flags = (flags & ~O_ACCMODE) | O_RDWR;
  if (strchr(mode, 'e')) flags |= O_CLOEXEC;
  int fd = open(path, flags, 0666);
  if (fd < 0) return NULL;
  FILE *f = fdopen(fd, mode);
  if (!f) close(fd);
  return f;
}

int fclose(FILE *f) {
  int r = fflush(f);
  if (close(f->fd) < 0) r = EOF;
  if (f >= &files[0] && f <= &files[2]) return r;
  for (FILE **pp = &open_files; *pp; pp = &(*pp)->next)
    if (*pp == f) {
      *pp = f->next;
      break;
    }
  if (f->owned_buf) free(f->buf);
  free(f);
  return r;
}

int fileno(FILE *f) { return f->fd; }
int feof(FILE *f) { return f->eof; }
int ferror(FILE *f) { return f->err; }
void clearerr(FILE *f) { f->eof = f->err = 0; }

size_t fwrite(const void *p, size_t size, size_t n, FILE *f) {
  size_t total = size * n;
  if (!total) return 0;
  if (!f->writing) {
    fflush(f);
    f->writing = 1;
  }
  check_tty(f);
  const char *s = p;
  if (f->mode == _IONBF || !f->buf) {
    if (write_all(f->fd, s, total) < 0) {
      f->err = 1;
      return 0;
    }
    return n;
  }
  if (total >= f->cap) {
    if (fflush(f) == EOF || write_all(f->fd, s, total) < 0) {
      f->err = 1;
      return 0;
    }
    return n;
  }
  if (f->len + total > f->cap && fflush(f) == EOF) return 0;
  memcpy(f->buf + f->len, s, total);
  f->len += total;
  if (f->mode == _IOLBF && memchr(s, '\n', total) && fflush(f) == EOF) return 0;
  return n;
}

int fputc(int c, FILE *f) {
  unsigned char ch = (unsigned char)c;
  return fwrite(&ch, 1, 1, f) == 1 ? ch : EOF;
}
int putc(int c, FILE *f) { return fputc(c, f); }
int putchar(int c) { return fputc(c, stdout); }
int fputs(const char *s, FILE *f) { return fwrite(s, 1, strlen(s), f) || !*s ? 0 : EOF; }
int puts(const char *s) { return fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF ? EOF : 0; }

static int fill(FILE *f) {
  if (f->writing) {
    fflush(f);
    f->writing = 0;
  }
  /* Reading from a terminal: push out any prompt first. */
  if (f == stdin) fflush(stdout);
  char one;
  char *dst = f->buf ? f->buf : &one;
  size_t cap = f->buf ? f->cap : 1;
  ssize_t r;
  do r = read(f->fd, dst, cap);
  while (r < 0 && errno == EINTR);
  if (r <= 0) {
    if (r == 0) f->eof = 1;
    else f->err = 1;
    return EOF;
  }
  if (!f->buf) return (unsigned char)one;
  f->pos = 0;
  f->len = (size_t)r;
  return 0;
}

int fgetc(FILE *f) {
  if (f->unget != EOF) {
    int c = f->unget;
    f->unget = EOF;
    return c;
  }
  if (f->writing || f->pos == f->len) {
    int r = fill(f);
    if (r == EOF || !f->buf) return r;
  }
  return (unsigned char)f->buf[f->pos++];
}
int getc(FILE *f) { return fgetc(f); }
int getchar(void) { return fgetc(stdin); }

int ungetc(int c, FILE *f) {
  if (c == EOF) return EOF;
  f->unget = (unsigned char)c;
  f->eof = 0;
  return c;
}

size_t fread(void *p, size_t size, size_t n, FILE *f) {
  size_t total = size * n, got = 0;
  char *d = p;
  while (got < total) {
    if (f->unget != EOF) {
      d[got++] = (char)f->unget;
      f->unget = EOF;
      continue;
    }
    if (!f->writing && f->pos < f->len) {
      size_t k = f->len - f->pos < total - got ? f->len - f->pos : total - got;
      memcpy(d + got, f->buf + f->pos, k);
      f->pos += k;
      got += k;
      continue;
    }
    if (total - got >= f->cap) {
      if (f->writing) {
        fflush(f);
        f->writing = 0;
      }
      ssize_t r = read(f->fd, d + got, total - got);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        if (r == 0) f->eof = 1;
        else f->err = 1;
        break;
      }
      got += (size_t)r;
      continue;
    }
    if (fill(f) == EOF) break;
  }
  return size ? got / size : 0;
}

ssize_t getdelim(char **line, size_t *cap, int delim, FILE *f) {
  size_t n = 0;
  for (;;) {
    int c = fgetc(f);
    if (c == EOF) break;
    if (n + 2 > *cap || !*line) {
      size_t ncap = *cap < 64 ? 64 : *cap * 2;
      char *nl = realloc(*line, ncap);
      if (!nl) {
        f->err = 1;
        return -1;
      }
      *line = nl;
      *cap = ncap;
    }
    (*line)[n++] = (char)c;
    if (c == delim) break;
  }
  if (n == 0) return -1;
  (*line)[n] = 0;
  return (ssize_t)n;
}

ssize_t getline(char **line, size_t *cap, FILE *f) { return getdelim(line, cap, '\n', f); }

char *fgets(char *buf, int n, FILE *f) {
  int i = 0;
  while (i < n - 1) {
    int c = fgetc(f);
    if (c == EOF) break;
    buf[i++] = (char)c;
    if (c == '\n') break;
  }
  if (i == 0) return NULL;
  buf[i] = 0;
  return buf;
}

int fseek(FILE *f, long off, int whence) {
  if (whence == SEEK_CUR && !f->writing) off -= (long)(f->len - f->pos);
  if (f->writing) fflush(f);
  f->pos = f->len = 0;
  f->unget = EOF;
  f->eof = 0;
  return lseek(f->fd, off, whence) < 0 ? -1 : 0;
}

long ftell(FILE *f) {
  off_t at = lseek(f->fd, 0, SEEK_CUR);
  if (at < 0) return -1;
  if (f->writing) return (long)(at + (off_t)f->len);
  return (long)(at - (off_t)(f->len - f->pos)) - (f->unget != EOF);
}
