// Scalar floating point: arithmetic, fused multiply-add, min/max, rounding
// to integral, conversions (integer, fixed point, precision), compares
// setting NZCV, FCSEL, FMOV forms, under every FPCR rounding mode with FZ and
// DN, printing result bits and the cumulative FPSR flags.
#include "lib.h"

static const u64 dv[] = {
  0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000, 0x4000000000000000,
  0x3fe0000000000000, 0x3ff8000000000000, 0x4004000000000000, 0xc00c000000000000, 0x7ff0000000000000,
  0xfff0000000000000, 0x7ff8000000000000, 0x7ff4000000000001, 0xfff8000000000123, 0x0000000000000001,
  0x000fffffffffffff, 0x0010000000000000, 0x7fefffffffffffff, 0x3ff0000000000001, 0x43e0000000000000,
  0xc3e0000000000000, 0x41dfffffffc00000, 0x4330000000000001, 0x3fd5555555555555, 0x400921fb54442d18,
};
static const u32 sv[] = {
  0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x40000000, 0x3f000000, 0x3fc00000, 0x40200000,
  0xc0600000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00001, 0xffc00123, 0x00000001, 0x007fffff,
  0x00800000, 0x7f7fffff, 0x3f800001, 0x5f000000, 0xdf000000, 0x4effffff, 0x4b000001, 0x3eaaaaab, 0x40490fdb,
};
#define ND (sizeof dv / sizeof dv[0])
#define NS (sizeof sv / sizeof sv[0])

static u64 h = 1469598103934665603ull;
static void mix(u64 v) { h = (h ^ v) * 1099511628211ull; }
static void section(const char *name) { show(name, h); h = 1469598103934665603ull; }
static void setfpcr(u64 v) { __asm__ volatile("msr fpcr, %0" : : "r"(v)); }
static u64 fpsr(void) { u64 v; __asm__ volatile("mrs %0, fpsr\n msr fpsr, xzr" : "=r"(v)); return v; }

#define D2(insn, a, b) ({ u64 _r; __asm__ volatile("fmov d16, %1\n fmov d17, %2\n " insn " d18, d16, d17\n fmov %0, d18" : "=r"(_r) : "r"(a), "r"(b) : "v16", "v17", "v18"); mix(_r); mix(fpsr()); })
#define S2(insn, a, b) ({ u32 _r; __asm__ volatile("fmov s16, %w1\n fmov s17, %w2\n " insn " s18, s16, s17\n fmov %w0, s18" : "=r"(_r) : "r"(a), "r"(b) : "v16", "v17", "v18"); mix(_r); mix(fpsr()); })
#define D1(insn, a) ({ u64 _r; __asm__ volatile("fmov d16, %1\n " insn " d18, d16\n fmov %0, d18" : "=r"(_r) : "r"(a) : "v16", "v18"); mix(_r); mix(fpsr()); })
#define S1(insn, a) ({ u32 _r; __asm__ volatile("fmov s16, %w1\n " insn " s18, s16\n fmov %w0, s18" : "=r"(_r) : "r"(a) : "v16", "v18"); mix(_r); mix(fpsr()); })
#define D3(insn, a, b, c) ({ u64 _r; __asm__ volatile("fmov d16, %1\n fmov d17, %2\n fmov d19, %3\n " insn " d18, d16, d17, d19\n fmov %0, d18" : "=r"(_r) : "r"(a), "r"(b), "r"(c) : "v16", "v17", "v18", "v19"); mix(_r); mix(fpsr()); })
#define S3(insn, a, b, c) ({ u32 _r; __asm__ volatile("fmov s16, %w1\n fmov s17, %w2\n fmov s19, %w3\n " insn " s18, s16, s17, s19\n fmov %w0, s18" : "=r"(_r) : "r"(a), "r"(b), "r"(c) : "v16", "v17", "v18", "v19"); mix(_r); mix(fpsr()); })
#define TOI(insn, reg, pre, a) ({ u64 _r; __asm__ volatile("fmov " pre "16, %" reg "1\n " insn ", " pre "16\n mov %0, x9" : "=r"(_r) : "r"(a) : "v16", "x9"); mix(_r); mix(fpsr()); })
#define FROMI(insn, pre, a) ({ u64 _r = 0; __asm__ volatile("mov x9, %1\n " insn "\n fmov %0, d16" : "=r"(_r) : "r"(a) : "v16", "x9"); mix(_r); mix(fpsr()); })

