// AdvSIMD: integer lanes (logic, add/sub, mul/mla, compares, shifts
// including rounding/saturating/narrowing forms, min/max, pairwise and
// across-lane reductions, CNT, EXT, TBL/TBX, REV, ZIP/UZP/TRN, widening and
// narrowing), moves between lanes and general registers, MOVI/MVNI/ORR/BIC,
// structure loads/stores LD1-LD4/ST1-ST4 (multiple, single lane, replicate),
// and FP vector arithmetic and conversions. Results are hashed per section.
#include "lib.h"
#include <arm_neon.h>

static u64 h = 1469598103934665603ull;
static void mix(u64 v) { h = (h ^ v) * 1099511628211ull; }
#define MQ(...) ({ __typeof__(__VA_ARGS__) _t = (__VA_ARGS__); u64 _w[2]; memcpy(_w, &_t, 16); mix(_w[0]); mix(_w[1]); })
#define MD(...) ({ __typeof__(__VA_ARGS__) _t = (__VA_ARGS__); u64 _w; memcpy(&_w, &_t, 8); mix(_w); })
static void section(const char *name) { u64 f; __asm__ volatile("mrs %0, fpsr\n msr fpsr, xzr" : "=r"(f)); mix(f); show(name, h); h = 1469598103934665603ull; }

static u8 src[512] __attribute__((aligned(16)));
static u8 dst[512] __attribute__((aligned(16)));

