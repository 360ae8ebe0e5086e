/* The interactive line editor: raw terminal mode, cursor keys, history and
 * tab completion. It redraws the whole line after every change, which keeps
 * the state machine trivial and costs a few dozen bytes per key. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/stat.h>
#include "sh.h"

#define LINE_MAX 4096
#define HISTORY_MAX 200

static struct termios cooked;
static int have_cooked;
static char *history[HISTORY_MAX];
static int nhistory;

/* ---- terminal ---- */

void edit_restore(void) {
  if (have_cooked) tcsetattr(0, TCSADRAIN, &cooked);
}

void edit_save(void) {
  if (tcgetattr(0, &cooked) == 0) have_cooked = 1;
}

static char out[8192];
static size_t nout;

static void flush_out(void) {
  size_t at = 0;
  while (at < nout) {
    ssize_t w = write(2, out + at, nout - at);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    at += (size_t)w;
  }
  nout = 0;
}

static void emit(const char *s, size_t n) {
  if (nout + n > sizeof out) flush_out();
  if (n > sizeof out) {
    write(2, s, n);
    return;
  }
  memcpy(out + nout, s, n);
  nout += n;
}
static void emits(const char *s) { emit(s, strlen(s)); }

struct line {
  char buf[LINE_MAX];
  int len, pos;
  const char *prompt;
  int prompt_cols; /* the prompt's width on screen */
  int cursor_row;  /* rows between the prompt's first row and the cursor */
};

/* UTF-8: continuation bytes take no column and cursor moves skip them, so
 * a character typed as several bytes is edited as one (all characters are
 * taken to be one column wide). */
static int is_cont(char c) { return ((unsigned char)c & 0xc0) == 0x80; }

static int text_width(const char *s, int n) {
  int w = 0;
  for (int i = 0; i < n; i++) w += !is_cont(s[i]);
  return w;
}

static int prev_char(const char *s, int pos) {
  if (pos > 0) pos--;
  while (pos > 0 && is_cont(s[pos])) pos--;
  return pos;
}

static int next_char(const char *s, int len, int pos) {
  if (pos < len) pos++;
  while (pos < len && is_cont(s[pos])) pos++;
  return pos;
}

/* Printable width of a prompt: escape sequences take no room. */
static int visible_width(const char *s) {
  int w = 0;
  for (; *s; s++) {
    if (*s == 27 && s[1] == '[') {
      s += 2;
      while (*s && !(*s >= '@' && *s <= '~')) s++;
      if (!*s) break;
      continue;
    }
    if (*s == '\n') w = 0;
    else if ((unsigned char)*s >= 32 && !is_cont(*s)) w++;
  }
  return w;
}

/* Redraws prompt and line, which may wrap over several rows: go up to the
 * prompt's row, print everything, clear below, and put the cursor back.
 * When the text ends exactly at the right margin the terminal keeps the
 * cursor in the last column, so a newline moves it to the next row. */
static void refresh(struct line *l) {
  int rows, cols;
  tty_winsize(0, &rows, &cols);
  char esc[32];
  if (l->cursor_row > 0) {
    snprintf(esc, sizeof esc, "\x1b[%dA", l->cursor_row);
    emits(esc);
  }
  emits("\r");
  emits(l->prompt);
  emit(l->buf, (size_t)l->len);
  emits("\x1b[J");
  int end = l->prompt_cols + text_width(l->buf, l->len), at = l->prompt_cols + text_width(l->buf, l->pos);
  int end_row = end / cols;
  if (end > 0 && end % cols == 0) {
    emits("\r\n");
  }
  int at_row = at / cols, at_col = at % cols;
  l->cursor_row = at_row;
  if (at != end) {
    if (end_row > at_row) {
      snprintf(esc, sizeof esc, "\x1b[%dA", end_row - at_row);
      emits(esc);
    }
    emits("\r");
    if (at_col > 0) {
      snprintf(esc, sizeof esc, "\x1b[%dC", at_col);
      emits(esc);
    }
  }
  flush_out();
}

