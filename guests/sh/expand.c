/* Word expansion: parameters ($x ${x} ${x:-w} $? $$ $! $# $0..$9 $@ $*),
 * command substitution $(...), arithmetic $((...)), ~, field splitting of
 * unquoted expansions, quote removal and pathname expansion (* ? [...]).
 * Each character of a field carries a mask byte saying whether it was
 * quoted, so that only unquoted glob characters are special. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "sh.h"

struct field {
  struct strbuf text, mask;
  int quoted; /* had quotes: an empty result still makes a field */
  int glob;   /* has an unquoted * ? or [ */
};

struct fields {
  struct field *v;
  int n, cap;
};

static struct field *cur_field(struct fields *f) {
  if (f->n == 0 || f->n == f->cap) {
    if (f->n == f->cap) {
      int cap = f->cap ? f->cap * 2 : 8;
      struct field *nv = amalloc(sizeof *nv * (size_t)cap);
      if (f->n) memcpy(nv, f->v, sizeof *nv * (size_t)f->n);
      f->v = nv;
      f->cap = cap;
    }
    if (f->n == 0) {
      memset(&f->v[0], 0, sizeof f->v[0]);
      f->n = 1;
    }
  }
  return &f->v[f->n - 1];
}

static void new_field(struct fields *f) {
  cur_field(f);
  if (f->n == f->cap) {
    int cap = f->cap * 2;
    struct field *nv = amalloc(sizeof *nv * (size_t)cap);
    memcpy(nv, f->v, sizeof *nv * (size_t)f->n);
    f->v = nv;
    f->cap = cap;
  }
  memset(&f->v[f->n], 0, sizeof f->v[0]);
  f->n++;
}

static void add_char(struct fields *f, char c, int quoted) {
  struct field *fl = cur_field(f);
  sb_putc(&fl->text, c);
  sb_putc(&fl->mask, quoted ? 1 : 0);
  if (!quoted && (c == '*' || c == '?' || c == '[')) fl->glob = 1;
}

static int field_empty(struct fields *f) {
  struct field *fl = cur_field(f);
  return fl->text.len == 0 && !fl->quoted;
}

/* Appends an expansion result: inside quotes as one piece, outside split
 * at blanks (IFS is fixed to space, tab and newline). */
static int no_split; /* set while expanding a word that must stay one field */

static void add_value(struct fields *f, const char *v, int quoted) {
  if (quoted || no_split) {
    cur_field(f)->quoted = 1;
    for (; *v; v++) add_char(f, *v, 1);
    return;
  }
  for (; *v; v++) {
    if (*v == ' ' || *v == '\t' || *v == '\n') {
      if (!field_empty(f)) new_field(f);
      while (v[1] == ' ' || v[1] == '\t' || v[1] == '\n') v++;
      continue;
    }
    add_char(f, *v, 1);
  }
}

/* ---- arithmetic: integers, + - * / % ( ), comparisons, unary -, vars ---- */

struct arith {
  const char *p;
  const char *err;
};

static long arith_expr(struct arith *a);

static void arith_ws(struct arith *a) {
  while (isspace((unsigned char)*a->p)) a->p++;
}

static long arith_primary(struct arith *a) {
  arith_ws(a);
  if (*a->p == '(') {
    a->p++;
    long v = arith_expr(a);
    arith_ws(a);
    if (*a->p == ')') a->p++;
    else a->err = "missing )";
    return v;
  }
  if (*a->p == '-') {
    a->p++;
    return -arith_primary(a);
  }
  if (*a->p == '+') {
    a->p++;
    return arith_primary(a);
  }
  if (*a->p == '!') {
    a->p++;
    return !arith_primary(a);
  }
  if (isdigit((unsigned char)*a->p)) {
    char *end;
    long v = strtol(a->p, &end, 0);
    a->p = end;
    return v;
  }
  if (*a->p == '$') a->p++;
  if (isalpha((unsigned char)*a->p) || *a->p == '_') {
    const char *s = a->p;
    while (isalnum((unsigned char)*a->p) || *a->p == '_') a->p++;
    char *name = astrndup(s, (size_t)(a->p - s));
    const char *v = var_get(name);
    return v ? strtol(v, NULL, 0) : 0;
  }
  a->err = "syntax error";
  return 0;
}

