/*
 * Reference for the scalar FP library (src/engine/cpu/aarch64/assembly/fp):
 * reads operation records from stdin, executes each one with the real A64
 * instruction under the record's FPCR (run under qemu-aarch64, whose
 * soft-float models AArch64), and writes the result bits and FPSR.
 *
 *   input  32 bytes: u32 op, u32 fpcr, u64 a, u64 b, u64 c
 *   output 16 bytes: u64 result, u32 fpsr, u32 0
 *
 * Operation ids come from ops.h, generated from test/fp/ops.mjs by
 * test/fp/build-ref.mjs. Operands travel through general registers and are
 * moved into v16..v18 with FMOV, so no C floating-point code is involved.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "ops.h"

struct rec_in { uint32_t op, fpcr; uint64_t a, b, c; };
struct rec_out { uint64_t r; uint32_t fpsr, pad; };

#define FB32(M, ...) M(1, __VA_ARGS__) M(2, __VA_ARGS__) M(3, __VA_ARGS__) M(4, __VA_ARGS__) M(5, __VA_ARGS__) M(6, __VA_ARGS__) M(7, __VA_ARGS__) M(8, __VA_ARGS__) M(9, __VA_ARGS__) M(10, __VA_ARGS__) M(11, __VA_ARGS__) M(12, __VA_ARGS__) M(13, __VA_ARGS__) M(14, __VA_ARGS__) M(15, __VA_ARGS__) M(16, __VA_ARGS__) M(17, __VA_ARGS__) M(18, __VA_ARGS__) M(19, __VA_ARGS__) M(20, __VA_ARGS__) M(21, __VA_ARGS__) M(22, __VA_ARGS__) M(23, __VA_ARGS__) M(24, __VA_ARGS__) M(25, __VA_ARGS__) M(26, __VA_ARGS__) M(27, __VA_ARGS__) M(28, __VA_ARGS__) M(29, __VA_ARGS__) M(30, __VA_ARGS__) M(31, __VA_ARGS__) M(32, __VA_ARGS__)
#define FB64(M, ...) FB32(M, __VA_ARGS__) M(33, __VA_ARGS__) M(34, __VA_ARGS__) M(35, __VA_ARGS__) M(36, __VA_ARGS__) M(37, __VA_ARGS__) M(38, __VA_ARGS__) M(39, __VA_ARGS__) M(40, __VA_ARGS__) M(41, __VA_ARGS__) M(42, __VA_ARGS__) M(43, __VA_ARGS__) M(44, __VA_ARGS__) M(45, __VA_ARGS__) M(46, __VA_ARGS__) M(47, __VA_ARGS__) M(48, __VA_ARGS__) M(49, __VA_ARGS__) M(50, __VA_ARGS__) M(51, __VA_ARGS__) M(52, __VA_ARGS__) M(53, __VA_ARGS__) M(54, __VA_ARGS__) M(55, __VA_ARGS__) M(56, __VA_ARGS__) M(57, __VA_ARGS__) M(58, __VA_ARGS__) M(59, __VA_ARGS__) M(60, __VA_ARGS__) M(61, __VA_ARGS__) M(62, __VA_ARGS__) M(63, __VA_ARGS__) M(64, __VA_ARGS__)

#define LD_S "fmov s16, %w1\n\tfmov s17, %w2\n\tfmov s18, %w3\n\t"
#define LD_D "fmov d16, %x1\n\tfmov d17, %x2\n\tfmov d18, %x3\n\t"
#define IN3 : "r"(a), "r"(b), "r"(c) : "v16", "v17", "v18", "cc"

/* binary / unary / ternary arithmetic */
#define S2(ID, I) case ID: asm volatile(LD_S I " s16, s16, s17\n\tfmov %w0, s16" : "=r"(r) IN3); break;
#define D2(ID, I) case ID: asm volatile(LD_D I " d16, d16, d17\n\tfmov %x0, d16" : "=r"(r) IN3); break;
#define S1(ID, I) case ID: asm volatile(LD_S I " s16, s16\n\tfmov %w0, s16" : "=r"(r) IN3); break;
#define D1(ID, I) case ID: asm volatile(LD_D I " d16, d16\n\tfmov %x0, d16" : "=r"(r) IN3); break;
#define S3(ID, I) case ID: asm volatile(LD_S I " s16, s16, s17, s18\n\tfmov %w0, s16" : "=r"(r) IN3); break;
#define D3(ID, I) case ID: asm volatile(LD_D I " d16, d16, d17, d18\n\tfmov %x0, d16" : "=r"(r) IN3); break;
/* compares: NZCV in bits 3..0 */
#define SC(ID, I) case ID: asm volatile(LD_S I " s16, s17\n\tmrs %x0, nzcv" : "=r"(r) IN3); r >>= 28; break;
#define DC(ID, I) case ID: asm volatile(LD_D I " d16, d17\n\tmrs %x0, nzcv" : "=r"(r) IN3); r >>= 28; break;
/* FP to integer: S = single or double source register prefix */
#define TOI(ID, I, W, LD, S) case ID: asm volatile(LD I " %" W "0, " S "16" : "=r"(r) IN3); break;
#define TOFIX_CASE(N, I, W, LD, S) case N: asm volatile(LD I " %" W "0, " S "16, #" #N : "=r"(r) IN3); break;
#define TOFIX(ID, FB, I, W, LD, S) case ID: switch (c) { FB(TOFIX_CASE, I, W, LD, S) default: r = 0xdead; } break;
/* integer to FP */
#define FROMI(ID, I, D, W, OUT) case ID: asm volatile(I " " D "16, %" W "1\n\t" OUT : "=r"(r) IN3); break;
#define FROMFIX_CASE(N, I, D, W, OUT) case N: asm volatile(I " " D "16, %" W "1, #" #N "\n\t" OUT : "=r"(r) IN3); break;
#define FROMFIX(ID, FB, I, D, W, OUT) case ID: switch (c) { FB(FROMFIX_CASE, I, D, W, OUT) default: r = 0xdead; } break;
#define OUT_S "fmov %w0, s16"
#define OUT_D "fmov %x0, d16"

