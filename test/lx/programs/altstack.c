/* sigaltstack and SA_ONSTACK: the settings a thread reads back, errors,
 * a handler running on the alternate stack (and seeing SS_ONSTACK there,
 * and EPERM for changes), SS_AUTODISARM, a stack overflow caught on the
 * alternate stack, and what fork and exec keep. Prints no addresses. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SZ (64 * 1024)
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31) /* linux/signal.h */
#endif
static char alt[SZ] __attribute__((aligned(16)));
static volatile int on_alt, flags_in_handler, eperm_in_handler, autod_flags;

static int in_alt(void *p) { return (char *)p > alt && (char *)p <= alt + SZ; }

static void handler(int s) {
  (void)s;
  int local;
  on_alt = in_alt(&local);
  stack_t now, change;
  sigaltstack(NULL, &now);
  flags_in_handler = now.ss_flags;
  memset(&change, 0, sizeof change);
  change.ss_flags = SS_DISABLE;
  eperm_in_handler = sigaltstack(&change, NULL) < 0 && errno == EPERM;
}

static void autod_handler(int s) {
  (void)s;
  stack_t now;
  sigaltstack(NULL, &now);
  autod_flags = now.ss_flags;
}

static void on_segv(int s) {
  (void)s;
  int local;
  printf("overflow caught on the alternate stack: %d\n", in_alt(&local));
  _exit(3);
}

static int depth(int n) {
  volatile char pad[1024];
  pad[0] = (char)n;
  return depth(n + 1) + pad[0];
}

static void show(const char *what, int r) { printf("%s: %d %s\n", what, r, r < 0 ? strerror(errno) : "ok"); }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  stack_t ss, old;
  if (argc > 1) {
    /* after exec: no alternate stack */
    sigaltstack(NULL, &old);
    printf("after exec: flags %d size %zu\n", old.ss_flags, old.ss_size);
    return 0;
  }
  sigaltstack(NULL, &old);
  printf("initial: flags %d size %zu sp null %d\n", old.ss_flags, old.ss_size, old.ss_sp == NULL);

  memset(&ss, 0, sizeof ss);
  ss.ss_sp = alt;
  ss.ss_size = 1024;
  show("too small", sigaltstack(&ss, NULL));
  ss.ss_size = SZ;
  ss.ss_flags = 4;
  show("bad flags", sigaltstack(&ss, NULL));
  ss.ss_flags = 0;
  show("bad pointer", sigaltstack((stack_t *)8, NULL));
  show("set", sigaltstack(&ss, &old));
  printf("old flags %d\n", old.ss_flags);
  sigaltstack(NULL, &old);
  printf("now: flags %d size %d sp ok %d\n", old.ss_flags, (int)old.ss_size, old.ss_sp == alt);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_ONSTACK;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  printf("SA_ONSTACK handler: on alternate %d, flags there %d, EPERM there %d\n", on_alt, flags_in_handler, eperm_in_handler);

  sa.sa_flags = 0;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  printf("plain handler: on alternate %d\n", on_alt);

  /* SS_AUTODISARM: cleared while the handler runs, back afterwards */
  ss.ss_flags = SS_AUTODISARM;
  show("set autodisarm", sigaltstack(&ss, NULL));
  sa.sa_handler = autod_handler;
  sa.sa_flags = SA_ONSTACK;
  sigaction(SIGUSR2, &sa, NULL);
  raise(SIGUSR2);
  sigaltstack(NULL, &old);
  printf("autodisarm: in handler %d, after %d\n", autod_flags, (int)((unsigned)old.ss_flags == SS_AUTODISARM));
  ss.ss_flags = 0;
  sigaltstack(&ss, NULL);

  /* fork keeps the setting */
  pid_t pid = fork();
  if (pid == 0) {
    sigaltstack(NULL, &old);
    printf("child: size %d\n", (int)old.ss_size);
    fflush(stdout);
    execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
    _exit(9);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("child status %d\n", WEXITSTATUS(status));

  /* a stack overflow, caught on the alternate stack */
  pid = fork();
  if (pid == 0) {
    sa.sa_handler = on_segv;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    return depth(0);
  }
  waitpid(pid, &status, 0);
  printf("overflow child: exited %d status %d\n", WIFEXITED(status), WEXITSTATUS(status));
  return 0;
}
