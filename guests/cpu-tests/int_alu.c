// cflags: -march=armv8-a+crc
// Integer data processing: arithmetic with flags, logic, shifts by any
// amount, multiply/divide with the edge cases, bit manipulation, bitfields,
// conditional select/compare over all condition codes.
#include "lib.h"

static const u64 vals[] = {
  0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
  0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff, 0xfffffffffffffffe, 0x123456789abcdef0,
  0xfedcba9876543210, 0x00000000deadbeef, 0x5555555555555555, 0xaaaaaaaaaaaaaaaa, 63, 64, 65, 31, 32, 33,
};
#define NV (sizeof vals / sizeof vals[0])

static u64 h = 1469598103934665603ull;
static void mix(u64 v) { h = (h ^ v) * 1099511628211ull; }
static u64 nzcv(void) { u64 f; __asm__ volatile("mrs %0, nzcv" : "=r"(f)); return f; }

#define FLAGOP(insn, a, b) ({ u64 _r, _f; __asm__ volatile(insn " %0, %2, %3\n mrs %1, nzcv" : "=&r"(_r), "=&r"(_f) : "r"(a), "r"(b) : "cc"); mix(_r); mix(_f); })
#define FLAGOPW(insn, a, b) ({ u32 _r; u64 _f; __asm__ volatile(insn " %w0, %w2, %w3\n mrs %1, nzcv" : "=&r"(_r), "=&r"(_f) : "r"(a), "r"(b) : "cc"); mix(_r); mix(_f); })
#define CARRYOP(insn, cin, a, b) ({ u64 _r, _f; __asm__ volatile("msr nzcv, %4\n" insn " %0, %2, %3\n mrs %1, nzcv" : "=&r"(_r), "=&r"(_f) : "r"(a), "r"(b), "r"(cin) : "cc"); mix(_r); mix(_f); })
#define CARRYOPW(insn, cin, a, b) ({ u32 _r; u64 _f; __asm__ volatile("msr nzcv, %4\n" insn " %w0, %w2, %w3\n mrs %1, nzcv" : "=&r"(_r), "=&r"(_f) : "r"(a), "r"(b), "r"(cin) : "cc"); mix(_r); mix(_f); })
#define OP2(insn, a, b) ({ u64 _r; __asm__ volatile(insn " %0, %1, %2" : "=r"(_r) : "r"(a), "r"(b)); mix(_r); })
#define OP2W(insn, a, b) ({ u32 _r; __asm__ volatile(insn " %w0, %w1, %w2" : "=r"(_r) : "r"(a), "r"(b)); mix(_r); })
#define OP1(insn, a) ({ u64 _r; __asm__ volatile(insn " %0, %1" : "=r"(_r) : "r"(a)); mix(_r); })
#define OP1W(insn, a) ({ u32 _r; __asm__ volatile(insn " %w0, %w1" : "=r"(_r) : "r"(a)); mix(_r); })

static void section(const char *name) { show(name, h); h = 1469598103934665603ull; }