#define FCVT_TOI_SET(SRC, LD, S) \
  TOI(OP_FCVTNS_W_##SRC, "fcvtns", "w", LD, S) TOI(OP_FCVTAS_W_##SRC, "fcvtas", "w", LD, S) \
  TOI(OP_FCVTPS_W_##SRC, "fcvtps", "w", LD, S) TOI(OP_FCVTMS_W_##SRC, "fcvtms", "w", LD, S) \
  TOI(OP_FCVTZS_W_##SRC, "fcvtzs", "w", LD, S) TOFIX(OP_FCVTZS_W_##SRC##_FIX, FB32, "fcvtzs", "w", LD, S) \
  TOI(OP_FCVTNU_W_##SRC, "fcvtnu", "w", LD, S) TOI(OP_FCVTAU_W_##SRC, "fcvtau", "w", LD, S) \
  TOI(OP_FCVTPU_W_##SRC, "fcvtpu", "w", LD, S) TOI(OP_FCVTMU_W_##SRC, "fcvtmu", "w", LD, S) \
  TOI(OP_FCVTZU_W_##SRC, "fcvtzu", "w", LD, S) TOFIX(OP_FCVTZU_W_##SRC##_FIX, FB32, "fcvtzu", "w", LD, S) \
  TOI(OP_FCVTNS_X_##SRC, "fcvtns", "x", LD, S) TOI(OP_FCVTAS_X_##SRC, "fcvtas", "x", LD, S) \
  TOI(OP_FCVTPS_X_##SRC, "fcvtps", "x", LD, S) TOI(OP_FCVTMS_X_##SRC, "fcvtms", "x", LD, S) \
  TOI(OP_FCVTZS_X_##SRC, "fcvtzs", "x", LD, S) TOFIX(OP_FCVTZS_X_##SRC##_FIX, FB64, "fcvtzs", "x", LD, S) \
  TOI(OP_FCVTNU_X_##SRC, "fcvtnu", "x", LD, S) TOI(OP_FCVTAU_X_##SRC, "fcvtau", "x", LD, S) \
  TOI(OP_FCVTPU_X_##SRC, "fcvtpu", "x", LD, S) TOI(OP_FCVTMU_X_##SRC, "fcvtmu", "x", LD, S) \
  TOI(OP_FCVTZU_X_##SRC, "fcvtzu", "x", LD, S) TOFIX(OP_FCVTZU_X_##SRC##_FIX, FB64, "fcvtzu", "x", LD, S)

#define CVTF_SET(DST, D, OUT) \
  FROMI(OP_SCVTF_##DST##_W, "scvtf", D, "w", OUT) FROMFIX(OP_SCVTF_##DST##_W_FIX, FB32, "scvtf", D, "w", OUT) \
  FROMI(OP_UCVTF_##DST##_W, "ucvtf", D, "w", OUT) FROMFIX(OP_UCVTF_##DST##_W_FIX, FB32, "ucvtf", D, "w", OUT) \
  FROMI(OP_SCVTF_##DST##_X, "scvtf", D, "x", OUT) FROMFIX(OP_SCVTF_##DST##_X_FIX, FB64, "scvtf", D, "x", OUT) \
  FROMI(OP_UCVTF_##DST##_X, "ucvtf", D, "x", OUT) FROMFIX(OP_UCVTF_##DST##_X_FIX, FB64, "ucvtf", D, "x", OUT)

#define ARITH_SET(P, X2, X1, X3, XC) \
  X2(OP_##P##_ADD, "fadd") X2(OP_##P##_SUB, "fsub") X2(OP_##P##_MUL, "fmul") X2(OP_##P##_NMUL, "fnmul") \
  X2(OP_##P##_DIV, "fdiv") X2(OP_##P##_MULX, "fmulx") X2(OP_##P##_ABD, "fabd") X2(OP_##P##_MAX, "fmax") \
  X2(OP_##P##_MIN, "fmin") X2(OP_##P##_MAXNM, "fmaxnm") X2(OP_##P##_MINNM, "fminnm") \
  X2(OP_##P##_RECPS, "frecps") X2(OP_##P##_RSQRTS, "frsqrts") \
  X1(OP_##P##_SQRT, "fsqrt") X1(OP_##P##_RECPE, "frecpe") X1(OP_##P##_RSQRTE, "frsqrte") \
  X1(OP_##P##_RECPX, "frecpx") X1(OP_##P##_FRINTN, "frintn") X1(OP_##P##_FRINTP, "frintp") \
  X1(OP_##P##_FRINTM, "frintm") X1(OP_##P##_FRINTZ, "frintz") X1(OP_##P##_FRINTA, "frinta") \
  X1(OP_##P##_FRINTX, "frintx") X1(OP_##P##_FRINTI, "frinti") \
  X3(OP_##P##_MADD, "fmadd") X3(OP_##P##_MSUB, "fmsub") X3(OP_##P##_NMADD, "fnmadd") X3(OP_##P##_NMSUB, "fnmsub") \
  XC(OP_##P##_CMP, "fcmp") XC(OP_##P##_CMPE, "fcmpe")

static uint64_t exec_op(uint32_t op, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t r = 0;
	switch (op) {
	ARITH_SET(S, S2, S1, S3, SC)
	ARITH_SET(D, D2, D1, D3, DC)
	case OP_CVT_D_S: asm volatile(LD_S "fcvt d16, s16\n\t" OUT_D : "=r"(r) IN3); break;
	case OP_CVT_S_D: asm volatile(LD_D "fcvt s16, d16\n\t" OUT_S : "=r"(r) IN3); break;
	case OP_CVT_H_S: asm volatile(LD_S "fcvt h16, s16\n\t" OUT_S : "=r"(r) IN3); break;
	case OP_CVT_H_D: asm volatile(LD_D "fcvt h16, d16\n\t" OUT_S : "=r"(r) IN3); break;
	case OP_CVT_S_H: asm volatile(LD_S "fcvt s16, h16\n\t" OUT_S : "=r"(r) IN3); break;
	case OP_CVT_D_H: asm volatile(LD_S "fcvt d16, h16\n\t" OUT_D : "=r"(r) IN3); break;
	case OP_CVTXN_S_D: asm volatile(LD_D "fcvtxn s16, d16\n\t" OUT_S : "=r"(r) IN3); break;
	case OP_URECPE: asm volatile(LD_S "urecpe v16.2s, v16.2s\n\t" OUT_S : "=r"(r) IN3); break;
	case OP_URSQRTE: asm volatile(LD_S "ursqrte v16.2s, v16.2s\n\t" OUT_S : "=r"(r) IN3); break;
	FCVT_TOI_SET(S, LD_S, "s")
	FCVT_TOI_SET(D, LD_D, "d")
	CVTF_SET(S, "s", OUT_S)
	CVTF_SET(D, "d", OUT_D)
	default: r = 0xbad0bad0bad0bad0ull;
	}
	return r;
}

static void xfer(int fd, void *buf, size_t len, int out)
{
	char *p = buf;
	while (len > 0) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);
		if (n <= 0)
			exit(2);
		p += n;
		len -= (size_t)n;
	}
}

int main(void)
{
	/* stdin: u32 count, then count records */
	uint32_t n;
	xfer(0, &n, sizeof n, 0);
	struct rec_in *in = malloc(sizeof *in * (n ? n : 1));
	struct rec_out *out = malloc(sizeof *out * (n ? n : 1));
	if (!in || !out)
		return 1;
	xfer(0, in, sizeof *in * n, 0);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t fpsr, fpcr = in[i].fpcr;
		asm volatile("msr fpcr, %x0\n\tmsr fpsr, xzr" : : "r"(fpcr) : "memory");
		uint64_t r = exec_op(in[i].op, in[i].a, in[i].b, in[i].c);
		asm volatile("mrs %x0, fpsr" : "=r"(fpsr) : : "memory");
		out[i].r = r;
		out[i].fpsr = (uint32_t)fpsr;
		out[i].pad = 0;
	}
	asm volatile("msr fpcr, xzr\n\tmsr fpsr, xzr" ::: "memory");
	xfer(1, out, sizeof *out * n, 1);
	return 0;
}
