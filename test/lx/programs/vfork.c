/* A vfork parent waits for its child to exec or exit, and signals do not
 * cut that wait short (Linux's wait is killable only): the parent goes on
 * after the child is done, then takes the signal. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void on_usr1(int s) { (void)s; got++; }
static volatile int child_done;

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  for (int handler = 0; handler <= 1; handler++) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler ? on_usr1 : SIG_DFL;
    sigaction(handler ? SIGUSR1 : SIGCONT, &sa, NULL);
    got = 0;
    child_done = 0;
    pid_t pid = vfork();
    if (pid == 0) {
      kill(getppid(), handler ? SIGUSR1 : SIGCONT);
      struct timespec ts = {0, 50000000L};
      nanosleep(&ts, NULL);
      child_done = 1;
      _exit(7);
    }
    int done = child_done, st = 0;
    waitpid(pid, &st, 0);
    printf("%s: vfork returned the child %d, after it was done %d, handler ran %d, status %d\n", handler ? "SIGUSR1 with a handler" : "SIGCONT",
           pid > 0, done, (int)got, WEXITSTATUS(st));
  }
  return 0;
}
