/* Signals under lx: handlers, masks, SIGCHLD, SIGPIPE, default actions of a
 * child, kill to a process group, sigsuspend, nanosleep interrupted. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int chld, usr1, pipe_seen;
static void on(int s) { if (s == SIGCHLD) chld++; if (s == SIGUSR1) usr1++; if (s == SIGPIPE) pipe_seen++; }

int main(void) {
  signal(SIGCHLD, on); signal(SIGUSR1, on); signal(SIGPIPE, on);
  pid_t c = fork();
  if (c == 0) _exit(9);
  int st; waitpid(c, &st, 0);
  printf("child exit %d sigchld %d\n", WEXITSTATUS(st), chld);
  c = fork();
  if (c == 0) { raise(SIGTERM); _exit(0); }
  waitpid(c, &st, 0);
  printf("child signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
  sigset_t s, old; sigemptyset(&s); sigaddset(&s, SIGUSR1);
  sigprocmask(SIG_BLOCK, &s, &old);
  kill(getpid(), SIGUSR1);
  printf("blocked usr1 %d\n", usr1);
  sigset_t pend; sigpending(&pend);
  printf("pending %d\n", sigismember(&pend, SIGUSR1));
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("unblocked usr1 %d\n", usr1);
  int p[2]; pipe(p); close(p[0]);
  printf("write to closed pipe %zd %s sigpipe %d\n", write(p[1], "x", 1), strerror(errno), pipe_seen);
  c = fork();
  if (c == 0) { setpgid(0, 0); pause(); _exit(0); }
  setpgid(c, c);
  struct timespec ts = { 0, 20 * 1000 * 1000 };
  nanosleep(&ts, NULL);
  kill(-c, SIGKILL);
  waitpid(c, &st, 0);
  printf("group killed %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
  struct sigaction sa = { 0 }; sa.sa_handler = on; sigaction(SIGALRM, &sa, NULL);
  c = fork();
  if (c == 0) { struct timespec t2 = { 0, 50 * 1000 * 1000 }; nanosleep(&t2, NULL); kill(getppid(), SIGUSR1); _exit(0); }
  sigset_t wait; sigemptyset(&wait);
  int before = usr1;
  sigsuspend(&wait);
  printf("sigsuspend woke by usr1 %d\n", usr1 - before);
  waitpid(c, NULL, 0);
  struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
  ts.tv_nsec = 30 * 1000 * 1000; nanosleep(&ts, NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
  printf("slept at least 30 ms %d\n", ms >= 30);
  return 0;
}
