/* getpriority/setpriority (nice), inherited by fork and shown in
 * /proc/self/stat, their errors, and sched_setaffinity's checks of a mask. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int r) { printf("%s: %d %s\n", what, r, r == -1 && errno ? strerror(errno) : "ok"); }

static int stat_nice(void) {
  FILE *f = fopen("/proc/self/stat", "r");
  char buf[1024];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')') + 2; /* field 3 */
  int field = 3, nice = -99;
  for (char *tok = strtok(p, " "); tok; tok = strtok(NULL, " "), field++)
    if (field == 19) sscanf(tok, "%d", &nice);
  return nice;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  errno = 0;
  show("getpriority self", getpriority(PRIO_PROCESS, 0));
  errno = 0;
  show("setpriority 5", setpriority(PRIO_PROCESS, 0, 5));
  errno = 0;
  show("getpriority after", getpriority(PRIO_PROCESS, 0));
  printf("stat nice %d\n", stat_nice());
  errno = 0;
  show("setpriority 100 (clamped)", setpriority(PRIO_PROCESS, 0, 100));
  errno = 0;
  show("getpriority clamped", getpriority(PRIO_PROCESS, 0));
  errno = 0;
  setpgid(0, 0); /* a group of its own: the test runner's group is not ours to read */
  show("getpriority pgrp", getpriority(PRIO_PGRP, 0));
  errno = 0;
  show("bad which", setpriority(7, 0, 1));
  errno = 0;
  show("no such pid", getpriority(PRIO_PROCESS, 999999));
  errno = 0;
  show("nice(1)", nice(1) == -1 && errno ? -1 : 0);
  errno = 0;
  setpriority(PRIO_PROCESS, 0, 3);
  pid_t pid = fork();
  if (pid == 0) {
    errno = 0;
    show("child getpriority", getpriority(PRIO_PROCESS, 0));
    _exit(0);
  }
  waitpid(pid, NULL, 0);

  cpu_set_t set;
  CPU_ZERO(&set);
  show("affinity empty mask", sched_setaffinity(0, sizeof set, &set));
  CPU_SET(0, &set);
  errno = 0;
  show("affinity cpu 0", sched_setaffinity(0, sizeof set, &set));
  errno = 0;
  show("affinity no such pid", sched_setaffinity(999999, sizeof set, &set));
  errno = 0;
  show("affinity bad pointer", sched_setaffinity(0, sizeof set, (cpu_set_t *)8));
  return 0;
}
