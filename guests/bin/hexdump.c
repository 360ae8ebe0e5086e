/* hexdump [-C] [-n LEN] [-s SKIP] [FILE...]: show bytes in hex.
 * -C: canonical "offset  hex bytes  |ASCII|" lines; otherwise 16-bit
 * little-endian words. Repeated lines collapse to "*" as in hexdump(1). */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int canonical;
static long limit = -1, skip;
static unsigned char line[16], prev[16];
static size_t fill;
static long offset;
static int have_prev, starred;

static void print_line(size_t n) {
  if (have_prev && n == 16 && memcmp(line, prev, 16) == 0) {
    if (!starred) puts("*");
    starred = 1;
    offset += 16;
    return;
  }
  starred = 0;
  memcpy(prev, line, 16);
  have_prev = n == 16;
  if (canonical) {
    printf("%08lx ", offset);
    for (size_t i = 0; i < 16; i++) {
      if (i == 8) putchar(' ');
      if (i < n) printf(" %02x", line[i]);
      else fputs("   ", stdout);
    }
    fputs("  |", stdout);
    for (size_t i = 0; i < n; i++) putchar(line[i] >= 32 && line[i] < 127 ? line[i] : '.');
    puts("|");
  } else {
    printf("%07lx", offset);
    for (size_t i = 0; i < n; i += 2) printf(" %04x", line[i] | (i + 1 < n ? line[i + 1] << 8 : 0));
    putchar('\n');
  }
  offset += (long)n;
}

static void feed(const unsigned char *p, size_t n) {
  while (n--) {
    line[fill++] = *p++;
    if (fill == 16) {
      print_line(16);
      fill = 0;
    }
  }
}

static int dump(int fd, const char *name) {
  unsigned char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    unsigned char *p = buf;
    if (skip > 0) {
      long k = skip < n ? skip : n;
      skip -= k;
      p += k;
      n -= k;
      offset += k;
    }
    if (limit >= 0) {
      if (limit == 0) break;
      if (n > limit) n = limit;
      limit -= n;
    }
    feed(p, (size_t)n);
  }
  if (n < 0) {
    warn("%s", name);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int c, status = 0;
  while ((c = getopt(argc, argv, "Cn:s:")) != -1) {
    if (c == 'C') canonical = 1;
    else if (c == 'n') limit = atol(optarg);
    else if (c == 's') skip = atol(optarg);
    else return 2;
  }
  if (optind == argc) status = dump(0, "stdin");
  for (int i = optind; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      warn("%s", argv[i]);
      status = 1;
      continue;
    }
    status |= dump(fd, argv[i]);
    close(fd);
  }
  if (fill) print_line(fill);
  if (offset || canonical) printf(canonical ? "%08lx\n" : "%07lx\n", offset);
  return status;
}
