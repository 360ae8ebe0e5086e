/* x86-64 under lx: printf of integers and doubles, malloc-heavy code,
 * setjmp/longjmp, uname, the FS base glibc's TLS lives on (arch_prctl),
 * CPUID-selected string functions. Prints only what the host prints too. */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static __thread int tls_var = 7;
static jmp_buf jb;

static void deep(int n);
/* Through a volatile pointer: the recursion is real (50 frames), and gcc does not call it infinite. */
static void (*volatile again)(int) = deep;
static void deep(int n) { if (n <= 0) longjmp(jb, 42); again(n - 1); }

int main(void) {
  printf("int %d %u %ld %lx %o %5d|%-5d|%+d\n", -42, 4000000000u, -1234567890123L, 0xdeadbeefcafeL, 0755, 12, 12, 7);
  printf("double %f %.3f %e %g %g %g %a\n", 3.25, -1.0 / 3, 6.02214076e23, 1e-7, 100000.0, 1234567.0, 0.1);
  printf("special %f %f %f %.0f %.20f\n", 1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0, 2.5, 0.1);
  double acc = 0;
  for (int i = 1; i <= 1000; i++) acc += 1.0 / ((double)i * i);
  printf("basel %.15f\n", acc);
  /* malloc-heavy: many sizes, freed out of order, contents checked. */
  enum { N = 1500 };
  static unsigned char *p[N];
  static size_t sz[N];
  unsigned seed = 12345, bad = 0;
  for (int round = 0; round < 6; round++) {
    for (int i = 0; i < N; i++) {
      seed = seed * 1103515245 + 12345;
      if (p[i]) {
        for (size_t k = 0; k < sz[i]; k++) if (p[i][k] != (unsigned char)(i + k)) bad++;
        free(p[i]);
        p[i] = 0;
      }
      if (seed & 0x10000) {
        sz[i] = (seed >> 8) % (round == 3 ? 16000 : 1000);
        p[i] = malloc(sz[i]);
        for (size_t k = 0; k < sz[i]; k++) p[i][k] = (unsigned char)(i + k);
      }
    }
  }
  char *r = malloc(16);
  for (int i = 0; i < 17; i++) r = realloc(r, 16 << i);
  memset(r, 'x', 16 << 16);
  r[(16 << 16) - 1] = 0;
  printf("malloc bad %u realloc %zu\n", bad, strlen(r));
  /* string functions glibc picks by CPUID */
  char buf[300];
  for (int i = 0; i < 299; i++) buf[i] = 'a' + i % 26;
  buf[299] = 0;
  printf("strlen %zu strchr %td strrchr %td memcmp %d strcmp %d\n", strlen(buf), strchr(buf, 'z') - buf, strrchr(buf, 'q') - buf, memcmp(buf, buf + 26, 200), strcmp(buf, buf + 26) > 0);
  int v = setjmp(jb);
  if (v == 0) deep(50);
  printf("longjmp %d\n", v);
  struct utsname u;
  uname(&u);
  printf("machine %s\n", u.machine);
  uintptr_t fs = 0, tp;
  syscall(SYS_arch_prctl, ARCH_GET_FS, &fs);
  __asm__("mov %%fs:0, %0" : "=r"(tp));
  printf("fs is the thread pointer %d tls %d\n", fs == tp && (uintptr_t)&tls_var < tp && tp - (uintptr_t)&tls_var < 4096, tls_var);
  static uint64_t gsword = 0x1122334455667788ull;
  uintptr_t gs = 1;
  long ok = syscall(SYS_arch_prctl, ARCH_SET_GS, &gsword);
  syscall(SYS_arch_prctl, ARCH_GET_GS, &gs);
  uint64_t viagsv;
  __asm__("mov %%gs:0, %0" : "=r"(viagsv));
  printf("gs set %ld get %d load %llx bad %ld\n", ok, gs == (uintptr_t)&gsword, (unsigned long long)viagsv, syscall(SYS_arch_prctl, 0x9999, 0));
  return 3;
}
