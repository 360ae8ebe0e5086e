/*
 * What a program learns from the signals its own faults raise: signal
 * number, si_code and si_addr relative to the faulting instruction, for BRK
 * (SIGTRAP, TRAP_BRKPT), an undefined instruction (SIGILL, ILL_ILLOPC) and
 * a store to an unmapped page (SIGSEGV, SEGV_MAPERR, the page's address).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf back;
static volatile int last_sig, last_code;
static volatile uintptr_t last_addr;

static void handler(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  last_sig = sig;
  last_code = si->si_code;
  last_addr = (uintptr_t)si->si_addr;
  siglongjmp(back, 1);
}

static void report(const char *what, uintptr_t expected_addr) {
  printf("%s: signal %d (%s), si_code %d, si_addr %s\n", what, last_sig, strsignal(last_sig), last_code,
         last_addr == expected_addr ? "as expected" : "unexpected");
}

extern char brk_here[], udf_here[];

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGTRAP, &sa, 0);
  sigaction(SIGILL, &sa, 0);
  sigaction(SIGSEGV, &sa, 0);

  if (!sigsetjmp(back, 1)) __asm__ volatile(".globl brk_here\nbrk_here: brk #0x3e8");
  report("brk #0x3e8", (uintptr_t)brk_here);
  if (!sigsetjmp(back, 1)) __asm__ volatile(".globl udf_here\nudf_here: udf #7");
  report("udf #7", (uintptr_t)udf_here);
  volatile int *wild = (volatile int *)0x30000;
  if (!sigsetjmp(back, 1)) *wild = 1;
  report("store to 0x30000", 0x30000);
  return 0;
}
