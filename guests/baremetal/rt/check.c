// Checks and the end of every program: a program prints what it observed
// (the .expected file pins that output) and checks it against the value the
// Arm ARM prescribes, so a failure names the field even without the file.
#include "rt.h"

static unsigned failures;

void check_quiet(const char *what, u64 got, u64 want) {
  if (got != want) {
    printf("FAIL %s: 0x%lx, want 0x%lx\n", what, got, want);
    failures++;
  }
}

void check(const char *what, u64 got, u64 want) {
  printf("%s 0x%lx\n", what, got);
  check_quiet(what, got, want);
}

void fail(const char *what) {
  printf("FAIL %s\n", what);
  failures++;
}

void count_failure(void) { failures++; }

_Noreturn void finish(void) {
  if (failures)
    printf("FAIL %u check(s)\n", failures);
  else
    putstr("ok\n");
  psci_system_off();
}
