/* top [-b] [-n ITERATIONS] [-d SECONDS]: live per-process CPU and memory.
 *
 * Every DELAY seconds (default 1) it samples /proc/<pid>/stat for all
 * processes; a process's %CPU is its utime+stime ticks since the previous
 * sample over the elapsed time. On a terminal it redraws the screen and
 * quits on 'q' (or ^C); -b (batch) prints successive reports instead. */
#include <errno.h>
#include <poll.h>
#include <procfs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAXPROCS 4096

struct sample {
  pid_t pid;
  unsigned long ticks;
};

struct row {
  struct proc_info p;
  double cpu;
};

static struct sample prev[MAXPROCS];
static int nprev;
static struct termios saved;
static int raw_mode;

static void restore(void) {
  if (raw_mode) {
    tcsetattr(0, TCSADRAIN, &saved);
    raw_mode = 0;
    fputs("\x1b[?25h", stdout);
    fflush(stdout);
  }
}

static void on_signal(int sig) {
  restore();
  _exit(128 + sig);
}

static unsigned long prev_ticks(pid_t pid) {
  /* prev is sorted by pid: binary search */
  int lo = 0, hi = nprev - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (prev[mid].pid == pid) return prev[mid].ticks;
    if (prev[mid].pid < pid) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

static int by_cpu(const void *a, const void *b) {
  const struct row *x = a, *y = b;
  if (x->cpu != y->cpu) return x->cpu < y->cpu ? 1 : -1;
  if (x->p.rss != y->p.rss) return x->p.rss < y->p.rss ? 1 : -1;
  return x->p.pid - y->p.pid;
}

static double now_secs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  int c, batch = 0;
  long iterations = -1;
  double delay = 1;
  while ((c = getopt(argc, argv, "bn:d:")) != -1) {
    if (c == 'b') batch = 1;
    else if (c == 'n') iterations = atol(optarg);
    else if (c == 'd') delay = strtod(optarg, NULL);
    else return 2;
  }
  if (delay < 0.05) delay = 0.05;
  int screen = !batch && isatty(1);
  int keys = 1; /* stdin still worth polling for 'q' */
  if (isatty(0) && screen) {
    struct termios t;
    if (tcgetattr(0, &saved) == 0) {
      t = saved;
      t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
      t.c_cc[VMIN] = 1;
      t.c_cc[VTIME] = 0;
      tcsetattr(0, TCSADRAIN, &t);
      raw_mode = 1;
      signal(SIGINT, on_signal);
      signal(SIGTERM, on_signal);
      signal(SIGHUP, on_signal);
    }
  }
  static pid_t pids[MAXPROCS];
  static struct row rows[MAXPROCS];
  long hz = sysconf(_SC_CLK_TCK), page_kb = sysconf(_SC_PAGESIZE) / 1024;
  double last = now_secs();
  /* First sample: CPU shares need two, so take one now and wait briefly. */
  int n = proc_list(pids, MAXPROCS);
  for (int i = 0; i < n; i++) {
    struct proc_info p;
    prev[i].pid = pids[i];
    prev[i].ticks = proc_read_stat(pids[i], &p) == 0 ? p.utime + p.stime : 0;
  }
  nprev = n > 0 ? n : 0;
  double first_wait = delay < 0.5 ? delay : 0.5;
  struct timespec ts = {0, (long)(first_wait * 1e9)};
  nanosleep(&ts, NULL);
  for (long iter = 0; iterations < 0 || iter < iterations; iter++) {
    double t = now_secs(), elapsed = t - last;
    last = t;
    n = proc_list(pids, MAXPROCS);
    int nrows = 0;
    double total_cpu = 0;
    for (int i = 0; i < n; i++) {
      struct row *r = &rows[nrows];
      if (proc_read_stat(pids[i], &r->p) < 0) continue;
      unsigned long ticks = r->p.utime + r->p.stime, before = prev_ticks(pids[i]);
      r->cpu = elapsed > 0 && ticks >= before ? (double)(ticks - before) * 100.0 / ((double)hz * elapsed) : 0;
      total_cpu += r->cpu;
      nrows++;
    }
    for (int i = 0; i < nrows; i++) {
      prev[i].pid = rows[i].p.pid;
      prev[i].ticks = rows[i].p.utime + rows[i].p.stime;
    }
    nprev = nrows;
    qsort(rows, (size_t)nrows, sizeof *rows, by_cpu);

    long mem_total = meminfo_kb("MemTotal"), mem_free = meminfo_kb("MemFree");
    long mem_avail = meminfo_kb("MemAvailable");
    char buf[256];
    long up = read_small_file("/proc/uptime", buf, sizeof buf) > 0 ? (long)strtod(buf, NULL) : 0;
    int term_rows = 24, term_cols = 80;
    if (screen) {
      tty_winsize(1, &term_rows, &term_cols);
      fputs("\x1b[H\x1b[2J", stdout);
    } else if (iter > 0) {
      putchar('\n');
    }
    printf("top - up %ld:%02ld:%02ld, %d tasks, CPU %.1f%%\n", up / 3600, up / 60 % 60, up % 60, nrows, total_cpu);
    if (mem_total > 0)
      printf("Mem: %ld KiB total, %ld KiB free, %ld KiB available\n", mem_total, mem_free,
             mem_avail >= 0 ? mem_avail : mem_free);
    printf("%5s %5s S %5s %5s %8s %8s COMMAND\n", "PID", "PPID", "%CPU", "%MEM", "RSS", "TIME");
    int max_rows = screen ? term_rows - 4 : nrows;
    for (int i = 0; i < nrows && i < max_rows; i++) {
      struct row *r = &rows[i];
      long rss_kb = r->p.rss * page_kb;
      double mem = mem_total > 0 ? (double)rss_kb * 100.0 / (double)mem_total : 0;
      unsigned long secs = (r->p.utime + r->p.stime) / (unsigned long)hz;
      printf("%5d %5d %c %5.1f %5.1f %8ld %5lu:%02lu %s\n", (int)r->p.pid, (int)r->p.ppid, r->p.state, r->cpu, mem,
             rss_kb, secs / 60, secs % 60, r->p.comm);
    }
    fflush(stdout);
    if (iterations >= 0 && iter + 1 >= iterations) break;
    /* Wait for the next refresh, or a key. */
    double deadline = now_secs() + delay;
    for (;;) {
      double left = deadline - now_secs();
      if (left <= 0) break;
      struct pollfd pfd = {0, POLLIN, 0};
      int r = poll(&pfd, keys ? 1 : 0, (int)(left * 1000) + 1);
      if (r < 0 && errno != EINTR) break;
      if (r > 0) {
        char k;
        ssize_t got = read(0, &k, 1);
        if (got <= 0) {
          keys = 0; /* stdin at end: only the timer remains */
          continue;
        }
        if (k == 'q' || k == 'Q' || k == 3) {
          restore();
          return 0;
        }
      }
    }
  }
  restore();
  return 0;
}
