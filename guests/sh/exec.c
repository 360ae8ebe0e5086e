/* Running parsed commands: pipelines, redirections, builtins, jobs.
 *
 * Job control follows the POSIX model. An interactive shell puts itself in
 * its own process group and owns the terminal; every pipeline gets a new
 * process group (its first process leads it) and, in the foreground, the
 * terminal, so the line discipline sends ^C (SIGINT) and ^Z (SIGTSTP) to
 * the job and never to the shell. When the job ends or stops, the shell
 * takes the terminal back (and its modes, unless the job exited normally). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "sh.h"

int last_status;
int interactive;
enum control control;
int control_count;
pid_t shell_pgid;
pid_t shell_pid;
pid_t last_bg_pid;
int script_argc;
char **script_argv;
const char *shell_name = "sh";

/* ---- jobs ---- */

#define MAXJOBS 32
#define MAXPROCS 16

struct job {
  int id;
  pid_t pgid;
  int n;
  pid_t pids[MAXPROCS];
  int done[MAXPROCS];
  int status[MAXPROCS];
  int stopped;
  int background;
  char *text;
};
static struct job *jobs[MAXJOBS + 1]; /* indexed by job id, 1..MAXJOBS */

static struct job *job_new(const char *text) {
  for (int id = 1; id <= MAXJOBS; id++) {
    if (jobs[id]) continue;
    struct job *j = calloc(1, sizeof *j);
    if (!j) return NULL;
    j->id = id;
    j->text = strdup(text ? text : "");
    jobs[id] = j;
    return j;
  }
  return NULL;
}

static void job_free(struct job *j) {
  jobs[j->id] = NULL;
  free(j->text);
  free(j);
}

static int job_finished(const struct job *j) {
  for (int i = 0; i < j->n; i++)
    if (!j->done[i]) return 0;
  return 1;
}

static int status_code(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return 0;
}

static void record(pid_t pid, int st) {
  for (int id = 1; id <= MAXJOBS; id++) {
    struct job *j = jobs[id];
    if (!j) continue;
    for (int i = 0; i < j->n; i++) {
      if (j->pids[i] != pid) continue;
      if (WIFSTOPPED(st)) {
        j->stopped = 1;
      } else if (WIFCONTINUED(st)) {
        j->stopped = 0;
      } else {
        j->done[i] = 1;
        j->status[i] = st;
      }
      return;
    }
  }
}

/* Waits until job j has finished or stopped; other children that change
 * state meanwhile are recorded in their own jobs. */
static void wait_job(struct job *j) {
  while (!job_finished(j) && !j->stopped) {
    int st;
    pid_t pid = waitpid(-1, &st, WUNTRACED);
    if (pid < 0) {
      if (errno == EINTR) continue;
      for (int i = 0; i < j->n; i++) j->done[i] = 1; /* ECHILD: nothing left */
      break;
    }
    record(pid, st);
  }
}

void jobs_init(void) {
  shell_pid = getpid();
  if (!interactive) return;
  /* As init (pid 1) we may have no controlling terminal yet: become a
   * session leader and claim the console, so ^C and job control work.
   * Both calls fail harmlessly when they are not needed. */
  if (shell_pid == 1 || tcgetpgrp(0) < 0) {
    setsid();
    ioctl(0, TIOCSCTTY, 0);
  }
  /* Wait until we are in the foreground, then lead our own group. */
  for (;;) {
    pid_t fg = tcgetpgrp(0);
    if (fg < 0 || fg == getpgrp()) break;
    kill(-getpgrp(), SIGTTIN);
  }
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  signal(SIGTSTP, SIG_IGN);
  signal(SIGTTIN, SIG_IGN);
  signal(SIGTTOU, SIG_IGN);
  shell_pgid = getpid();
  if (getpgrp() != shell_pgid && setpgid(0, shell_pgid) < 0) shell_pgid = getpgrp();
  tcsetpgrp(0, shell_pgid);
}

static const char *describe(int st) {
  static char buf[64];
  if (WIFSIGNALED(st)) return strsignal(WTERMSIG(st));
  if (WEXITSTATUS(st)) {
    snprintf(buf, sizeof buf, "Exit %d", WEXITSTATUS(st));
    return buf;
  }
  return "Done";
}

void jobs_notify(void) {
  int st;
  pid_t pid;
  while ((pid = waitpid(-1, &st, WNOHANG | WUNTRACED)) > 0) record(pid, st);
  for (int id = 1; id <= MAXJOBS; id++) {
    struct job *j = jobs[id];
    if (!j || !job_finished(j)) continue;
    if (interactive) fprintf(stderr, "[%d]+  %-22s %s\n", j->id, describe(j->status[j->n - 1]), j->text);
    job_free(j);
  }
}

/* Reports how a foreground job ended, as interactive shells do. */
static void report_signal(int st) {
  if (!WIFSIGNALED(st)) return;
  int sig = WTERMSIG(st);
  if (sig == SIGINT) fputc('\n', stderr);
  else if (sig != SIGPIPE) fprintf(stderr, "%s%s\n", strsignal(sig), WCOREDUMP(st) ? " (core dumped)" : "");
}