static void insert(struct line *l, const char *s, int n) {
  if (l->len + n >= LINE_MAX) n = LINE_MAX - 1 - l->len;
  if (n <= 0) return;
  memmove(l->buf + l->pos + n, l->buf + l->pos, (size_t)(l->len - l->pos));
  memcpy(l->buf + l->pos, s, (size_t)n);
  l->len += n;
  l->pos += n;
}

static void delete_range(struct line *l, int from, int to) {
  if (from < 0) from = 0;
  if (to > l->len) to = l->len;
  if (from >= to) return;
  memmove(l->buf + from, l->buf + to, (size_t)(l->len - to));
  l->len -= to - from;
  if (l->pos > to) l->pos -= to - from;
  else if (l->pos > from) l->pos = from;
}

static void set_text(struct line *l, const char *s) {
  int n = (int)strlen(s);
  if (n >= LINE_MAX) n = LINE_MAX - 1;
  memcpy(l->buf, s, (size_t)n);
  l->len = l->pos = n;
}

/* ---- history ---- */

void history_add(const char *line) {
  while (*line == ' ') line++;
  if (!*line) return;
  size_t n = strlen(line);
  while (n && line[n - 1] == '\n') n--;
  if (nhistory && strncmp(history[nhistory - 1], line, n) == 0 && history[nhistory - 1][n] == 0) return;
  char *copy = strndup(line, n);
  if (!copy) return;
  if (nhistory == HISTORY_MAX) {
    free(history[0]);
    memmove(history, history + 1, sizeof(char *) * (HISTORY_MAX - 1));
    nhistory--;
  }
  history[nhistory++] = copy;
}

void history_print(void) {
  for (int i = 0; i < nhistory; i++) printf("%5d  %s\n", i + 1, history[i]);
}

/* ---- completion ---- */

struct cands {
  char **v;
  int *dir;
  int n, cap;
};

static void cand_add(struct cands *c, const char *name, int is_dir) {
  for (int i = 0; i < c->n; i++)
    if (strcmp(c->v[i], name) == 0) return;
  if (c->n == c->cap) {
    int cap = c->cap ? c->cap * 2 : 32;
    char **nv = amalloc(sizeof(char *) * (size_t)cap);
    int *nd = amalloc(sizeof(int) * (size_t)cap);
    if (c->n) {
      memcpy(nv, c->v, sizeof(char *) * (size_t)c->n);
      memcpy(nd, c->dir, sizeof(int) * (size_t)c->n);
    }
    c->v = nv;
    c->dir = nd;
    c->cap = cap;
  }
  c->dir[c->n] = is_dir;
  c->v[c->n++] = astrdup(name);
}

static int cmp_cand(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void complete_commands(struct cands *c, const char *prefix) {
  size_t n = strlen(prefix);
  for (int i = 0; builtin_name(i); i++)
    if (strncmp(builtin_name(i), prefix, n) == 0) cand_add(c, builtin_name(i), 0);
  const char *path = var_get("PATH");
  if (!path) path = "/bin:/usr/bin";
  char *copy = astrdup(path), *save, *dir;
  for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
    DIR *d = opendir(dir);
    if (!d) continue;
    struct dirent *e;
    while ((e = readdir(d)))
      if (e->d_name[0] != '.' && strncmp(e->d_name, prefix, n) == 0) cand_add(c, e->d_name, 0);
    closedir(d);
  }
}

static void complete_paths(struct cands *c, const char *word, const char **base) {
  const char *slash = strrchr(word, '/');
  const char *prefix = slash ? slash + 1 : word;
  char *dir = slash ? astrndup(word, (size_t)(slash - word) + 1) : astrdup("./");
  *base = prefix;
  size_t n = strlen(prefix);
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (e->d_name[0] == '.' && prefix[0] != '.') continue;
    if (strncmp(e->d_name, prefix, n) != 0) continue;
    struct strbuf b = {0};
    sb_puts(&b, dir);
    sb_puts(&b, e->d_name);
    struct stat st;
    int is_dir = e->d_type == DT_DIR || ((e->d_type == DT_LNK || e->d_type == DT_UNKNOWN) && stat(b.s, &st) == 0 &&
                                         S_ISDIR(st.st_mode));
    cand_add(c, e->d_name, is_dir);
  }
  closedir(d);
}

