/* Lexing and parsing one complete input (which may span several lines).
 *
 * Grammar (a subset of the POSIX shell's):
 *   list     := andor (('&' | ';' | NEWLINE) andor?)*
 *   andor    := pipeline (('&&' | '||') NEWLINE* pipeline)*
 *   pipeline := '!'? command ('|' NEWLINE* command)*
 *   command  := '(' list ')' redir* | '{' list '}' redir* | if | while | until
 *             | for | NAME '(' ')' command | (word | redir)+
 *   if       := 'if' list 'then' list ('elif' list 'then' list)* ('else' list)? 'fi'
 *   while    := ('while' | 'until') list 'do' list 'done'
 *   for      := 'for' NAME ('in' word*)? (';' | NEWLINE)* 'do' list 'done'
 *   case     := 'case' word 'in' ('('? word ('|' word)* ')' list? ';;')* 'esac'
 * Reserved words are recognized only where a command starts.
 *   redir    := IO_NUMBER? ('<' | '>' | '>>' | '<>' | '>&' | '<&' | '<<' | '<<-') word
 * A here-document's lines follow the newline that ends its command line.
 * Words keep their quotes; expand.c removes them later. */
#include <ctype.h>
#include <string.h>
#include "sh.h"

enum tok { T_DLESS, T_WORD, T_PIPE, T_OR, T_AND, T_AMP, T_SEMI, T_DSEMI, T_NL, T_LT, T_GT, T_DGT, T_RDWR, T_GTAMP, T_LTAMP,
           T_LPAREN, T_RPAREN, T_BANG, T_EOF };

#define MAXHEREDOC 8

struct lexer {
  struct redir *pending[MAXHEREDOC]; /* here-documents whose lines follow the next newline */
  int npending;
  const char *src;
  size_t at;
  enum tok tok;
  char *word;
  int iofd;
  size_t start; /* source offset of the current token */
  int incomplete;
  char *err;
};

static int is_op_char(char c) { return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '(' || c == ')'; }

/* Scans one word, honouring quotes, backslashes and ${...}. */
static void scan_word(struct lexer *lx) {
  const char *s = lx->src;
  size_t i = lx->at;
  while (s[i] && !isspace((unsigned char)s[i]) && !is_op_char(s[i])) {
    if (s[i] == '\\') {
      if (!s[i + 1] || (s[i + 1] == '\n' && !s[i + 2])) {
        lx->incomplete = 1;
        i++;
        break;
      }
      i += 2;
    } else if (s[i] == '\'') {
      const char *e = strchr(s + i + 1, '\'');
      if (!e) {
        lx->incomplete = 1;
        i = strlen(s);
        break;
      }
      i = (size_t)(e - s) + 1;
    } else if (s[i] == '"') {
      i++;
      while (s[i] && s[i] != '"') i += s[i] == '\\' && s[i + 1] ? 2 : 1;
      if (!s[i]) {
        lx->incomplete = 1;
        break;
      }
      i++;
    } else if (s[i] == '$' && s[i + 1] == '(') {
      /* $(...) and $((...)) may hold blanks and operators: find the match. */
      int depth = 0;
      size_t j = i + 1;
      for (; s[j]; j++) {
        if (s[j] == '\\' && s[j + 1]) j++;
        else if (s[j] == '\'') {
          const char *e = strchr(s + j + 1, '\'');
          if (!e) break;
          j = (size_t)(e - s);
        } else if (s[j] == '(') depth++;
        else if (s[j] == ')' && --depth == 0) break;
      }
      if (!s[j]) {
        lx->incomplete = 1;
        i = j;
        break;
      }
      i = j + 1;
    } else if (s[i] == '$' && s[i + 1] == '{') {
      const char *e = strchr(s + i, '}');
      if (!e) {
        lx->err = "missing '}'";
        i = strlen(s);
        break;
      }
      i = (size_t)(e - s) + 1;
    } else {
      i++;
    }
  }
  lx->word = astrndup(s + lx->at, i - lx->at);
  lx->at = i;
}

/* The delimiter without quotes; quoting any part of it turns expansion off. */
static char *heredoc_delimiter(const char *w, int *quoted) {
  char *d = astrdup(w), *o = d;
  *quoted = 0;
  for (const char *p = w; *p; p++) {
    if (*p == '\'' || *p == '"') {
      *quoted = 1;
      continue;
    }
    if (*p == '\\' && p[1]) {
      *quoted = 1;
      p++;
    }
    *o++ = *p;
  }
  *o = 0;
  return d;
}

