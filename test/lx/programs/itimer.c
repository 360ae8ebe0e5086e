/* Interval timers: alarm, setitimer/getitimer of all three kinds, their
 * signals, intervals, validation, default action, and fork clearing them.
 * Prints no times, only what Linux guarantees, so that qemu-aarch64 (real
 * time) and lx (virtual time) print the same. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t alrm, vtalrm, prof;
static void on_alrm(int s) { (void)s; alrm++; }
static void on_vtalrm(int s) { (void)s; vtalrm++; }
static void on_prof(int s) { (void)s; prof++; }

static void show(const char *what, int r) {
  printf("%s: %d %s\n", what, r, r < 0 ? strerror(errno) : "ok");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alrm;
  sigaction(SIGALRM, &sa, NULL);
  sa.sa_handler = on_vtalrm;
  sigaction(SIGVTALRM, &sa, NULL);
  sa.sa_handler = on_prof;
  sigaction(SIGPROF, &sa, NULL);

  /* alarm and pause */
  printf("alarm returns %u\n", alarm(1));
  printf("alarm again returns %s\n", alarm(1) >= 1 ? ">= 1" : "0");
  pause();
  printf("after pause: SIGALRM %d\n", (int)alrm);

  /* a periodic real timer: five signals, then disarmed */
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGALRM);
  sigprocmask(SIG_BLOCK, &block, &old);
  struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, got;
  show("setitimer REAL 20ms/20ms", setitimer(ITIMER_REAL, &it, NULL));
  alrm = 0;
  while (alrm < 5) sigsuspend(&old);
  struct itimerval zero = { { 0, 0 }, { 0, 0 } };
  show("setitimer REAL off, old value", setitimer(ITIMER_REAL, &zero, &got));
  printf("old interval %ld.%06ld, old value armed %d\n", (long)got.it_interval.tv_sec, (long)got.it_interval.tv_usec,
         got.it_value.tv_sec > 0 || got.it_value.tv_usec > 0);
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("periodic SIGALRM %d\n", (int)alrm);
  show("getitimer REAL", getitimer(ITIMER_REAL, &got));
  printf("disarmed: %ld %ld %ld %ld\n", (long)got.it_interval.tv_sec, (long)got.it_interval.tv_usec, (long)got.it_value.tv_sec,
         (long)got.it_value.tv_usec);

  /* what getitimer reports of a long timer */
  struct itimerval ten = { { 3, 0 }, { 10, 0 } };
  setitimer(ITIMER_REAL, &ten, NULL);
  getitimer(ITIMER_REAL, &got);
  printf("10 s timer: interval %ld.%06ld, value in (9, 10]: %d\n", (long)got.it_interval.tv_sec, (long)got.it_interval.tv_usec,
         got.it_value.tv_sec == 9 || (got.it_value.tv_sec == 10 && got.it_value.tv_usec == 0));
  /* fork clears the child's timers */
  pid_t pid = fork();
  if (pid == 0) {
    getitimer(ITIMER_REAL, &got);
    printf("child timer: %ld %ld\n", (long)got.it_value.tv_sec, (long)got.it_value.tv_usec);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  setitimer(ITIMER_REAL, &zero, NULL);

  /* CPU-time timers fire while the process runs */
  struct itimerval cpu = { { 0, 0 }, { 0, 50000 } };
  show("setitimer VIRTUAL 50ms", setitimer(ITIMER_VIRTUAL, &cpu, NULL));
  while (!vtalrm) {
  }
  printf("SIGVTALRM %d\n", (int)vtalrm);
  show("setitimer PROF 50ms", setitimer(ITIMER_PROF, &cpu, NULL));
  while (!prof) {
  }
  printf("SIGPROF %d\n", (int)prof);

  /* bad arguments */
  show("setitimer which 3", setitimer(3, &it, NULL));
  struct itimerval bad = { { 0, 0 }, { 0, 1000000 } };
  show("setitimer usec 1000000", setitimer(ITIMER_REAL, &bad, NULL));
  struct itimerval neg = { { 0, 0 }, { -1, 0 } };
  show("setitimer negative", setitimer(ITIMER_REAL, &neg, NULL));
  show("setitimer bad pointer", setitimer(ITIMER_REAL, (struct itimerval *)8, NULL));
  show("getitimer bad pointer", getitimer(ITIMER_REAL, (struct itimerval *)8));
  show("getitimer which -1", getitimer(-1, &got));

  /* the default action of SIGALRM ends the process */
  pid = fork();
  if (pid == 0) {
    signal(SIGALRM, SIG_DFL);
    alarm(1);
    for (;;) pause();
  }
  int status;
  waitpid(pid, &status, 0);
  printf("child killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
  return 0;
}
