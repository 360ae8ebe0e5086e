/* ls [-l] [-a] [-A] [-1] [-d] [-F] [FILE...]: list directory contents,
 * sorted by name. On a terminal names go in columns, else one per line.
 * -l shows mode, links, owner, group, size, time and symlink targets. */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

static int opt_long, opt_all, opt_almost, opt_one, opt_dir, opt_classify;
static time_t now;

struct entry {
  char *name;
  char *path;
  struct stat st;
  int stat_ok;
};

static int by_name(const void *a, const void *b) {
  return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/* Looks up a name for uid/gid in /etc/passwd or /etc/group (field 3). */
static const char *id_name(const char *file, unsigned id, char *buf, size_t n) {
  static char cache_name[2][64];
  static unsigned cache_id[2] = {~0u, ~0u};
  int slot = file[5] == 'g';
  if (cache_id[slot] == id) return cache_name[slot];
  snprintf(buf, n, "%u", id);
  FILE *f = fopen(file, "r");
  if (f) {
    char line[512];
    while (fgets(line, sizeof line, f)) {
      char *name = strtok(line, ":");
      strtok(NULL, ":");
      char *num = strtok(NULL, ":");
      if (name && num && (unsigned)atoi(num) == id) {
        snprintf(buf, n, "%s", name);
        break;
      }
    }
    fclose(f);
  } else if (id == 0) {
    snprintf(buf, n, "root");
  }
  snprintf(cache_name[slot], sizeof cache_name[slot], "%s", buf);
  cache_id[slot] = id;
  return buf;
}

static char type_char(mode_t m) {
  switch (m & S_IFMT) {
  case S_IFDIR: return 'd';
  case S_IFLNK: return 'l';
  case S_IFCHR: return 'c';
  case S_IFBLK: return 'b';
  case S_IFIFO: return 'p';
  case S_IFSOCK: return 's';
  }
  return '-';
}

static const char *classify(const struct stat *st) {
  if (!opt_classify) return "";
  if (S_ISDIR(st->st_mode)) return "/";
  if (S_ISLNK(st->st_mode)) return "@";
  if (S_ISFIFO(st->st_mode)) return "|";
  if (st->st_mode & 0111) return "*";
  return "";
}

static void print_long(struct entry *e) {
  struct stat *st = &e->st;
  char mode[11];
  mode[0] = type_char(st->st_mode);
  const char *rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; i++) mode[i + 1] = st->st_mode & (0400 >> i) ? rwx[i] : '-';
  if (st->st_mode & S_ISUID) mode[3] = mode[3] == 'x' ? 's' : 'S';
  if (st->st_mode & S_ISGID) mode[6] = mode[6] == 'x' ? 's' : 'S';
  if (st->st_mode & S_ISVTX) mode[9] = mode[9] == 'x' ? 't' : 'T';
  mode[10] = 0;
  char ubuf[64], gbuf[64], tbuf[32], size[32];
  const char *user = id_name("/etc/passwd", st->st_uid, ubuf, sizeof ubuf);
  const char *group = id_name("/etc/group", st->st_gid, gbuf, sizeof gbuf);
  struct tm tm;
  time_t t = st->st_mtim.tv_sec;
  gmtime_r(&t, &tm);
  long age = (long)(now - t);
  strftime(tbuf, sizeof tbuf, age > 182L * 86400 || age < -3600 ? "%b %e  %Y" : "%b %e %H:%M", &tm);
  if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
    snprintf(size, sizeof size, "%u, %u", (unsigned)((st->st_rdev >> 8) & 0xfff), (unsigned)((st->st_rdev & 0xff) | ((st->st_rdev >> 12) & 0xfff00)));
  else snprintf(size, sizeof size, "%ld", (long)st->st_size);
  printf("%s %2u %-8s %-8s %8s %s %s%s", mode, (unsigned)st->st_nlink, user, group, size, tbuf, e->name, classify(st));
  if (S_ISLNK(st->st_mode)) {
    char target[4096];
    ssize_t n = readlink(e->path, target, sizeof target - 1);
    if (n >= 0) {
      target[n] = 0;
      printf(" -> %s", target);
    }
  }
  putchar('\n');
}

