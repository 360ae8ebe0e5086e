/* uname [-asnrvm]: system information (default -s). */
#include <stdio.h>
#include <unistd.h>
#include <sys/utsname.h>

int main(int argc, char **argv) {
  int c, s = 0, n = 0, r = 0, v = 0, m = 0;
  while ((c = getopt(argc, argv, "asnrvmpio")) != -1) {
    switch (c) {
    case 'a': s = n = r = v = m = 1; break;
    case 's': case 'o': s = 1; break;
    case 'n': n = 1; break;
    case 'r': r = 1; break;
    case 'v': v = 1; break;
    case 'm': case 'p': case 'i': m = 1; break;
    default: return 2;
    }
  }
  if (!(s | n | r | v | m)) s = 1;
  struct utsname u;
  if (uname(&u) < 0) {
    perror("uname");
    return 1;
  }
  const char *sep = "";
  if (s) printf("%s%s", sep, u.sysname), sep = " ";
  if (n) printf("%s%s", sep, u.nodename), sep = " ";
  if (r) printf("%s%s", sep, u.release), sep = " ";
  if (v) printf("%s%s", sep, u.version), sep = " ";
  if (m) printf("%s%s", sep, u.machine);
  putchar('\n');
  return 0;
}
