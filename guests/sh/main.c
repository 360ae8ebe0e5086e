/* sh: entry point, options, the prompt and the read-eval loop.
 *
 *   sh                  interactive on a terminal, else read commands from stdin
 *   sh FILE [ARGS]      run a script
 *   sh -c CMD [NAME [ARGS]]
 *   sh -i               force interactive mode
 *   sh -l               login shell: first run /etc/profile (also when
 *                       argv[0] starts with '-', as login(1) does)
 * An interactive shell also runs the file named by $ENV, if set.
 * Non-interactive input is read a byte at a time so that commands reading
 * the same stdin see exactly the lines after their own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "sh.h"

static char *read_plain_line(void) {
  size_t cap = 128, n = 0;
  char *s = malloc(cap);
  if (!s) return NULL;
  for (;;) {
    char c;
    ssize_t r = read(0, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (n == 0) {
        free(s);
        return NULL;
      }
      break;
    }
    if (c == '\n') break;
    if (n + 2 > cap) {
      char *ns = realloc(s, cap *= 2);
      if (!ns) break;
      s = ns;
    }
    s[n++] = c;
  }
  s[n] = 0;
  return s;
}

/* PS1 escapes: \u user, \h host, \w cwd (~ for $HOME), \W its last part,
 * \$ '#' for root else '$', \n, \\. */
static char *make_prompt(const char *ps) {
  struct strbuf b = {0};
  sb_puts(&b, "");
  for (const char *p = ps; *p; p++) {
    if (*p != '\\' || !p[1]) {
      sb_putc(&b, *p);
      continue;
    }
    p++;
    char cwd[4096];
    switch (*p) {
    case 'u': sb_puts(&b, getuid() == 0 ? "root" : (var_get("USER") ? var_get("USER") : "user")); break;
    case 'h': {
      struct utsname u;
      if (uname(&u) == 0) sb_putn(&b, u.nodename, strcspn(u.nodename, "."));
      break;
    }
    case 'w':
    case 'W':
      if (getcwd(cwd, sizeof cwd)) {
        const char *home = var_get("HOME");
        size_t hl = home ? strlen(home) : 0;
        if (*p == 'W') {
          const char *last = strrchr(cwd, '/');
          sb_puts(&b, strcmp(cwd, "/") == 0 ? "/" : last + 1);
        } else if (hl > 1 && strncmp(cwd, home, hl) == 0 && (cwd[hl] == '/' || !cwd[hl])) {
          sb_putc(&b, '~');
          sb_puts(&b, cwd + hl);
        } else {
          sb_puts(&b, cwd);
        }
      }
      break;
    case '$': sb_putc(&b, geteuid() == 0 ? '#' : '$'); break;
    case 'n': sb_putc(&b, '\n'); break;
    case 'e': sb_putc(&b, 27); break;
    case '\\': sb_putc(&b, '\\'); break;
    default: sb_putc(&b, '\\'); sb_putc(&b, *p);
    }
  }
  return b.s;
}

static void repl(void) {
  char *src = NULL;
  size_t srclen = 0;
  for (;;) {
    if (!src) {
      jobs_notify();
      fflush(stdout);
    }
    char *line;
    if (interactive) {
      const char *ps = src ? (var_get("PS2") ? var_get("PS2") : "> ")
                           : (var_get("PS1") ? var_get("PS1") : "\\h:\\w\\$ ");
      line = edit_line(make_prompt(ps));
      if (!line && getpid() == 1) continue; /* init must not leave on ^D */
    } else {
      line = read_plain_line();
    }
    if (!line) {
      if (src) {
        fputs("sh: syntax error: unexpected end of input\n", stderr);
        last_status = 2;
      }
      break;
    }
    /* Accumulate lines until they parse as a complete input. */
    size_t n = strlen(line);
    char *ns = realloc(src, srclen + n + 2);
    if (!ns) break;
    src = ns;
    memcpy(src + srclen, line, n);
    srclen += n;
    src[srclen++] = '\n';
    src[srclen] = 0;
    free(line);
    struct andor *list;
    char *err;
    enum parse_status st = parse_line(src, &list, &err);
    if (st == PARSE_INCOMPLETE) continue;
    if (interactive) history_add(src);
    if (st == PARSE_ERROR) {
      fprintf(stderr, "sh: %s\n", err);
      last_status = 2;
    } else {
      run_list(list);
    }
    free(src);
    src = NULL;
    srclen = 0;
    arena_reset();
  }
}

int main(int argc, char **argv) {
  shell_name = argv[0] ? argv[0] : "sh";
  vars_init(environ);
  if (!var_get("PATH")) var_set("PATH", "/bin:/usr/bin", 1);
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd)) var_set("PWD", cwd, 1);
  script_argc = 1;
  script_argv = argv;

  int i = 1, force_interactive = 0, login = shell_name[0] == '-';
  const char *command = NULL;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    }
    if (strcmp(argv[i], "-c") == 0) {
      if (i + 1 >= argc) {
        fputs("sh: -c: option requires an argument\n", stderr);
        return 2;
      }
      command = argv[++i];
    } else if (strcmp(argv[i], "-i") == 0) {
      force_interactive = 1;
    } else if (strcmp(argv[i], "-l") == 0) {
      login = 1;
    } else if (strcmp(argv[i], "-s") == 0) {
    } else {
      fprintf(stderr, "sh: %s: invalid option\nusage: sh [-il] [-c CMD [NAME [ARGS]] | FILE [ARGS]]\n", argv[i]);
      return 2;
    }
  }
  jobs_init();
  if (command) {
    if (i < argc) {
      shell_name = argv[i];
      script_argv = argv + i;
      script_argc = argc - i;
    }
    sh_exit(run_source(command));
  }
  if (i < argc) {
    shell_name = argv[i];
    sh_exit(run_file(argv[i], argc - i, argv + i));
  }
  interactive = force_interactive || (isatty(0) && isatty(2));
  jobs_init();
  if (login && access("/etc/profile", R_OK) == 0) run_file("/etc/profile", 1, argv);
  const char *env_file = interactive ? var_get("ENV") : NULL;
  if (env_file && *env_file && access(env_file, R_OK) == 0) run_file(env_file, 1, argv);
  arena_reset();
  repl();
  if (interactive) fputs("exit\n", stderr);
  sh_exit(last_status);
}