static long arith_mul(struct arith *a) {
  long v = arith_primary(a);
  for (;;) {
    arith_ws(a);
    char op = *a->p;
    if (op != '*' && op != '/' && op != '%') return v;
    a->p++;
    long r = arith_primary(a);
    if (op == '*') v *= r;
    else if (r == 0) {
      a->err = "division by zero";
      return 0;
    } else if (op == '/') v /= r;
    else v %= r;
  }
}

static long arith_add(struct arith *a) {
  long v = arith_mul(a);
  for (;;) {
    arith_ws(a);
    if (*a->p == '+') a->p++, v += arith_mul(a);
    else if (*a->p == '-') a->p++, v -= arith_mul(a);
    else return v;
  }
}

static long arith_cmp(struct arith *a) {
  long v = arith_add(a);
  for (;;) {
    arith_ws(a);
    const char *p = a->p;
    if (p[0] == '<' && p[1] == '=') a->p += 2, v = v <= arith_add(a);
    else if (p[0] == '>' && p[1] == '=') a->p += 2, v = v >= arith_add(a);
    else if (p[0] == '<') a->p++, v = v < arith_add(a);
    else if (p[0] == '>') a->p++, v = v > arith_add(a);
    else if (p[0] == '=' && p[1] == '=') a->p += 2, v = v == arith_add(a);
    else if (p[0] == '!' && p[1] == '=') a->p += 2, v = v != arith_add(a);
    else return v;
  }
}

static long arith_expr(struct arith *a) {
  long v = arith_cmp(a);
  for (;;) {
    arith_ws(a);
    if (a->p[0] == '&' && a->p[1] == '&') {
      a->p += 2;
      long r = arith_cmp(a);
      v = v && r;
    } else if (a->p[0] == '|' && a->p[1] == '|') {
      a->p += 2;
      long r = arith_cmp(a);
      v = v || r;
    } else {
      return v;
    }
  }
}

/* ---- command substitution ---- */

static char *command_output(const char *src) {
  int fds[2];
  if (pipe(fds) < 0) return astrdup("");
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], 1);
    close(fds[1]);
    interactive = 0;
    sh_exit(run_source(src));
  }
  close(fds[1]);
  struct strbuf b = {0};
  char buf[512];
  ssize_t r;
  while ((r = read(fds[0], buf, sizeof buf)) != 0) {
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    sb_putn(&b, buf, (size_t)r);
  }
  close(fds[0]);
  int st;
  if (pid > 0) {
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    last_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  if (!b.s) return astrdup("");
  while (b.len && b.s[b.len - 1] == '\n') b.s[--b.len] = 0;
  return b.s;
}

/* Index of the ')' closing a "$(" whose content starts at s[0]; -1 if none. */
static long match_paren(const char *s) {
  int depth = 1;
  for (long i = 0; s[i]; i++) {
    if (s[i] == '\\' && s[i + 1]) i++;
    else if (s[i] == '\'') {
      const char *e = strchr(s + i + 1, '\'');
      if (!e) return -1;
      i = e - s;
    } else if (s[i] == '(') depth++;
    else if (s[i] == ')' && --depth == 0) return i;
  }
  return -1;
}

/* ---- parameters ---- */

static char num_buf[32];

static const char *special_param(char c) {
  switch (c) {
  case '?': snprintf(num_buf, sizeof num_buf, "%d", last_status); return num_buf;
  case '$': snprintf(num_buf, sizeof num_buf, "%d", (int)shell_pid); return num_buf;
  case '!':
    if (!last_bg_pid) return "";
    snprintf(num_buf, sizeof num_buf, "%d", (int)last_bg_pid);
    return num_buf;
  case '#': snprintf(num_buf, sizeof num_buf, "%d", script_argc > 0 ? script_argc - 1 : 0); return num_buf;
  case '0': return shell_name;
  }
  if (c >= '1' && c <= '9') {
    int i = c - '0';
    return i < script_argc ? script_argv[i] : "";
  }
  return NULL;
}

