/* kill [-SIGNAL | -s SIGNAL] PID... ; kill -l [SIGNAL]: send signals. */
#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  int i = 1, sig = SIGTERM, status = 0;
  if (i < argc && strcmp(argv[i], "-l") == 0) {
    if (i + 1 < argc) {
      int n = atoi(argv[i + 1]);
      if (n > 128) n -= 128;
      const char *name = sig_name(n);
      if (!name) errx(1, "%s: invalid signal", argv[i + 1]);
      printf("%s\n", name);
      return 0;
    }
    for (int s = 1; s < 32; s++) printf("%2d) SIG%-7s%s", s, sig_name(s), s % 4 == 0 || s == 31 ? "\n" : " ");
    return 0;
  }
  if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
    const char *name = argv[i] + 1;
    if (strcmp(name, "s") == 0) {
      if (++i >= argc) errx(2, "-s needs a signal");
      name = argv[i];
    }
    sig = sig_from_name(name);
    if (sig == 0 && strcmp(name, "0") != 0) errx(2, "%s: invalid signal", name);
    i++;
  }
  if (i < argc && strcmp(argv[i], "--") == 0) i++;
  if (i == argc) {
    fputs("usage: kill [-SIGNAL | -s SIGNAL] PID...\n", stderr);
    return 2;
  }
  for (; i < argc; i++) {
    char *end;
    long pid = strtol(argv[i], &end, 10);
    if (*end || end == argv[i]) {
      warnx("%s: invalid process id", argv[i]);
      status = 1;
      continue;
    }
    if (kill((pid_t)pid, sig) < 0) {
      warn("(%ld)", pid);
      status = 1;
    }
  }
  return status;
}
