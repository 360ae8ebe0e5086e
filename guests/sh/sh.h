/* sh: the l4lab guest shell. Shared declarations.
 *
 * A line of input is lexed into tokens that keep their quotes, parsed into
 * lists of and-or lists of pipelines of commands, and run; words are
 * expanded (variables, ~, field splitting, quote removal, globbing) only
 * when their command runs, so `a=1; echo $a` works on one line. Everything
 * a line allocates comes from an arena that is reset after the line ran;
 * loops release what each pass allocated, so a long loop runs in constant
 * memory (everything that outlives a pass — variables, jobs, functions,
 * `set --` — is malloc'd). */
#ifndef SH_H
#define SH_H
#include <stddef.h>
#include <sys/types.h>

/* ---- arena (arena.c) ---- */
void *amalloc(size_t n);
char *astrdup(const char *s);
char *astrndup(const char *s, size_t n);
void arena_reset(void);
struct arena_mark {
  void *block;
  size_t used;
};
struct arena_mark arena_mark(void);
void arena_release(struct arena_mark m);

/* ---- string builder ---- */
struct strbuf {
  char *s;
  size_t len, cap;
};
void sb_putc(struct strbuf *b, char c);
void sb_puts(struct strbuf *b, const char *s);
void sb_putn(struct strbuf *b, const char *s, size_t n);

/* ---- parse tree (parse.c) ---- */
enum redir_op { R_IN, R_OUT, R_APPEND, R_DUPOUT, R_DUPIN, R_RDWR, R_HEREDOC };
struct redir {
  int fd;
  enum redir_op op;
  char *word;      /* target; for R_HEREDOC the delimiter as written */
  char *body;      /* R_HEREDOC: the document's lines */
  int expand_body; /* R_HEREDOC: delimiter unquoted, so $ and ` expand */
  int strip_tabs;  /* <<- */
  struct redir *next;
};

struct andor;
enum cmd_kind { CMD_SIMPLE, CMD_SUBSHELL, CMD_GROUP, CMD_IF, CMD_WHILE, CMD_UNTIL, CMD_FOR, CMD_CASE, CMD_FUNCDEF };
struct case_item {
  char **patterns;
  int npatterns;
  struct andor *body; /* may be NULL: an empty branch */
};
struct command {
  enum cmd_kind kind;
  char **words; /* SIMPLE: raw words, leading NAME=value ones are assignments;
                   FOR: the words after `in` */
  int nwords;
  int for_all_args; /* FOR without `in`: loop over "$@" */
  struct redir *redirs;
  struct andor *subshell;  /* SUBSHELL ( list ) run in a child, GROUP { list; } */
  struct andor *cond;      /* IF, WHILE, UNTIL */
  struct andor *body;      /* IF then-part, loop bodies */
  struct command *else_part; /* IF: an elif (another IF) or a GROUP for else */
  char *name;              /* FOR variable, FUNCDEF name, CASE subject word */
  struct case_item *items; /* CASE */
  int nitems;
  char *text;              /* FUNCDEF: source text of the body, parsed per call */
};

struct pipeline {
  struct command **cmds;
  int n;
  int negate;
};

enum { OP_AND = 1, OP_OR = 2 };
struct andor {
  struct pipeline **pipes;
  int *ops; /* ops[i] joins pipes[i-1] and pipes[i] */
  int n;
  int background;
  char *text; /* source text, for `jobs` */
  struct andor *next;
};

enum parse_status { PARSE_OK, PARSE_INCOMPLETE, PARSE_ERROR };
enum parse_status parse_line(const char *src, struct andor **out, char **err);

/* ---- variables (vars.c) ---- */
void vars_init(char **envp);
const char *var_get(const char *name);
void var_set(const char *name, const char *value, int export);
void var_unset(const char *name);
void var_export(const char *name);
char **vars_environ(char **extra, int nextra);
void vars_print(int exported_only);
int is_name(const char *s, size_t n);

/* ---- expansion (expand.c) ---- */
char **expand_words(char **words, int n, int *count);
char *expand_one(const char *word);
char *expand_pattern(const char *word, char **mask);
char *expand_heredoc(const char *body);
int glob_match(const char *pat, const char *qmask, const char *s);

/* ---- execution (exec.c) ---- */
extern int last_status;
extern int interactive;
extern pid_t shell_pgid;
extern pid_t shell_pid;
extern pid_t last_bg_pid;
extern int script_argc;
extern char **script_argv;
extern const char *shell_name;
int run_list(struct andor *list);
int run_source(const char *text);
int run_file(const char *path, int argc, char **argv);
void jobs_notify(void);
void jobs_init(void);
int find_builtin(const char *name);
/* break / continue / return in progress (set by the builtins, consumed by
 * loops and function calls). */
enum control { CTL_NONE, CTL_BREAK, CTL_CONTINUE, CTL_RETURN };
extern enum control control;
extern int control_count;
const char *builtin_name(int i);
_Noreturn void sh_exit(int status);

/* ---- line editing (edit.c) ---- */
char *edit_line(const char *prompt);
void history_add(const char *line);
void history_print(void);
void edit_restore(void);
void edit_save(void);

#endif
