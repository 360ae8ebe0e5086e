/* Shell variables. The table starts as a copy of the environment (all
 * exported); commands receive the exported ones as their environment. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

struct var {
  char *name, *value;
  int exported;
};
static struct var *vars;
static int nvars, capvars;

int is_name(const char *s, size_t n) {
  if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_')) return 0;
  for (size_t i = 1; i < n; i++)
    if (!(isalnum((unsigned char)s[i]) || s[i] == '_')) return 0;
  return 1;
}

static struct var *find(const char *name) {
  for (int i = 0; i < nvars; i++)
    if (strcmp(vars[i].name, name) == 0) return &vars[i];
  return NULL;
}

static char *xstrdup(const char *s) {
  char *d = strdup(s);
  if (!d) {
    fputs("sh: out of memory\n", stderr);
    exit(2);
  }
  return d;
}

void var_set(const char *name, const char *value, int export) {
  struct var *v = find(name);
  if (!v) {
    if (nvars == capvars) {
      capvars = capvars ? capvars * 2 : 32;
      vars = realloc(vars, sizeof *vars * (size_t)capvars);
      if (!vars) exit(2);
    }
    v = &vars[nvars++];
    v->name = xstrdup(name);
    v->value = NULL;
    v->exported = 0;
  }
  if (value) {
    free(v->value);
    v->value = xstrdup(value);
  }
  if (export) v->exported = 1;
}

const char *var_get(const char *name) {
  struct var *v = find(name);
  return v ? v->value : NULL;
}

void var_unset(const char *name) {
  struct var *v = find(name);
  if (!v) return;
  free(v->name);
  free(v->value);
  *v = vars[--nvars];
}

void var_export(const char *name) { var_set(name, NULL, 1); }

void vars_init(char **envp) {
  for (char **e = envp; *e; e++) {
    char *eq = strchr(*e, '=');
    if (!eq) continue;
    char name[256];
    size_t n = (size_t)(eq - *e);
    if (n >= sizeof name) continue;
    memcpy(name, *e, n);
    name[n] = 0;
    var_set(name, eq + 1, 1);
  }
}

/* The environment for a command: exported variables, overridden by the
 * command's own NAME=value prefixes (extra). Allocated in the arena. */
char **vars_environ(char **extra, int nextra) {
  char **env = amalloc(sizeof(char *) * (size_t)(nvars + nextra + 1));
  int n = 0;
  for (int i = 0; i < nvars; i++) {
    if (!vars[i].exported || !vars[i].value) continue;
    int overridden = 0;
    size_t len = strlen(vars[i].name);
    for (int j = 0; j < nextra; j++)
      if (strncmp(extra[j], vars[i].name, len) == 0 && extra[j][len] == '=') overridden = 1;
    if (overridden) continue;
    struct strbuf b = {0};
    sb_puts(&b, vars[i].name);
    sb_putc(&b, '=');
    sb_puts(&b, vars[i].value);
    env[n++] = b.s;
  }
  for (int j = 0; j < nextra; j++) env[n++] = extra[j];
  env[n] = NULL;
  return env;
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const struct var *)a)->name, ((const struct var *)b)->name);
}

void vars_print(int exported_only) {
  qsort(vars, (size_t)nvars, sizeof *vars, by_name);
  for (int i = 0; i < nvars; i++) {
    if (exported_only && !vars[i].exported) continue;
    if (exported_only) printf("export %s", vars[i].name);
    else printf("%s", vars[i].name);
    if (vars[i].value) {
      putchar('=');
      putchar('\'');
      for (const char *p = vars[i].value; *p; p++) {
        if (*p == '\'') fputs("'\\''", stdout);
        else putchar(*p);
      }
      putchar('\'');
    }
    putchar('\n');
  }
}