/* Runs job j in the foreground until it ends or stops; returns its status. */
static int foreground(struct job *j) {
  if (interactive) tcsetpgrp(0, j->pgid);
  wait_job(j);
  if (interactive) {
    /* As bash does: a job that exited normally may have set the terminal
     * up on purpose (stty), so its modes become the shell's; one that was
     * stopped or killed may have left it raw, so the shell's come back. */
    tcsetpgrp(0, shell_pgid);
    if (j->stopped || WIFSIGNALED(j->status[j->n - 1])) edit_restore();
    else edit_save();
  }
  if (j->stopped) {
    j->background = 1;
    fprintf(stderr, "\n[%d]+  Stopped                %s\n", j->id, j->text);
    return 128 + SIGTSTP;
  }
  int st = j->status[j->n - 1];
  report_signal(st);
  int code = status_code(st);
  job_free(j);
  return code;
}

/* Signals a job: its process group under job control; without job control
 * its processes share the shell's group, so each gets the signal alone. */
static void job_signal(struct job *j, int sig) {
  if (interactive) {
    kill(-j->pgid, sig);
    return;
  }
  for (int i = 0; i < j->n; i++)
    if (!j->done[i]) kill(j->pids[i], sig);
}

static struct job *job_arg(const char *arg, const char *who) {
  int id = 0;
  if (!arg) {
    for (int i = MAXJOBS; i >= 1; i--)
      if (jobs[i]) {
        id = i;
        break;
      }
  } else {
    id = atoi(arg[0] == '%' ? arg + 1 : arg);
  }
  if (id < 1 || id > MAXJOBS || !jobs[id]) {
    fprintf(stderr, "sh: %s: %s: no such job\n", who, arg ? arg : "current");
    return NULL;
  }
  return jobs[id];
}

/* ---- redirections ---- */

struct saved_fd {
  int fd, copy;
};

/* A here-document becomes the read end of a pipe. Small documents fit in
 * the pipe at once; larger ones are written by a child so neither side
 * blocks the other. */
static int heredoc_fd(struct redir *r) {
  const char *text = r->body ? r->body : "";
  if (r->expand_body) text = expand_heredoc(text);
  size_t len = strlen(text);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) return -1;
  if (len <= 4096) {
    if (len && write(fds[1], text, len) < 0) {
      close(fds[0]);
      close(fds[1]);
      return -1;
    }
    close(fds[1]);
    return fds[0];
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    for (size_t off = 0; off < len;) {
      ssize_t w = write(fds[1], text + off, len - off);
      if (w <= 0) _exit(1);
      off += (size_t)w;
    }
    _exit(0);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    return -1;
  }
  return fds[0]; /* the writer is reaped by jobs_notify's waitpid(-1) */
}

static int open_redir(struct redir *r, struct saved_fd *save, int *nsave) {
  char *target = r->op == R_HEREDOC ? NULL : expand_one(r->word);
  int fd;
  if (r->op == R_HEREDOC) {
    fd = heredoc_fd(r);
    if (fd < 0) {
      fprintf(stderr, "sh: here-document: %s\n", strerror(errno));
      return -1;
    }
  } else if (r->op == R_DUPOUT || r->op == R_DUPIN) {
    if (strcmp(target, "-") == 0) {
      fd = -2; /* close */
    } else {
      char *end;
      fd = (int)strtol(target, &end, 10);
      if (*end || end == target) {
        fprintf(stderr, "sh: %s: bad file descriptor\n", target);
        return -1;
      }
    }
  } else {
    int flags = r->op == R_IN ? O_RDONLY
              : r->op == R_OUT ? O_WRONLY | O_CREAT | O_TRUNC
              : r->op == R_APPEND ? O_WRONLY | O_CREAT | O_APPEND
              : O_RDWR | O_CREAT;
    fd = open(target, flags, 0666);
    if (fd < 0) {
      fprintf(stderr, "sh: %s: %s\n", target, strerror(errno));
      return -1;
    }
  }
  if (save) {
    int copy = fcntl(r->fd, F_DUPFD_CLOEXEC, 10);
    save[*nsave].fd = r->fd;
    save[*nsave].copy = copy; /* -1: was closed */
    (*nsave)++;
  }
  if (fd == -2) {
    close(r->fd);
    return 0;
  }
  if (fd != r->fd) {
    if (dup2(fd, r->fd) < 0) {
      fprintf(stderr, "sh: %d: %s\n", fd, strerror(errno));
      if (r->op != R_DUPOUT && r->op != R_DUPIN) close(fd);
      return -1;
    }
    if (r->op != R_DUPOUT && r->op != R_DUPIN) close(fd);
  }
  return 0;
}

#define MAXREDIR 16

static int apply_redirs(struct redir *r, struct saved_fd *save, int *nsave) {
  for (; r; r = r->next) {
    if (save && *nsave >= MAXREDIR) {
      fputs("sh: too many redirections\n", stderr);
      return -1;
    }
    if (open_redir(r, save, nsave) < 0) return -1;
  }
  return 0;
}

static void restore_redirs(struct saved_fd *save, int n) {
  fflush(stdout);
  fflush(stderr);
  while (n-- > 0) {
    if (save[n].copy >= 0) {
      dup2(save[n].copy, save[n].fd);
      close(save[n].copy);
    } else {
      close(save[n].fd);
    }
  }
}

