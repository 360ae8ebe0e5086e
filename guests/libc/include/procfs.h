/* Reading /proc the way ps, top, free and uptime need it. */
#ifndef _PROCFS_H
#define _PROCFS_H
#include <sys/types.h>

struct proc_info {
  pid_t pid, ppid, pgrp;
  char state;
  char comm[64];
  unsigned long utime, stime; /* clock ticks */
  unsigned long starttime;    /* ticks after boot */
  unsigned long vsize;        /* bytes */
  long rss;                   /* pages */
  long threads;
};

/* Reads /proc/PID/stat; 0 on success. */
int proc_read_stat(pid_t pid, struct proc_info *p);
/* Reads /proc/PID/cmdline with NULs turned into blanks; "" if empty. */
int proc_read_cmdline(pid_t pid, char *buf, size_t n);
/* Calls fn for each numeric entry of /proc, in ascending pid order. */
int proc_list(pid_t *out, int max);
/* A value from /proc/meminfo in KiB, or -1. */
long meminfo_kb(const char *key);
/* Reads a whole small file into buf (NUL-terminated); bytes read or -1. */
long read_small_file(const char *path, char *buf, size_t n);

#endif