int main(void) {
  static const u64 modes[] = { 0, 1ull << 22, 2ull << 22, 3ull << 22, 1ull << 24, 1ull << 25, (1ull << 24) | (1ull << 25) | (2ull << 22) };
  for (unsigned md = 0; md < sizeof modes / sizeof modes[0]; md++) {
    setfpcr(modes[md]);
    fpsr();
    for (unsigned i = 0; i < ND; i++) for (unsigned j = 0; j < ND; j++) {
      u64 a = dv[i], b = dv[j];
      D2("fadd", a, b); D2("fsub", a, b); D2("fmul", a, b); D2("fdiv", a, b); D2("fnmul", a, b);
      D2("fmax", a, b); D2("fmin", a, b); D2("fmaxnm", a, b); D2("fminnm", a, b);
      D2("fabd", a, b); D2("fmulx", a, b); D2("frecps", a, b); D2("frsqrts", a, b);
      D3("fmadd", a, b, dv[(i + j) % ND]); D3("fmsub", a, b, dv[(i * 3 + j) % ND]);
      D3("fnmadd", a, b, dv[(i + 7 * j) % ND]); D3("fnmsub", a, b, dv[(5 * i + j) % ND]);
      u64 f;
      __asm__ volatile("fmov d16, %1\n fmov d17, %2\n fcmp d16, d17\n mrs %0, nzcv" : "=r"(f) : "r"(a), "r"(b) : "v16", "v17", "cc"); mix(f); mix(fpsr());
      __asm__ volatile("fmov d16, %1\n fmov d17, %2\n fcmpe d16, d17\n mrs %0, nzcv" : "=r"(f) : "r"(a), "r"(b) : "v16", "v17", "cc"); mix(f); mix(fpsr());
      __asm__ volatile("fmov d16, %1\n fmov d17, %2\n cmp %1, %2\n fccmp d16, d17, #5, lt\n mrs %0, nzcv" : "=r"(f) : "r"(a), "r"(b) : "v16", "v17", "cc"); mix(f); mix(fpsr());
      __asm__ volatile("fmov d16, %1\n fmov d17, %2\n cmp %1, %2\n fcsel d18, d16, d17, hi\n fmov %0, d18" : "=r"(f) : "r"(a), "r"(b) : "v16", "v17", "v18", "cc"); mix(f);
    }
    section("d2");
    for (unsigned i = 0; i < NS; i++) for (unsigned j = 0; j < NS; j++) {
      u32 a = sv[i], b = sv[j];
      S2("fadd", a, b); S2("fsub", a, b); S2("fmul", a, b); S2("fdiv", a, b); S2("fnmul", a, b);
      S2("fmax", a, b); S2("fmin", a, b); S2("fmaxnm", a, b); S2("fminnm", a, b); S2("fabd", a, b);
      S3("fmadd", a, b, sv[(i + j) % NS]); S3("fnmsub", a, b, sv[(5 * i + j) % NS]);
      u64 f;
      __asm__ volatile("fmov s16, %w1\n fmov s17, %w2\n fcmpe s16, s17\n mrs %0, nzcv" : "=r"(f) : "r"(a), "r"(b) : "v16", "v17", "cc"); mix(f); mix(fpsr());
      __asm__ volatile("fmov s16, %w1\n fcmp s16, #0.0\n mrs %0, nzcv" : "=r"(f) : "r"(a) : "v16", "cc"); mix(f); mix(fpsr());
    }
    section("s2");
    for (unsigned i = 0; i < ND; i++) {
      u64 a = dv[i]; u32 s = sv[i];
      D1("fsqrt", a); D1("fabs", a); D1("fneg", a); D1("frintn", a); D1("frinta", a); D1("frintp", a);
      D1("frintm", a); D1("frintz", a); D1("frintx", a); D1("frinti", a); D1("fmov", a); D1("frecpe", a); D1("frsqrte", a); D1("frecpx", a);
      S1("fsqrt", s); S1("frintn", s); S1("frinta", s); S1("frintx", s); S1("frinti", s); S1("fabs", s); S1("fneg", s);
      TOI("fcvtzs x9", "", "d", a); TOI("fcvtzu x9", "", "d", a); TOI("fcvtns w9", "", "d", a); TOI("fcvtnu w9", "", "d", a);
      TOI("fcvtps x9", "", "d", a); TOI("fcvtmu x9", "", "d", a); TOI("fcvtas x9", "", "d", a); TOI("fcvtau w9", "", "d", a);
      TOI("fcvtzs w9", "w", "s", s); TOI("fcvtzu x9", "w", "s", s); TOI("fcvtms x9", "w", "s", s); TOI("fcvtpu w9", "w", "s", s);
      TOI("fcvtzs x9", "", "d", a); { u64 r; __asm__ volatile("fmov d16, %1\n fcvtzs w9, d16, #3\n mov %0, x9" : "=r"(r) : "r"(a) : "v16", "x9"); mix(r); mix(fpsr()); }
      { u64 r; __asm__ volatile("fmov d16, %1\n fcvtzu x9, d16, #60\n mov %0, x9" : "=r"(r) : "r"(a) : "v16", "x9"); mix(r); mix(fpsr()); }
      { u64 r; __asm__ volatile("fmov s16, %w1\n fcvtzs x9, s16, #20\n mov %0, x9" : "=r"(r) : "r"(s) : "v16", "x9"); mix(r); mix(fpsr()); }
      { u64 r; __asm__ volatile("fmov d16, %1\n fcvt s18, d16\n fmov %w0, s18" : "=r"(r) : "r"(a) : "v16", "v18"); mix(r); mix(fpsr()); }
      { u64 r; __asm__ volatile("fmov s16, %w1\n fcvt d18, s16\n fmov %0, d18" : "=r"(r) : "r"(s) : "v16", "v18"); mix(r); mix(fpsr()); }
      { u64 r; __asm__ volatile("fmov d16, %1\n fcvt h18, d16\n fcvt s19, h18\n fmov %w0, s19" : "=r"(r) : "r"(a) : "v16", "v18", "v19"); mix(r); mix(fpsr()); }
      { u64 r; __asm__ volatile("fmov s16, %w1\n fcvt h18, s16\n fcvt d19, h18\n fmov %0, d19" : "=r"(r) : "r"(s) : "v16", "v18", "v19"); mix(r); mix(fpsr()); }
    }
    section("d1");
    static const u64 ints[] = { 0, 1, 3, 0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff, 0x20000000000001, 0x123456789abcdef };
    for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) {
      u64 v = ints[i];
      FROMI("scvtf d16, x9", "d", v); FROMI("ucvtf d16, x9", "d", v); FROMI("scvtf d16, w9", "d", v); FROMI("ucvtf d16, w9", "d", v);
      FROMI("movi d16, #0\n scvtf s16, x9", "s", v); FROMI("movi d16, #0\n ucvtf s16, w9", "s", v);
      FROMI("scvtf d16, x9, #12", "d", v); FROMI("movi d16, #0\n ucvtf s16, w9, #31", "s", v);
    }
    section("int2fp");
  }
  setfpcr(0);
  { u64 r; __asm__ volatile("fmov d16, #-1.25\n fmov %0, d16" : "=r"(r)); mix(r); }
  { u64 r; __asm__ volatile("fmov s16, #31.0\n fmov %w0, s16" : "=r"(r)); mix(r); }
  { u64 r; __asm__ volatile("movi v16.2d, #0\n mov x9, #0x1234\n fmov v16.d[1], x9\n fmov %0, v16.d[1]" : "=r"(r) : : "v16", "x9"); mix(r); }
  { u64 r; __asm__ volatile("fmov d16, %1\n fmov d17, d16\n fmov %0, d17" : "=r"(r) : "r"(0x4000000000000001ull) : "v16", "v17"); mix(r); }
  section("fmov");
  return 0;
}