/* Expands the parameter starting after '$' at *pp; advances *pp. */
static void expand_param(const char **pp, struct fields *f, int quoted) {
  const char *p = *pp;
  if (*p == '(' && p[1] == '(') {
    /* $((expr)): find the "))" that closes it, past nested parentheses
     * and command substitutions. */
    const char *e = p + 2;
    int depth = 2;
    for (; *e; e++) {
      if (*e == '(') depth++;
      else if (*e == ')' && --depth == 0) break;
    }
    if (*e && e[-1] == ')') {
      char *src = expand_one(astrndup(p + 2, (size_t)(e - 1 - (p + 2))));
      struct arith a = {src, NULL};
      long v = arith_expr(&a);
      arith_ws(&a);
      if (!a.err && *a.p) a.err = "syntax error";
      if (a.err) {
        fprintf(stderr, "sh: arithmetic: %s\n", a.err);
        v = 0;
      }
      char buf[32];
      snprintf(buf, sizeof buf, "%ld", v);
      add_value(f, buf, quoted);
      *pp = e + 1;
      return;
    }
  }
  if (*p == '(') {
    long end = match_paren(p + 1);
    if (end >= 0) {
      add_value(f, command_output(astrndup(p + 1, (size_t)end)), quoted);
      *pp = p + end + 2;
      return;
    }
  }
  if (*p == '@' || *p == '*') {
    /* "$@" gives one field per argument; everything else joins them. */
    for (int i = 1; i < script_argc; i++) {
      if (i > 1) {
        if (quoted && *p == '@') new_field(f);
        else add_value(f, " ", quoted);
      }
      add_value(f, script_argv[i], quoted);
    }
    if (quoted) cur_field(f)->quoted = script_argc > 1 || *p == '*';
    *pp = p + 1;
    return;
  }
  const char *v = special_param(*p);
  if (v) {
    add_value(f, v, quoted);
    *pp = p + 1;
    return;
  }
  if (*p == '{') {
    const char *e = strchr(p, '}');
    if (!e) {
      add_char(f, '$', quoted);
      return;
    }
    const char *s = p + 1;
    *pp = e + 1;
    if (*s == '#' && e > s + 1) { /* ${#name}: length */
      char *name = astrndup(s + 1, (size_t)(e - s - 1));
      const char *val = var_get(name);
      if (!val && strlen(name) == 1) val = special_param(name[0]);
      char buf[32];
      snprintf(buf, sizeof buf, "%zu", val ? strlen(val) : 0);
      add_value(f, buf, quoted);
      return;
    }
    size_t n = 0;
    while (s + n < e && (isalnum((unsigned char)s[n]) || s[n] == '_' || (n == 0 && strchr("?$!#@*", s[n])))) {
      n++;
      if (!isalnum((unsigned char)s[0]) && s[0] != '_') break;
    }
    char *name = astrndup(s, n);
    const char *val = n == 1 ? special_param(name[0]) : NULL;
    if (!val) val = var_get(name);
    const char *op = s + n;
    if (op < e) {
      int colon = *op == ':';
      if (colon) op++;
      char *word = expand_one(astrndup(op + 1, (size_t)(e - op - 1)));
      int unset = !val || (colon && !*val);
      switch (*op) {
      case '-':
        if (unset) val = word;
        break;
      case '=':
        if (unset) {
          var_set(name, word, 0);
          val = word;
        }
        break;
      case '+': val = unset ? "" : word; break;
      case '?':
        if (unset) {
          fprintf(stderr, "sh: %s: %s\n", name, *word ? word : "parameter not set");
          val = "";
        }
        break;
      default: fprintf(stderr, "sh: ${%s}: bad substitution\n", astrndup(s, (size_t)(e - s))); val = "";
      }
    }
    if (val) add_value(f, val, quoted);
    return;
  }
  if (isalpha((unsigned char)*p) || *p == '_') {
    const char *s = p;
    while (isalnum((unsigned char)*p) || *p == '_') p++;
    const char *val = var_get(astrndup(s, (size_t)(p - s)));
    if (val) add_value(f, val, quoted);
    *pp = p;
    return;
  }
  add_char(f, '$', quoted);
}