/* ---- running programs ---- */

static int is_elf(const char *path) {
  char magic[4];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, magic, 4);
  close(fd);
  return n == 4 && memcmp(magic, "\177ELF", 4) == 0;
}

/* Finds a command in $PATH; returns NULL if there is none. */
static char *find_in_path(const char *name) {
  if (strchr(name, '/')) return astrdup(name);
  const char *path = var_get("PATH");
  if (!path) path = "/bin:/usr/bin";
  for (const char *p = path;;) {
    const char *end = strchr(p, ':');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    struct strbuf b = {0};
    if (n) sb_putn(&b, p, n);
    else sb_putc(&b, '.');
    sb_putc(&b, '/');
    sb_puts(&b, name);
    struct stat st;
    if (stat(b.s, &st) == 0 && S_ISREG(st.st_mode) && access(b.s, X_OK) == 0) return b.s;
    if (!end) return NULL;
    p = end + 1;
  }
}

static void default_signals(void) {
  int sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE};
  for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) signal(sigs[i], SIG_DFL);
}

_Noreturn static void exec_external(char **argv, char **env) {
  char *path = find_in_path(argv[0]);
  if (!path) {
    fprintf(stderr, "sh: %s: not found\n", argv[0]);
    _exit(127);
  }
  execve(path, argv, env);
  int err = errno;
  if (err == ENOEXEC && !is_elf(path)) {
    /* A script without #!: run it in this (child) shell. */
    int argc = 0;
    while (argv[argc]) argc++;
    environ = env;
    sh_exit(run_file(path, argc, argv));
  }
  fprintf(stderr, "sh: %s: %s\n", argv[0], strerror(err));
  _exit(err == ENOENT ? 127 : 126);
}

/* A command's expanded words: NAME=value prefixes, then the arguments. */
struct expanded {
  char **assigns;
  int nassign;
  char **argv;
  int argc;
};

static void expand_command(struct command *c, struct expanded *e) {
  memset(e, 0, sizeof *e);
  int i = 0;
  e->assigns = amalloc(sizeof(char *) * (size_t)(c->nwords + 1));
  for (; i < c->nwords; i++) {
    char *eq = strchr(c->words[i], '=');
    if (!eq || !is_name(c->words[i], (size_t)(eq - c->words[i]))) break;
    struct strbuf b = {0};
    sb_putn(&b, c->words[i], (size_t)(eq - c->words[i]) + 1);
    sb_puts(&b, expand_one(eq + 1));
    e->assigns[e->nassign++] = b.s;
  }
  e->argv = expand_words(c->words + i, c->nwords - i, &e->argc);
}

typedef int (*builtin_fn)(int argc, char **argv);
static builtin_fn builtin_of(const char *name);

/* ---- functions ---- */

struct function {
  char *name, *text;
};
static struct function *functions;
static int nfunctions;

static struct function *find_function(const char *name) {
  for (int i = 0; i < nfunctions; i++)
    if (strcmp(functions[i].name, name) == 0) return &functions[i];
  return NULL;
}

static void define_function(const char *name, const char *text) {
  struct function *f = find_function(name);
  if (!f) {
    struct function *nf = realloc(functions, sizeof *functions * (size_t)(nfunctions + 1));
    if (!nf) return;
    functions = nf;
    f = &functions[nfunctions++];
    f->name = strdup(name);
    f->text = NULL;
  }
  free(f->text);
  f->text = strdup(text);
}

/* Calls a function: its arguments become $1.., its body is parsed from the
 * saved text (the parse tree of the defining line is long gone). */
static int call_function(struct function *f, int argc, char **argv) {
  int saved_argc = script_argc;
  char **saved_argv = script_argv;
  char *saved0 = argv[0];
  argv[0] = script_argv[0];
  script_argc = argc;
  script_argv = argv;
  char *text = strdup(f->text);
  int st = text ? run_source(text) : 1;
  free(text);
  script_argc = saved_argc;
  script_argv = saved_argv;
  argv[0] = saved0;
  if (control == CTL_RETURN) {
    control = CTL_NONE;
    st = last_status;
  }
  return st;
}

/* After one pass through a loop body: 1 if the loop must stop. */
static int loop_control(void) {
  if (control == CTL_BREAK) {
    if (--control_count <= 0) control = CTL_NONE;
    return 1;
  }
  if (control == CTL_CONTINUE) {
    if (--control_count > 0) return 1; /* continue an outer loop */
    control = CTL_NONE;
    return 0;
  }
  return control == CTL_RETURN;
}

