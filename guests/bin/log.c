/* log [-f] [FILE]: print the kernel log (lx's messages). Reads /dev/kmsg,
 * else /proc/kmsg, or FILE. Records in the /dev/kmsg format
 * "PRI,SEQ,USECS,FLAGS;TEXT" are shown as "[SECONDS] TEXT"; other lines
 * as they are. Without -f it stops at the end of the log. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void show(char *rec, size_t n) {
  while (n && (rec[n - 1] == '\n' || rec[n - 1] == 0)) n--;
  rec[n] = 0;
  char *semi = strchr(rec, ';');
  int commas = 0;
  for (char *p = rec; semi && p < semi; p++) commas += *p == ',';
  if (semi && commas >= 2) {
    char *p = strchr(rec, ',') + 1;
    p = strchr(p, ',') + 1;
    unsigned long long us = strtoull(p, NULL, 10);
    char *text = semi + 1;
    char *nl = strchr(text, '\n'); /* continuation lines ( KEY=VALUE) are dropped */
    if (nl) *nl = 0;
    printf("[%5llu.%06llu] %s\n", us / 1000000, us % 1000000, text);
  } else {
    printf("%s\n", rec);
  }
}

int main(int argc, char **argv) {
  int follow = 0, i = 1;
  if (i < argc && strcmp(argv[i], "-f") == 0) follow = 1, i++;
  const char *paths[] = {"/dev/kmsg", "/proc/kmsg"};
  const char *path = NULL;
  int fd = -1;
  if (i < argc) {
    path = argv[i];
    fd = open(path, O_RDONLY);
  } else {
    for (int k = 0; k < 2 && fd < 0; k++) {
      path = paths[k];
      fd = open(path, O_RDONLY | (follow ? 0 : O_NONBLOCK));
    }
  }
  if (fd < 0) {
    fprintf(stderr, "log: no kernel log here (%s: %s); lx provides one at /dev/kmsg\n", path, strerror(errno));
    return 1;
  }
  /* /dev/kmsg returns one record per read; a plain file returns many
   * lines per read, so split on newlines either way. */
  static char buf[8192];
  size_t have = 0;
  for (;;) {
    ssize_t r = read(fd, buf + have, sizeof buf - 1 - have);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno == EPIPE) continue; /* records overwritten: skip */
    if (r <= 0) break;
    have += (size_t)r;
    size_t start = 0;
    for (size_t k = 0; k < have; k++) {
      if (buf[k] != '\n') continue;
      /* A /dev/kmsg continuation line begins with a blank: keep it with
       * its record by only splitting before non-blank lines. */
      if (k + 1 < have && buf[k + 1] == ' ') continue;
      show(buf + start, k - start);
      start = k + 1;
    }
    memmove(buf, buf + start, have - start);
    have -= start;
    if (have == sizeof buf - 1) {
      show(buf, have);
      have = 0;
    }
    fflush(stdout);
  }
  if (have) show(buf, have);
  return 0;
}
