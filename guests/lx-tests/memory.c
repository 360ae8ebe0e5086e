/* Memory under lx: brk, anonymous and file mappings, mprotect, mremap,
 * copy-on-write across fork, and a SIGSEGV that a handler catches. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

static sigjmp_buf jb;
static void segv(int s, siginfo_t *si, void *uc) { (void)uc; (void)si; siglongjmp(jb, s); }

int main(void) {
  char *b = sbrk(0);
  printf("brk grows %d\n", sbrk(65536) == b && sbrk(0) == b + 65536);
  memset(b, 1, 65536);
  char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("mmap %d zero %d\n", m != MAP_FAILED, m[4096 * 100] == 0);
  for (int i = 0; i < 1 << 20; i += 4096) m[i] = (char)(i >> 12);
  long sum = 0;
  for (int i = 0; i < 1 << 20; i += 4096) sum += m[i];
  printf("sum %ld\n", sum);
  m = mremap(m, 1 << 20, 2 << 20, MREMAP_MAYMOVE);
  printf("mremap keeps %d %d\n", m[4096 * 5], m[(1 << 20) + 10]);
  int fd = open("/proc/self/exe", O_RDONLY);
  char *f = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  printf("file map ELF %d\n", f != MAP_FAILED && memcmp(f, "\177ELF", 4) == 0);
  struct sigaction sa = { 0 };
  sa.sa_sigaction = segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  mprotect(m, 4096, PROT_READ);
  if (sigsetjmp(jb, 1) == 0) { m[0] = 1; printf("no fault\n"); } else printf("caught SIGSEGV on write to read-only\n");
  if (sigsetjmp(jb, 1) == 0) { *(volatile int *)16 = 1; printf("no fault\n"); } else printf("caught SIGSEGV at 16\n");
  munmap(m, 2 << 20);
  int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int *priv = malloc(sizeof *priv);
  *shared = 1; *priv = 1;
  pid_t c = fork();
  if (c == 0) { *shared = 42; *priv = 42; _exit(0); }
  waitpid(c, NULL, 0);
  printf("after fork shared %d private %d\n", *shared, *priv);
  char *big = malloc(8 << 20);
  memset(big, 3, 8 << 20);
  printf("big %d\n", big[(8 << 20) - 1]);
  return 0;
}