static void expand_word(const char *w, struct fields *f) {
  const char *p = w;
  if (*p == '~' && (p[1] == '/' || p[1] == 0)) {
    const char *home = var_get("HOME");
    add_value(f, home ? home : "/", 1);
    p++;
  }
  while (*p) {
    char c = *p++;
    if (c == '\\') {
      if (*p == '\n') p++; /* line continuation */
      else if (*p) add_char(f, *p++, 1);
    } else if (c == '\'') {
      cur_field(f)->quoted = 1;
      while (*p && *p != '\'') add_char(f, *p++, 1);
      if (*p) p++;
    } else if (c == '"') {
      cur_field(f)->quoted = 1;
      while (*p && *p != '"') {
        if (*p == '\\' && p[1] && strchr("$`\"\\\n", p[1])) {
          add_char(f, p[1], 1);
          p += 2;
        } else if (*p == '$') {
          p++;
          expand_param(&p, f, 1);
        } else {
          add_char(f, *p++, 1);
        }
      }
      if (*p) p++;
    } else if (c == '$') {
      expand_param(&p, f, 0);
    } else {
      add_char(f, c, 0);
    }
  }
}

/* ---- pathname expansion ---- */

int glob_match(const char *pat, const char *q, const char *s) {
  while (*pat) {
    int quoted = q && *q;
    if (!quoted && *pat == '*') {
      while (*pat == '*' && !(q && *q)) {
        pat++;
        if (q) q++;
      }
      if (!*pat) return 1;
      for (; *s; s++)
        if (glob_match(pat, q, s)) return 1;
      return glob_match(pat, q, s);
    }
    if (!*s) return 0;
    if (!quoted && *pat == '?') {
      pat++, s++;
      if (q) q++;
      continue;
    }
    if (!quoted && *pat == '[') {
      const char *p = pat + 1;
      int neg = *p == '!' || *p == '^';
      if (neg) p++;
      int hit = 0;
      const char *start = p;
      while (*p && (*p != ']' || p == start)) {
        if (p[1] == '-' && p[2] && p[2] != ']') {
          if ((unsigned char)*s >= (unsigned char)p[0] && (unsigned char)*s <= (unsigned char)p[2]) hit = 1;
          p += 3;
        } else {
          if (*p == *s) hit = 1;
          p++;
        }
      }
      if (*p == ']') {
        if (hit == neg) return 0;
        if (q) q += p + 1 - pat;
        pat = p + 1;
        s++;
        continue;
      }
      /* no closing bracket: a literal '[' */
    }
    if (*pat != *s) return 0;
    pat++, s++;
    if (q) q++;
  }
  return !*s;
}

struct glob_out {
  char **v;
  int n, cap;
};

static void glob_add(struct glob_out *g, char *s) {
  if (g->n == g->cap) {
    int cap = g->cap ? g->cap * 2 : 16;
    char **nv = amalloc(sizeof(char *) * (size_t)cap);
    if (g->n) memcpy(nv, g->v, sizeof(char *) * (size_t)g->n);
    g->v = nv;
    g->cap = cap;
  }
  g->v[g->n++] = s;
}

/* Whether the '[' at s[i] opens a bracket expression: by glob_match's rule
 * it needs a closing ']'; an unclosed '[' is a literal and matches only
 * itself, so a word like `[` needs no directory scan. */
static int bracket_closes(const char *s, size_t i, size_t n) {
  size_t p = i + 1;
  if (p < n && (s[p] == '!' || s[p] == '^')) p++;
  size_t start = p;
  while (p < n && (s[p] != ']' || p == start)) {
    if (p + 2 < n && s[p + 1] == '-' && s[p + 2] != ']') p += 3;
    else p++;
  }
  return p < n;
}

static int has_glob(const char *s, const char *q, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!q[i] && (s[i] == '*' || s[i] == '?' || (s[i] == '[' && bracket_closes(s, i, n)))) return 1;
  return 0;
}

