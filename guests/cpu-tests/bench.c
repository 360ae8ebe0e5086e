// CPU benchmark (freestanding, write/exit only). Each part is announced by a
// line "@part NAME" written straight to stdout, and the run ends with
// "@end"; the host timestamps these markers. Result lines ("sha256=…") let
// the host check that the parts computed the right thing.
//   gen     fill 16 MiB with a xorshift stream (4 passes)
//   sha256  SHA-256 over the 16 MiB
//   interp  a branchy byte-code interpreter (loops, calls, a stack machine)
//   memcpy  word-wise copies between 4 MiB buffers
//   memset  word-wise fills of 16 MiB
#include "lib.h"

#define MB (1024 * 1024)
static u8 data[16 * MB] __attribute__((aligned(64)));
static u8 buf2[4 * MB] __attribute__((aligned(64)));

static void marker(const char *s) { flush(); sys_write(1, s, strlen(s)); }

// ---- SHA-256 (FIPS 180-4) ----
static const u32 K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};
#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(u32 *h, const u8 *p) {
  u32 w[64];
  for (int i = 0; i < 16; i++) w[i] = (u32)p[4 * i] << 24 | (u32)p[4 * i + 1] << 16 | (u32)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    u32 s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
    u32 s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  u32 a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 64; i++) {
    u32 t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    u32 t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha256(const u8 *p, u64 n, u8 out[32]) {
  u32 h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
  u64 i = 0;
  for (; i + 64 <= n; i += 64) sha256_block(h, p + i);
  u8 tail[128];
  u64 r = n - i;
  memset(tail, 0, sizeof tail);
  memcpy(tail, p + i, r);
  tail[r] = 0x80;
  u64 tl = r + 9 <= 64 ? 64 : 128;
  u64 bits = n * 8;
  for (int k = 0; k < 8; k++) tail[tl - 1 - k] = (u8)(bits >> (8 * k));
  sha256_block(h, tail);
  if (tl == 128) sha256_block(h, tail + 64);
  for (int k = 0; k < 8; k++) { out[4 * k] = h[k] >> 24; out[4 * k + 1] = h[k] >> 16; out[4 * k + 2] = h[k] >> 8; out[4 * k + 3] = h[k]; }
}

// ---- byte-code interpreter ----
enum { PUSH, LOAD, STORE, ADD, SUB, MUL, AND, XOR, SHR, JNZ, JMP, LT, DUP, POP, CALL, RET, HALT };
typedef struct { u8 op; i32 arg; } ins_t;

static i64 interp(const ins_t *code, i64 *vars) {
  i64 stack[64]; int sp = 0;
  int rstack[16]; int rsp = 0;
  int pc = 0;
  for (;;) {
    const ins_t in = code[pc++];
    switch (in.op) {
      case PUSH: stack[sp++] = in.arg; break;
      case LOAD: stack[sp++] = vars[in.arg]; break;
      case STORE: vars[in.arg] = stack[--sp]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case AND: sp--; stack[sp - 1] &= stack[sp]; break;
      case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
      case SHR: sp--; stack[sp - 1] = (i64)((u64)stack[sp - 1] >> stack[sp]); break;
      case JNZ: if (stack[--sp]) pc = in.arg; break;
      case JMP: pc = in.arg; break;
      case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case POP: sp--; break;
      case CALL: rstack[rsp++] = pc; pc = in.arg; break;
      case RET: pc = rstack[--rsp]; break;
      case HALT: return vars[0];
    }
  }
}

int main(void) {
  u64 x = 0x9e3779b97f4a7c15ull;
  marker("@part gen\n");
  u64 *d64 = (u64 *)data;
  for (int pass = 0; pass < 4; pass++)
    for (u64 i = 0; i < sizeof data / 8; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; d64[i] = x; }

  marker("@part sha256\n");
  u8 dig[32];
  sha256(data, sizeof data, dig);
  put("sha256=");
  for (int i = 0; i < 32; i++) { putc_("0123456789abcdef"[dig[i] >> 4]); putc_("0123456789abcdef"[dig[i] & 15]); }
  put("\n");

  marker("@part interp\n");
  // vars: 0 acc, 1 i, 2 n, 3 tmp. for (i = 0; i < n; i++) { acc = (acc ^ (i * 2654435761)) + f(i) }, f = i & 7 via CALL
  static const ins_t prog[] = {
    /* 0 */ { PUSH, 0 }, { STORE, 1 },
    /* 2 */ { LOAD, 1 }, { LOAD, 2 }, { LT, 0 }, { JNZ, 7 }, { HALT, 0 },
    /* 7 */ { LOAD, 0 }, { LOAD, 1 }, { PUSH, 0x9E3779B1 }, { MUL, 0 }, { XOR, 0 },
    /* 12 */ { CALL, 22 }, { ADD, 0 }, { STORE, 0 },
    /* 15 */ { LOAD, 1 }, { PUSH, 1 }, { ADD, 0 }, { STORE, 1 }, { JMP, 2 }, { HALT, 0 }, { HALT, 0 },
    /* 22 */ { LOAD, 1 }, { PUSH, 7 }, { AND, 0 }, { DUP, 0 }, { PUSH, 3 }, { SHR, 0 }, { XOR, 0 }, { RET, 0 },
  };
  i64 vars[4] = { 0, 0, 1500000, 0 };
  i64 r = interp(prog, vars);
  put("interp="); puthex((u64)r); put("\n");

  marker("@part memcpy\n");
  u64 sum = 0;
  for (int rep = 0; rep < 64; rep++) {
    u64 *dst = (u64 *)buf2; const u64 *src = (const u64 *)(data + (rep % 4) * 4 * MB);
    for (u64 i = 0; i < sizeof buf2 / 8; i += 2) { dst[i] = src[i]; dst[i + 1] = src[i + 1]; }
    sum += dst[rep * 1000];
  }
  put("memcpy="); puthex(sum); put("\n");

  marker("@part memset\n");
  for (int rep = 0; rep < 24; rep++) {
    u64 v = 0x0101010101010101ull * (u64)rep;
    u64 *p = (u64 *)data;
    for (u64 i = 0; i < sizeof data / 8; i += 2) { p[i] = v; p[i + 1] = v; }
    sum += p[rep * 4096];
  }
  put("memset="); puthex(sum); put("\n");
  marker("@end\n");
  return 0;
}
