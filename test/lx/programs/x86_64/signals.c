/* Signals on x86-64 under lx: handlers that return (rt_sigreturn through
 * glibc's restorer) with the interrupted code's integer and SSE registers
 * intact, the siginfo and ucontext a handler sees, a handler that moves
 * RIP past a faulting instruction, and the faults of x86: #UD (SIGILL),
 * #DE (SIGFPE), #PF and #GP (SIGSEGV), INT3 (SIGTRAP). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t ticks;
static sigjmp_buf jb;
static int last_code;
static uintptr_t last_addr, last_rip;

static void on_tick(int s) {
  (void)s;
  ticks++;
  /* Clobber SSE registers the interrupted loop holds live: the frame's FP state must bring them back. */
  volatile double x = 1.5;
  for (int i = 0; i < 8; i++) x = x * 3.25 - 1.0;
  __asm__ volatile("pxor %%xmm0, %%xmm0\n\tpxor %%xmm1, %%xmm1\n\tpxor %%xmm2, %%xmm2\n\tpxor %%xmm7, %%xmm7" ::: "xmm0", "xmm1", "xmm2", "xmm7");
}

static void on_info(int s, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  sigset_t now;
  sigprocmask(SIG_BLOCK, 0, &now);
  printf("sig %d code %d pid-ok %d usr2 blocked in handler %d, in uc_sigmask %d\n", s, si->si_code, si->si_pid == getpid(), sigismember(&now, SIGUSR2),
         sigismember(&uc->uc_sigmask, SIGUSR2));
}

static void on_fault(int s, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  last_code = si->si_code;
  last_addr = (uintptr_t)si->si_addr;
  last_rip = uc->uc_mcontext.gregs[REG_RIP];
  siglongjmp(jb, s);
}

static void skip_ud2(int s, siginfo_t *si, void *ucv) {
  (void)s; (void)si;
  ucontext_t *uc = ucv;
  uc->uc_mcontext.gregs[REG_RIP] += 2; /* past the ud2 */
  uc->uc_mcontext.gregs[REG_RBX] = 4242;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_tick;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, 0);
  struct itimerval it = { { 0, 2000 }, { 0, 2000 } };
  setitimer(ITIMER_REAL, &it, 0);
  double a = 0, b = 1;
  long n = 0;
  while (ticks < 5) { a += b * 0.5; b *= 1.0000001; n++; }
  struct itimerval off = { { 0, 0 }, { 0, 0 } };
  setitimer(ITIMER_REAL, &off, 0);
  printf("ticks %d fp intact %d\n", (int)ticks, a > 0 && b >= 1.0 && a == a);

  sa.sa_sigaction = on_info;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  sigaction(SIGUSR1, &sa, 0);
  raise(SIGUSR1);
  sigset_t m;
  sigprocmask(SIG_BLOCK, 0, &m);
  printf("after handler usr2 blocked %d\n", sigismember(&m, SIGUSR2));

  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  int sigs[] = { SIGILL, SIGFPE, SIGSEGV, SIGTRAP };
  for (int i = 0; i < 4; i++) sigaction(sigs[i], &sa, 0);
  volatile int zero = 0;
  int s;
  if ((s = sigsetjmp(jb, 1)) == 0) __asm__ volatile("ud2");
  printf("ud2: sig %d code %d addr==rip %d\n", s, last_code, last_addr == last_rip);
  if ((s = sigsetjmp(jb, 1)) == 0) printf("%d\n", 5 / zero);
  printf("div0: sig %d code %d addr==rip %d\n", s, last_code, last_addr == last_rip);
  if ((s = sigsetjmp(jb, 1)) == 0) *(volatile int *)0x1000 = 1;
  printf("pf: sig %d code %d addr %lx\n", s, last_code, (unsigned long)last_addr);
  if ((s = sigsetjmp(jb, 1)) == 0) *(volatile int *)0x8000000000000000ull = 1;
  printf("gp: sig %d code %d addr %lx\n", s, last_code, (unsigned long)last_addr);
  if ((s = sigsetjmp(jb, 1)) == 0) __asm__ volatile("int3");
  printf("int3: sig %d code %d\n", s, last_code);

  sa.sa_sigaction = skip_ud2;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGILL, &sa, 0);
  long rbx = 1;
  __asm__ volatile("mov $1, %%rbx\n\tud2\n\tmov %%rbx, %0" : "=r"(rbx) : : "rbx");
  printf("handler moved rip, rbx %ld\n", rbx);
  return 0;
}
