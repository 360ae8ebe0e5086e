/* rm [-r|-R] [-f] FILE...: remove files; -r removes directories and what
 * they hold; -f ignores missing files. */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static int recursive, force;

static int remove_path(const char *path) {
  struct stat st;
  if (lstat(path, &st) < 0) {
    if (force && errno == ENOENT) return 0;
    warn("cannot remove '%s'", path);
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (unlink(path) < 0) {
      warn("cannot remove '%s'", path);
      return 1;
    }
    return 0;
  }
  if (!recursive) {
    warnx("cannot remove '%s': Is a directory", path);
    return 1;
  }
  int status = 0;
  DIR *d = opendir(path);
  if (!d) {
    warn("cannot open '%s'", path);
    return 1;
  }
  struct dirent *e;
  char child[4096];
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    snprintf(child, sizeof child, "%s/%s", path, e->d_name);
    status |= remove_path(child);
  }
  closedir(d);
  if (rmdir(path) < 0) {
    warn("cannot remove '%s'", path);
    return 1;
  }
  return status;
}

int main(int argc, char **argv) {
  int c, status = 0;
  while ((c = getopt(argc, argv, "rRfi")) != -1) {
    if (c == 'r' || c == 'R') recursive = 1;
    else if (c == 'f') force = 1;
    else if (c != 'i') return 2;
  }
  if (optind == argc && !force) errx(1, "missing operand");
  for (int i = optind; i < argc; i++) status |= remove_path(argv[i]);
  return status;
}
