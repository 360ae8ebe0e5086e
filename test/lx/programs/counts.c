/* System calls with counts no buffer has ((size_t)-1, 2^62) and the like:
 * Linux answers EFAULT (access_ok), EINVAL (rw_verify_area, a negative
 * readlink size) or moves what it can; lx must answer the same, not stop.
 * Built for the host as well: the reference is the host's own kernel (qemu
 * checks some buffers itself before Linux does). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* Through a volatile, so that the compiler does not object to the sizes. */
static volatile size_t huge = (size_t)-1;
static volatile size_t big = (size_t)1 << 62;

static void report(const char *what, long r) {
  printf("%s: %ld %s\n", what, r, r < 0 ? strerror(errno) : "");
}

int main(void) {
  char b[64];
  int p[2];
  if (pipe(p) < 0 || write(p[1], "abc", 3) != 3) return 2;
  report("read SIZE_MAX", read(p[0], b, huge));
  report("read 2^62", read(p[0], b, big));
  report("write SIZE_MAX", write(p[1], b, huge));
  report("pwrite SIZE_MAX", pwrite(p[1], b, huge, 0));
  report("readlinkat size -1", readlinkat(AT_FDCWD, "/proc/self/exe", b, huge));
  report("readlink size 0", readlink("/proc/self/exe", b, 0));
  struct iovec iov[2] = {{b, 4}, {b, huge}};
  report("writev with an iovec of SIZE_MAX", writev(p[1], iov, 2));
  char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  mprotect(page + 4096, 4096, PROT_NONE);
  long r = getrandom(page + 4096 - 16, huge, 0);
  printf("getrandom SIZE_MAX at a page's end: %s\n", r < 0 ? strerror(errno) : "a count");
  char path[] = "/tmp/lx-counts-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0 || write(fd, "0123456789", 10) != 10) return 2;
  unlink(path);
  lseek(fd, 0, SEEK_SET);
  report("sendfile SIZE_MAX", sendfile(p[1], fd, NULL, huge));
  report("sendfile 2^62", sendfile(p[1], fd, NULL, big));
  report("getdents64 on a pipe, count SIZE_MAX", syscall(SYS_getdents64, p[0], b, huge));
  return 0;
}
