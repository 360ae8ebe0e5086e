// Branches of every kind: conditional, compare-and-branch, test-and-branch,
// indirect calls and jump tables, recursion, plus system registers EL0 may
// touch (TPIDR_EL0, FPCR/FPSR, NZCV, CNTVCT/CNTFRQ sanity).
#include "lib.h"

static u64 h = 1469598103934665603ull;
static void mix(u64 v) { h = (h ^ v) * 1099511628211ull; }
static void section(const char *name) { show(name, h); h = 1469598103934665603ull; }

__attribute__((noinline)) static u64 fib(u64 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
__attribute__((noinline)) static u64 f0(u64 x) { return x * 3; }
__attribute__((noinline)) static u64 f1(u64 x) { return x ^ 0x55; }
__attribute__((noinline)) static u64 f2(u64 x) { return x - 7; }
static u64 (*const fns[])(u64) = { f0, f1, f2 };

__attribute__((noinline)) static int sw(int x) {
  switch (x) {
    case 0: return 11; case 1: return 22; case 2: return 35; case 3: return 47; case 4: return 51;
    case 5: return 68; case 6: return 73; case 7: return 89; case 9: return 91; default: return -1;
  }
}

int main(void) {
  mix(fib(OPAQUE(20)));
  for (u64 i = 0; i < 30; i++) mix(fns[i % 3](i));
  for (int i = -2; i < 12; i++) mix((u64)sw(OPAQUE(i)));
  for (u64 v = 0; v < 70; v++) {
    u64 x = OPAQUE(1ull << (v & 63)) | OPAQUE(v), r = 0;
    __asm__ volatile("tbz %1, #63, 1f\n orr %0, %0, #1\n1: tbnz %w1, #5, 2f\n orr %0, %0, #2\n2: cbz %1, 3f\n orr %0, %0, #4\n3: cbnz %w1, 4f\n orr %0, %0, #8\n4:" : "+r"(r) : "r"(x));
    mix(r);
  }
  section("branches");
  u64 t;
  __asm__ volatile("msr tpidr_el0, %0" : : "r"(0x123456789ull));
  __asm__ volatile("mrs %0, tpidr_el0" : "=r"(t)); show("tpidr", t);
  __asm__ volatile("msr fpcr, %0" : : "r"(0x00c00000ull));
  __asm__ volatile("mrs %0, fpcr" : "=r"(t)); show("fpcr", t);
  __asm__ volatile("msr fpcr, xzr");
  __asm__ volatile("msr fpsr, %0" : : "r"(0x0800001full));
  __asm__ volatile("mrs %0, fpsr" : "=r"(t)); show("fpsr", t);
  __asm__ volatile("msr fpsr, xzr");
  u64 c1, c2, f;
  __asm__ volatile("mrs %0, cntvct_el0" : "=r"(c1));
  for (volatile int i = 0; i < 1000; i++) {}
  __asm__ volatile("mrs %0, cntvct_el0" : "=r"(c2));
  __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
  show("cntvct_monotonic", c2 > c1);
  show("cntfrq_nonzero", f != 0);
  __asm__ volatile("nop\n yield\n dmb ish\n dsb sy\n isb\n dmb ishld\n hint #34\n");
  show("hints", 1);
  return 7;
}
