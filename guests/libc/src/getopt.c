/* POSIX getopt: clustered flags (-la), attached or separate arguments,
 * "--" ends options, a leading ':' in optstring silences messages. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

char *optarg;
int optind = 1, opterr = 1, optopt;
static int cluster_pos = 1;

int getopt(int argc, char *const argv[], const char *optstring) {
  if (optind == 0) { /* reset, as glibc allows */
    optind = 1;
    cluster_pos = 1;
  }
  if (optind >= argc || !argv[optind] || argv[optind][0] != '-' || argv[optind][1] == 0) return -1;
  if (strcmp(argv[optind], "--") == 0) {
    optind++;
    return -1;
  }
  int quiet = optstring[0] == ':';
  if (optstring[0] == '+' || optstring[0] == ':') optstring++;
  const char *arg = argv[optind];
  int c = (unsigned char)arg[cluster_pos];
  const char *spec = c == ':' ? NULL : strchr(optstring, c);
  optopt = c;
  if (!spec) {
    if (opterr && !quiet) dprintf(2, "%s: invalid option -- '%c'\n", argv[0], c);
    if (!arg[++cluster_pos]) {
      optind++;
      cluster_pos = 1;
    }
    return '?';
  }
  if (spec[1] == ':') {
    if (arg[cluster_pos + 1]) {
      optarg = (char *)arg + cluster_pos + 1;
      optind++;
    } else if (optind + 1 < argc) {
      optarg = argv[optind + 1];
      optind += 2;
    } else {
      optind++;
      cluster_pos = 1;
      if (opterr && !quiet) dprintf(2, "%s: option requires an argument -- '%c'\n", argv[0], c);
      return quiet ? ':' : '?';
    }
    cluster_pos = 1;
    return c;
  }
  if (!arg[++cluster_pos]) {
    optind++;
    cluster_pos = 1;
  }
  return c;
}
