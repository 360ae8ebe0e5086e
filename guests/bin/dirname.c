/* dirname PATH: PATH without its last component ("." if there is none). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("usage: dirname PATH\n", stderr);
    return 1;
  }
  char *p = argv[1];
  size_t n = strlen(p);
  while (n > 1 && p[n - 1] == '/') n--;         /* trailing slashes */
  while (n > 0 && p[n - 1] != '/') n--;         /* the last component */
  while (n > 1 && p[n - 1] == '/') n--;         /* the slashes before it */
  if (n == 0) puts(".");
  else printf("%.*s\n", (int)n, p);
  return 0;
}
