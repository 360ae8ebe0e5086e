/* ps: list all processes from /proc/<pid>/stat and cmdline. Options such
 * as -e, -f, aux are accepted and ignored: ps always shows every process.
 *   PID  PPID S   RSS(KiB)  TIME  CMD */
#include <procfs.h>
#include <stdio.h>
#include <unistd.h>

#define MAXPROCS 4096

int main(int argc, char **argv) {
  static pid_t pids[MAXPROCS];
  int n = proc_list(pids, MAXPROCS);
  if (n < 0) {
    perror("ps: /proc");
    return 1;
  }
  long page_kb = sysconf(_SC_PAGESIZE) / 1024;
  long hz = sysconf(_SC_CLK_TCK);
  printf("%5s %5s S %7s %8s CMD\n", "PID", "PPID", "RSS", "TIME");
  for (int i = 0; i < n; i++) {
    struct proc_info p;
    if (proc_read_stat(pids[i], &p) < 0) continue; /* exited meanwhile */
    char cmd[512];
    proc_read_cmdline(pids[i], cmd, sizeof cmd);
    unsigned long secs = (p.utime + p.stime) / (unsigned long)hz;
    printf("%5d %5d %c %7ld %5lu:%02lu ", (int)p.pid, (int)p.ppid, p.state, p.rss * page_kb, secs / 60, secs % 60);
    if (cmd[0]) printf("%s\n", cmd);
    else printf("[%s]\n", p.comm);
  }
  return 0;
}
