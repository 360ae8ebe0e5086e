/*
 * How much argument and environment execve takes (fs/exec.c): each string
 * at most MAX_ARG_STRLEN (128 KiB with its NUL), all of them with their
 * pointers at most a quarter of RLIMIT_STACK; E2BIG beyond.
 *
 *   bigenv show           prints the count and bytes of its environment
 *   bigenv try LEN COUNT  execs `bigenv show` with COUNT strings of LEN bytes
 *                         (with the NUL) as its environment
 *   bigenv limit LEN      the most environment bytes execve takes in strings
 *                         of LEN bytes (and one shorter one), found by bisection
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* An environment of `total` bytes: strings of `len` bytes (NUL included), the last one shorter. */
static char **make_env(long len, long total) {
  long n = (total + len - 1) / len;
  char **env = calloc(n + 1, sizeof *env);
  for (long i = 0; i < n; i++) {
    long size = i == n - 1 ? total - i * len : len;
    if (size < 8) size = 8;
    env[i] = malloc(size);
    snprintf(env[i], size, "E%05ld=", i);
    memset(env[i] + 7, 'x', size - 8);
    env[i][size - 1] = 0;
  }
  return env;
}

/* Runs `bigenv show` with the environment in a child; 0 when execve took it, else its errno. */
static int probe(char **env, int show) {
  char *argv[] = {"bigenv", show ? "show" : "quiet", NULL};
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    execve("/proc/self/exe", argv, env);
    _exit(errno);
  }
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "quiet") == 0) return 0;
  if (argc >= 2 && strcmp(argv[1], "show") == 0) {
    long n = 0, bytes = 0;
    for (char **e = environ; *e; e++, n++) bytes += strlen(*e) + 1;
    printf("envc %ld bytes %ld\n", n, bytes);
    return 0;
  }
  if (argc == 4 && strcmp(argv[1], "try") == 0) {
    long len = atol(argv[2]), count = atol(argv[3]);
    int e = probe(make_env(len, len * count), 1);
    if (e) printf("execve with %ld strings of %ld bytes: %s\n", count, len, strerror(e));
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "limit") == 0) {
    long len = atol(argv[2]), lo = 0, hi = 8 << 20;
    /* Invariant: an environment of lo bytes is taken, one of hi bytes is not. */
    while (hi - lo > 1) {
      long mid = (lo + hi) / 2;
      char **env = make_env(len, mid);
      int e = probe(env, 0);
      if (e != 0 && e != E2BIG) {
        printf("execve: %s\n", strerror(e));
        return 1;
      }
      if (e == 0) lo = mid;
      else hi = mid;
      for (char **p = env; *p; p++) free(*p);
      free(env);
    }
    printf("limit for strings of %ld bytes: %ld\n", len, lo);
    return 0;
  }
  fprintf(stderr, "usage: bigenv show | try LEN COUNT | limit LEN\n");
  return 2;
}
