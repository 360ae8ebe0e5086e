/* forkbomb [MAX]: fork children until fork fails (or MAX, default 10000,
 * are running), report how many, then let them all exit and reap them.
 * Contained: only the parent forks; each child just waits on a pipe that
 * the parent closes at the end. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

int main(int argc, char **argv) {
  long max = argc > 1 ? atol(argv[1]) : 10000;
  int fds[2];
  if (pipe(fds) < 0) {
    perror("forkbomb: pipe");
    return 1;
  }
  long n = 0;
  int err = 0;
  fflush(stdout);
  while (n < max) {
    pid_t pid = fork();
    if (pid < 0) {
      err = errno;
      break;
    }
    if (pid == 0) {
      close(fds[1]);
      char c;
      while (read(fds[0], &c, 1) < 0 && errno == EINTR) {}
      _exit(0);
    }
    n++;
  }
  if (n < max) printf("forkbomb: fork failed after %ld children: %s\n", n, strerror(err));
  else printf("forkbomb: %ld children running (limit given)\n", n);
  fflush(stdout);
  close(fds[1]); /* every child's read now returns 0 */
  close(fds[0]);
  long reaped = 0;
  int st;
  while (wait(&st) > 0) reaped++;
  printf("forkbomb: reaped %ld children\n", reaped);
  return 0;
}