/* After the newline that ends a line with << redirections: take their
 * documents, each up to its delimiter line, out of the source. */
static void read_heredocs(struct lexer *lx) {
  for (int i = 0; i < lx->npending; i++) {
    struct redir *r = lx->pending[i];
    int quoted;
    char *delim = heredoc_delimiter(r->word, &quoted);
    r->expand_body = !quoted;
    struct strbuf body = {0};
    sb_puts(&body, "");
    for (;;) {
      const char *line = lx->src + lx->at;
      if (!*line) {
        lx->incomplete = 1;
        lx->npending = 0;
        return;
      }
      const char *nl = strchr(line, '\n');
      size_t len = nl ? (size_t)(nl - line) : strlen(line);
      lx->at += len + (nl ? 1 : 0);
      const char *text = line;
      if (r->strip_tabs)
        while (len && *text == '\t') text++, len--;
      if (len == strlen(delim) && strncmp(text, delim, len) == 0) break;
      if (!nl) { /* the last line lacks its newline: the delimiter may follow */
        lx->incomplete = 1;
        lx->npending = 0;
        return;
      }
      sb_putn(&body, text, len);
      sb_putc(&body, '\n');
    }
    r->body = body.s;
  }
  lx->npending = 0;
}

static void next(struct lexer *lx) {
  const char *s = lx->src;
  for (;;) {
    while (s[lx->at] == ' ' || s[lx->at] == '\t' || s[lx->at] == '\r') lx->at++;
    if (s[lx->at] == '\\' && s[lx->at + 1] == '\n') {
      if (!s[lx->at + 2]) lx->incomplete = 1; /* continued on the next line */
      lx->at += 2;
      continue;
    }
    if (s[lx->at] == '#') {
      while (s[lx->at] && s[lx->at] != '\n') lx->at++;
    }
    break;
  }
  lx->start = lx->at;
  lx->iofd = -1;
  const char *p = s + lx->at;
  /* An IO number: digits directly followed by < or >. */
  if (isdigit((unsigned char)*p)) {
    size_t k = 0;
    while (isdigit((unsigned char)p[k])) k++;
    if (p[k] == '<' || p[k] == '>') {
      int fd = 0;
      for (size_t j = 0; j < k && fd < 1000; j++) fd = fd * 10 + (p[j] - '0');
      lx->iofd = fd;
      lx->at += k;
      p += k;
    }
  }
  char c = *p;
  size_t len = 1;
  switch (c) {
  case 0:
    lx->tok = T_EOF;
    len = 0;
    if (lx->npending) lx->incomplete = 1; /* the document has not started */
    break;
  case '\n':
    lx->tok = T_NL;
    if (lx->npending) {
      lx->at += 1;
      read_heredocs(lx);
      return;
    }
    break;
  case '|':
    if (p[1] == '|') lx->tok = T_OR, len = 2;
    else lx->tok = T_PIPE;
    break;
  case '&':
    if (p[1] == '&') lx->tok = T_AND, len = 2;
    else lx->tok = T_AMP;
    break;
  case ';':
    if (p[1] == ';') lx->tok = T_DSEMI, len = 2;
    else lx->tok = T_SEMI;
    break;
  case '(': lx->tok = T_LPAREN; break;
  case ')': lx->tok = T_RPAREN; break;
  case '<':
    if (p[1] == '<') lx->tok = T_DLESS, len = p[2] == '-' ? 3 : 2;
    else if (p[1] == '&') lx->tok = T_LTAMP, len = 2;
    else if (p[1] == '>') lx->tok = T_RDWR, len = 2;
    else lx->tok = T_LT;
    break;
  case '>':
    if (p[1] == '>') lx->tok = T_DGT, len = 2;
    else if (p[1] == '&') lx->tok = T_GTAMP, len = 2;
    else if (p[1] == '|') lx->tok = T_GT, len = 2;
    else lx->tok = T_GT;
    break;
  default:
    if (c == '!' && (isspace((unsigned char)p[1]) || !p[1])) {
      lx->tok = T_BANG; /* an argument when it follows a command word */
      lx->word = "!";
      break;
    }
    lx->tok = T_WORD;
    scan_word(lx);
    return;
  }
  lx->at += len;
}

struct parser {
  struct lexer lx;
  int depth;
};

static struct andor *parse_list(struct parser *ps, int in_paren, const char *const *terms);

