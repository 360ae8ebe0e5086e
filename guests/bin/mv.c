/* mv SRC DST | SRC... DIR: rename files (within one file system). */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

int main(int argc, char **argv) {
  int c, status = 0;
  while ((c = getopt(argc, argv, "fi")) != -1)
    if (c == '?') return 2;
  int n = argc - optind;
  if (n < 2) errx(1, "missing file operand");
  const char *dst = argv[argc - 1];
  struct stat st;
  int dst_is_dir = stat(dst, &st) == 0 && S_ISDIR(st.st_mode);
  if (n > 2 && !dst_is_dir) errx(1, "target '%s' is not a directory", dst);
  for (int i = optind; i < argc - 1; i++) {
    char target[4096];
    if (dst_is_dir) {
      const char *b = strrchr(argv[i], '/');
      snprintf(target, sizeof target, "%s/%s", dst, b && b[1] ? b + 1 : argv[i]);
    } else {
      snprintf(target, sizeof target, "%s", dst);
    }
    if (rename(argv[i], target) < 0) {
      warn("cannot move '%s' to '%s'", argv[i], target);
      status = 1;
    }
  }
  return status;
}
