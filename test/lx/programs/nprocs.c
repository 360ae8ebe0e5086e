/*
 * How many CPUs a program finds, each way glibc and Linux offer: the
 * sysconf counts and get_nprocs (which read /sys/devices/system/cpu), the
 * affinity mask, and /proc/cpuinfo. On one machine they agree.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

int main(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  int affinity = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : -1;
  int cpuinfo = 0;
  char line[512];
  FILE *f = fopen("/proc/cpuinfo", "r");
  while (f && fgets(line, sizeof line, f)) cpuinfo += strncmp(line, "processor", 9) == 0;
  if (f) fclose(f);
  printf("sysconf online %ld configured %ld get_nprocs %d get_nprocs_conf %d affinity %d cpuinfo %d\n",
         sysconf(_SC_NPROCESSORS_ONLN), sysconf(_SC_NPROCESSORS_CONF), get_nprocs(), get_nprocs_conf(), affinity, cpuinfo);
  return 0;
}
