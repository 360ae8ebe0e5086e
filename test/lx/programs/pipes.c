/* Blocking and non-blocking writes to pipes, as Linux's pipe_write does them:
 * a blocking write goes on until all is written, ends short only on a
 * signal or EPIPE after some bytes, and is EINTR (or restarted) when a
 * signal comes before any byte; sendfile into a full pipe waits.
 * Prints only what is the same on every Linux (no timing-dependent counts). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t usr1, pipes;
static void on_usr1(int s) { (void)s; usr1++; }
static void on_pipe(int s) { (void)s; pipes++; }

static void nap(int ms) {
  struct timespec ts = {0, ms * 1000000L};
  while (nanosleep(&ts, &ts) < 0) {}
}

static void handle(int sig, void (*fn)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigaction(sig, &sa, NULL);
}

static unsigned char *pattern(size_t n) {
  unsigned char *b = malloc(n);
  for (size_t i = 0; i < n; i++) b[i] = (unsigned char)(i * 7 + i / 251);
  return b;
}

/* The reader: waits `ms`, then reads to EOF and reports count and a checksum on `report`. */
static void reader(int rfd, int report, int ms, long first, int signal_after) {
  long n = 0, sum = 0;
  unsigned char buf[8192];
  nap(ms);
  for (;;) {
    size_t want = sizeof buf;
    if (first > 0 && n < first && (size_t)(first - n) < want) want = (size_t)(first - n);
    ssize_t r = read(rfd, buf, want);
    if (r <= 0) break;
    for (ssize_t i = 0; i < r; i++) sum += (long)buf[i] * (long)((n + i) % 13 + 1);
    n += r;
    if (first > 0 && n >= first) {
      if (signal_after) kill(getppid(), signal_after);
      else break;
      first = 0;
    }
  }
  long out[2] = {n, sum};
  if (write(report, out, sizeof out) != sizeof out) _exit(3);
  _exit(0);
}

static long checksum(const unsigned char *b, long n) {
  long s = 0;
  for (long i = 0; i < n; i++) s += (long)b[i] * (long)(i % 13 + 1);
  return s;
}

/* Forks a reader on a new pipe; returns the write end, the report pipe's read end in *rep. */
static int start(pid_t *pid, int *rep, int ms, long first, int signal_after) {
  int p[2], r[2];
  if (pipe(p) < 0 || pipe(r) < 0) exit(2);
  *pid = fork();
  if (*pid == 0) {
    close(p[1]);
    close(r[0]);
    reader(p[0], r[1], ms, first, signal_after);
  }
  close(p[0]);
  close(r[1]);
  *rep = r[0];
  return p[1];
}

static void finish(pid_t pid, int rep, const unsigned char *data, long written) {
  long got[2] = {-1, -1};
  if (read(rep, got, sizeof got) != sizeof got) printf("  no report from the reader\n");
  int st;
  waitpid(pid, &st, 0);
  close(rep);
  printf("  reader got exactly what was written: %s\n", got[0] == written && got[1] == checksum(data, written) ? "yes" : "MISMATCH");
}

