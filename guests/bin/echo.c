/* echo [-n] [-e|-E] [ARG...]: print arguments separated by blanks.
 * -n: no newline; -e: interpret \n \t \\ \a \b \r \e \c \0NNN. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  int i = 1, newline = 1, escapes = 0;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    const char *f = argv[i] + 1;
    if (strspn(f, "neE") != strlen(f)) break;
    for (; *f; f++) {
      if (*f == 'n') newline = 0;
      else if (*f == 'e') escapes = 1;
      else escapes = 0;
    }
  }
  for (int first = i; i < argc; i++) {
    if (i > first) putchar(' ');
    for (const char *p = argv[i]; *p; p++) {
      if (!escapes || *p != '\\' || !p[1]) {
        putchar(*p);
        continue;
      }
      switch (*++p) {
      case 'n': putchar('\n'); break;
      case 't': putchar('\t'); break;
      case 'r': putchar('\r'); break;
      case 'a': putchar('\a'); break;
      case 'b': putchar('\b'); break;
      case 'e': putchar(27); break;
      case 'v': putchar('\v'); break;
      case 'f': putchar('\f'); break;
      case '\\': putchar('\\'); break;
      case 'c': return 0;
      case '0': {
        int v = 0;
        for (int k = 0; k < 3 && p[1] >= '0' && p[1] <= '7'; k++) v = v * 8 + (*++p - '0');
        putchar(v);
        break;
      }
      default: putchar('\\'); putchar(*p);
      }
    }
  }
  if (newline) putchar('\n');
  return 0;
}
