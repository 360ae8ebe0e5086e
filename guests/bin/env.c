/* env [-i] [-u NAME] [NAME=VALUE...] [COMMAND [ARG...]]: run a command in a
 * changed environment, or print the environment. */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int i = 1;
  static char *empty[] = {NULL};
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "-i") == 0 || strcmp(argv[i], "-") == 0) environ = empty;
    else if (strcmp(argv[i], "-u") == 0 && i + 1 < argc) unsetenv(argv[++i]);
    else if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    } else errx(125, "invalid option '%s'", argv[i]);
  }
  for (; i < argc && strchr(argv[i], '='); i++) putenv(argv[i]);
  if (i == argc) {
    for (char **e = environ; *e; e++) puts(*e);
    return 0;
  }
  execvp(argv[i], argv + i);
  int e = errno;
  warn("'%s'", argv[i]);
  return e == ENOENT ? 127 : 126;
}