int main(void) {
  u64 x = 0x243f6a8885a308d3ull;
  for (int i = 0; i < 512; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; src[i] = (u8)(x >> 24); }
  for (int i = 0; i < 16; i++) src[i] = (u8)(0x80 + i * 9);
  const u8 *p = OPAQUE((const u8 *)src);
  for (int round = 0; round < 24; round++) {
    const u8 *q = p + round * 16;
    uint8x16_t a8 = vld1q_u8(q), b8 = vld1q_u8(q + 16);
    int8x16_t sa8 = vreinterpretq_s8_u8(a8), sb8 = vreinterpretq_s8_u8(b8);
    uint16x8_t a16 = vreinterpretq_u16_u8(a8), b16 = vreinterpretq_u16_u8(b8);
    int16x8_t sa16 = vreinterpretq_s16_u8(a8), sb16 = vreinterpretq_s16_u8(b8);
    uint32x4_t a32 = vreinterpretq_u32_u8(a8), b32 = vreinterpretq_u32_u8(b8);
    int32x4_t sa32 = vreinterpretq_s32_u8(a8), sb32 = vreinterpretq_s32_u8(b8);
    uint64x2_t a64 = vreinterpretq_u64_u8(a8), b64 = vreinterpretq_u64_u8(b8);
    int64x2_t sa64 = vreinterpretq_s64_u8(a8), sb64 = vreinterpretq_s64_u8(b8);
    // logic and arithmetic
    MQ((vandq_u8(a8, b8))); MQ((vorrq_u8(a8, b8))); MQ((veorq_u8(a8, b8))); MQ((vbicq_u8(a8, b8))); MQ((vornq_u8(a8, b8)));
    MQ((vbslq_u8(a8, b8, vld1q_u8(q + 32)))); MQ((vmvnq_u8(a8)));
    MQ((vaddq_u8(a8, b8))); MQ((vsubq_u16(a16, b16))); MQ((vaddq_u32(a32, b32))); MQ((vsubq_u64(a64, b64)));
    MQ((vmulq_u8(a8, b8))); MQ((vmlaq_u16(a16, b16, a16))); MQ((vmlsq_u32(a32, b32, a32))); MQ((vmulq_p8(a8, b8)));
    MQ((vhaddq_u8(a8, b8))); MQ((vrhaddq_s16(sa16, sb16))); MQ((vhsubq_s32(sa32, sb32)));
    MQ((vqaddq_u8(a8, b8))); MQ((vqaddq_s8(sa8, sb8))); MQ((vqsubq_u16(a16, b16))); MQ((vqsubq_s32(sa32, sb32))); MQ((vqaddq_s64(sa64, sb64)));
    MQ((vabdq_u8(a8, b8))); MQ((vabdq_s16(sa16, sb16))); MQ((vabaq_u32(a32, a32, b32)));
    MQ((vmaxq_u8(a8, b8))); MQ((vminq_s16(sa16, sb16))); MQ((vpmaxq_u32(a32, b32))); MQ((vpminq_s8(sa8, sb8))); MQ((vpaddq_u16(a16, b16)));
    MQ((vqdmulhq_s16(sa16, sb16))); MQ((vqrdmulhq_s32(sa32, sb32)));
    section("arith");
    // compares
    MQ((vceqq_u8(a8, b8))); MQ((vcgtq_s8(sa8, sb8))); MQ((vcgeq_u16(a16, b16))); MQ((vcltq_s32(sa32, sb32))); MQ((vcgtq_u64(a64, b64)));
    MQ((vtstq_u8(a8, b8))); MQ((vceqzq_s8(sa8))); MQ((vcgtzq_s16(sa16))); MQ((vclezq_s32(sa32))); MQ((vcltzq_s64(sa64))); MQ((vcgezq_s32(sa32)));
    // shifts
    MQ((vshlq_n_u8(a8, 3))); MQ((vshrq_n_u16(a16, 5))); MQ((vshrq_n_s32(sa32, 31))); MQ((vshrq_n_u64(a64, 64))); MQ((vshrq_n_s64(sa64, 64)));
    MQ((vrshrq_n_s16(sa16, 4))); MQ((vrsraq_n_u32(a32, b32, 7))); MQ((vsraq_n_s8(sa8, sb8, 2)));
    MQ((vsliq_n_u8(a8, b8, 3))); MQ((vsriq_n_u16(a16, b16, 9))); MQ((vsriq_n_u64(a64, b64, 64)));
    MQ((vqshlq_n_u8(a8, 2))); MQ((vqshlq_n_s16(sa16, 3))); MQ((vqshluq_n_s32(sa32, 5)));
    MQ((vshlq_u8(a8, sb8))); MQ((vshlq_s16(sa16, vshrq_n_s16(sb16, 10)))); MQ((vrshlq_s32(sa32, vshrq_n_s32(sb32, 26))));
    MQ((vshlq_u64(a64, vshrq_n_s64(sb64, 57)))); MQ((vqshlq_s8(sa8, vshrq_n_s8(sb8, 4)))); MQ((vqrshlq_u16(a16, vshrq_n_s16(sb16, 11))));
    MD((vshrn_n_u16(a16, 5))); MD((vrshrn_n_u32(a32, 7))); MD((vqshrn_n_s16(sa16, 3))); MD((vqshrun_n_s16(sa16, 2))); MD((vqrshrn_n_u32(a32, 12)));
    MQ((vshll_n_u8(vget_low_u8(a8), 3))); MQ((vshll_n_s16(vget_high_s16(sa16), 16))); MQ((vmovl_u32(vget_low_u32(a32)))); MQ((vmovl_high_s8(sa8)));
    MD((vmovn_u16(a16))); MD((vqmovn_s32(sa32))); MD((vqmovn_u64(a64))); MD((vqmovun_s16(sa16))); MQ((vmovn_high_u16(vget_low_u8(b8), a16)));
    section("cmp_shift");
    // widening / narrowing arithmetic
    MQ((vaddl_u8(vget_low_u8(a8), vget_low_u8(b8)))); MQ((vsubl_high_s16(sa16, sb16))); MQ((vaddw_u32(a64, vget_low_u32(b32))));
    MQ((vmull_u8(vget_low_u8(a8), vget_high_u8(b8)))); MQ((vmull_high_s32(sa32, sb32))); MQ((vmlal_u16(a32, vget_low_u16(a16), vget_low_u16(b16))));
    MQ((vmlsl_s16(sa32, vget_high_s16(sa16), vget_low_s16(sb16)))); MQ((vabdl_u8(vget_low_u8(a8), vget_low_u8(b8)))); MQ((vqdmull_s16(vget_low_s16(sa16), vget_low_s16(sb16))));
    MQ((vmull_p8(vget_low_p8(vreinterpretq_p8_u8(a8)), vget_low_p8(vreinterpretq_p8_u8(b8)))));
    MD((vaddhn_u16(a16, b16))); MD((vraddhn_u32(a32, b32))); MD((vsubhn_u64(a64, b64)));
    MQ((vpaddlq_u8(a8))); MQ((vpadalq_s16(sa32, sa16)));
    MQ((vmulq_n_u16(a16, 77))); MQ((vmlaq_laneq_s32(sa32, sb32, sa32, 3))); MQ((vqdmulhq_laneq_s16(sa16, sb16, 5))); MQ((vmull_lane_u16(vget_low_u16(a16), vget_low_u16(b16), 2)));
    section("widen");
    // reductions, counts, permutes
    mix(vaddvq_u8(a8)); mix(vaddvq_u16(a16)); mix(vaddvq_u32(a32)); mix(vaddvq_u64(a64)); mix(vmaxvq_u8(a8)); mix(vminvq_s16(sa16)); mix(vmaxvq_s32(sa32));
    mix(vaddlvq_u8(a8)); mix(vaddlvq_s16(sa16)); mix(vaddlvq_u32(a32)); mix(vminv_u8(vget_low_u8(a8)));
    MQ((vcntq_u8(a8))); MQ((vclzq_u8(a8))); MQ((vclsq_s16(sa16))); MQ((vclzq_u32(a32))); MQ((vrbitq_u8(a8)));
    MQ((vabsq_s8(sa8))); MQ((vnegq_s64(sa64))); MQ((vqabsq_s16(sa16))); MQ((vqnegq_s32(sa32)));
    MQ((vextq_u8(a8, b8, 5))); MQ((vrev64q_u8(a8))); MQ((vrev32q_u16(a16))); MQ((vrev16q_u8(a8)));
    MQ((vzip1q_u8(a8, b8))); MQ((vzip2q_u16(a16, b16))); MQ((vuzp1q_u32(a32, b32))); MQ((vuzp2q_u8(a8, b8))); MQ((vtrn1q_u16(a16, b16))); MQ((vtrn2q_u64(a64, b64)));
    MQ((vqtbl1q_u8(a8, vandq_u8(b8, vdupq_n_u8(31))))); MQ((vqtbx1q_u8(a8, b8, vandq_u8(a8, vdupq_n_u8(15)))));
    { uint8x16x2_t t = { { a8, b8 } }; MQ((vqtbl2q_u8(t, vandq_u8(a8, vdupq_n_u8(63))))); }
    { uint8x16x4_t t = { { a8, b8, a8, b8 } }; MQ((vqtbx4q_u8(b8, t, a8))); }
    section("reduce_permute");
    // moves, immediates
    MQ((vdupq_n_u8((u8)round))); MQ((vdupq_laneq_u16(a16, 6))); MQ((vdupq_n_u64(x))); MQ((vsetq_lane_u32(0xdeadbeef, a32, 2)));
    MQ((vcopyq_laneq_u8(a8, 3, b8, 12))); mix(vgetq_lane_u16(a16, 5)); mix((u64)vgetq_lane_s8(sa8, 9)); mix((u64)(i64)vgetq_lane_s16(sa16, 1));
    { u64 r; __asm__ volatile("smov %0, %1.h[3]" : "=r"(r) : "w"(a16)); mix(r); }
    { u64 r; __asm__ volatile("smov %w0, %1.b[15]" : "=r"(r) : "w"(a8)); mix(r); }
    { uint8x16_t r = a8; __asm__ volatile("movi %0.4s, #0x5a, lsl #8" : "+w"(r)); MQ((r)); }
    { uint8x16_t r = a8; __asm__ volatile("mvni %0.8h, #0x3c, lsl #8" : "+w"(r)); MQ((r)); }
    { uint8x16_t r = a8; __asm__ volatile("orr %0.4s, #0x81, lsl #16" : "+w"(r)); MQ((r)); }
    { uint8x16_t r = a8; __asm__ volatile("bic %0.8h, #0xff" : "+w"(r)); MQ((r)); }
    { uint8x16_t r = a8; __asm__ volatile("movi %0.2d, #0xff00ff0000ffff00" : "+w"(r)); MQ((r)); }
    { uint8x16_t r = a8; __asm__ volatile("movi %0.4s, #0x17, msl #16" : "+w"(r)); MQ((r)); }
    { uint8x16_t r = a8; __asm__ volatile("movi %0.8b, #0xe7" : "+w"(r)); MQ((r)); }
    { uint8x16_t r = a8; __asm__ volatile("fmov %0.4s, #-3.5" : "+w"(r)); MQ((r)); }
    { uint8x16_t r = a8; __asm__ volatile("fmov %0.2d, #0.125" : "+w"(r)); MQ((r)); }
    section("moves");
    // structure loads and stores
    {
      uint8x16x2_t l2 = vld2q_u8(q); MQ((l2.val[0])); MQ((l2.val[1]));
      uint16x8x3_t l3 = vld3q_u16((const u16 *)q); MQ((l3.val[0])); MQ((l3.val[2]));
      uint32x4x4_t l4 = vld4q_u32((const u32 *)q); MQ((l4.val[1])); MQ((l4.val[3]));
      uint8x8x4_t l4d = vld4_u8(q + 3); MD((l4d.val[0])); MD((l4d.val[3]));
      uint64x2x2_t m2 = vld1q_u64_x2((const u64 *)q); MQ((m2.val[1]));
      uint8x16_t r1 = vld1q_dup_u8(q + 7); MQ((r1));
      uint16x8x2_t r2 = vld2q_dup_u16((const u16 *)(q + 2)); MQ((r2.val[1]));
      uint32x4x4_t r4 = vld4q_dup_u32((const u32 *)(q + 4)); MQ((r4.val[3]));
      uint32x4_t ln = vld1q_lane_u32((const u32 *)(q + 1), a32, 2); MQ((ln));
      uint64x2x2_t ln2 = vld2q_lane_u64((const u64 *)q, m2, 1); MQ((ln2.val[0]));
      u8 *d = OPAQUE((u8 *)dst) + round;
      vst2q_u8(d, l2); vst3q_u16((u16 *)(d + 32), l3); vst4q_u32((u32 *)(d + 80), l4); vst4_u8(d + 144, l4d);
      vst1q_lane_u16((u16 *)(d + 180), a16, 5); vst3q_lane_u32((u32 *)(d + 190), vld3q_u32((const u32 *)q), 1);
      uint8x16x4_t st4 = { { a8, b8, a8, b8 } }; vst1q_u8_x4(d + 220, st4);
      for (int i = 0; i < 300; i += 8) mix(*(u64 *)(dst + i));
      const u8 *pi = q; uint8x16_t v;
      __asm__ volatile("ld1 {%0.16b}, [%1], #16" : "=w"(v), "+r"(pi)); MQ((v)); mix((u64)(pi - q));
      u64 step = 3;
      __asm__ volatile("ld1 {%0.8b}, [%1], %2" : "=w"(v), "+r"(pi) : "r"(step)); MQ((v)); mix((u64)(pi - q));
      __asm__ volatile("ld1r {%0.8h}, [%1], #2" : "=w"(v), "+r"(pi)); MQ((v)); mix((u64)(pi - q));
    }
    section("ldst");
    // FP vectors
    {
      float32x4_t fa = vcvtq_f32_s32(vshrq_n_s32(sa32, 8)), fb = vcvtq_f32_u32(vshrq_n_u32(b32, 12));
      float64x2_t da = vcvtq_f64_s64(vshrq_n_s64(sa64, 20)), db = vcvtq_f64_u64(vshrq_n_u64(b64, 30));
      MQ((vaddq_f32(fa, fb))); MQ((vsubq_f32(fa, fb))); MQ((vmulq_f32(fa, fb))); MQ((vdivq_f32(fa, fb)));
      MQ((vaddq_f64(da, db))); MQ((vmulq_f64(da, db))); MQ((vdivq_f64(da, db))); MQ((vfmaq_f64(da, db, da)));
      MQ((vfmaq_f32(fa, fb, fa))); MQ((vfmsq_f32(fa, fb, fb))); MQ((vmaxq_f32(fa, fb))); MQ((vminnmq_f32(fa, fb)));
      MQ((vpaddq_f32(fa, fb))); MQ((vpmaxq_f64(da, db))); MQ((vabsq_f32(fa))); MQ((vnegq_f64(da))); MQ((vsqrtq_f32(vabsq_f32(fa))));
      MQ((vabdq_f32(fa, fb))); MQ((vcgtq_f32(fa, fb))); MQ((vceqq_f64(da, da))); MQ((vcleq_f32(fa, fb))); MQ((vcagtq_f32(fa, fb)));
      MQ((vrndnq_f32(vmulq_n_f32(fa, 0.01f)))); MQ((vrndmq_f64(vmulq_n_f64(da, 0.001)))); MQ((vrndaq_f32(vmulq_n_f32(fb, 0.3f))));
      MQ((vcvtq_s32_f32(vmulq_n_f32(fa, 3.0f)))); MQ((vcvtq_u64_f64(db))); MQ((vcvtnq_s32_f32(vmulq_n_f32(fb, 0.7f))));
      MQ((vcvtq_n_f32_s32(sa32, 9))); MQ((vcvtq_n_s32_f32(fa, 4)));
      MQ((vcvt_f64_f32(vget_low_f32(fa)))); MQ((vcvt_high_f32_f64(vget_low_f32(fb), da))); MD((vcvt_f32_f64(db)));
      mix(vgetq_lane_u32(vreinterpretq_u32_f32(vmulq_laneq_f32(fa, fb, 2)), 1)); mix(vmaxvq_f32(fa) > 0); mix(vminnmvq_f32(fb) < 1e9f);
      MQ((vfmaq_laneq_f32(fa, fb, fa, 1))); MQ((vmulq_laneq_f64(da, db, 1)));
      MQ((vrecpeq_f32(fb))); MQ((vrsqrteq_f32(vabsq_f32(fa)))); MQ((vrecpsq_f32(fa, fb)));
    }
    section("fpvec");
  }
  return 0;
}