static void list_cands(struct line *l, struct cands *c) {
  int rows, cols, width = 0;
  tty_winsize(0, &rows, &cols);
  for (int i = 0; i < c->n; i++) {
    int w = (int)strlen(c->v[i]) + c->dir[i];
    if (w > width) width = w;
  }
  width += 2;
  int per_line = cols / width > 0 ? cols / width : 1;
  emits("\r\n");
  for (int i = 0; i < c->n; i++) {
    emits(c->v[i]);
    if (c->dir[i]) emits("/");
    int pad = width - (int)strlen(c->v[i]) - c->dir[i];
    if ((i + 1) % per_line == 0 || i == c->n - 1) emits("\r\n");
    else
      while (pad-- > 0) emits(" ");
  }
  l->cursor_row = 0;
  refresh(l);
}

static void complete(struct line *l, int listing) {
  int start = l->pos;
  while (start > 0 && !strchr(" \t;|&<>(", l->buf[start - 1])) start--;
  int k = start;
  while (k > 0 && (l->buf[k - 1] == ' ' || l->buf[k - 1] == '\t')) k--;
  int command_pos = k == 0 || strchr(";|&(", l->buf[k - 1]);
  char *word = astrndup(l->buf + start, (size_t)(l->pos - start));
  struct cands c = {0};
  const char *base = word;
  if (command_pos && !strchr(word, '/')) complete_commands(&c, word);
  else complete_paths(&c, word, &base);
  if (c.n == 0) {
    emits("\a");
    flush_out();
    return;
  }
  qsort(c.v, (size_t)c.n, sizeof(char *), cmp_cand);
  size_t have = strlen(base);
  if (c.n == 1) {
    /* Recompute is_dir after sorting: find it again. */
    struct cands one = {0};
    if (command_pos && !strchr(word, '/')) cand_add(&one, c.v[0], 0);
    else {
      const char *b2;
      complete_paths(&one, astrndup(word, (size_t)(base - word)), &b2);
    }
    int is_dir = 0;
    for (int i = 0; i < one.n; i++)
      if (strcmp(one.v[i], c.v[0]) == 0) is_dir = one.dir[i];
    insert(l, c.v[0] + have, (int)(strlen(c.v[0]) - have));
    insert(l, is_dir ? "/" : " ", 1);
    refresh(l);
    return;
  }
  size_t common = strlen(c.v[0]);
  for (int i = 1; i < c.n; i++) {
    size_t j = 0;
    while (j < common && c.v[i][j] == c.v[0][j]) j++;
    common = j;
  }
  if (common > have) {
    insert(l, c.v[0] + have, (int)(common - have));
    refresh(l);
  } else if (listing) {
    list_cands(l, &c);
  } else {
    emits("\a");
    flush_out();
  }
}

/* ---- the editor ---- */

static int read_byte(void) {
  unsigned char c;
  for (;;) {
    ssize_t r = read(0, &c, 1);
    if (r == 1) return c;
    if (r < 0 && errno == EINTR) continue;
    return -1;
  }
}

/* Reads one line with editing; returns a malloc'd string (without the
 * newline), or NULL at end of input. ^C gives an empty line and $? = 130. */
/* Without terminal attributes (a console that only knows TIOCGWINSZ):
 * print the prompt and let the terminal's own line editing do the rest. */
static char *plain_line(const char *prompt) {
  emits(prompt);
  flush_out();
  struct strbuf b = {0};
  sb_puts(&b, "");
  for (;;) {
    int c = read_byte();
    if (c < 0) return b.len ? strdup(b.s) : NULL;
    if (c == '\n') return strdup(b.s);
    sb_putc(&b, (char)c);
  }
}

