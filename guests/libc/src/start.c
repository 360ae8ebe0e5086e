/* C side of process start: split the initial stack into argc/argv/envp and
 * the auxiliary vector, then run main and exit with its status. */
#include <stdlib.h>
#include <stdio.h>
#include "libc.h"

char **environ;
unsigned long __auxv_pagesz = 4096;
unsigned long __auxv_hwcap;

int main(int argc, char **argv, char **envp);

#define AT_NULL 0
#define AT_PAGESZ 6
#define AT_HWCAP 16

_Noreturn void __libc_start(long *sp) {
  int argc = (int)sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = argv + argc + 1;
  environ = envp;
  char **p = envp;
  while (*p) p++;
  for (unsigned long *aux = (unsigned long *)(p + 1); aux[0] != AT_NULL; aux += 2) {
    if (aux[0] == AT_PAGESZ) __auxv_pagesz = aux[1];
    else if (aux[0] == AT_HWCAP) __auxv_hwcap = aux[1];
  }
  __progname = argc > 0 && argv[0] ? argv[0] : "";
  exit(main(argc, argv, envp));
}
