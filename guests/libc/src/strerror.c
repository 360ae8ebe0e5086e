/* Messages for errno values and signal names/descriptions. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "libc.h"

static const char *const messages[] = {
  [0] = "Success",
  [EPERM] = "Operation not permitted",
  [ENOENT] = "No such file or directory",
  [ESRCH] = "No such process",
  [EINTR] = "Interrupted system call",
  [EIO] = "Input/output error",
  [ENXIO] = "No such device or address",
  [E2BIG] = "Argument list too long",
  [ENOEXEC] = "Exec format error",
  [EBADF] = "Bad file descriptor",
  [ECHILD] = "No child processes",
  [EAGAIN] = "Resource temporarily unavailable",
  [ENOMEM] = "Cannot allocate memory",
  [EACCES] = "Permission denied",
  [EFAULT] = "Bad address",
  [EBUSY] = "Device or resource busy",
  [EEXIST] = "File exists",
  [EXDEV] = "Invalid cross-device link",
  [ENODEV] = "No such device",
  [ENOTDIR] = "Not a directory",
  [EISDIR] = "Is a directory",
  [EINVAL] = "Invalid argument",
  [ENFILE] = "Too many open files in system",
  [EMFILE] = "Too many open files",
  [ENOTTY] = "Inappropriate ioctl for device",
  [ETXTBSY] = "Text file busy",
  [EFBIG] = "File too large",
  [ENOSPC] = "No space left on device",
  [ESPIPE] = "Illegal seek",
  [EROFS] = "Read-only file system",
  [EMLINK] = "Too many links",
  [EPIPE] = "Broken pipe",
  [EDOM] = "Numerical argument out of domain",
  [ERANGE] = "Numerical result out of range",
  [EDEADLK] = "Resource deadlock avoided",
  [ENAMETOOLONG] = "File name too long",
  [ENOLCK] = "No locks available",
  [ENOSYS] = "Function not implemented",
  [ENOTEMPTY] = "Directory not empty",
  [ELOOP] = "Too many levels of symbolic links",
  [ENOTSUP] = "Operation not supported",
  [ETIMEDOUT] = "Connection timed out",
};

char *strerror(int err) {
  static char unknown[32];
  if (err >= 0 && err < (int)(sizeof messages / sizeof *messages) && messages[err]) return (char *)messages[err];
  snprintf(unknown, sizeof unknown, "Unknown error %d", err);
  return unknown;
}

void perror(const char *msg) {
  if (msg && *msg) dprintf(2, "%s: %s\n", msg, strerror(errno));
  else dprintf(2, "%s\n", strerror(errno));
}

static const char *const sig_names[32] = {
  [SIGHUP] = "HUP",   [SIGINT] = "INT",       [SIGQUIT] = "QUIT", [SIGILL] = "ILL",   [SIGTRAP] = "TRAP",
  [SIGABRT] = "ABRT", [SIGBUS] = "BUS",       [SIGFPE] = "FPE",   [SIGKILL] = "KILL", [SIGUSR1] = "USR1",
  [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",     [SIGPIPE] = "PIPE", [SIGALRM] = "ALRM", [SIGTERM] = "TERM",
  [SIGSTKFLT] = "STKFLT", [SIGCHLD] = "CHLD", [SIGCONT] = "CONT", [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
  [SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU",     [SIGURG] = "URG",   [SIGXCPU] = "XCPU", [SIGXFSZ] = "XFSZ",
  [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH", [SIGIO] = "IO",   [SIGPWR] = "PWR",
  [SIGSYS] = "SYS",
};

static const char *const sig_text[32] = {
  [SIGHUP] = "Hangup",          [SIGINT] = "Interrupt",        [SIGQUIT] = "Quit",
  [SIGILL] = "Illegal instruction", [SIGTRAP] = "Trace/breakpoint trap", [SIGABRT] = "Aborted",
  [SIGBUS] = "Bus error",       [SIGFPE] = "Floating point exception", [SIGKILL] = "Killed",
  [SIGUSR1] = "User defined signal 1", [SIGSEGV] = "Segmentation fault", [SIGUSR2] = "User defined signal 2",
  [SIGPIPE] = "Broken pipe",    [SIGALRM] = "Alarm clock",     [SIGTERM] = "Terminated",
  [SIGSTKFLT] = "Stack fault",  [SIGCHLD] = "Child exited",    [SIGCONT] = "Continued",
  [SIGSTOP] = "Stopped (signal)", [SIGTSTP] = "Stopped",       [SIGTTIN] = "Stopped (tty input)",
  [SIGTTOU] = "Stopped (tty output)", [SIGURG] = "Urgent I/O condition", [SIGXCPU] = "CPU time limit exceeded",
  [SIGXFSZ] = "File size limit exceeded", [SIGVTALRM] = "Virtual timer expired", [SIGPROF] = "Profiling timer expired",
  [SIGWINCH] = "Window changed", [SIGIO] = "I/O possible",     [SIGPWR] = "Power failure",
  [SIGSYS] = "Bad system call",
};

const char *sig_name(int sig) { return sig > 0 && sig < 32 ? sig_names[sig] : NULL; }

const char *strsignal(int sig) {
  static char unknown[32];
  if (sig > 0 && sig < 32) return sig_text[sig];
  snprintf(unknown, sizeof unknown, "Real-time signal %d", sig);
  return unknown;
}

/* "TERM", "SIGTERM" or "15" -> 15; 0 if unknown. */
int sig_from_name(const char *name) {
  if (name[0] >= '0' && name[0] <= '9') {
    int n = 0;
    for (const char *p = name; *p; p++) {
      if (*p < '0' || *p > '9') return 0;
      n = n * 10 + (*p - '0');
      if (n >= NSIG) return 0;
    }
    return n;
  }
  if (strncmp(name, "SIG", 3) == 0) name += 3;
  for (int i = 1; i < 32; i++)
    if (strcasecmp(name, sig_names[i]) == 0) return i;
  return 0;
}
