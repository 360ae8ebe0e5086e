/* execve PATH [ARG...]: runs PATH with argv = [PATH, ARG...] and the same
 * environment, or prints why not ("execve PATH: error") and exits 127. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: execve PATH [ARG...]\n");
    return 2;
  }
  execve(argv[1], argv + 1, environ);
  printf("execve %s: %s\n", argv[1], strerror(errno));
  return 127;
}