int main(void) {
  for (unsigned i = 0; i < NV; i++) for (unsigned j = 0; j < NV; j++) {
    u64 a = vals[i], b = vals[j];
    FLAGOP("adds", a, b); FLAGOP("subs", a, b); FLAGOPW("adds", a, b); FLAGOPW("subs", a, b);
    FLAGOP("ands", a, b); FLAGOPW("ands", a, b); FLAGOP("bics", a, b); FLAGOPW("bics", a, b);
    for (u64 c = 0; c < 2; c++) {
      u64 cin = c << 29;
      CARRYOP("adcs", cin, a, b); CARRYOP("sbcs", cin, a, b); CARRYOPW("adcs", cin, a, b); CARRYOPW("sbcs", cin, a, b);
      CARRYOP("adc", cin, a, b); CARRYOPW("sbc", cin, a, b);
    }
  }
  section("addsub_flags");
  for (unsigned i = 0; i < NV; i++) for (unsigned j = 0; j < NV; j++) {
    u64 a = vals[i], b = vals[j];
    OP2("lslv", a, b); OP2("lsrv", a, b); OP2("asrv", a, b); OP2("rorv", a, b);
    OP2W("lslv", a, b); OP2W("lsrv", a, b); OP2W("asrv", a, b); OP2W("rorv", a, b);
    OP2("udiv", a, b); OP2("sdiv", a, b); OP2W("udiv", a, b); OP2W("sdiv", a, b);
    OP2("mul", a, b); OP2W("mul", a, b); OP2("smulh", a, b); OP2("umulh", a, b);
    OP2("orn", a, b); OP2("eon", a, b); OP2W("orn", a, b); OP2W("eon", a, b);
    { u64 r; __asm__ volatile("smull %0, %w1, %w2" : "=r"(r) : "r"(a), "r"(b)); mix(r); }
    { u64 r; __asm__ volatile("umull %0, %w1, %w2" : "=r"(r) : "r"(a), "r"(b)); mix(r); }
    { u64 r; __asm__ volatile("smsubl %0, %w1, %w2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(a ^ b)); mix(r); }
    { u64 r; __asm__ volatile("umaddl %0, %w1, %w2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(a + b)); mix(r); }
    { u64 r; __asm__ volatile("msub %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(b - a)); mix(r); }
    { u64 r; __asm__ volatile("extr %0, %1, %2, #13" : "=r"(r) : "r"(a), "r"(b)); mix(r); }
    { u32 r; __asm__ volatile("extr %w0, %w1, %w2, #7" : "=r"(r) : "r"(a), "r"(b)); mix(r); }
    { u64 r; __asm__ volatile("add %0, %1, %2, lsl #7" : "=r"(r) : "r"(a), "r"(b)); mix(r); }
    { u64 r; __asm__ volatile("sub %0, %1, %2, asr #63" : "=r"(r) : "r"(a), "r"(b)); mix(r); }
    { u32 r; __asm__ volatile("add %w0, %w1, %w2, lsr #31" : "=r"(r) : "r"(a), "r"(b)); mix(r); }
    { u64 r; __asm__ volatile("add %0, %1, %w2, sxtw #3" : "=r"(r) : "r"(a), "r"(b)); mix(r); }
    { u64 r; __asm__ volatile("sub %0, %1, %w2, uxtb #1" : "=r"(r) : "r"(a), "r"(b)); mix(r); }
    { u64 r; __asm__ volatile("add %0, %1, %w2, sxth #4" : "=r"(r) : "r"(a), "r"(b)); mix(r); }
    { u64 r; __asm__ volatile("eor %0, %1, %2, ror #17" : "=r"(r) : "r"(a), "r"(b)); mix(r); }
    { u32 r; __asm__ volatile("and %w0, %w1, %w2, ror #9" : "=r"(r) : "r"(a), "r"(b)); mix(r); }
    { u32 r; __asm__ volatile("crc32b %w0, %w1, %w2" : "=r"(r) : "r"(a), "r"(b)); mix(r); }
    { u32 r; __asm__ volatile("crc32cx %w0, %w1, %2" : "=r"(r) : "r"(a), "r"(b)); mix(r); }
  }
  section("shift_mul_div");
  for (unsigned i = 0; i < NV; i++) {
    u64 a = vals[i];
    OP1("clz", a); OP1("cls", a); OP1("rbit", a); OP1("rev", a); OP1("rev16", a); OP1("rev32", a);
    OP1W("clz", a); OP1W("cls", a); OP1W("rbit", a); OP1W("rev", a); OP1W("rev16", a);
    OP1("neg", a); OP1("mvn", a); OP1W("neg", a);
    { u64 r; __asm__ volatile("ubfx %0, %1, #5, #17" : "=r"(r) : "r"(a)); mix(r); }
    { u64 r; __asm__ volatile("sbfx %0, %1, #60, #4" : "=r"(r) : "r"(a)); mix(r); }
    { u64 r; __asm__ volatile("sbfiz %0, %1, #3, #9" : "=r"(r) : "r"(a)); mix(r); }
    { u32 r; __asm__ volatile("sbfx %w0, %w1, #3, #9" : "=r"(r) : "r"(a)); mix(r); }
    { u32 r; __asm__ volatile("ubfiz %w0, %w1, #28, #4" : "=r"(r) : "r"(a)); mix(r); }
    { u64 r = 0x1111111111111111; __asm__ volatile("bfi %0, %1, #12, #20" : "+r"(r) : "r"(a)); mix(r); }
    { u64 r = 0x1111111111111111; __asm__ volatile("bfxil %0, %1, #40, #20" : "+r"(r) : "r"(a)); mix(r); }
    { u32 r = 0x22222222; __asm__ volatile("bfi %w0, %w1, #30, #2" : "+r"(r) : "r"(a)); mix(r); }
    { u64 r; __asm__ volatile("sxtb %0, %w1" : "=r"(r) : "r"(a)); mix(r); }
    { u64 r; __asm__ volatile("sxth %0, %w1" : "=r"(r) : "r"(a)); mix(r); }
    { u64 r; __asm__ volatile("sxtw %0, %w1" : "=r"(r) : "r"(a)); mix(r); }
    { u32 r; __asm__ volatile("uxtb %w0, %w1" : "=r"(r) : "r"(a)); mix(r); }
    { u64 r; __asm__ volatile("asr %0, %1, #63" : "=r"(r) : "r"(a)); mix(r); }
    { u64 r; __asm__ volatile("ror %0, %1, #1" : "=r"(r) : "r"(a)); mix(r); }
    { u64 r; __asm__ volatile("lsl %0, %1, #63" : "=r"(r) : "r"(a)); mix(r); }
    { u32 r; __asm__ volatile("lsr %w0, %w1, #31" : "=r"(r) : "r"(a)); mix(r); }
    { u64 r; __asm__ volatile("and %0, %1, #0x00ff00ff00ff00ff" : "=r"(r) : "r"(a)); mix(r); }
    { u64 r; __asm__ volatile("orr %0, %1, #0xfffffffffffffffe" : "=r"(r) : "r"(a)); mix(r); }
    { u32 r; __asm__ volatile("eor %w0, %w1, #0x3c3c3c3c" : "=r"(r) : "r"(a)); mix(r); }
    { u64 r, f; __asm__ volatile("ands %0, %2, #0x8000000000000001\n mrs %1, nzcv" : "=r"(r), "=r"(f) : "r"(a) : "cc"); mix(r); mix(f); }
    { u64 r, f; __asm__ volatile("adds %0, %2, #4095\n mrs %1, nzcv" : "=r"(r), "=r"(f) : "r"(a) : "cc"); mix(r); mix(f); }
    { u64 r, f; __asm__ volatile("subs %w0, %w2, #1, lsl #12\n mrs %1, nzcv" : "=r"(r), "=r"(f) : "r"(a) : "cc"); mix(r); mix(f); }
    { u64 r, f; __asm__ volatile("cmn %w2, #1\n cset %0, eq\n mrs %1, nzcv" : "=r"(r), "=r"(f) : "r"(a) : "cc"); mix(r); mix(f); }
  }
  section("bits");
  for (unsigned i = 0; i < NV; i++) for (unsigned j = 0; j < NV; j += 3) {
    u64 a = vals[i], b = vals[j], r[16];
    __asm__ volatile("cmp %16, %17\n"
      "cset %0, eq\n cset %1, ne\n cset %2, cs\n cset %3, cc\n cset %4, mi\n cset %5, pl\n cset %6, vs\n cset %7, vc\n"
      "cset %8, hi\n cset %9, ls\n cset %10, ge\n cset %11, lt\n cset %12, gt\n cset %13, le\n csinv %14, %16, %17, al\n csneg %15, %16, %17, nv\n"
      : "=&r"(r[0]), "=&r"(r[1]), "=&r"(r[2]), "=&r"(r[3]), "=&r"(r[4]), "=&r"(r[5]), "=&r"(r[6]), "=&r"(r[7]),
        "=&r"(r[8]), "=&r"(r[9]), "=&r"(r[10]), "=&r"(r[11]), "=&r"(r[12]), "=&r"(r[13]), "=&r"(r[14]), "=&r"(r[15])
      : "r"(a), "r"(b) : "cc");
    for (int k = 0; k < 16; k++) mix(r[k]);
    u64 x, y, z, w;
    __asm__ volatile("cmp %w4, %w5\n csel %0, %4, %5, lt\n csinc %1, %4, %5, hi\n csinv %w2, %w4, %w5, le\n csneg %3, %4, %5, vs"
      : "=&r"(x), "=&r"(y), "=&r"(z), "=&r"(w) : "r"(a), "r"(b) : "cc");
    mix(x); mix(y); mix(z); mix(w);
    __asm__ volatile("cmp %2, #5\n ccmp %2, %3, #5, ne\n mrs %0, nzcv\n ccmn %w3, #17, #10, ge\n mrs %1, nzcv" : "=&r"(x), "=&r"(y) : "r"(a), "r"(b) : "cc");
    mix(x); mix(y);
  }
  section("conditions");
  // division edge cases printed one by one
  volatile i64 mn = (i64)0x8000000000000000ull, m1 = -1, z = 0;
  volatile i32 mn32 = (i32)0x80000000, m132 = -1, z32 = 0;
  show("sdiv_min_m1", (u64)(mn / m1 == mn)); // UB in C; done in asm below
  { u64 r; __asm__ volatile("sdiv %0, %1, %2" : "=r"(r) : "r"(mn), "r"(m1)); show("sdiv64_intmin_m1", r); }
  { u32 r; __asm__ volatile("sdiv %w0, %w1, %w2" : "=r"(r) : "r"(mn32), "r"(m132)); show("sdiv32_intmin_m1", r); }
  { u64 r; __asm__ volatile("udiv %0, %1, %2" : "=r"(r) : "r"(mn), "r"(z)); show("udiv64_by0", r); }
  { u32 r; __asm__ volatile("sdiv %w0, %w1, %w2" : "=r"(r) : "r"(mn32), "r"(z32)); show("sdiv32_by0", r); }
  { u64 r; __asm__ volatile("lsl %0, %1, %2" : "=r"(r) : "r"(1ull), "r"(64ull)); show("lsl64_by64", r); }
  { u32 r; __asm__ volatile("lsr %w0, %w1, %w2" : "=r"(r) : "r"(0x80000000u), "r"(33u)); show("lsr32_by33", r); }
  { u64 r; __asm__ volatile("asr %0, %1, %2" : "=r"(r) : "r"(0x8000000000000000ull), "r"(127ull)); show("asr64_by127", r); }
  show("nzcv_after_msr", ({ __asm__ volatile("msr nzcv, %0" : : "r"(0xa0000000ull)); nzcv(); }));
  return 0;
}
