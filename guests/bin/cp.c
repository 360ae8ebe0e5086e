/* cp [-r] [-f] SRC DST | SRC... DIR: copy files; -r copies directories. */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static int recursive;
static char buf[65536];

static const char *base_name(const char *p) {
  size_t n = strlen(p);
  while (n > 1 && p[n - 1] == '/') n--;
  static char tmp[4096];
  snprintf(tmp, sizeof tmp, "%.*s", (int)n, p);
  const char *s = strrchr(tmp, '/');
  return s && s[1] ? s + 1 : tmp;
}

static int copy_file(const char *src, const char *dst, mode_t mode) {
  int in = open(src, O_RDONLY);
  if (in < 0) {
    warn("cannot open '%s'", src);
    return 1;
  }
  int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode & 0777);
  if (out < 0) {
    warn("cannot create '%s'", dst);
    close(in);
    return 1;
  }
  ssize_t n;
  int status = 0;
  while ((n = read(in, buf, sizeof buf)) > 0) {
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(out, buf + off, (size_t)(n - off));
      if (w < 0) {
        warn("error writing '%s'", dst);
        status = 1;
        goto out;
      }
      off += w;
    }
  }
  if (n < 0) {
    warn("error reading '%s'", src);
    status = 1;
  }
out:
  close(in);
  if (close(out) < 0) status = 1;
  return status;
}

static int copy(const char *src, const char *dst) {
  struct stat st;
  if (stat(src, &st) < 0) {
    warn("cannot stat '%s'", src);
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) return copy_file(src, dst, st.st_mode);
  if (!recursive) {
    warnx("-r not specified; omitting directory '%s'", src);
    return 1;
  }
  if (mkdir(dst, st.st_mode & 0777) < 0 && errno != EEXIST) {
    warn("cannot create directory '%s'", dst);
    return 1;
  }
  DIR *d = opendir(src);
  if (!d) {
    warn("cannot open '%s'", src);
    return 1;
  }
  int status = 0;
  struct dirent *e;
  char s[4096], t[4096];
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    snprintf(s, sizeof s, "%s/%s", src, e->d_name);
    snprintf(t, sizeof t, "%s/%s", dst, e->d_name);
    status |= copy(s, t);
  }
  closedir(d);
  return status;
}

int main(int argc, char **argv) {
  int c, status = 0;
  while ((c = getopt(argc, argv, "rRfp")) != -1) {
    if (c == 'r' || c == 'R') recursive = 1;
    else if (c != 'f' && c != 'p') return 2;
  }
  int n = argc - optind;
  if (n < 2) errx(1, "missing file operand");
  const char *dst = argv[argc - 1];
  struct stat st;
  int dst_is_dir = stat(dst, &st) == 0 && S_ISDIR(st.st_mode);
  if (n > 2 && !dst_is_dir) errx(1, "target '%s' is not a directory", dst);
  for (int i = optind; i < argc - 1; i++) {
    char target[4096];
    if (dst_is_dir) snprintf(target, sizeof target, "%s/%s", dst, base_name(argv[i]));
    else snprintf(target, sizeof target, "%s", dst);
    status |= copy(argv[i], target);
  }
  return status;
}
