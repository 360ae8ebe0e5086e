#define _GNU_SOURCE
/*
 * A pipe bomb: children, each filling non-blocking pipes until pipe2 or a
 * write fails, and staying alive holding them. Under a memory-bounded
 * kernel the children stop with ENOMEM (or fork with EAGAIN) once the
 * buffers fill the machine's memory; the parent reports what they held.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CHILDREN 400

struct report { long bytes; int pipes; int err; };

static char buf[65536];

static void child(int out) {
  struct report r = { 0, 0, 0 };
  for (;;) {
    int p[2];
    if (pipe2(p, O_NONBLOCK) < 0) { r.err = errno; break; }
    ssize_t n = write(p[1], buf, sizeof buf);
    if (n < 0) { r.err = errno; break; }
    r.bytes += n;
    r.pipes++;
  }
  if (write(out, &r, sizeof r) != sizeof r) _exit(1);
  for (;;) pause();
}

int main(void) {
  int rep[2];
  pid_t kids[MAX_CHILDREN];
  int n = 0;
  long total = 0;
  if (pipe(rep) < 0) return 1;
  for (; n < MAX_CHILDREN; ) {
    pid_t pid = fork();
    if (pid < 0) { printf("fork failed: %s\n", strerror(errno)); break; }
    if (pid == 0) { close(rep[0]); child(rep[1]); }
    kids[n++] = pid;
    struct report r;
    if (read(rep[0], &r, sizeof r) != sizeof r) { printf("no report\n"); break; }
    total += r.bytes;
    if (r.err != EMFILE) printf("child %d stopped after %d pipes: %s\n", n, r.pipes, strerror(r.err));
    if (r.bytes == 0) break;
  }
  printf("children %d, buffered %ld MiB\n", n, total >> 20);
  for (int i = 0; i < n; i++) kill(kids[i], SIGKILL);
  for (int i = 0; i < n; i++) waitpid(kids[i], NULL, 0);
  // Everything was given back: a new pipe takes a full buffer again.
  int p[2];
  if (pipe2(p, O_NONBLOCK) < 0) { printf("pipe after: %s\n", strerror(errno)); return 1; }
  printf("after: %zd\n", write(p[1], buf, sizeof buf));
  return 0;
}