char *edit_line(const char *prompt) {
  if (!have_cooked) {
    if (tcgetattr(0, &cooked) < 0) return plain_line(prompt);
    have_cooked = 1;
  }
  struct termios raw = cooked;
  cfmakeraw(&raw);
  tcsetattr(0, TCSADRAIN, &raw);
  static struct line l;
  l.len = l.pos = 0;
  l.prompt = prompt;
  /* A multi-line prompt: only its last line shares the row with the text. */
  const char *nl = strrchr(prompt, '\n');
  if (nl) {
    emit(prompt, (size_t)(nl - prompt + 1));
    l.prompt = nl + 1;
  }
  l.prompt_cols = visible_width(l.prompt);
  l.cursor_row = 0;
  int hist = nhistory;
  char *draft = NULL;
  int last_tab = 0;
  refresh(&l);
  char *result = NULL;
  for (;;) {
    int c = read_byte();
    int tab = 0;
    if (c < 0) {
      if (l.len) {
        emits("\r\n");
        result = strndup(l.buf, (size_t)l.len);
      }
      break;
    }
    switch (c) {
    case '\r':
    case '\n':
      l.pos = l.len;
      refresh(&l);
      emits("\r\n");
      result = strndup(l.buf, (size_t)l.len);
      goto done;
    case 3: /* ^C */
      emits("^C\r\n");
      last_status = 130;
      result = strdup("");
      goto done;
    case 4: /* ^D */
      if (l.len == 0) {
        emits("\r\n");
        goto done;
      }
      delete_range(&l, l.pos, next_char(l.buf, l.len, l.pos));
      break;
    case 127:
    case 8: delete_range(&l, prev_char(l.buf, l.pos), l.pos); break;
    case 1: l.pos = 0; break;
    case 5: l.pos = l.len; break;
    case 2: l.pos = prev_char(l.buf, l.pos); break;
    case 6: l.pos = next_char(l.buf, l.len, l.pos); break;
    case 11: delete_range(&l, l.pos, l.len); break;
    case 21: delete_range(&l, 0, l.pos); break;
    case 23: {
      int k = l.pos;
      while (k > 0 && l.buf[k - 1] == ' ') k--;
      while (k > 0 && l.buf[k - 1] != ' ') k--;
      delete_range(&l, k, l.pos);
      break;
    }
    case 12:
      emits("\x1b[H\x1b[2J");
      l.cursor_row = 0;
      break;
    case 9:
      complete(&l, last_tab);
      tab = 1;
      break;
    case 16: c = 'A'; goto history_key;
    case 14: c = 'B'; goto history_key;
    case 27: {
      int c1 = read_byte();
      int param = 0;
      if (c1 == '[') {
        c = read_byte();
        while (c >= '0' && c <= '9') {
          param = param * 10 + (c - '0');
          c = read_byte();
        }
        while (c == ';' || (c >= '0' && c <= '9')) c = read_byte(); /* modifiers */
      } else if (c1 == 'O') {
        c = read_byte();
      } else {
        break;
      }
      if (c == '~') {
        if (param == 1 || param == 7) l.pos = 0;
        else if (param == 4 || param == 8) l.pos = l.len;
        else if (param == 3) delete_range(&l, l.pos, next_char(l.buf, l.len, l.pos));
        break;
      }
      switch (c) {
      case 'C': l.pos = next_char(l.buf, l.len, l.pos); break;
      case 'D': l.pos = prev_char(l.buf, l.pos); break;
      case 'H': l.pos = 0; break;
      case 'F': l.pos = l.len; break;
      case 'A':
      case 'B':
      history_key:
        if (c == 'A' && hist > 0) {
          if (hist == nhistory) {
            free(draft);
            draft = strndup(l.buf, (size_t)l.len);
          }
          set_text(&l, history[--hist]);
        } else if (c == 'B' && hist < nhistory) {
          hist++;
          set_text(&l, hist == nhistory ? (draft ? draft : "") : history[hist]);
        }
        break;
      }
      break;
    }
    default:
      if (c >= 32) {
        char ch = (char)c;
        insert(&l, &ch, 1);
      }
    }
    last_tab = tab;
    if (!tab) refresh(&l);
  }
done:
  flush_out();
  free(draft);
  tcsetattr(0, TCSADRAIN, &cooked);
  return result;
}
