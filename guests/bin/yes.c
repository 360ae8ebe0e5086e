/* yes [STRING...]: print STRING (default "y") forever, in large writes. */
#include <string.h>
#include <unistd.h>

static char buf[16384];

int main(int argc, char **argv) {
  char line[4096];
  size_t n = 0;
  if (argc < 2) {
    line[n++] = 'y';
  } else {
    for (int i = 1; i < argc && n < sizeof line - 2; i++) {
      if (i > 1) line[n++] = ' ';
      size_t k = strlen(argv[i]);
      if (k > sizeof line - 2 - n) k = sizeof line - 2 - n;
      memcpy(line + n, argv[i], k);
      n += k;
    }
  }
  line[n++] = '\n';
  size_t fill = 0;
  while (fill + n <= sizeof buf) {
    memcpy(buf + fill, line, n);
    fill += n;
  }
  if (fill == 0) {
    memcpy(buf, line, n);
    fill = n;
  }
  for (;;)
    if (write(1, buf, fill) < 0) return 1;
}
