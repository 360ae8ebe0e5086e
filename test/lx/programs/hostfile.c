/*
 * What a file descriptor and a working directory lead to after their names
 * change: `hostfile DIR OUTSIDE` works in DIR (writable) and plants
 * symlinks to OUTSIDE (a directory holding `secret` and `deep/file`) where
 * its files were. On Linux a descriptor keeps its file and a working
 * directory follows a rename, so nothing of OUTSIDE is read or changed.
 * `hostfile DIR` alone does only the mmap case (for a tmpfs DIR).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char paths[2][4096];
static int turn;

/* DIR/NAME, in one of two buffers: two may be in use at once (rename). */
static const char *in(const char *dir, const char *name) {
  char *p = paths[turn ^= 1];
  snprintf(p, sizeof paths[0], "%s/%s", dir, name);
  return p;
}

static void show(const char *what, int fd) {
  char b[64];
  ssize_t n = pread(fd, b, sizeof b, 0);
  printf("%s: %zd '%.*s'\n", what, n, n > 0 ? (int)n : 0, b);
}

static void showStat(const char *what, int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    printf("%s: fstat failed %m\n", what);
    return;
  }
  printf("%s: nlink %lu size %lld mode %o\n", what, (unsigned long)st.st_nlink, (long long)st.st_size, st.st_mode & 07777);
}

/* A descriptor of a file that was unlinked and replaced by a symlink to OUTSIDE/secret. */
static void unlinkedForSymlink(const char *dir, const char *outside) {
  char target[4096];
  snprintf(target, sizeof target, "%s/secret", outside);
  int fd = open(in(dir, "victim"), O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (write(fd, "original", 8) != 8) printf("write failed %m\n");
  printf("unlink: %d\n", unlink(in(dir, "victim")));
  printf("symlink: %d\n", symlink(target, in(dir, "victim")));
  show("pread", fd);
  printf("pwrite: %zd\n", pwrite(fd, "EVIL", 4, 0));
  printf("fchmod: %d\n", fchmod(fd, 0600));
  printf("ftruncate: %d\n", ftruncate(fd, 6));
  showStat("fstat", fd);
  show("pread again", fd);
  struct stat st;
  int r = lstat(in(dir, "victim"), &st);
  printf("lstat name: %d symlink %d\n", r, S_ISLNK(st.st_mode));
  char l[4096];
  ssize_t n = readlink(in(dir, "victim"), l, sizeof l);
  printf("readlink is target: %d\n", n == (ssize_t)strlen(target) && memcmp(l, target, n) == 0);
  close(fd);
  unlink(in(dir, "victim"));
}

/* A descriptor of a file that was unlinked and created again under the same name. */
static void unlinkedAndRecreated(const char *dir) {
  int fd = open(in(dir, "stale"), O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (write(fd, "old", 3) != 3) printf("write failed %m\n");
  unlink(in(dir, "stale"));
  int fresh = open(in(dir, "stale"), O_RDWR | O_CREAT | O_EXCL, 0644);
  if (write(fresh, "new", 3) != 3) printf("write failed %m\n");
  printf("pwrite stale: %zd\n", pwrite(fd, "STALE", 5, 0));
  show("by name", fresh);
  show("through the old fd", fd);
  showStat("old fd", fd);
  char self[64];
  snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  int again = open(self, O_RDWR);
  show("reopened through /proc/self/fd", again);
  printf("write through the reopened fd: %zd\n", pwrite(again, "s", 1, 0));
  show("old fd after that", fd);
  show("by name after that", fresh);
  close(again);
  close(fresh);
  close(fd);
  unlink(in(dir, "stale"));
}

/* The working directory below a directory that was renamed and replaced by a symlink to OUTSIDE. */
static void cwdBelowRenamed(const char *dir, const char *outside) {
  char here[4096];
  if (!getcwd(here, sizeof here)) return;
  mkdir(in(dir, "a"), 0755);
  mkdir(in(dir, "a/deep"), 0755);
  int fd = open(in(dir, "a/deep/file"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (write(fd, "inside", 6) != 6) printf("write failed %m\n");
  close(fd);
  printf("chdir: %d\n", chdir(in(dir, "a/deep")));
  printf("rename: %d\n", rename(in(dir, "a"), in(dir, "a2")));
  printf("symlink: %d\n", symlink(outside, in(dir, "a")));
  fd = open("file", O_RDWR);
  show("cwd file", fd);
  printf("pwrite: %zd\n", pwrite(fd, "IN", 2, 0));
  close(fd);
  printf("chmod: %d\n", chmod("file", 0600));
  struct stat st;
  int r = stat("file", &st);
  printf("stat: %d mode %o size %lld\n", r, st.st_mode & 07777, (long long)st.st_size);
  printf("mkdir: %d\n", mkdir("made", 0755));
  printf("rmdir: %d\n", rmdir("made"));
  printf("truncate: %d\n", truncate("file", 3));
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd)) printf("getcwd below DIR: %s\n", strncmp(cwd, dir, strlen(dir)) == 0 ? cwd + strlen(dir) : cwd);
  if (chdir(here) != 0) printf("chdir back failed %m\n");
  unlink(in(dir, "a"));
  unlink(in(dir, "a2/deep/file"));
  rmdir(in(dir, "a2/deep"));
  rmdir(in(dir, "a2"));
}

/* A private mapping of a file whose descriptor was closed and whose name was removed. */
static void mappedAfterClose(const char *dir) {
  int fd = open(in(dir, "mapped"), O_RDWR | O_CREAT | O_TRUNC, 0644);
  char page[8192];
  memset(page, 'm', sizeof page);
  memcpy(page + 4096, "second page", 11);
  if (write(fd, page, sizeof page) != (ssize_t)sizeof page) printf("write failed %m\n");
  char *p = mmap(0, sizeof page, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  unlink(in(dir, "mapped"));
  if (p == MAP_FAILED) {
    printf("mmap failed %m\n");
    return;
  }
  printf("mapped after close and unlink: '%.11s' '%c'\n", p + 4096, p[0]);
  munmap(p, sizeof page);
  /* Moved by mremap before its second page was ever read: the move must keep the file. */
  fd = open(in(dir, "mapped"), O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (write(fd, page, sizeof page) != (ssize_t)sizeof page) printf("write failed %m\n");
  /* Three reserved pages, the file over the first two: the third keeps it from growing in place. */
  char *at = mmap(0, 3 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  p = mmap(at, sizeof page, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
  close(fd);
  unlink(in(dir, "mapped"));
  char first = p[0];
  char *moved = mremap(p, sizeof page, 3 * 4096, MREMAP_MAYMOVE);
  if (moved == MAP_FAILED) {
    printf("mremap failed %m\n");
    return;
  }
  printf("moved by mremap: %d '%c' '%.11s'\n", moved != p, first, moved + 4096);
  munmap(moved, 3 * 4096);
  munmap(at + sizeof page, 4096);
}

int main(int argc, char **argv) {
  setvbuf(stdout, 0, _IOLBF, 0);
  if (argc < 2) return 2;
  if (argc > 2) {
    unlinkedForSymlink(argv[1], argv[2]);
    unlinkedAndRecreated(argv[1]);
    cwdBelowRenamed(argv[1], argv[2]);
  }
  mappedAfterClose(argv[1]);
  return 0;
}
