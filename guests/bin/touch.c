/* touch [-c] FILE...: create files or set their times to now. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

int main(int argc, char **argv) {
  int c, no_create = 0, status = 0;
  while ((c = getopt(argc, argv, "cam")) != -1) {
    if (c == 'c') no_create = 1;
    else if (c == '?') return 2;
  }
  if (optind == argc) errx(1, "missing file operand");
  for (int i = optind; i < argc; i++) {
    if (utimensat(AT_FDCWD, argv[i], NULL, 0) == 0) continue;
    if (errno != ENOENT) {
      warn("cannot touch '%s'", argv[i]);
      status = 1;
      continue;
    }
    if (no_create) continue;
    int fd = open(argv[i], O_WRONLY | O_CREAT, 0666);
    if (fd < 0) {
      warn("cannot touch '%s'", argv[i]);
      status = 1;
      continue;
    }
    close(fd);
  }
  return status;
}
