/* Non-canonical reads on the console under VMIN/VTIME (termios(3)): for
 * each step it sets VMIN and VTIME, says "ready STEP" (the test then types,
 * or not), reads into a buffer and reports the count, the bytes and the
 * virtual milliseconds the read took. */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void step(const char *name, int vmin, int vtime, size_t want) {
  struct termios t;
  tcgetattr(0, &t);
  t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
  t.c_cc[VMIN] = (cc_t)vmin;
  t.c_cc[VTIME] = (cc_t)vtime;
  tcsetattr(0, TCSANOW, &t);
  printf("ready %s\n", name);
  fflush(stdout);
  char buf[32];
  long t0 = now_ms();
  ssize_t n = read(0, buf, want);
  long dt = now_ms() - t0;
  printf("%s: %zd '%.*s' %ld ms\n", name, n, n > 0 ? (int)n : 0, buf, dt);
  fflush(stdout);
}

int main(void) {
  step("timer", 0, 5, sizeof(char[16]));
  step("poll", 0, 0, 16);
  step("timer-byte", 0, 20, 16);
  step("min", 3, 0, 16);
  step("interbyte", 5, 2, 16);
  step("small-buffer", 2, 0, 1);
  return 0;
}
