/* free [-k|-m|-g|-h]: memory use from /proc/meminfo (default KiB). */
#include <procfs.h>
#include <stdio.h>
#include <unistd.h>

static int unit = 'k';

static void show(long kb, char *buf, size_t n) {
  if (unit == 'm') snprintf(buf, n, "%ld", kb / 1024);
  else if (unit == 'g') snprintf(buf, n, "%ld", kb / (1024 * 1024));
  else if (unit == 'h') {
    if (kb >= 1024 * 1024) snprintf(buf, n, "%.1fGi", (double)kb / (1024 * 1024));
    else if (kb >= 1024) snprintf(buf, n, "%.1fMi", (double)kb / 1024);
    else snprintf(buf, n, "%ldKi", kb);
  } else snprintf(buf, n, "%ld", kb);
}

int main(int argc, char **argv) {
  int c;
  while ((c = getopt(argc, argv, "kmgh")) != -1) {
    if (c == '?') return 2;
    unit = c;
  }
  long total = meminfo_kb("MemTotal");
  if (total < 0) {
    fputs("free: cannot read /proc/meminfo\n", stderr);
    return 1;
  }
  long mfree = meminfo_kb("MemFree"), avail = meminfo_kb("MemAvailable");
  long buffers = meminfo_kb("Buffers"), cached = meminfo_kb("Cached"), shared = meminfo_kb("Shmem");
  long stotal = meminfo_kb("SwapTotal"), sfree = meminfo_kb("SwapFree");
  if (mfree < 0) mfree = 0;
  if (buffers < 0) buffers = 0;
  if (cached < 0) cached = 0;
  if (shared < 0) shared = 0;
  if (avail < 0) avail = mfree + buffers + cached;
  if (stotal < 0) stotal = 0;
  if (sfree < 0) sfree = 0;
  long used = total - mfree - buffers - cached;
  if (used < 0) used = total - mfree;
  char a[32], b[32], d[32], e[32], f[32], g[32];
  show(total, a, 32), show(used, b, 32), show(mfree, d, 32), show(shared, e, 32), show(buffers + cached, f, 32),
      show(avail, g, 32);
  printf("%17s %11s %11s %11s %11s %11s\n", "total", "used", "free", "shared", "buff/cache", "available");
  printf("Mem:  %11s %11s %11s %11s %11s %11s\n", a, b, d, e, f, g);
  show(stotal, a, 32), show(stotal - sfree, b, 32), show(sfree, d, 32);
  printf("Swap: %11s %11s %11s\n", a, b, d);
  return 0;
}