static int run_compound(struct command *c) {
  int st = 0;
  switch (c->kind) {
  case CMD_GROUP:
  case CMD_SUBSHELL: return run_list(c->subshell);
  case CMD_IF:
    if (run_list(c->cond) == 0) {
      if (control != CTL_NONE) return last_status;
      return run_list(c->body);
    }
    if (control != CTL_NONE) return last_status;
    return c->else_part ? run_compound(c->else_part) : 0;
  case CMD_WHILE:
  case CMD_UNTIL: {
    struct arena_mark pass = arena_mark();
    for (;; arena_release(pass)) {
      int cond = run_list(c->cond);
      if (control != CTL_NONE) {
        if (loop_control()) break;
        continue;
      }
      if ((cond == 0) != (c->kind == CMD_WHILE)) break;
      st = run_list(c->body);
      if (loop_control()) break;
    }
    arena_release(pass);
    return st;
  }
  case CMD_FOR: {
    int n;
    char **words;
    if (c->for_all_args) {
      n = script_argc > 1 ? script_argc - 1 : 0;
      words = script_argv + 1;
    } else {
      words = expand_words(c->words, c->nwords, &n);
    }
    struct arena_mark pass = arena_mark();
    for (int i = 0; i < n; i++, arena_release(pass)) {
      var_set(c->name, words[i], 0);
      st = run_list(c->body);
      if (loop_control()) break;
    }
    arena_release(pass);
    return st;
  }
  case CMD_CASE: {
    char *subject = expand_one(c->name);
    for (int i = 0; i < c->nitems; i++) {
      for (int k = 0; k < c->items[i].npatterns; k++) {
        char *mask, *pat = expand_pattern(c->items[i].patterns[k], &mask);
        if (glob_match(pat, mask, subject)) return c->items[i].body ? run_list(c->items[i].body) : 0;
      }
    }
    return 0;
  }
  case CMD_FUNCDEF: define_function(c->name, c->text); return 0;
  case CMD_SIMPLE: break;
  }
  return st;
}

/* Runs command c in a forked child (never returns). */
_Noreturn static void child_command(struct command *c, struct expanded *e) {
  if (c->kind != CMD_SIMPLE) {
    if (apply_redirs(c->redirs, NULL, NULL) < 0) _exit(1);
    interactive = 0;
    sh_exit(run_compound(c));
  }
  if (apply_redirs(c->redirs, NULL, NULL) < 0) _exit(1);
  if (e->argc == 0) _exit(0);
  struct function *f = find_function(e->argv[0]);
  if (f) {
    interactive = 0;
    sh_exit(call_function(f, e->argc, e->argv));
  }
  builtin_fn b = builtin_of(e->argv[0]);
  if (b) {
    interactive = 0;
    sh_exit(b(e->argc, e->argv));
  }
  exec_external(e->argv, vars_environ(e->assigns, e->nassign));
}

/* A builtin or a bare assignment in the shell itself, with redirections
 * saved and restored around it. */
static int run_in_shell(struct command *c, struct expanded *e) {
  struct saved_fd save[MAXREDIR];
  int nsave = 0;
  if (c->kind == CMD_SIMPLE && e->argc == 0) {
    for (int i = 0; i < e->nassign; i++) {
      char *eq = strchr(e->assigns[i], '=');
      *eq = 0;
      var_set(e->assigns[i], eq + 1, 0);
      *eq = '=';
    }
    int r = apply_redirs(c->redirs, save, &nsave);
    restore_redirs(save, nsave);
    return r < 0 ? 1 : last_status;
  }
  if (c->kind == CMD_SIMPLE && strcmp(e->argv[0], "exec") == 0 && e->argc == 1) {
    /* exec with only redirections: they stay. */
    return apply_redirs(c->redirs, NULL, NULL) < 0 ? 1 : 0;
  }
  if (apply_redirs(c->redirs, save, &nsave) < 0) {
    restore_redirs(save, nsave);
    return 1;
  }
  int r;
  struct function *f = c->kind == CMD_SIMPLE ? find_function(e->argv[0]) : NULL;
  if (c->kind != CMD_SIMPLE) r = run_compound(c);
  else if (f) r = call_function(f, e->argc, e->argv);
  else r = builtin_of(e->argv[0])(e->argc, e->argv);
  fflush(stdout);
  restore_redirs(save, nsave);
  return r;
}

