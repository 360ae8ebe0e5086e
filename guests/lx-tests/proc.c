#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/wait.h>
#include <signal.h>
static int counter;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static void *worker(void *a) { for (int i = 0; i < 10000; i++) { pthread_mutex_lock(&m); counter++; pthread_mutex_unlock(&m); } return a; }
static volatile int got;
static void h(int s) { got = s; }
int main(int argc, char **argv) {
  printf("hello glibc %d %s\n", argc, argv[0] ? "ok" : "?");
  char *p = malloc(1 << 20); memset(p, 7, 1 << 20); printf("malloc %d\n", p[12345]);
  pthread_t t[4]; for (int i = 0; i < 4; i++) pthread_create(&t[i], 0, worker, 0); for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
  printf("threads %d\n", counter);
  pid_t c = fork(); if (c == 0) { printf("child\n"); fflush(stdout); _exit(5); }
  int st; waitpid(c, &st, 0); printf("child exit %d\n", WEXITSTATUS(st));
  signal(SIGUSR1, h); raise(SIGUSR1); printf("signal %d\n", got);
  double d = 1.0; for (int i = 0; i < 10; i++) d = d * 1.1 + 0.5; printf("fp %.6f\n", d);
  return 3;
}