static const char *shortness(ssize_t r, long total) {
  static char b[64];
  if (r >= 65536 && r < total) return "short (>= 64 KiB written)";
  snprintf(b, sizeof b, "%zd%s%s", r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
  return b;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  enum { BIG = 300000, HUGE = 4 << 20 };
  unsigned char *data = pattern(HUGE);
  pid_t pid;
  int rep, w;

  printf("blocking write of %d bytes, slow reader:\n", BIG);
  w = start(&pid, &rep, 50, 0, 0);
  ssize_t r = write(w, data, BIG);
  printf("  write returned %zd\n", r);
  close(w);
  finish(pid, rep, data, r);

  printf("blocking write of 4 MiB:\n");
  w = start(&pid, &rep, 10, 0, 0);
  r = write(w, data, HUGE);
  printf("  write returned %zd\n", r);
  close(w);
  finish(pid, rep, data, r);

  printf("blocking writev of 3 x 100000 bytes:\n");
  w = start(&pid, &rep, 50, 0, 0);
  struct iovec iov[3] = {{data, 100000}, {data + 100000, 100000}, {data + 200000, 100000}};
  r = writev(w, iov, 3);
  printf("  writev returned %zd\n", r);
  close(w);
  finish(pid, rep, data, r);

  for (int restart = 0; restart <= 1; restart++) {
    printf("a signal (%s) after part of a 200000-byte write:\n", restart ? "SA_RESTART" : "no SA_RESTART");
    handle(SIGUSR1, on_usr1, restart ? SA_RESTART : 0);
    usr1 = 0;
    w = start(&pid, &rep, 20, 10000, SIGUSR1);
    r = write(w, data, 200000);
    printf("  write returned %s, handler ran %d time(s)\n", shortness(r, 200000), (int)usr1);
    close(w);
    finish(pid, rep, data, r);
  }

  for (int restart = 0; restart <= 1; restart++) {
    printf("a signal (%s) while a write to a full pipe has written nothing:\n", restart ? "SA_RESTART" : "no SA_RESTART");
    handle(SIGUSR1, on_usr1, restart ? SA_RESTART : 0);
    usr1 = 0;
    int p[2];
    if (pipe(p) < 0) return 2;
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    long fill = 0;
    for (;;) {
      ssize_t k = write(p[1], data, 4096);
      if (k <= 0) break;
      fill += k;
    }
    printf("  capacity %ld, then %s\n", fill, strerror(errno));
    fcntl(p[1], F_SETFL, 0);
    pid = fork();
    if (pid == 0) {
      close(p[1]);
      nap(100);
      kill(getppid(), SIGUSR1);
      nap(50);
      unsigned char buf[4096];
      while (read(p[0], buf, sizeof buf) > 0) {}
      _exit(0);
    }
    close(p[0]);
    errno = 0;
    r = write(p[1], data, 100);
    printf("  write returned %zd%s%s, handler ran %d time(s)\n", r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "", (int)usr1);
    close(p[1]);
    waitpid(pid, NULL, 0);
  }

  printf("the reader goes away after part of a 200000-byte write:\n");
  handle(SIGPIPE, on_pipe, 0);
  w = start(&pid, &rep, 20, 1000, 0);
  r = write(w, data, 200000);
  printf("  write returned %s, SIGPIPE %d time(s)\n", r > 0 && r < 200000 ? "short (> 0)" : shortness(r, 200000), (int)pipes);
  errno = 0;
  r = write(w, data, 10);
  printf("  next write returned %zd %s, SIGPIPE %d time(s)\n", r, strerror(errno), (int)pipes);
  r = write(w, data, 0);
  printf("  an empty write returns %zd\n", r);
  close(w);
  waitpid(pid, NULL, 0);
  close(rep);

  printf("O_NONBLOCK:\n");
  int p[2];
  if (pipe2(p, O_NONBLOCK) < 0) return 2;
  r = write(p[1], data, 100000);
  printf("  100000 bytes into an empty pipe: %zd\n", r);
  errno = 0;
  r = write(p[1], data, 1);
  printf("  one more byte: %zd %s\n", r, strerror(errno));
  close(p[0]);
  close(p[1]);

  printf("sendfile of %d bytes from a file into a pipe, slow reader:\n", BIG);
  char path[] = "/tmp/lx-pipes-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0 || write(fd, data, BIG) != BIG) return 2;
  unlink(path);
  lseek(fd, 0, SEEK_SET);
  w = start(&pid, &rep, 50, 0, 0);
  long total = 0;
  int calls = 0, over = 0;
  for (;;) {
    ssize_t k = sendfile(w, fd, NULL, BIG);
    if (k <= 0) break;
    if (k > 65536) over++;
    total += k;
    calls++;
  }
  printf("  %ld bytes in %s calls; none took more than the pipe holds: %s; file offset %ld\n", total, calls > 1 ? "several" : "one", over ? "MISMATCH" : "yes", (long)lseek(fd, 0, SEEK_CUR));
  close(w);
  finish(pid, rep, data, total);

  printf("sendfile from a pipe:\n");
  if (pipe(p) < 0) return 2;
  if (write(p[1], "abc", 3) != 3) return 2;
  errno = 0;
  r = sendfile(fd, p[0], NULL, 3);
  printf("  %zd %s\n", r, strerror(errno));
  return 0;
}