static int run_pipeline(struct pipeline *p, int background, const char *text) {
  struct expanded *ex = amalloc(sizeof *ex * (size_t)p->n);
  for (int i = 0; i < p->n; i++) {
    if (p->cmds[i]->kind != CMD_SIMPLE) memset(&ex[i], 0, sizeof ex[i]);
    else expand_command(p->cmds[i], &ex[i]);
  }
  /* In the shell itself: builtins, functions, assignments and compound
   * commands other than ( ), when they are the whole foreground pipeline. */
  struct command *c0 = p->cmds[0];
  if (p->n == 1 && !background && c0->kind != CMD_SUBSHELL &&
      (c0->kind != CMD_SIMPLE || ex[0].argc == 0 || builtin_of(ex[0].argv[0]) || find_function(ex[0].argv[0]))) {
    int r = run_in_shell(p->cmds[0], &ex[0]);
    return p->negate ? !r : r;
  }
  if (p->n > MAXPROCS) {
    fprintf(stderr, "sh: pipeline too long\n");
    return 1;
  }
  struct job *j = job_new(text);
  if (!j) {
    fprintf(stderr, "sh: too many jobs\n");
    return 1;
  }
  j->background = background;
  int prev_read = -1;
  fflush(stdout);
  fflush(stderr);
  for (int i = 0; i < p->n; i++) {
    int fds[2] = {-1, -1};
    if (i < p->n - 1 && pipe2(fds, O_CLOEXEC) < 0) {
      fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
      break;
    }
    pid_t pid = fork();
    if (pid < 0) {
      fprintf(stderr, "sh: fork: %s\n", strerror(errno));
      if (fds[0] >= 0) close(fds[0]), close(fds[1]);
      break;
    }
    if (pid == 0) {
      if (interactive) {
        setpgid(0, j->pgid ? j->pgid : 0);
        if (!background) tcsetpgrp(0, j->pgid ? j->pgid : getpid());
      }
      default_signals();
      if (background && !interactive) {
        /* Without job control, background jobs ignore the keyboard. */
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
      }
      if (prev_read >= 0) dup2(prev_read, 0);
      if (fds[1] >= 0) dup2(fds[1], 1);
      child_command(p->cmds[i], &ex[i]);
    }
    if (interactive) {
      if (!j->pgid) j->pgid = pid;
      setpgid(pid, j->pgid);
    } else if (!j->pgid) {
      j->pgid = getpgrp();
    }
    j->pids[j->n++] = pid;
    if (prev_read >= 0) close(prev_read);
    if (fds[1] >= 0) close(fds[1]);
    prev_read = fds[0];
  }
  if (prev_read >= 0) close(prev_read);
  if (j->n == 0) {
    job_free(j);
    return 1;
  }
  if (background) {
    last_bg_pid = j->pids[j->n - 1];
    if (interactive) fprintf(stderr, "[%d] %d\n", j->id, (int)last_bg_pid);
    return 0;
  }
  int r = foreground(j);
  return p->negate ? !r : r;
}

static int run_andor(struct andor *a) {
  if (a->background && a->n > 1) {
    /* cmd1 && cmd2 & : one background job, a subshell running the list. */
    struct pipeline p;
    struct command c;
    struct andor copy = *a;
    memset(&c, 0, sizeof c);
    copy.background = 0;
    copy.next = NULL;
    c.kind = CMD_SUBSHELL;
    c.subshell = &copy;
    struct command *cmds[1] = {&c};
    p.cmds = cmds;
    p.n = 1;
    p.negate = 0;
    return run_pipeline(&p, 1, a->text);
  }
  int status = 0;
  for (int i = 0; i < a->n && control == CTL_NONE; i++) {
    if (i > 0) {
      if (a->ops[i] == OP_AND && status != 0) continue;
      if (a->ops[i] == OP_OR && status == 0) continue;
    }
    status = run_pipeline(a->pipes[i], a->background, a->text);
    last_status = status;
  }
  return status;
}

int run_list(struct andor *list) {
  for (struct andor *a = list; a && control == CTL_NONE; a = a->next) last_status = run_andor(a);
  return last_status;
}

int run_source(const char *text) {
  struct andor *list;
  char *err;
  enum parse_status st = parse_line(text, &list, &err);
  if (st == PARSE_INCOMPLETE) {
    fprintf(stderr, "sh: syntax error: unexpected end of input\n");
    return last_status = 2;
  }
  if (st == PARSE_ERROR) {
    fprintf(stderr, "sh: %s\n", err);
    return last_status = 2;
  }
  return run_list(list);
}

int run_file(const char *path, int argc, char **argv) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "sh: %s: %s\n", path, strerror(errno));
    return 127;
  }
  struct strbuf b = {0};
  char buf[4096];
  ssize_t r;
  while ((r = read(fd, buf, sizeof buf)) > 0) sb_putn(&b, buf, (size_t)r);
  close(fd);
  int saved_argc = script_argc;
  char **saved_argv = script_argv;
  script_argc = argc;
  script_argv = argv;
  int st = run_source(b.s ? b.s : "");
  script_argc = saved_argc;
  script_argv = saved_argv;
  return st;
}

_Noreturn void sh_exit(int status) {
  fflush(stdout);
  if (interactive) edit_restore();
  exit(status);
}

/* ---- builtins ---- */

static int bi_cd(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : var_get("HOME");
  if (!dir || !*dir) dir = "/";
  int print = 0;
  if (strcmp(dir, "-") == 0) {
    dir = var_get("OLDPWD");
    if (!dir) {
      fputs("sh: cd: OLDPWD not set\n", stderr);
      return 1;
    }
    print = 1;
  }
  if (chdir(dir) < 0) {
    fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
    return 1;
  }
  const char *old = var_get("PWD");
  if (old) var_set("OLDPWD", old, 0);
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd)) {
    var_set("PWD", cwd, 0);
    if (print) printf("%s\n", cwd);
  }
  return 0;
}

static int bi_pwd(int argc, char **argv) {
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) {
    fprintf(stderr, "sh: pwd: %s\n", strerror(errno));
    return 1;
  }
  printf("%s\n", cwd);
  return 0;
}

static int bi_exit(int argc, char **argv) {
  sh_exit(argc > 1 ? atoi(argv[1]) & 0xff : last_status);
}