/* Matches the components of pat (with mask q) below the directory `dir`. */
static void glob_walk(const char *dir, const char *pat, const char *q, struct glob_out *out) {
  const char *slash = strchr(pat, '/');
  size_t n = slash ? (size_t)(slash - pat) : strlen(pat);
  const char *rest = slash ? slash + 1 : NULL;
  while (rest && *rest == '/') rest++;
  char *comp = astrndup(pat, n), *cq = astrndup(q, n);
  if (!has_glob(comp, cq, n)) {
    char *path = *dir ? astrdup(dir) : astrdup("");
    struct strbuf b = {0};
    sb_puts(&b, path);
    if (*dir && dir[strlen(dir) - 1] != '/') sb_putc(&b, '/');
    sb_puts(&b, comp);
    if (rest && *rest) glob_walk(b.s, rest, q + (rest - pat), out);
    else if (access(b.s, F_OK) == 0) glob_add(out, slash ? astrndup(b.s, b.len) : b.s);
    return;
  }
  DIR *d = opendir(*dir ? dir : ".");
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.' && comp[0] != '.') continue;
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    for (size_t i = 0; i < n; i++) cq[i] = cq[i] ? 1 : 0;
    if (!glob_match(comp, cq, e->d_name)) continue;
    struct strbuf b = {0};
    sb_puts(&b, dir);
    if (*dir && dir[strlen(dir) - 1] != '/') sb_putc(&b, '/');
    sb_puts(&b, e->d_name);
    if (rest && *rest) {
      if (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN || e->d_type == DT_LNK)
        glob_walk(b.s, rest, q + (rest - pat), out);
    } else if (slash) {
      if (e->d_type == DT_DIR || e->d_type == DT_LNK || e->d_type == DT_UNKNOWN) {
        sb_putc(&b, '/');
        glob_add(out, b.s);
      }
    } else {
      glob_add(out, b.s);
    }
  }
  closedir(d);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* ---- entry points ---- */

char **expand_words(char **words, int n, int *count) {
  struct glob_out out = {0};
  for (int i = 0; i < n; i++) {
    struct fields f = {0};
    expand_word(words[i], &f);
    for (int k = 0; k < f.n; k++) {
      struct field *fl = &f.v[k];
      if (fl->text.len == 0 && !fl->quoted) continue;
      char *text = fl->text.s ? fl->text.s : astrdup("");
      /* A word whose only '[' are unclosed is no pattern: it stays as it is
       * (without even an access() to see whether it names a file). */
      if (fl->glob && fl->mask.s && has_glob(text, fl->mask.s, fl->text.len)) {
        int before = out.n;
        const char *pat = text, *q = fl->mask.s;
        if (*pat == '/') glob_walk("/", pat + 1, q + 1, &out);
        else glob_walk("", pat, q, &out);
        if (out.n > before) {
          qsort(out.v + before, (size_t)(out.n - before), sizeof(char *), cmp_str);
          continue;
        }
      }
      glob_add(&out, text);
    }
  }
  glob_add(&out, NULL);
  *count = out.n - 1;
  return out.v;
}

/* A here-document with an unquoted delimiter: $ expansions and \$ \` \\
 * escapes, as inside double quotes, but " is an ordinary character. */
char *expand_heredoc(const char *body) {
  struct fields f = {0};
  int saved = no_split;
  no_split = 1;
  cur_field(&f)->quoted = 1;
  for (const char *p = body; *p;) {
    if (*p == '\\' && p[1] && strchr("$`\\\n", p[1])) {
      if (p[1] != '\n') add_char(&f, p[1], 1);
      p += 2;
    } else if (*p == '$') {
      p++;
      expand_param(&p, &f, 1);
    } else {
      add_char(&f, *p++, 1);
    }
  }
  no_split = saved;
  struct field *fl = cur_field(&f);
  return fl->text.s ? fl->text.s : astrdup("");
}

/* A case pattern: the expanded text and a mask marking quoted characters,
 * which match only themselves. */
char *expand_pattern(const char *word, char **mask) {
  struct fields f = {0};
  int saved = no_split;
  no_split = 1;
  expand_word(word, &f);
  no_split = saved;
  struct strbuf t = {0}, m = {0};
  sb_puts(&t, "");
  sb_puts(&m, "");
  for (int k = 0; k < f.n; k++) {
    if (f.v[k].text.s) {
      sb_putn(&t, f.v[k].text.s, f.v[k].text.len);
      sb_putn(&m, f.v[k].mask.s, f.v[k].mask.len);
    }
  }
  *mask = m.s;
  return t.s;
}

/* One word to one string: no splitting or globbing (redirections, NAME=). */
char *expand_one(const char *word) {
  struct fields f = {0};
  int saved = no_split;
  no_split = 1;
  expand_word(word, &f);
  no_split = saved;
  struct strbuf b = {0};
  sb_puts(&b, "");
  for (int k = 0; k < f.n; k++) {
    if (k) sb_putc(&b, ' ');
    if (f.v[k].text.s) sb_puts(&b, f.v[k].text.s);
  }
  return b.s;
}