static void print_entries(struct entry *v, int n, int with_total) {
  if (opt_long) {
    if (with_total) {
      long blocks = 0;
      for (int i = 0; i < n; i++) blocks += v[i].st.st_blocks;
      printf("total %ld\n", blocks / 2);
    }
    for (int i = 0; i < n; i++) print_long(&v[i]);
    return;
  }
  int rows, cols;
  if (opt_one || !isatty(1) || n == 0) {
    for (int i = 0; i < n; i++) printf("%s%s\n", v[i].name, v[i].stat_ok ? classify(&v[i].st) : "");
    return;
  }
  tty_winsize(1, &rows, &cols);
  int width = 0;
  for (int i = 0; i < n; i++) {
    int w = (int)strlen(v[i].name) + (opt_classify ? 1 : 0);
    if (w > width) width = w;
  }
  width += 2;
  int per_row = cols / width > 0 ? cols / width : 1;
  int nrows = (n + per_row - 1) / per_row;
  for (int r = 0; r < nrows; r++) {
    for (int c = 0; c < per_row; c++) {
      int i = c * nrows + r;
      if (i >= n) break;
      const char *cls = classify(&v[i].st);
      int last = (c + 1) * nrows + r >= n;
      printf("%s%s", v[i].name, cls);
      if (!last) printf("%*s", width - (int)strlen(v[i].name) - (int)strlen(cls), "");
    }
    putchar('\n');
  }
}

static int fill_stat(struct entry *e) {
  if (lstat(e->path, &e->st) < 0) {
    warn("cannot access '%s'", e->path);
    e->stat_ok = 0;
    memset(&e->st, 0, sizeof e->st);
    return 1;
  }
  e->stat_ok = 1;
  return 0;
}

static int list_dir(const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    warn("cannot open directory '%s'", path);
    return 1;
  }
  struct entry *v = NULL;
  int n = 0, cap = 0, status = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.') {
      if (!opt_all && !opt_almost) continue;
      if (opt_almost && (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))) continue;
    }
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      v = realloc(v, sizeof *v * (size_t)cap);
      if (!v) errx(2, "out of memory");
    }
    v[n].name = strdup(de->d_name);
    size_t plen = strlen(path) + strlen(de->d_name) + 2;
    v[n].path = malloc(plen);
    snprintf(v[n].path, plen, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", de->d_name);
    if (opt_long || opt_classify || isatty(1)) status |= fill_stat(&v[n]);
    else v[n].stat_ok = 0;
    n++;
  }
  closedir(d);
  qsort(v, (size_t)n, sizeof *v, by_name);
  print_entries(v, n, 1);
  for (int i = 0; i < n; i++) free(v[i].name), free(v[i].path);
  free(v);
  return status;
}

int main(int argc, char **argv) {
  int c, status = 0;
  while ((c = getopt(argc, argv, "laA1dFh")) != -1) {
    switch (c) {
    case 'l': opt_long = 1; break;
    case 'a': opt_all = 1; break;
    case 'A': opt_almost = 1; break;
    case '1': opt_one = 1; break;
    case 'd': opt_dir = 1; break;
    case 'F': opt_classify = 1; break;
    case 'h': break;
    default: return 2;
    }
  }
  now = time(NULL);
  char *dot[] = {".", NULL};
  char **args = optind < argc ? argv + optind : dot;
  int nargs = optind < argc ? argc - optind : 1;
  /* Files first (as one listing), then each directory. */
  struct entry *files = calloc((size_t)nargs, sizeof *files);
  char **dirs = calloc((size_t)nargs, sizeof *dirs);
  int nfiles = 0, ndirs = 0;
  for (int i = 0; i < nargs; i++) {
    struct entry e = {args[i], args[i], {0}, 0};
    struct stat target;
    if (fill_stat(&e)) {
      status = 2;
      continue;
    }
    int is_dir = S_ISDIR(e.st.st_mode) || (S_ISLNK(e.st.st_mode) && !opt_long && stat(args[i], &target) == 0 &&
                                           S_ISDIR(target.st_mode));
    if (is_dir && !opt_dir) dirs[ndirs++] = args[i];
    else files[nfiles++] = e;
  }
  qsort(files, (size_t)nfiles, sizeof *files, by_name);
  print_entries(files, nfiles, 0);
  for (int i = 0; i < ndirs; i++) {
    if (nargs > 1) printf("%s%s:\n", nfiles || i ? "\n" : "", dirs[i]);
    status |= list_dir(dirs[i]);
  }
  return status;
}