static int bi_export(int argc, char **argv) {
  if (argc == 1) {
    vars_print(1);
    return 0;
  }
  int r = 0;
  for (int i = 1; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
    if (!is_name(argv[i], n)) {
      fprintf(stderr, "sh: export: %s: not a valid name\n", argv[i]);
      r = 1;
      continue;
    }
    if (eq) {
      *eq = 0;
      var_set(argv[i], eq + 1, 1);
      *eq = '=';
    } else {
      var_export(argv[i]);
    }
  }
  return r;
}

static int bi_unset(int argc, char **argv) {
  for (int i = 1; i < argc; i++) var_unset(argv[i]);
  return 0;
}

static int bi_set(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--") == 0) {
    /* set -- a b c: new positional parameters (kept for the shell's life). */
    char **v = malloc(sizeof(char *) * (size_t)(argc));
    if (!v) return 1;
    v[0] = (char *)shell_name;
    for (int i = 2; i < argc; i++) v[i - 1] = strdup(argv[i]);
    v[argc - 1] = NULL;
    script_argv = v;
    script_argc = argc - 1;
    return 0;
  }
  vars_print(0);
  return 0;
}

static int bi_shift(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1;
  if (n < 0 || n > (script_argc > 0 ? script_argc - 1 : 0)) return 1;
  for (int i = 1; i + n <= script_argc; i++) script_argv[i] = script_argv[i + n];
  script_argc -= n;
  return 0;
}

static int bi_jobs(int argc, char **argv) {
  jobs_notify();
  for (int id = 1; id <= MAXJOBS; id++) {
    struct job *j = jobs[id];
    if (!j) continue;
    printf("[%d]%c  %-22s %s\n", j->id, '+', j->stopped ? "Stopped" : "Running", j->text);
  }
  return 0;
}

static int bi_fg(int argc, char **argv) {
  struct job *j = job_arg(argc > 1 ? argv[1] : NULL, "fg");
  if (!j) return 1;
  /* The terminal first: once the command line shows, ^C reaches the job. */
  if (interactive) tcsetpgrp(0, j->pgid);
  printf("%s\n", j->text);
  fflush(stdout);
  j->background = 0;
  if (j->stopped) job_signal(j, SIGCONT);
  j->stopped = 0;
  return foreground(j);
}

static int bi_bg(int argc, char **argv) {
  struct job *j = job_arg(argc > 1 ? argv[1] : NULL, "bg");
  if (!j) return 1;
  j->background = 1;
  if (j->stopped) job_signal(j, SIGCONT);
  j->stopped = 0;
  printf("[%d]+ %s &\n", j->id, j->text);
  return 0;
}

static int bi_wait(int argc, char **argv) {
  int r = 0;
  if (argc > 1) {
    for (int i = 1; i < argc; i++) {
      struct job *j = NULL;
      if (argv[i][0] == '%') {
        j = job_arg(argv[i], "wait");
      } else {
        pid_t pid = atoi(argv[i]);
        for (int id = 1; id <= MAXJOBS && !j; id++)
          for (int k = 0; jobs[id] && k < jobs[id]->n; k++)
            if (jobs[id]->pids[k] == pid) j = jobs[id];
        if (!j) {
          r = 127;
          continue;
        }
      }
      if (!j) return 127;
      wait_job(j);
      r = status_code(j->status[j->n - 1]);
      if (job_finished(j)) job_free(j);
    }
    return r;
  }
  for (int id = 1; id <= MAXJOBS; id++) {
    struct job *j = jobs[id];
    if (!j || j->stopped) continue;
    wait_job(j);
    if (job_finished(j)) job_free(j);
  }
  return 0;
}

static int bi_true(int argc, char **argv) { return 0; }
static int bi_false(int argc, char **argv) { return 1; }

