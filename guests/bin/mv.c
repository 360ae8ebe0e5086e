/* mv SRC DST | SRC... DIR: rename files. Across file systems (EXDEV, e.g.
 * from the lab's tmpfs /tmp to the root file system) it copies, keeping
 * modes and symlinks, and then removes the source. */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static char buf[65536];

static int copy_tree(const char *src, const char *dst) {
  struct stat st;
  if (lstat(src, &st) < 0) {
    warn("cannot stat '%s'", src);
    return 1;
  }
  if (S_ISLNK(st.st_mode)) {
    char target[4096];
    ssize_t n = readlink(src, target, sizeof target - 1);
    if (n < 0) return warn("cannot read link '%s'", src), 1;
    target[n] = 0;
    if (symlink(target, dst) < 0) return warn("cannot create '%s'", dst), 1;
    return 0;
  }
  if (S_ISDIR(st.st_mode)) {
    if (mkdir(dst, st.st_mode & 07777) < 0) return warn("cannot create directory '%s'", dst), 1;
    DIR *d = opendir(src);
    if (!d) return warn("cannot open '%s'", src), 1;
    int status = 0;
    struct dirent *e;
    char s[4096], t[4096];
    while ((e = readdir(d))) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      snprintf(s, sizeof s, "%s/%s", src, e->d_name);
      snprintf(t, sizeof t, "%s/%s", dst, e->d_name);
      status |= copy_tree(s, t);
    }
    closedir(d);
    return status;
  }
  int in = open(src, O_RDONLY);
  if (in < 0) return warn("cannot open '%s'", src), 1;
  int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 07777);
  if (out < 0) {
    close(in);
    return warn("cannot create '%s'", dst), 1;
  }
  ssize_t n;
  int status = 0;
  while (!status && (n = read(in, buf, sizeof buf)) > 0)
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(out, buf + off, (size_t)(n - off));
      if (w < 0) {
        warn("error writing '%s'", dst);
        status = 1;
        break;
      }
      off += w;
    }
  if (n < 0) status = 1;
  close(in);
  if (close(out) < 0) status = 1;
  return status;
}

static int remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) < 0) return 1;
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    if (!d) return 1;
    struct dirent *e;
    char child[4096];
    while ((e = readdir(d))) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      snprintf(child, sizeof child, "%s/%s", path, e->d_name);
      remove_tree(child);
    }
    closedir(d);
    return rmdir(path) < 0;
  }
  return unlink(path) < 0;
}

static int move(const char *src, const char *dst) {
  if (rename(src, dst) == 0) return 0;
  if (errno != EXDEV) {
    warn("cannot move '%s' to '%s'", src, dst);
    return 1;
  }
  struct stat st;
  if (lstat(dst, &st) == 0 && !S_ISDIR(st.st_mode)) unlink(dst);
  if (copy_tree(src, dst)) return 1;
  if (remove_tree(src)) {
    warn("cannot remove '%s'", src);
    return 1;
  }
  return 0;
}

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
    status |= move(argv[i], target);
  }
  return status;
}
