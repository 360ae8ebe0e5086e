/* basename PATH [SUFFIX]: the last component of PATH, minus SUFFIX. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("usage: basename PATH [SUFFIX]\n", stderr);
    return 1;
  }
  char *p = argv[1];
  size_t n = strlen(p);
  while (n > 1 && p[n - 1] == '/') n--;
  p[n] = 0;
  char *slash = strrchr(p, '/');
  char *base = slash && slash[1] ? slash + 1 : p;
  if (argc > 2) {
    size_t bl = strlen(base), sl = strlen(argv[2]);
    if (sl < bl && strcmp(base + bl - sl, argv[2]) == 0) base[bl - sl] = 0;
  }
  puts(base);
  return 0;
}
