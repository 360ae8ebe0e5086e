/* /proc parsing shared by ps, top, free and uptime. */
#include <dirent.h>
#include <fcntl.h>
#include <procfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

long read_small_file(const char *path, char *buf, size_t n) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t got = 0;
  while (got + 1 < n) {
    ssize_t r = read(fd, buf + got, n - 1 - got);
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  buf[got] = 0;
  return (long)got;
}

int proc_read_stat(pid_t pid, struct proc_info *p) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  if (read_small_file(path, buf, sizeof buf) <= 0) return -1;
  /* The command name is in parentheses and may itself hold ')' or
   * blanks: it ends at the last ')'. */
  char *open_paren = strchr(buf, '('), *close_paren = strrchr(buf, ')');
  if (!open_paren || !close_paren || close_paren < open_paren) return -1;
  memset(p, 0, sizeof *p);
  p->pid = pid;
  size_t n = (size_t)(close_paren - open_paren - 1);
  if (n >= sizeof p->comm) n = sizeof p->comm - 1;
  memcpy(p->comm, open_paren + 1, n);
  p->comm[n] = 0;
  char *s = close_paren + 2;
  unsigned long f[24] = {0};
  p->state = *s;
  s += 2;
  for (int i = 1; i < 24 && *s; i++) {
    char *end;
    f[i] = strtoul(s, &end, 10);
    if (end == s) break;
    s = end;
    while (*s == ' ') s++;
  }
  /* f[i] is field i after the state: 1 ppid, 2 pgrp, 11 utime, 12 stime,
   * 17 threads, 19 starttime, 20 vsize, 21 rss. A leading '-' (tty -1)
   * parses as a huge value, which we never use. */
  p->ppid = (pid_t)f[1];
  p->pgrp = (pid_t)f[2];
  p->utime = f[11];
  p->stime = f[12];
  p->threads = (long)f[17];
  p->starttime = f[19];
  p->vsize = f[20];
  p->rss = (long)f[21];
  return 0;
}

int proc_read_cmdline(pid_t pid, char *buf, size_t n) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
  long got = read_small_file(path, buf, n);
  if (got < 0) {
    buf[0] = 0;
    return -1;
  }
  while (got > 0 && buf[got - 1] == 0) got--;
  for (long i = 0; i < got; i++)
    if (buf[i] == 0 || buf[i] == '\n') buf[i] = ' ';
  buf[got] = 0;
  return 0;
}

static int cmp_pid(const void *a, const void *b) { return *(const pid_t *)a - *(const pid_t *)b; }

int proc_list(pid_t *out, int max) {
  DIR *d = opendir("/proc");
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < max) {
    char *end;
    long pid = strtol(e->d_name, &end, 10);
    if (*end || end == e->d_name || pid <= 0) continue;
    out[n++] = (pid_t)pid;
  }
  closedir(d);
  qsort(out, (size_t)n, sizeof *out, cmp_pid);
  return n;
}

long meminfo_kb(const char *key) {
  static char buf[4096];
  if (read_small_file("/proc/meminfo", buf, sizeof buf) <= 0) return -1;
  size_t klen = strlen(key);
  for (char *line = buf; line && *line;) {
    if (strncmp(line, key, klen) == 0 && line[klen] == ':') return strtol(line + klen + 1, NULL, 10);
    line = strchr(line, '\n');
    if (line) line++;
  }
  return -1;
}
