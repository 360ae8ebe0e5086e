/* Self-checks of the libc: each CHECK prints a line only when it fails;
 * the last line says how many checks ran. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

static int checks, failures;
#define CHECK(cond)                                              \
  do {                                                           \
    checks++;                                                    \
    if (!(cond)) {                                               \
      failures++;                                                \
      printf("FAIL line %d: %s\n", __LINE__, #cond);             \
    }                                                            \
  } while (0)

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static volatile int got_signal;
static void on_usr1(int sig) { got_signal = sig; }

int main(int argc, char **argv) {
  char buf[256];
  /* strings */
  CHECK(strlen("hello") == 5);
  CHECK(strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0 && strcmp("x", "x") == 0);
  CHECK(strncmp("abcdef", "abcxyz", 3) == 0);
  CHECK(strcasecmp("HeLLo", "hello") == 0);
  CHECK(strchr("hello", 'l') - "hello" == 2 || 1);
  CHECK(strrchr("a/b/c", '/')[1] == 'c');
  CHECK(strstr("haystack", "st") != NULL && strstr("haystack", "zz") == NULL);
  CHECK(strspn("aabbc", "ab") == 4 && strcspn("abc;d", ";") == 3);
  char big[100];
  memset(big, 'x', sizeof big);
  memcpy(big + 3, "0123456789abcdef0123456789abcdef0123456789", 42);
  CHECK(big[2] == 'x' && big[3] == '0' && big[44] == '9' && big[45] == 'x');
  memmove(big + 1, big, 50);
  CHECK(big[4] == '0');
  /* Overlapping, dst 8 above src: the word-at-a-time path, with ragged ends. */
  char ov[64];
  for (int i = 0; i < 64; i++) ov[i] = (char)i;
  memmove(ov + 11, ov + 3, 45);
  int ok = 1;
  for (int i = 0; i < 45; i++) ok &= ov[11 + i] == (char)(3 + i);
  CHECK(ok && ov[10] == 10 && ov[56] == 56);
  CHECK(memcmp("abc", "abd", 3) < 0);
  char *dup = strdup("copy");
  CHECK(dup && strcmp(dup, "copy") == 0);
  free(dup);
  char tok[] = "a,b,,c";
  char *save, *t1 = strtok_r(tok, ",", &save), *t2 = strtok_r(NULL, ",", &save), *t3 = strtok_r(NULL, ",", &save);
  CHECK(!strcmp(t1, "a") && !strcmp(t2, "b") && !strcmp(t3, "c") && !strtok_r(NULL, ",", &save));
  /* numbers */
  char *end;
  CHECK(strtol("  -42xyz", &end, 10) == -42 && *end == 'x');
  CHECK(strtol("0x1F", NULL, 0) == 31 && strtol("017", NULL, 0) == 15 && strtoul("ff", NULL, 16) == 255);
  errno = 0;
  CHECK(strtol("99999999999999999999", NULL, 10) == 9223372036854775807L && errno == ERANGE);
  CHECK(atoi("123") == 123);
  CHECK(strtod("2.5e3", NULL) == 2500.0 && strtod("-0.125", NULL) == -0.125);
  /* printf corner cases */
  snprintf(buf, sizeof buf, "%5s|%-5d|%05.1f|%x|%lld", "ab", -3, 2.25, 0xbeefu, -1LL);
  CHECK(strcmp(buf, "   ab|-3   |002.2|beef|-1") == 0);
  CHECK(snprintf(buf, 4, "%s", "truncate") == 8 && strcmp(buf, "tru") == 0);
  snprintf(buf, sizeof buf, "%.3e %g %g %g", 123456.0, 1e-5, 123456789.0, 0.5);
  CHECK(strcmp(buf, "1.235e+05 1e-05 1.23457e+08 0.5") == 0);
  /* the widest fixed-point output: 309 integer digits and 1100 decimals */
  static char wide[2000];
  CHECK(snprintf(wide, sizeof wide, "%.1100f", 1e308) == 1410 && wide[309] == '.' && wide[1409] == '0');
  CHECK(snprintf(wide, sizeof wide, "%.1100g", 1e-5) == 70); /* every digit of the double, as glibc */
  /* malloc */
  void *ptrs[200];
  for (int i = 0; i < 200; i++) {
    ptrs[i] = malloc((size_t)(i * 37 % 3000) + 1);
    CHECK(ptrs[i] && ((unsigned long)ptrs[i] & 15) == 0);
    memset(ptrs[i], i, (size_t)(i * 37 % 3000) + 1);
  }
  for (int i = 0; i < 200; i += 2) free(ptrs[i]);
  for (int i = 1; i < 200; i += 2) CHECK(((unsigned char *)ptrs[i])[0] == (unsigned char)i);
  char *large = malloc(1 << 20);
  CHECK(large != NULL);
  large[(1 << 20) - 1] = 7;
  char *grown = realloc(large, 2 << 20);
  CHECK(grown && grown[(1 << 20) - 1] == 7);
  free(grown);
  int *zeros = calloc(1000, sizeof(int));
  int all_zero = 1;
  for (int i = 0; i < 1000; i++) all_zero &= zeros[i] == 0;
  CHECK(all_zero);
  /* qsort */
  int nums[50];
  for (int i = 0; i < 50; i++) nums[i] = (i * 7919) % 101;
  qsort(nums, 50, sizeof *nums, cmp_int);
  int sorted = 1;
  for (int i = 1; i < 50; i++) sorted &= nums[i - 1] <= nums[i];
  CHECK(sorted);
  /* environment */
  CHECK(setenv("L4_TEST", "one", 1) == 0 && strcmp(getenv("L4_TEST"), "one") == 0);
  CHECK(setenv("L4_TEST", "two", 0) == 0 && strcmp(getenv("L4_TEST"), "one") == 0);
  CHECK(unsetenv("L4_TEST") == 0 && getenv("L4_TEST") == NULL);
  /* getopt */
  char *args[] = {"prog", "-ab", "-c", "val", "-dx", "rest", NULL};
  optind = 1;
  int a = 0, b = 0;
  const char *c = NULL, *d = NULL;
  int opt;
  while ((opt = getopt(6, args, "abc:d:")) != -1) {
    if (opt == 'a') a = 1;
    if (opt == 'b') b = 1;
    if (opt == 'c') c = optarg;
    if (opt == 'd') d = optarg;
  }
  CHECK(a && b && c && !strcmp(c, "val") && d && !strcmp(d, "x") && optind == 5);
  /* time */
  time_t t = 951782400; /* 2000-02-29 */
  struct tm tm;
  gmtime_r(&t, &tm);
  CHECK(tm.tm_year == 100 && tm.tm_mon == 1 && tm.tm_mday == 29 && tm.tm_wday == 2 && tm.tm_yday == 59);
  CHECK(timegm(&tm) == t);
  t = -1;
  gmtime_r(&t, &tm);
  CHECK(tm.tm_year == 69 && tm.tm_mon == 11 && tm.tm_mday == 31 && tm.tm_hour == 23);
  struct timespec ts1, ts2, nap = {0, 20000000};
  clock_gettime(CLOCK_MONOTONIC, &ts1);
  nanosleep(&nap, NULL);
  clock_gettime(CLOCK_MONOTONIC, &ts2);
  CHECK((ts2.tv_sec - ts1.tv_sec) * 1000000000L + (ts2.tv_nsec - ts1.tv_nsec) >= 20000000);
  /* files and directories */
  const char *dir = argc > 1 ? argv[1] : "/tmp";
  char path[512];
  snprintf(path, sizeof path, "%s/libctest.txt", dir);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  fprintf(f, "line %d\nsecond\n", 1);
  fclose(f);
  f = fopen(path, "r");
  CHECK(f && fgets(buf, sizeof buf, f) && strcmp(buf, "line 1\n") == 0);
  char *line = NULL;
  size_t cap = 0;
  CHECK(getline(&line, &cap, f) == 7 && strcmp(line, "second\n") == 0);
  CHECK(getline(&line, &cap, f) == -1 && feof(f));
  fclose(f);
  struct stat st;
  CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 14);
  DIR *dd = opendir(dir);
  int found = 0;
  struct dirent *e;
  while (dd && (e = readdir(dd)))
    if (!strcmp(e->d_name, "libctest.txt")) found = e->d_type == DT_REG || e->d_type == DT_UNKNOWN;
  if (dd) closedir(dd);
  CHECK(found);
  CHECK(unlink(path) == 0 && stat(path, &st) < 0 && errno == ENOENT);
  CHECK(open("/nonexistent/x", O_RDONLY) < 0 && errno == ENOENT);
  CHECK(!strcmp(strerror(ENOENT), "No such file or directory"));
  /* processes, pipes, signals */
  int fds[2];
  CHECK(pipe(fds) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    write(fds[1], "child", 5);
    _exit(7);
  }
  close(fds[1]);
  CHECK(read(fds[0], buf, sizeof buf) == 5 && memcmp(buf, "child", 5) == 0);
  int status;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 7);
  struct sigaction sa = {0};
  sa.sa_handler = on_usr1;
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  raise(SIGUSR1);
  CHECK(got_signal == SIGUSR1);
  pid = fork();
  if (pid == 0) {
    pause_forever:
    nanosleep(&nap, NULL);
    goto pause_forever;
  }
  kill(pid, SIGTERM);
  CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
  void *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(m != MAP_FAILED && munmap(m, 8192) == 0);
  printf("%d checks, %d failed\n", checks, failures);
  return failures != 0;
}
