/* ln [-s] [-f] TARGET [LINK]: make a hard link, or with -s a symbolic one. */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

int main(int argc, char **argv) {
  int c, sym = 0, force = 0;
  while ((c = getopt(argc, argv, "sfn")) != -1) {
    if (c == 's') sym = 1;
    else if (c == 'f') force = 1;
    else if (c != 'n') return 2;
  }
  if (argc - optind < 1 || argc - optind > 2) errx(1, "usage: ln [-s] [-f] TARGET [LINK]");
  const char *target = argv[optind];
  char link_path[4096];
  const char *b = strrchr(target, '/');
  const char *base = b && b[1] ? b + 1 : target;
  struct stat st;
  if (argc - optind == 1) snprintf(link_path, sizeof link_path, "%s", base);
  else if (stat(argv[optind + 1], &st) == 0 && S_ISDIR(st.st_mode))
    snprintf(link_path, sizeof link_path, "%s/%s", argv[optind + 1], base);
  else snprintf(link_path, sizeof link_path, "%s", argv[optind + 1]);
  if (force) unlink(link_path);
  if ((sym ? symlink(target, link_path) : link(target, link_path)) < 0) {
    warn("failed to create %s link '%s'", sym ? "symbolic" : "hard", link_path);
    return 1;
  }
  return 0;
}