static int bi_echo(int argc, char **argv) {
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

static int bi_source(int argc, char **argv) {
  if (argc < 2) {
    fputs("sh: .: filename argument required\n", stderr);
    return 2;
  }
  char *path = strchr(argv[1], '/') ? argv[1] : find_in_path(argv[1]);
  if (!path) path = argv[1];
  return run_file(path, argc - 1, argv + 1);
}

static int bi_exec(int argc, char **argv) {
  if (argc < 2) return 0;
  if (interactive) edit_restore();
  default_signals();
  exec_external(argv + 1, vars_environ(NULL, 0));
}

static int bi_type(int argc, char **argv) {
  int r = 0;
  for (int i = 1; i < argc; i++) {
    if (builtin_of(argv[i])) {
      printf("%s is a shell builtin\n", argv[i]);
      continue;
    }
    char *p = find_in_path(argv[i]);
    if (p && access(p, X_OK) == 0) printf("%s is %s\n", argv[i], p);
    else {
      fprintf(stderr, "sh: type: %s: not found\n", argv[i]);
      r = 1;
    }
  }
  return r;
}

static int bi_read(int argc, char **argv) {
  int i = 1, raw = 0;
  if (i < argc && strcmp(argv[i], "-r") == 0) raw = 1, i++;
  struct strbuf b = {0};
  sb_puts(&b, "");
  char c;
  int got = 0;
  for (;;) {
    ssize_t r = read(0, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got = 1;
    if (c == '\n') break;
    if (c == '\\' && !raw) {
      if (read(0, &c, 1) == 1 && c != '\n') sb_putc(&b, c);
      continue;
    }
    sb_putc(&b, c);
  }
  /* Split into the names; the last one takes the rest of the line. */
  char *p = b.s;
  if (i == argc) {
    var_set("REPLY", p, 0);
  }
  for (; i < argc; i++) {
    while (*p == ' ' || *p == '\t') p++;
    char *end = p;
    if (i < argc - 1) {
      while (*end && *end != ' ' && *end != '\t') end++;
    } else {
      end = p + strlen(p);
      while (end > p && (end[-1] == ' ' || end[-1] == '\t')) end--;
    }
    char saved = *end;
    *end = 0;
    var_set(argv[i], p, 0);
    *end = saved;
    p = *end ? end + 1 : end;
  }
  return got ? 0 : 1;
}

static int bi_kill(int argc, char **argv) {
  int sig = SIGTERM, i = 1, r = 0;
  if (i < argc && argv[i][0] == '-' && argv[i][1]) {
    if (strcmp(argv[i], "-l") == 0) {
      for (int s = 1; s < 32; s++) printf("%s%c", sig_name(s), s % 8 == 0 || s == 31 ? '\n' : ' ');
      return 0;
    }
    const char *name = argv[i] + 1;
    if (strcmp(name, "s") == 0 && i + 1 < argc) name = argv[++i];
    sig = sig_from_name(name);
    if (!sig && strcmp(name, "0") != 0) {
      fprintf(stderr, "sh: kill: %s: invalid signal\n", name);
      return 1;
    }
    i++;
  }
  if (i == argc) {
    fputs("usage: kill [-SIGNAL] PID|%JOB...\n", stderr);
    return 2;
  }
  for (; i < argc; i++) {
    pid_t target;
    if (argv[i][0] == '%') {
      struct job *j = job_arg(argv[i], "kill");
      if (!j) {
        r = 1;
        continue;
      }
      if (sig == SIGKILL || sig == SIGTERM) job_signal(j, SIGCONT);
      job_signal(j, sig);
      continue;
    } else {
      char *end;
      target = (pid_t)strtol(argv[i], &end, 10);
      if (*end || end == argv[i]) {
        fprintf(stderr, "sh: kill: %s: arguments must be process or job IDs\n", argv[i]);
        r = 1;
        continue;
      }
    }
    if (kill(target, sig) < 0) {
      fprintf(stderr, "sh: kill: (%s) - %s\n", argv[i], strerror(errno));
      r = 1;
    }
  }
  return r;
}

/* test / [ : file tests, string and integer comparisons, ! -a -o. */
static int test_unary(const char *op, const char *arg) {
  struct stat st;
  switch (op[1]) {
  case 'n': return *arg != 0;
  case 'z': return *arg == 0;
  case 'e': return stat(arg, &st) == 0;
  case 'f': return stat(arg, &st) == 0 && S_ISREG(st.st_mode);
  case 'd': return stat(arg, &st) == 0 && S_ISDIR(st.st_mode);
  case 'h':
  case 'L': return lstat(arg, &st) == 0 && S_ISLNK(st.st_mode);
  case 'p': return stat(arg, &st) == 0 && S_ISFIFO(st.st_mode);
  case 'c': return stat(arg, &st) == 0 && S_ISCHR(st.st_mode);
  case 's': return stat(arg, &st) == 0 && st.st_size > 0;
  case 'r': return access(arg, R_OK) == 0;
  case 'w': return access(arg, W_OK) == 0;
  case 'x': return access(arg, X_OK) == 0;
  case 't': return isatty(atoi(arg));
  }
  return -1;
}

static int test_binary(const char *a, const char *op, const char *b) {
  if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0) return strcmp(a, b) == 0;
  if (strcmp(op, "!=") == 0) return strcmp(a, b) != 0;
  if (strcmp(op, "<") == 0) return strcmp(a, b) < 0;
  if (strcmp(op, ">") == 0) return strcmp(a, b) > 0;
  long x = strtol(a, NULL, 10), y = strtol(b, NULL, 10);
  if (strcmp(op, "-eq") == 0) return x == y;
  if (strcmp(op, "-ne") == 0) return x != y;
  if (strcmp(op, "-lt") == 0) return x < y;
  if (strcmp(op, "-le") == 0) return x <= y;
  if (strcmp(op, "-gt") == 0) return x > y;
  if (strcmp(op, "-ge") == 0) return x >= y;
  return -1;
}

/* One primary: [!] ( UNARY ARG | ARG BINOP ARG | ARG ); *i advances. */
static int test_primary(int argc, char **argv, int *i) {
  if (*i < argc && strcmp(argv[*i], "!") == 0) {
    (*i)++;
    int r = test_primary(argc, argv, i);
    return r < 0 ? r : !r;
  }
  if (*i >= argc) return 0;
  if (*i + 2 <= argc - 1) {
    int r = test_binary(argv[*i], argv[*i + 1], argv[*i + 2]);
    if (r >= 0) {
      *i += 3;
      return r;
    }
  }
  if (argv[*i][0] == '-' && argv[*i][1] && !argv[*i][2] && *i + 1 < argc) {
    int r = test_unary(argv[*i], argv[*i + 1]);
    if (r >= 0) {
      *i += 2;
      return r;
    }
  }
  return *argv[(*i)++] != 0;
}

static int bi_test(int argc, char **argv) {
  if (strcmp(argv[0], "[") == 0) {
    if (strcmp(argv[argc - 1], "]") != 0) {
      fputs("sh: [: missing ]\n", stderr);
      return 2;
    }
    argc--;
  }
  int i = 1;
  int r = test_primary(argc, argv, &i);
  while (i < argc && r >= 0) {
    const char *op = argv[i++];
    int rhs = test_primary(argc, argv, &i);
    if (strcmp(op, "-a") == 0) r = r && rhs;
    else if (strcmp(op, "-o") == 0) r = r || rhs;
    else {
      fprintf(stderr, "sh: test: %s: unexpected operator\n", op);
      return 2;
    }
  }
  return r > 0 ? 0 : 1;
}

static int loop_depth_arg(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1;
  return n < 1 ? 1 : n;
}

static int bi_break(int argc, char **argv) {
  control = CTL_BREAK;
  control_count = loop_depth_arg(argc, argv);
  return 0;
}

static int bi_continue(int argc, char **argv) {
  control = CTL_CONTINUE;
  control_count = loop_depth_arg(argc, argv);
  return 0;
}

static int bi_return(int argc, char **argv) {
  control = CTL_RETURN;
  return last_status = argc > 1 ? atoi(argv[1]) & 0xff : last_status;
}

static int bi_history(int argc, char **argv) {
  history_print();
  return 0;
}

static int bi_help(int argc, char **argv);

static const struct {
  const char *name;
  builtin_fn fn;
  const char *help;
} builtins[] = {
  {".", bi_source, ". FILE [ARGS]      run FILE in this shell"},
  {"[", bi_test, "[ EXPR ]           same as test"},
  {":", bi_true, ":                  do nothing, successfully"},
  {"bg", bi_bg, "bg [%N]            continue a stopped job in the background"},
  {"break", bi_break, "break [N]          leave N enclosing loops"},
  {"cd", bi_cd, "cd [DIR|-]         change directory (default $HOME)"},
  {"continue", bi_continue, "continue [N]       next iteration of the Nth enclosing loop"},
  {"echo", bi_echo, "echo [-neE] ARGS   print arguments"},
  {"exec", bi_exec, "exec CMD [ARGS]    replace the shell with CMD; with only redirections, keep them"},
  {"exit", bi_exit, "exit [N]           leave the shell with status N (default $?)"},
  {"export", bi_export, "export [NAME[=V]]  export variables to commands' environments"},
  {"false", bi_false, "false              fail"},
  {"fg", bi_fg, "fg [%N]            bring a job to the foreground"},
  {"help", bi_help, "help               this text"},
  {"history", bi_history, "history            list the command history"},
  {"jobs", bi_jobs, "jobs               list jobs"},
  {"kill", bi_kill, "kill [-SIG] PID|%N send a signal (also to jobs); -l lists signals"},
  {"pwd", bi_pwd, "pwd                print the working directory"},
  {"read", bi_read, "read [-r] NAME... read a line into variables"},
  {"return", bi_return, "return [N]         leave a function with status N"},
  {"set", bi_set, "set [-- ARGS]      list variables, or set $1 $2 ..."},
  {"shift", bi_shift, "shift [N]          drop the first N positional parameters"},
  {"source", bi_source, "source FILE        same as ."},
  {"test", bi_test, "test EXPR          -e -f -d -L -s -r -w -x -n -z FILE|STR, = != < >, -eq -ne -lt -le -gt -ge, ! -a -o"},
  {"true", bi_true, "true               succeed"},
  {"type", bi_type, "type NAME...       tell whether NAME is a builtin or where it is"},
  {"unset", bi_unset, "unset NAME...      remove variables"},
  {"wait", bi_wait, "wait [PID|%N]      wait for background jobs"},
};
#define NBUILTINS ((int)(sizeof builtins / sizeof *builtins))

static int bi_help(int argc, char **argv) {
  printf("sh, the l4lab guest shell. Builtins:\n");
  for (int i = 0; i < NBUILTINS; i++) printf("  %s\n", builtins[i].help);
  printf("Syntax: cmd | cmd, ;, &&, ||, &, ( list ), { list; }, if/then/elif/else/fi, while/until/do/done,\n"
         "for NAME in WORDS; do ...; done, case W in P|P) ...;; esac, NAME() { ...; }, < > >> 2> 2>&1 <>, 'quotes', \"quotes\", \\,\n"
         "$VAR ${VAR:-default} $? $$ $! $# $1.. $@ $(cmd) $((arith)), * ? [..] globs, # comments.\n"
         "Keys: arrows, Home/End, ^A ^E ^B ^F ^K ^U ^W ^L, Tab completes, Up/Down history.\n");
  return 0;
}

static builtin_fn builtin_of(const char *name) {
  for (int i = 0; i < NBUILTINS; i++)
    if (strcmp(builtins[i].name, name) == 0) return builtins[i].fn;
  return NULL;
}

int find_builtin(const char *name) { return builtin_of(name) != NULL; }
const char *builtin_name(int i) { return i < NBUILTINS ? builtins[i].name : NULL; }
