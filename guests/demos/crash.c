/* crash: store through a wild pointer and die of SIGSEGV. */
#include <stdio.h>

int main(void) {
  puts("crash: writing to address 0xdead0000");
  fflush(stdout);
  volatile int *wild = (volatile int *)0xdead0000ul;
  *wild = 42;
  puts("crash: still alive?");
  return 1;
}