static const char *const T_THEN[] = {"then", NULL};
static const char *const T_ELSE[] = {"elif", "else", "fi", NULL};
static const char *const T_FI[] = {"fi", NULL};
static const char *const T_DO[] = {"do", NULL};
static const char *const T_DONE[] = {"done", NULL};
static const char *const T_BRACE[] = {"}", NULL};
static const char *const T_ESAC[] = {"esac", NULL};

static int is_word(struct parser *ps, const char *w) {
  return ps->lx.tok == T_WORD && strcmp(ps->lx.word, w) == 0;
}

static int is_term(struct parser *ps, const char *const *terms) {
  if (!terms || ps->lx.tok != T_WORD) return 0;
  for (; *terms; terms++)
    if (strcmp(ps->lx.word, *terms) == 0) return 1;
  return 0;
}

static int is_reserved(const char *w) {
  static const char *const words[] = {"then", "elif", "else", "fi", "do", "done", "}", "in", "esac", NULL};
  for (const char *const *p = words; *p; p++)
    if (strcmp(w, *p) == 0) return 1;
  return 0;
}

static int fail(struct parser *ps, const char *msg) {
  if (!ps->lx.err) ps->lx.err = (char *)msg;
  return 0;
}

static void skip_newlines(struct parser *ps) {
  while (ps->lx.tok == T_NL) next(&ps->lx);
}

static int is_redir(enum tok t) {
  return t == T_LT || t == T_GT || t == T_DGT || t == T_RDWR || t == T_GTAMP || t == T_LTAMP || t == T_DLESS;
}

static int parse_redir(struct parser *ps, struct redir ***tail) {
  struct redir *r = amalloc(sizeof *r);
  enum tok t = ps->lx.tok;
  int fd = ps->lx.iofd;
  switch (t) {
  case T_LT: r->op = R_IN; break;
  case T_GT: r->op = R_OUT; break;
  case T_DGT: r->op = R_APPEND; break;
  case T_RDWR: r->op = R_RDWR; break;
  case T_DLESS:
    r->op = R_HEREDOC;
    r->strip_tabs = ps->lx.src[ps->lx.at - 1] == '-';
    break;
  case T_GTAMP: r->op = R_DUPOUT; break;
  default: r->op = R_DUPIN; break;
  }
  r->fd = fd >= 0 ? fd : (t == T_LT || t == T_LTAMP || t == T_RDWR || t == T_DLESS) ? 0 : 1;
  next(&ps->lx);
  if (ps->lx.tok != T_WORD) {
    if (ps->lx.tok == T_EOF) ps->lx.incomplete = 1;
    return fail(ps, "syntax error: redirection without a file");
  }
  r->word = ps->lx.word;
  r->next = NULL;
  r->body = NULL;
  if (r->op == R_HEREDOC) {
    if (ps->lx.npending == MAXHEREDOC) return fail(ps, "too many here-documents on one line");
    ps->lx.pending[ps->lx.npending++] = r;
  }
  **tail = r;
  *tail = &r->next;
  next(&ps->lx);
  return 1;
}

static struct command *parse_command(struct parser *ps);

/* Expects the reserved word w; a missing one at the end means "read more". */
static int expect_word(struct parser *ps, const char *w) {
  if (is_word(ps, w)) {
    next(&ps->lx);
    return 1;
  }
  if (ps->lx.tok == T_EOF) ps->lx.incomplete = 1;
  else fail(ps, "syntax error: missing reserved word");
  return 0;
}

static struct andor *parse_body(struct parser *ps, const char *const *terms) {
  if (++ps->depth > 50) {
    fail(ps, "nesting too deep");
    return NULL;
  }
  struct andor *l = parse_list(ps, 0, terms);
  ps->depth--;
  if (!l && !ps->lx.err && !ps->lx.incomplete) {
    if (ps->lx.tok == T_EOF) ps->lx.incomplete = 1;
    else fail(ps, "syntax error: empty command list");
  }
  return l;
}

static struct command *parse_if(struct parser *ps, struct command *c) {
  c->kind = CMD_IF;
  if (!(c->cond = parse_body(ps, T_THEN)) || !expect_word(ps, "then")) return NULL;
  if (!(c->body = parse_body(ps, T_ELSE))) return NULL;
  if (is_word(ps, "elif")) {
    next(&ps->lx);
    struct command *e = amalloc(sizeof *e);
    memset(e, 0, sizeof *e);
    c->else_part = e;
    return parse_if(ps, e) ? c : NULL; /* the elif consumed the fi */
  }
  if (is_word(ps, "else")) {
    next(&ps->lx);
    struct command *e = amalloc(sizeof *e);
    memset(e, 0, sizeof *e);
    e->kind = CMD_GROUP;
    if (!(e->subshell = parse_body(ps, T_FI))) return NULL;
    c->else_part = e;
  }
  return expect_word(ps, "fi") ? c : NULL;
}

