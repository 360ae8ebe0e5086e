/*
 * Which file mappings the open file's access mode allows (mm/mmap.c
 * do_mmap, mm/mprotect.c): a shared writable mapping needs a file opened
 * for writing, at mmap and when mprotect adds PROT_WRITE later (EACCES);
 * a private one is a copy and may always be written. Prints one line per
 * case, and what a write through a private mapping left in the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char path[64];

static void result(const char *what, int ok) {
  printf("%-44s %s\n", what, ok ? "ok" : strerror(errno));
}

static char first_byte(void) {
  char c = '?';
  int fd = open(path, O_RDONLY);
  if (fd >= 0 && read(fd, &c, 1) != 1) c = '?';
  close(fd);
  return c;
}

int main(void) {
  snprintf(path, sizeof path, "/tmp/mmapacc.%d", (int)getpid());
  int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
  char page[4096];
  memset(page, 'a', sizeof page);
  if (fd < 0 || write(fd, page, sizeof page) != sizeof page) {
    perror(path);
    return 1;
  }
  close(fd);

  int ro = open(path, O_RDONLY);
  void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
  result("O_RDONLY, MAP_SHARED, PROT_READ|PROT_WRITE:", p != MAP_FAILED);
  p = mmap(NULL, 4096, PROT_WRITE, MAP_SHARED, ro, 0);
  result("O_RDONLY, MAP_SHARED, PROT_WRITE:", p != MAP_FAILED);
  char *s = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
  result("O_RDONLY, MAP_SHARED, PROT_READ:", s != MAP_FAILED);
  result("  mprotect PROT_READ|PROT_WRITE:", mprotect(s, 4096, PROT_READ | PROT_WRITE) == 0);
  result("  mprotect PROT_READ|PROT_EXEC:", mprotect(s, 4096, PROT_READ | PROT_EXEC) == 0);
  printf("  reads %c\n", s[0]);
  char *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
  result("O_RDONLY, MAP_PRIVATE, PROT_READ|PROT_WRITE:", q != MAP_FAILED);
  q[0] = 'p';
  printf("  private write: mapping %c, file %c\n", q[0], first_byte());
  char *r = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, ro, 0);
  result("O_RDONLY, MAP_PRIVATE, PROT_READ:", r != MAP_FAILED);
  result("  mprotect PROT_READ|PROT_WRITE:", mprotect(r, 4096, PROT_READ | PROT_WRITE) == 0);
  r[1] = 'r';
  printf("  private write: mapping %c, file %c\n", r[1], first_byte());

  int rw = open(path, O_RDWR);
  char *w = mmap(NULL, 4096, PROT_READ, MAP_SHARED, rw, 0);
  result("O_RDWR, MAP_SHARED, PROT_READ:", w != MAP_FAILED);
  result("  mprotect PROT_READ|PROT_WRITE:", mprotect(w, 4096, PROT_READ | PROT_WRITE) == 0);
  w[0] = 'w';
  printf("  shared write: mapping %c\n", w[0]);

  int wo = open(path, O_WRONLY);
  p = mmap(NULL, 4096, PROT_WRITE, MAP_SHARED, wo, 0);
  result("O_WRONLY, MAP_SHARED, PROT_WRITE:", p != MAP_FAILED);
  unlink(path);
  return 0;
}
