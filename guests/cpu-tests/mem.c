// Loads and stores: every size and sign extension, unaligned and
// page-crossing accesses, pre/post-index, register offsets with extends,
// pairs, literals, exclusives (success, failure, clearing), acquire/release,
// DC ZVA and prefetch.
#include "lib.h"

static u8 buf[3 * 4096] __attribute__((aligned(4096)));
static u64 h = 1469598103934665603ull;
static void mix(u64 v) { h = (h ^ v) * 1099511628211ull; }
static void section(const char *name) { show(name, h); h = 1469598103934665603ull; }
static const u64 lit64 = 0x1122334455667788ull;

int main(void) {
  for (unsigned i = 0; i < sizeof buf; i++) buf[i] = (u8)(i * 7 + (i >> 8) * 13 + 1);
  u8 *p = OPAQUE((u8 *)buf);
  // every load form at aligned, unaligned and page-crossing offsets
  static const unsigned offs[] = { 0, 1, 3, 7, 8, 15, 4093, 4094, 4095, 4096, 8190 };
  for (unsigned k = 0; k < sizeof offs / sizeof offs[0]; k++) {
    u8 *q = p + offs[k];
    u64 r;
    __asm__ volatile("ldrb %w0, [%1]" : "=r"(r) : "r"(q)); mix(r);
    __asm__ volatile("ldrsb %0, [%1]" : "=r"(r) : "r"(q)); mix(r);
    __asm__ volatile("ldrsb %w0, [%1]" : "=r"(r) : "r"(q)); mix(r);
    __asm__ volatile("ldrh %w0, [%1]" : "=r"(r) : "r"(q)); mix(r);
    __asm__ volatile("ldrsh %0, [%1]" : "=r"(r) : "r"(q)); mix(r);
    __asm__ volatile("ldrsh %w0, [%1]" : "=r"(r) : "r"(q)); mix(r);
    __asm__ volatile("ldr %w0, [%1]" : "=r"(r) : "r"(q)); mix(r);
    __asm__ volatile("ldrsw %0, [%1]" : "=r"(r) : "r"(q)); mix(r);
    __asm__ volatile("ldr %0, [%1]" : "=r"(r) : "r"(q)); mix(r);
    __asm__ volatile("ldur %0, [%1, #-1]" : "=r"(r) : "r"(q + 1)); mix(r);
    __asm__ volatile("ldursh %w0, [%1, #255]" : "=r"(r) : "r"(q - 255)); mix(r);
    u64 a, b;
    __asm__ volatile("ldp %0, %1, [%2]" : "=&r"(a), "=&r"(b) : "r"(q)); mix(a); mix(b);
    __asm__ volatile("ldp %w0, %w1, [%2, #-8]" : "=&r"(a), "=&r"(b) : "r"(q + 8)); mix(a); mix(b);
    __asm__ volatile("ldpsw %0, %1, [%2, #4]" : "=&r"(a), "=&r"(b) : "r"(q - 4)); mix(a); mix(b);
  }
  section("loads");
  // register offsets with extends
  for (i64 idx = -3; idx < 4; idx++) {
    u64 r;
    u8 *q = p + 64;
    __asm__ volatile("ldr %0, [%1, %2, lsl #3]" : "=r"(r) : "r"(q), "r"(idx)); mix(r);
    __asm__ volatile("ldr %w0, [%1, %w2, sxtw #2]" : "=r"(r) : "r"(q), "r"(idx)); mix(r);
    __asm__ volatile("ldrh %w0, [%1, %w2, sxtw]" : "=r"(r) : "r"(q), "r"(idx)); mix(r);
    __asm__ volatile("ldrb %w0, [%1, %2]" : "=r"(r) : "r"(q), "r"(idx)); mix(r);
    __asm__ volatile("ldrsb %0, [%1, %2, sxtx]" : "=r"(r) : "r"(q), "r"(idx)); mix(r);
    __asm__ volatile("ldr %w0, [%1, %w2, uxtw #2]" : "=r"(r) : "r"(q), "r"(idx & 3)); mix(r);
  }
  section("regoffset");
  // pre/post-index write-back
  {
    u8 *q = p + 100; u64 r;
    __asm__ volatile("ldr %0, [%1, #8]!" : "=r"(r), "+r"(q)); mix(r); mix((u64)(q - p));
    __asm__ volatile("ldr %0, [%1], #-24" : "=r"(r), "+r"(q)); mix(r); mix((u64)(q - p));
    __asm__ volatile("ldrb %w0, [%1], #1" : "=r"(r), "+r"(q)); mix(r); mix((u64)(q - p));
    __asm__ volatile("str %2, [%0, #-16]!" : "+r"(q) : "r"(q), "r"(0xabcdefull)); mix((u64)(q - p));
    __asm__ volatile("strh %w1, [%0], #3" : "+r"(q) : "r"(0x1234)); mix((u64)(q - p));
    u64 a = 0x1111, b = 0x2222;
    __asm__ volatile("stp %1, %2, [%0, #-32]!" : "+r"(q) : "r"(a), "r"(b)); mix((u64)(q - p));
    __asm__ volatile("ldp %1, %2, [%0], #16" : "+r"(q), "=&r"(a), "=&r"(b)); mix(a); mix(b); mix((u64)(q - p));
    __asm__ volatile("stp %w1, %w2, [%0], #8" : "+r"(q) : "r"(a), "r"(b)); mix((u64)(q - p));
  }
  // stores of every size at odd offsets, then checksum the buffer
  for (unsigned k = 0; k < sizeof offs / sizeof offs[0]; k++) {
    u8 *q = p + offs[k] + 17;
    __asm__ volatile("strb %w1, [%0]\n strh %w1, [%0, #2]\n str %w1, [%0, #5]\n str %1, [%0, #11]\n stur %1, [%0, #-9]" : : "r"(q), "r"(0xf1e2d3c4b5a69788ull + k) : "memory");
  }
  for (unsigned i = 0; i < sizeof buf; i += 8) mix(*(u64 *)(p + i));
  section("stores");
  // literal loads
  { u64 r; __asm__ volatile("ldr %0, 1f\n b 2f\n .p2align 3\n1: .quad 0x8877665544332211\n2:" : "=r"(r)); mix(r); }
  { u64 r; __asm__ volatile("ldrsw %0, 1f\n b 2f\n 1: .word 0x80000001\n2:" : "=r"(r)); mix(r); }
  { u64 r; __asm__ volatile("ldr %w0, 1f\n b 2f\n 1: .word 0x80000001\n2:" : "=r"(r)); mix(r); }
  { __asm__ volatile("prfm pldl1keep, [%0]\n prfm pstl2strm, [%0, #64]\n prfum pldl1keep, [%0, #3]\n prfm pldl1keep, 1f\n 1:" : : "r"(p)); }
  mix(*(volatile const u64 *)&lit64);
  section("literal");
  // exclusives
  {
    u64 *w = (u64 *)(p + 256);
    u64 v, st;
    __asm__ volatile("ldxr %0, [%2]\n add %0, %0, #1\n stxr %w1, %0, [%2]" : "=&r"(v), "=&r"(st) : "r"(w) : "memory");
    show("stxr_ok", st); mix(*w);
    __asm__ volatile("ldxr %0, [%2]\n clrex\n stxr %w1, %0, [%2]" : "=&r"(v), "=&r"(st) : "r"(w) : "memory");
    show("stxr_after_clrex", st);
    __asm__ volatile("ldaxr %0, [%2]\n stlxr %w1, %0, [%2, #0]\n stxr %w1, %0, [%2]" : "=&r"(v), "=&r"(st) : "r"(w) : "memory");
    show("stxr_second", st);
    __asm__ volatile("ldxr %0, [%2]\n stxr %w1, %0, [%3]" : "=&r"(v), "=&r"(st) : "r"(w), "r"(w + 1) : "memory");
    show("stxr_other_addr", st);
    u32 *w32 = (u32 *)(p + 512); u32 v32;
    __asm__ volatile("ldxrb %w0, [%2]\n stxrb %w1, %w0, [%2]" : "=&r"(v32), "=&r"(st) : "r"(w32) : "memory"); show("stxrb", st);
    __asm__ volatile("ldaxrh %w0, [%2]\n stlxrh %w1, %w0, [%2]" : "=&r"(v32), "=&r"(st) : "r"(w32) : "memory"); show("stxrh", st);
    __asm__ volatile("ldxr %w0, [%2]\n add %w0, %w0, #5\n stxr %w1, %w0, [%2]" : "=&r"(v32), "=&r"(st) : "r"(w32) : "memory"); show("stxr32", st); mix(*w32);
    u64 a, b;
    __asm__ volatile("ldxp %0, %1, [%3]\n stxp %w2, %1, %0, [%3]" : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(w) : "memory"); show("stxp", st); mix(w[0]); mix(w[1]);
    __asm__ volatile("ldaxp %w0, %w1, [%3]\n stlxp %w2, %w1, %w0, [%3]" : "=&r"(a), "=&r"(b), "=&r"(st) : "r"(w) : "memory"); show("stxp32", st); mix(w[0]);
    // a plain store in between still lets stxr succeed on one core when the value is unchanged;
    // a changed value makes it fail (the monitor compares the value it saw)
    __asm__ volatile("ldxr %0, [%2]\n str xzr, [%2]\n stxr %w1, %0, [%2]" : "=&r"(v), "=&r"(st) : "r"(w) : "memory");
    mix(*w);
    __asm__ volatile("ldar %0, [%1]" : "=r"(v) : "r"(w)); mix(v);
    __asm__ volatile("stlr %1, [%0]" : : "r"(w), "r"(v + 3) : "memory"); mix(*w);
    __asm__ volatile("ldarb %w0, [%1]\n stlrh %w0, [%1, #0]" : "=&r"(v) : "r"(w) : "memory"); mix(*w);
    // atomic builtins compile to exclusive loops without LSE
    u64 cnt = 5;
    for (int i = 0; i < 10; i++) __atomic_fetch_add(&cnt, (u64)i, __ATOMIC_SEQ_CST);
    u64 exp = 50;
    int okc = __atomic_compare_exchange_n(&cnt, &exp, 7, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    mix(cnt); mix((u64)okc); mix(__atomic_exchange_n(&cnt, 9, __ATOMIC_ACQ_REL));
  }
  section("exclusive");
  // DC ZVA zeroes the aligned block of the size DCZID_EL0 reports
  {
    u64 d; __asm__ volatile("mrs %0, dczid_el0" : "=r"(d));
    u64 bs = 4ull << (d & 15);
    u8 *win = p + 4096;
    for (unsigned i = 0; i < 4096; i++) win[i] = 0xee;
    __asm__ volatile("dc zva, %0" : : "r"(win + 1024 + 70) : "memory");
    u64 lo = (1024 + 70) & ~(bs - 1), bad = 0;
    for (u64 i = 0; i < 4096; i++) bad += (i >= lo && i < lo + bs) ? win[i] != 0 : win[i] != 0xee;
    show("dczva_bad_bytes", bad);
    show("dczid_dzp", (d >> 4) & 1);
  }
  section("dczva");
  return 0;
}
