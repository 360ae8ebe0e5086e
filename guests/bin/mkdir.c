/* mkdir [-p] [-m MODE] DIR...: make directories; -p makes parents and
 * accepts existing ones. */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static int make(char *path, mode_t mode, int parents) {
  if (parents) {
    for (char *p = path + 1; *p; p++) {
      if (*p != '/') continue;
      *p = 0;
      if (mkdir(path, 0777) < 0 && errno != EEXIST) {
        warn("%s", path);
        return 1;
      }
      *p = '/';
    }
  }
  if (mkdir(path, mode) < 0) {
    struct stat st;
    if (parents && errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
    warn("cannot create directory '%s'", path);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int c, parents = 0, status = 0;
  mode_t mode = 0777;
  while ((c = getopt(argc, argv, "pm:")) != -1) {
    if (c == 'p') parents = 1;
    else if (c == 'm') mode = (mode_t)strtol(optarg, NULL, 8);
    else return 2;
  }
  if (optind == argc) errx(2, "missing operand");
  for (int i = optind; i < argc; i++) status |= make(argv[i], mode, parents);
  return status;
}
