// From _start to the program: the boot CPU enters here at EL2.
#include "rt.h"

void uart_init(void);

// A program that tests EL1 or EL0 behaviour defines only el1_main; the
// default el2_main runs it at EL1 with the EL2 state start.S set up.
static u64 call_el1_main(u64 arg) {
  (void)arg;
  el1_main();
  return 0;
}

__attribute__((weak)) void el1_main(void) { fail("no el1_main"); }

__attribute__((weak)) void el2_main(void) { run_el1(call_el1_main, 0); }

void rt_main_el2(void) {
  uart_init();
  el2_main();
  finish();
}

unsigned cpu_id(void) { return sysreg_read(mpidr_el1) & 0xff; }

unsigned current_el(void) { return (sysreg_read(CurrentEL) >> 2) & 3; }

void *memset(void *d, int c, size_t n) {
  unsigned char *p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n) {
  unsigned char *p = d;
  const unsigned char *q = s;
  while (n--) *p++ = *q++;
  return d;
}