/* Compound commands and function definitions; NULL if the word at hand
 * starts a simple command (or on error, which ps records). */
static struct command *parse_compound(struct parser *ps, struct command *c) {
  const char *w = ps->lx.word;
  if (strcmp(w, "if") == 0) {
    next(&ps->lx);
    return parse_if(ps, c);
  }
  if (strcmp(w, "while") == 0 || strcmp(w, "until") == 0) {
    c->kind = w[0] == 'w' ? CMD_WHILE : CMD_UNTIL;
    next(&ps->lx);
    if (!(c->cond = parse_body(ps, T_DO)) || !expect_word(ps, "do")) return NULL;
    if (!(c->body = parse_body(ps, T_DONE)) || !expect_word(ps, "done")) return NULL;
    return c;
  }
  if (strcmp(w, "for") == 0) {
    c->kind = CMD_FOR;
    next(&ps->lx);
    if (ps->lx.tok != T_WORD || !is_name(ps->lx.word, strlen(ps->lx.word))) {
      if (ps->lx.tok == T_EOF) ps->lx.incomplete = 1;
      fail(ps, "syntax error: bad for loop variable");
      return NULL;
    }
    c->name = ps->lx.word;
    next(&ps->lx);
    skip_newlines(ps);
    int cap = 8;
    c->words = amalloc(sizeof(char *) * (size_t)cap);
    if (is_word(ps, "in")) {
      next(&ps->lx);
      while (ps->lx.tok == T_WORD) {
        if (c->nwords + 1 >= cap) {
          char **nw = amalloc(sizeof(char *) * (size_t)cap * 2);
          memcpy(nw, c->words, sizeof(char *) * (size_t)c->nwords);
          c->words = nw;
          cap *= 2;
        }
        c->words[c->nwords++] = ps->lx.word;
        next(&ps->lx);
      }
    } else {
      c->for_all_args = 1;
    }
    c->words[c->nwords] = NULL;
    if (ps->lx.tok == T_SEMI) next(&ps->lx);
    skip_newlines(ps);
    if (!expect_word(ps, "do")) return NULL;
    if (!(c->body = parse_body(ps, T_DONE)) || !expect_word(ps, "done")) return NULL;
    return c;
  }
  if (strcmp(w, "case") == 0) {
    c->kind = CMD_CASE;
    next(&ps->lx);
    if (ps->lx.tok != T_WORD) {
      if (ps->lx.tok == T_EOF) ps->lx.incomplete = 1;
      fail(ps, "syntax error: case needs a word");
      return NULL;
    }
    c->name = ps->lx.word;
    next(&ps->lx);
    skip_newlines(ps);
    if (!expect_word(ps, "in")) return NULL;
    int cap = 0;
    for (;;) {
      skip_newlines(ps);
      if (is_word(ps, "esac")) {
        next(&ps->lx);
        return c;
      }
      if (ps->lx.tok == T_EOF) {
        ps->lx.incomplete = 1;
        return NULL;
      }
      if (c->nitems == cap) {
        cap = cap ? cap * 2 : 4;
        struct case_item *ni = amalloc(sizeof *ni * (size_t)cap);
        if (c->nitems) memcpy(ni, c->items, sizeof *ni * (size_t)c->nitems);
        c->items = ni;
      }
      struct case_item *it = &c->items[c->nitems++];
      memset(it, 0, sizeof *it);
      if (ps->lx.tok == T_LPAREN) next(&ps->lx);
      it->patterns = amalloc(sizeof(char *) * 16);
      for (;;) {
        if (ps->lx.tok != T_WORD || it->npatterns == 16) {
          if (ps->lx.tok == T_EOF) ps->lx.incomplete = 1;
          fail(ps, "syntax error: bad case pattern");
          return NULL;
        }
        it->patterns[it->npatterns++] = ps->lx.word;
        next(&ps->lx);
        if (ps->lx.tok != T_PIPE) break;
        next(&ps->lx);
      }
      if (ps->lx.tok != T_RPAREN) {
        if (ps->lx.tok == T_EOF) ps->lx.incomplete = 1;
        fail(ps, "syntax error: missing ')' after case pattern");
        return NULL;
      }
      next(&ps->lx);
      if (++ps->depth > 50) {
        fail(ps, "nesting too deep");
        return NULL;
      }
      it->body = parse_list(ps, 0, T_ESAC);
      ps->depth--;
      if (ps->lx.err || ps->lx.incomplete) return NULL;
      if (ps->lx.tok == T_DSEMI) next(&ps->lx);
      else if (!is_word(ps, "esac")) {
        if (ps->lx.tok == T_EOF) ps->lx.incomplete = 1;
        fail(ps, "syntax error: missing ';;'");
        return NULL;
      }
    }
  }
  if (strcmp(w, "{") == 0) {
    c->kind = CMD_GROUP;
    next(&ps->lx);
    if (!(c->subshell = parse_body(ps, T_BRACE)) || !expect_word(ps, "}")) return NULL;
    return c;
  }
  /* NAME ( ) body: keep the body's source text; it is parsed per call. */
  const char *after = ps->lx.src + ps->lx.at;
  while (*after == ' ' || *after == '\t') after++;
  if (*after == '(' && is_name(w, strlen(w))) {
    const char *q = after + 1;
    while (*q == ' ' || *q == '\t') q++;
    if (*q == ')') {
      c->kind = CMD_FUNCDEF;
      c->name = ps->lx.word;
      ps->lx.at = (size_t)(q + 1 - ps->lx.src);
      next(&ps->lx);
      skip_newlines(ps);
      size_t start = ps->lx.start;
      struct command body;
      memset(&body, 0, sizeof body);
      if (ps->lx.tok != T_WORD && ps->lx.tok != T_LPAREN) {
        if (ps->lx.tok == T_EOF) ps->lx.incomplete = 1;
        fail(ps, "syntax error: function body expected");
        return NULL;
      }
      if (!parse_command(ps)) return NULL;
      size_t end = ps->lx.start;
      c->text = astrndup(ps->lx.src + start, end - start);
      return c;
    }
  }
  return NULL;
}

