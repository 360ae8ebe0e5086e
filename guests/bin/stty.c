/* stty [-a] | size | sane | raw | [-]echo | [-]icanon | [-]isig | rows N | cols N:
 * show or change the terminal's settings (on stdin). */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <sys/ioctl.h>

static const struct {
  const char *name;
  int field; /* 0 iflag, 1 oflag, 2 lflag */
  tcflag_t bit;
} flags[] = {
  {"icrnl", 0, ICRNL}, {"ixon", 0, IXON}, {"istrip", 0, ISTRIP}, {"opost", 1, OPOST}, {"onlcr", 1, ONLCR},
  {"isig", 2, ISIG}, {"icanon", 2, ICANON}, {"echo", 2, ECHO}, {"echoe", 2, ECHOE}, {"echok", 2, ECHOK},
  {"echonl", 2, ECHONL}, {"noflsh", 2, NOFLSH}, {"tostop", 2, TOSTOP}, {"iexten", 2, IEXTEN},
};
#define NFLAGS (sizeof flags / sizeof *flags)

static tcflag_t *field_of(struct termios *t, int f) { return f == 0 ? &t->c_iflag : f == 1 ? &t->c_oflag : &t->c_lflag; }

static void show_cc(const char *name, cc_t c) {
  if (c == 0) printf("%s = <undef>; ", name);
  else if (c < 32) printf("%s = ^%c; ", name, c + '@');
  else if (c == 127) printf("%s = ^?; ", name);
  else printf("%s = %c; ", name, c);
}

int main(int argc, char **argv) {
  struct termios t;
  if (tcgetattr(0, &t) < 0) err(1, "standard input");
  struct winsize ws;
  int have_ws = ioctl(0, TIOCGWINSZ, &ws) == 0;
  if (argc == 1 || strcmp(argv[1], "-a") == 0) {
    if (have_ws) printf("rows %d; columns %d;\n", ws.ws_row, ws.ws_col);
    show_cc("intr", t.c_cc[VINTR]), show_cc("quit", t.c_cc[VQUIT]), show_cc("erase", t.c_cc[VERASE]);
    show_cc("kill", t.c_cc[VKILL]), show_cc("eof", t.c_cc[VEOF]), show_cc("susp", t.c_cc[VSUSP]);
    printf("min = %d; time = %d;\n", t.c_cc[VMIN], t.c_cc[VTIME]);
    for (unsigned i = 0; i < NFLAGS; i++)
      printf("%s%s%s", *field_of(&t, flags[i].field) & flags[i].bit ? "" : "-", flags[i].name, i + 1 < NFLAGS ? " " : "\n");
    return 0;
  }
  int changed = 0, size_changed = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "size") == 0) {
      if (!have_ws) errx(1, "no window size");
      printf("%d %d\n", ws.ws_row, ws.ws_col);
    } else if ((strcmp(a, "rows") == 0 || strcmp(a, "cols") == 0 || strcmp(a, "columns") == 0) && i + 1 < argc) {
      int v = atoi(argv[++i]);
      if (a[0] == 'r') ws.ws_row = (unsigned short)v;
      else ws.ws_col = (unsigned short)v;
      size_changed = 1;
    } else if (strcmp(a, "raw") == 0) {
      cfmakeraw(&t);
      t.c_oflag &= ~(tcflag_t)OPOST;
      changed = 1;
    } else if (strcmp(a, "sane") == 0) {
      t.c_iflag |= ICRNL | IXON;
      t.c_oflag |= OPOST | ONLCR;
      t.c_lflag |= ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN;
      t.c_cc[VMIN] = 1;
      t.c_cc[VTIME] = 0;
      changed = 1;
    } else {
      int neg = a[0] == '-';
      unsigned k = 0;
      for (; k < NFLAGS; k++)
        if (strcmp(a + neg, flags[k].name) == 0) break;
      if (k == NFLAGS) errx(1, "invalid argument '%s'", a);
      tcflag_t *f = field_of(&t, flags[k].field);
      if (neg) *f &= ~flags[k].bit;
      else *f |= flags[k].bit;
      changed = 1;
    }
  }
  if (changed && tcsetattr(0, TCSADRAIN, &t) < 0) err(1, "standard input");
  if (size_changed && ioctl(0, TIOCSWINSZ, &ws) < 0) err(1, "standard input");
  return 0;
}
