/* Signals through rt_sigaction. Every handler gets our own restorer
 * (__restore_rt in start.S), which calls rt_sigreturn when it returns. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include "syscall.h"

void __restore_rt(void);

int sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
  struct sigaction k;
  if (act) {
    k = *act;
    k.sa_flags |= SA_RESTORER;
    k.sa_restorer = __restore_rt;
    act = &k;
  }
  return (int)scr(SYS_rt_sigaction, sig, act, old, sizeof(sigset_t));
}

sighandler_t signal(int sig, sighandler_t handler) {
  struct sigaction sa = {0}, old;
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESTART;
  if (sigaction(sig, &sa, &old) < 0) return SIG_ERR;
  return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old) {
  return (int)scr(SYS_rt_sigprocmask, how, set, old, sizeof(sigset_t));
}

int sigemptyset(sigset_t *set) {
  *set = 0;
  return 0;
}
int sigfillset(sigset_t *set) {
  *set = ~0ul;
  return 0;
}
static int bad_sig(int sig) {
  if (sig < 1 || sig >= NSIG) {
    errno = EINVAL;
    return 1;
  }
  return 0;
}
int sigaddset(sigset_t *set, int sig) {
  if (bad_sig(sig)) return -1;
  *set |= 1ul << (sig - 1);
  return 0;
}
int sigdelset(sigset_t *set, int sig) {
  if (bad_sig(sig)) return -1;
  *set &= ~(1ul << (sig - 1));
  return 0;
}
int sigismember(const sigset_t *set, int sig) {
  if (bad_sig(sig)) return -1;
  return (*set >> (sig - 1)) & 1;
}
