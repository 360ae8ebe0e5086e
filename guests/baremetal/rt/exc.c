// Exception dispatch for both vector tables, and the catching hook tests use
// to observe one exception at a time.
#include "rt.h"

exc_hook hook_el1, hook_el2;
struct trap trap_el1, trap_el2;

void rt_resume(u64 *ctx, u64 value) __attribute__((noreturn));
extern u64 rt_ctx_el1[], rt_ctx_el2[];

static u64 ec_of(u64 esr) { return esr >> 26; }

static _Noreturn void unexpected(struct frame *f, int el) {
  printf("FAIL unexpected exception at EL%d: vec 0x%lx esr 0x%lx elr 0x%lx far 0x%lx spsr 0x%lx\n", el, f->vec,
         f->esr, f->elr, f->far, f->spsr);
  finish();
}

void rt_exception_el2(struct frame *f) {
  // run_el1's code at EL1 ends with HVC #RT_EXIT_IMM.
  if (ec_of(f->esr) == EC_HVC64 && (f->esr & 0xffff) == RT_EXIT_IMM) rt_resume(rt_ctx_el2 + cpu_id() * 16, f->x[0]);
  if (hook_el2 && hook_el2(f)) return;
  unexpected(f, 2);
}

void rt_exception_el1(struct frame *f) {
  if (f->vec == 0x400 && ec_of(f->esr) == EC_SVC64 && (f->esr & 0xffff) == RT_EXIT_IMM)
    rt_resume(rt_ctx_el1 + cpu_id() * 16, f->x[0]);
  if (hook_el1 && hook_el1(f)) return;
  unexpected(f, 1);
}

int catch_hook(struct frame *f) {
  struct trap *t = current_el() == 2 ? &trap_el2 : &trap_el1;
  t->taken++;
  t->esr = f->esr;
  t->far = f->far;
  t->elr = f->elr;
  t->spsr = f->spsr;
  t->vec = f->vec;
  switch (ec_of(f->esr)) {
  case EC_SVC64:
  case EC_HVC64:
    break; // the preferred return address is already the next instruction
  case EC_PC_ALIGN:
  case EC_IABT_CUR:
  case EC_IABT_LOW:
    f->elr = f->x[30];
    break;
  default:
    f->elr += 4;
  }
  return 1;
}

void trap_reset(void) {
  memset(&trap_el1, 0, sizeof trap_el1);
  memset(&trap_el2, 0, sizeof trap_el2);
}

void expect_trap(const struct trap *t, const char *name, const void *base, u64 esr, u64 far, u64 elr_off, u64 spsr,
                 u64 vec) {
  if (t->taken != 1) {
    printf("FAIL %s: %d exceptions taken, want 1\n", name, t->taken);
    count_failure();
    return;
  }
  u64 elr = t->elr - (u64)base;
  printf("%s: esr 0x%08lx", name, t->esr);
  // Addresses inside the program are printed relative to the trigger, so
  // that the expected output does not change with the link layout.
  if (far != NOFAR && base && t->far - (u64)base < 0x1000)
    printf(" far +0x%lx", t->far - (u64)base);
  else if (far != NOFAR)
    printf(" far 0x%lx", t->far);
  printf(" elr +0x%lx spsr 0x%lx vec 0x%03lx\n", elr, t->spsr, t->vec);
  check_quiet("esr", t->esr, esr);
  if (far != NOFAR) check_quiet("far", t->far, far);
  check_quiet("elr", elr, elr_off);
  check_quiet("spsr", t->spsr, spsr);
  check_quiet("vec", t->vec, vec);
}
