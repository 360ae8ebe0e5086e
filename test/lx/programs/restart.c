/* System calls and signals that run no handler: a read blocked on a pipe
 * goes on after SIGSTOP + SIGCONT, after a SIGCONT alone and after an
 * ignored signal (Linux restarts -ERESTARTSYS calls when no handler runs);
 * sigsuspend returns at once for a signal already pending that its mask
 * lets through. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void on_usr1(int s) { (void)s; got++; }

static void nap(int ms) {
  struct timespec ts = {0, ms * 1000000L};
  while (nanosleep(&ts, &ts) < 0) {}
}

/* A child blocked in read(2) on a pipe; `poke` disturbs it; then one byte arrives. */
static void blocked_reader(const char *what, void (*poke)(pid_t)) {
  int p[2];
  if (pipe(p) < 0) return;
  pid_t pid = fork();
  if (pid == 0) {
    close(p[1]);
    char c;
    errno = 0;
    ssize_t r = read(p[0], &c, 1);
    printf("  %s: read returned %zd%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
    fflush(stdout);
    _exit(0);
  }
  close(p[0]);
  nap(50);
  poke(pid);
  nap(50);
  if (write(p[1], "x", 1) != 1) printf("  write failed\n");
  int st;
  waitpid(pid, &st, 0);
  close(p[1]);
}

static void stop_and_continue(pid_t pid) {
  int st;
  kill(pid, SIGSTOP);
  waitpid(pid, &st, WUNTRACED);
  printf("  stopped: %d\n", WIFSTOPPED(st));
  kill(pid, SIGCONT);
}
static void cont_only(pid_t pid) { kill(pid, SIGCONT); }
static void ignored(pid_t pid) { kill(pid, SIGURG); /* default: ignore */ }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("a read blocked on a pipe:\n");
  blocked_reader("after SIGSTOP and SIGCONT", stop_and_continue);
  blocked_reader("after SIGCONT", cont_only);
  blocked_reader("after an ignored SIGURG", ignored);

  printf("sigsuspend with the signal already pending:\n");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  sigset_t block, old, none;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &old);
  raise(SIGUSR1);
  sigemptyset(&none);
  errno = 0;
  int r = sigsuspend(&none);
  sigset_t now;
  sigprocmask(SIG_SETMASK, NULL, &now);
  printf("  sigsuspend returned %d %s, handler ran %d time(s), SIGUSR1 blocked again: %d\n", r, strerror(errno), (int)got, sigismember(&now, SIGUSR1));
  return 0;
}