static struct command *parse_command(struct parser *ps) {
  struct command *c = amalloc(sizeof *c);
  memset(c, 0, sizeof *c);
  struct redir **rtail = &c->redirs;
  if (ps->lx.tok == T_LPAREN) {
    next(&ps->lx);
    if (++ps->depth > 50) {
      fail(ps, "nesting too deep");
      return NULL;
    }
    c->kind = CMD_SUBSHELL;
    c->subshell = parse_list(ps, 1, NULL);
    ps->depth--;
    if (!c->subshell && !ps->lx.err && !ps->lx.incomplete) fail(ps, "syntax error: empty ( )");
    if (ps->lx.err || ps->lx.incomplete) return NULL;
    if (ps->lx.tok != T_RPAREN) {
      if (ps->lx.tok == T_EOF) ps->lx.incomplete = 1;
      fail(ps, "syntax error: missing ')'");
      return NULL;
    }
    next(&ps->lx);
    while (is_redir(ps->lx.tok))
      if (!parse_redir(ps, &rtail)) return NULL;
    return c;
  }
  if (ps->lx.tok == T_WORD) {
    struct command *compound = parse_compound(ps, c);
    if (compound || ps->lx.err || ps->lx.incomplete) {
      if (!compound) return NULL;
      while (is_redir(ps->lx.tok))
        if (!parse_redir(ps, &rtail)) return NULL;
      return compound;
    }
    if (is_reserved(ps->lx.word)) {
      fail(ps, "syntax error: unexpected reserved word");
      return NULL;
    }
  }
  int cap = 8;
  c->words = amalloc(sizeof(char *) * (size_t)cap);
  for (;;) {
    if (ps->lx.tok == T_WORD || (ps->lx.tok == T_BANG && c->nwords > 0)) {
      if (c->nwords + 1 >= cap) {
        char **nw = amalloc(sizeof(char *) * (size_t)cap * 2);
        memcpy(nw, c->words, sizeof(char *) * (size_t)c->nwords);
        c->words = nw;
        cap *= 2;
      }
      c->words[c->nwords++] = ps->lx.word;
      next(&ps->lx);
    } else if (is_redir(ps->lx.tok)) {
      if (!parse_redir(ps, &rtail)) return NULL;
    } else {
      break;
    }
  }
  c->words[c->nwords] = NULL;
  if (c->nwords == 0 && !c->redirs) {
    if (ps->lx.tok == T_EOF) ps->lx.incomplete = 1;
    fail(ps, "syntax error: missing command");
    return NULL;
  }
  return c;
}

static struct pipeline *parse_pipeline(struct parser *ps) {
  struct pipeline *p = amalloc(sizeof *p);
  p->negate = 0;
  if (ps->lx.tok == T_BANG) {
    p->negate = 1;
    next(&ps->lx);
  }
  int cap = 4;
  p->cmds = amalloc(sizeof(struct command *) * (size_t)cap);
  p->n = 0;
  for (;;) {
    struct command *c = parse_command(ps);
    if (!c) return NULL;
    if (p->n == cap) {
      struct command **nc = amalloc(sizeof(struct command *) * (size_t)cap * 2);
      memcpy(nc, p->cmds, sizeof(struct command *) * (size_t)cap);
      p->cmds = nc;
      cap *= 2;
    }
    p->cmds[p->n++] = c;
    if (ps->lx.tok != T_PIPE) break;
    next(&ps->lx);
    skip_newlines(ps);
  }
  return p;
}

static struct andor *parse_andor(struct parser *ps) {
  struct andor *a = amalloc(sizeof *a);
  memset(a, 0, sizeof *a);
  size_t start = ps->lx.start;
  int cap = 4;
  a->pipes = amalloc(sizeof(struct pipeline *) * (size_t)cap);
  a->ops = amalloc(sizeof(int) * (size_t)cap);
  for (;;) {
    struct pipeline *p = parse_pipeline(ps);
    if (!p) return NULL;
    /* Room for pipes[n] now and ops[n + 1] if an operator follows. */
    if (a->n + 1 >= cap) {
      struct pipeline **np = amalloc(sizeof(struct pipeline *) * (size_t)cap * 2);
      int *no = amalloc(sizeof(int) * (size_t)cap * 2);
      memcpy(np, a->pipes, sizeof(struct pipeline *) * (size_t)cap);
      memcpy(no, a->ops, sizeof(int) * (size_t)cap);
      a->pipes = np;
      a->ops = no;
      cap *= 2;
    }
    a->pipes[a->n++] = p;
    if (ps->lx.tok == T_AND || ps->lx.tok == T_OR) {
      a->ops[a->n] = ps->lx.tok == T_AND ? OP_AND : OP_OR;
      next(&ps->lx);
      skip_newlines(ps);
      continue;
    }
    break;
  }
  size_t end = ps->lx.start;
  while (end > start && isspace((unsigned char)ps->lx.src[end - 1])) end--;
  a->text = astrndup(ps->lx.src + start, end - start);
  return a;
}

static struct andor *parse_list(struct parser *ps, int in_paren, const char *const *terms) {
  struct andor *head = NULL, **tail = &head;
  for (;;) {
    skip_newlines(ps);
    if (ps->lx.tok == T_EOF || ps->lx.tok == T_DSEMI || (in_paren && ps->lx.tok == T_RPAREN) || is_term(ps, terms))
      break;
    struct andor *a = parse_andor(ps);
    if (!a) return NULL;
    *tail = a;
    tail = &a->next;
    if (ps->lx.tok == T_AMP) {
      a->background = 1;
      next(&ps->lx);
    } else if (ps->lx.tok == T_SEMI || ps->lx.tok == T_NL) {
      next(&ps->lx);
    } else if (ps->lx.tok == T_EOF || ps->lx.tok == T_DSEMI || (in_paren && ps->lx.tok == T_RPAREN) ||
               is_term(ps, terms)) {
      break;
    } else {
      fail(ps, "syntax error: unexpected token");
      return NULL;
    }
  }
  return head;
}

enum parse_status parse_line(const char *src, struct andor **out, char **err) {
  struct parser ps;
  memset(&ps, 0, sizeof ps);
  ps.lx.src = src;
  next(&ps.lx);
  struct andor *list = parse_list(&ps, 0, NULL);
  if (ps.lx.incomplete) return PARSE_INCOMPLETE;
  if (!ps.lx.err && ps.lx.tok != T_EOF) ps.lx.err = ps.lx.tok == T_DSEMI ? "syntax error: unexpected ';;'" : "syntax error: unexpected ')'";
  if (ps.lx.err) {
    *err = ps.lx.err;
    return PARSE_ERROR;
  }
  *out = list;
  return PARSE_OK;
}
