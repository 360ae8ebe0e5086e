// The x87 unit against the host CPU: every instruction under each rounding
// and precision control, on operands drawn to hit the hard cases (operands
// a few exponents apart, short significands that make ties, denormals,
// zeros, infinities, NaNs, unsupported encodings, values at the exponent
// limits). Each snippet stores its results and the status word after each
// instruction into the data area, which is compared byte for byte with a
// native run. Every snippet starts with FNINIT, so the stack the harness
// process leaves behind does not matter.
import { describe, expect, test } from 'vitest'
import { assemble } from './assemble'
import { nativeUnavailable, runNative } from './native'
import { DATA_SIZE, SnippetMachine, type SnippetState } from './snippet'
import { R15_VALUE, RSP_VALUE, Rng } from './random-insns'

/** Rounds per snippet (each with new operands); X87_ROUNDS sweeps more. */
const ROUNDS = Number(process.env.X87_ROUNDS ?? 24)
/** Operands: 16 extended values at [r15], 16 doubles at [r15+0x100], 16 floats at [r15+0x180], 16 int32 at [r15+0x1c0]. Results from [r15+0x400] (16 bytes × 4 per operand pair), scratch from [r15+0x600], status words from [r15+0x700]. */
const OUT = 0x400

function randSig(rng: Rng): bigint {
  const v = (BigInt(rng.u32()) << 32n) | BigInt(rng.u32())
  // A short significand makes exact results and ties to even likely.
  const keep = rng.pick([64, 64, 64, 8, 20, 53, 24])
  return (v | (1n << 63n)) & ~((1n << BigInt(64 - keep)) - 1n)
}

/** An extended value: [significand, sign/exponent word]. */
function randExt(rng: Rng, near: number): [bigint, number] {
  const s = rng.chance(0.3) ? 0x8000 : 0
  switch (rng.int(20)) {
    case 0: return [0n, s]
    case 1: return [1n << 63n, s | 0x7fff]
    case 2: return [randSig(rng) | (1n << 62n), s | 0x7fff] // QNaN
    case 3: return [(randSig(rng) & ~(1n << 62n)) | 1n, s | 0x7fff] // SNaN
    case 4: return [randSig(rng) >> BigInt(1 + rng.int(63)), s] // denormal
    case 5: return [randSig(rng), s | (0x7ffe - rng.int(3))]
    case 6: return [randSig(rng), s | (1 + rng.int(3))]
    case 7: return [randSig(rng) & ~(1n << 63n), s | rng.int(0x8000)] // unnormal / pseudo
    default: return [randSig(rng), s | (near + rng.int(140) - 70)]
  }
}

function fill(rng: Rng): Uint8Array {
  const data = new Uint8Array(DATA_SIZE)
  for (let i = 0; i < DATA_SIZE; i++) data[i] = rng.int(256)
  const v = new DataView(data.buffer)
  const base = 0x800
  const near = 0x3fff + rng.int(20) - 10
  for (let i = 0; i < 16; i++) {
    const [sig, se] = randExt(rng, near)
    v.setBigUint64(base + 16 * i, sig, true)
    v.setUint16(base + 16 * i + 8, se, true)
  }
  for (let i = 0; i < 16; i++) {
    if (rng.chance(0.8)) v.setFloat64(base + 0x100 + 8 * i, (rng.u32() - 2 ** 31) / (1 + rng.int(1000)) * 2 ** (rng.int(40) - 20), true)
    if (rng.chance(0.8)) v.setFloat32(base + 0x180 + 4 * i, (rng.u32() - 2 ** 31) / (1 + rng.int(1000)) * 2 ** (rng.int(40) - 20), true)
    if (rng.chance(0.5)) v.setInt32(base + 0x1c0 + 4 * i, rng.int(2001) - 1000, true)
  }
  return data
}

/** FCW with rounding control rc and precision control pc (all exceptions masked). */
const fcw = (rc: number, pc: number): number => 0x7f | (pc << 8) | (rc << 10)

/** For eight operand pairs k: FNCLEX, the body (operands at X = [r15+16k], Y = [r15+16k+128]), status word and results stored. */
function perPair(body: (x: string, y: string, k: number) => string, results: number): string {
  const out: string[] = []
  for (let k = 0; k < 8; k++) {
    const x = `tbyte ptr [r15+${16 * k}]`
    const y = `tbyte ptr [r15+${16 * k + 128}]`
    out.push('fnclex', body(x, y, k), `fnstsw [r15+${OUT + 0x300 + 2 * k}]`)
    for (let r = 0; r < results; r++) out.push(`fstp tbyte ptr [r15+${OUT + 16 * (k * 4 + r)}]`)
  }
  return out.join('\n')
}

/** name, body: the source after FNINIT and FLDCW for each control word. */
const CASES: [string, string][] = [
  ['fadd st, st(1)', perPair((x, y) => `fld ${x}\nfld ${y}\nfadd st, st(1)`, 2)],
  ['fsub, fsubr registers', perPair((x, y) => `fld ${x}\nfld ${y}\nfsub st, st(1)\nfld ${x}\nfsubr st, st(1)`, 3)],
  ['fsubp, fsubrp, faddp (DE)', perPair((x, y, k) => `fld ${x}\nfld ${y}\n${['fsubp', 'fsubrp', 'faddp', 'fmulp'][k & 3]} st(1), st`, 1)],
  ['fsub/fsubr/fdiv/fdivr st(i), st (DC)', perPair((x, y, k) => `fld ${x}\nfld ${y}\n${['fsub', 'fsubr', 'fdiv', 'fdivr'][k & 3]} st(1), st`, 2)],
  ['fmul', perPair((x, y) => `fld ${x}\nfld ${y}\nfmul st, st(1)`, 2)],
  ['fdiv, fdivr', perPair((x, y) => `fld ${x}\nfld ${y}\nfdiv st, st(1)\nfld ${y}\nfdivr st, st(2)`, 3)],
  ['fsqrt', perPair((x) => `fld ${x}\nfsqrt`, 1)],
  ['fprem loop, fprem1', perPair((x, y) => `fld ${y}\nfld ${x}\n1: fprem\nfnstsw ax\ntest ah, 4\njnz 1b\nfld ${x}\nfprem1`, 3)],
  ['frndint, fscale, fxtract', perPair((x, y) => `fld ${x}\nfrndint\nfld ${y}\nfld ${x}\nfscale\nfstp st(1)\nfld ${x}\nfxtract`, 4)],
  ['fchs, fabs, fxam, ftst', perPair((x, y, k) => `fld ${x}\nfxam\nfnstsw [r15+${OUT + 0x380 + 2 * k}]\nftst\nfnstsw [r15+${OUT + 0x3a0 + 2 * k}]\nfchs\nfld ${y}\nfabs`, 2)],
  ['fcom, fcomp, fucom, fcompp, fucompp', perPair((x, y, k) => `fld ${y}\nfld ${x}\nfcom st(1)\nfnstsw [r15+${OUT + 0x380 + 2 * k}]\nfucom st(1)\nfnstsw [r15+${OUT + 0x3a0 + 2 * k}]\nfld st(0)\nfcomp st(2)\n${k & 1 ? 'fcompp' : 'fucompp'}`, 0)],
  ['fcomi, fucomi, fcmov', perPair((x, y, k) => `fld ${y}\nfld ${x}\nfcomi st, st(1)\npushfq\npop rax\nmov [r15+${OUT + 0x380 + 4 * k}], eax\nfucomip st, st(1)\n${['fcmovb', 'fcmove', 'fcmovbe', 'fcmovu', 'fcmovnb', 'fcmovne', 'fcmovnbe', 'fcmovnu'][k]} st, st(0)\nfld ${x}\nfld ${y}\nfucomi st, st(1)\n${['fcmovb', 'fcmove', 'fcmovbe', 'fcmovu', 'fcmovnb', 'fcmovne', 'fcmovnbe', 'fcmovnu'][k]} st, st(1)`, 3)],
  ['fst m32/m64 and fld back', perPair((x, _y, k) => `fld ${x}\nfst dword ptr [r15+${OUT + 0x200 + 4 * k}]\nfst qword ptr [r15+${OUT + 0x240 + 8 * k}]\nfld dword ptr [r15+${OUT + 0x200 + 4 * k}]\nfld qword ptr [r15+${OUT + 0x240 + 8 * k}]`, 3)],
  ['fist, fistp, fisttp', perPair((x, _y, k) => `fld ${x}\nfist word ptr [r15+${OUT + 0x200 + 2 * k}]\nfist dword ptr [r15+${OUT + 0x220 + 4 * k}]\nfld st(0)\nfistp qword ptr [r15+${OUT + 0x240 + 8 * k}]\nfld st(0)\nfisttp qword ptr [r15+${OUT + 0x280 + 8 * k}]\nfld st(0)\nfisttp dword ptr [r15+${OUT + 0x2c0 + 4 * k}]`, 1)],
  ['memory operands: m64, m32, m32int, m16int', perPair((x, _y, k) => `fld ${x}\nfadd qword ptr [r15+${0x100 + 8 * k}]\nfld ${x}\nfmul dword ptr [r15+${0x180 + 4 * k}]\nfld ${x}\nfidivr dword ptr [r15+${0x1c0 + 4 * k}]\nfisub word ptr [r15+${0x1c0 + 2 * k}]\nficom dword ptr [r15+${0x1c0 + 4 * k}]`, 3)],
  ['fsubr m64, fdiv m32, fcomp m64', perPair((x, _y, k) => `fld ${x}\nfsubr qword ptr [r15+${0x100 + 8 * k}]\nfld ${x}\nfdiv dword ptr [r15+${0x180 + 4 * k}]\nfld ${x}\nfcomp qword ptr [r15+${0x108 + 8 * k}]`, 2)],
  ['fild m16/m32/m64', perPair((_x, _y, k) => `fild word ptr [r15+${0x1c0 + 2 * k}]\nfild dword ptr [r15+${0x1c0 + 4 * k}]\nfild qword ptr [r15+${0x100 + 8 * k}]`, 3)],
  ['constants', perPair((_x, _y, k) => ['fld1\nfldz\nfldpi', 'fldl2t\nfldl2e\nfldlg2', 'fldln2\nfldpi\nfld1', 'fldz\nfldl2e\nfldl2t'][k & 3], 3)],
  ['fxch, fld st(i), fst st(i), ffree, fincstp, fdecstp', perPair((x, y) => `fld ${x}\nfld ${y}\nfxch st(1)\nfld st(1)\nfst st(2)\nfxch st(2)\nffree st(1)\nfincstp\nfdecstp`, 3)],
  // MXCSR_MASK (image offset 28) is cleared: the host has DAZ, which the core does not implement.
  ['fxsave, fxrstor', perPair((x, y, k) => `fld ${x}\nfld ${y}\nfdiv st, st(1)\n${k & 1 ? 'rex64 ' : ''}fxsave [r15+0x900]\nfninit\nmov dword ptr [r15+0x918], ${0x1f80 | (k << 13)}\n${k & 1 ? 'rex64 ' : ''}fxrstor [r15+0x900]\nstmxcsr [r15+${OUT + 0x3c0 + 4 * k}]\nldmxcsr [r15+${OUT + 0x3c0}]\nmov dword ptr [r15+0x91c], 0`, 2) + '\nfxsave [r15+0x908]'],
  ['stack overflow and underflow', 'fld1\nfld1\nfld1\nfld1\nfld1\nfld1\nfld1\nfld1\nfldpi\nfnstsw [r15+0x400]\nfstp tbyte ptr [r15+0x410]\nfnclex\nfstp st(0)\nfstp st(0)\nfstp st(0)\nfstp st(0)\nfstp st(0)\nfstp st(0)\nfstp st(0)\nfadd st, st(1)\nfnstsw [r15+0x420]\nfstp tbyte ptr [r15+0x430]'],
  ['fnstenv, fldenv, fnsave, frstor', perPair((x, y, k) => `fld ${x}\nfld ${y}\nfdiv st, st(1)\nfnstenv [r15+${OUT + 0x200}]\nmov eax, [r15+${OUT + 0x200}]\nmov [r15+${OUT + 0x3c0 + 2 * k}], ax\nmov eax, [r15+${OUT + 0x204}]\nmov [r15+${OUT + 0x3e0 + 2 * k}], ax\nfldenv [r15+${OUT + 0x200}]\nmov qword ptr [r15+${OUT + 0x20c}], 0\nmov qword ptr [r15+${OUT + 0x214}], 0`, 2) +
    '\nfld1\nfldpi\nfldln2\nfldz\nfld1\nfldl2e\nfldl2t\nfldlg2\nfnsave [r15+0x900]\nfld1\nfrstor [r15+0x900]\nfstp tbyte ptr [r15+0x980]\nfstp tbyte ptr [r15+0x990]\nfnstsw [r15+0x9a0]\nmov qword ptr [r15+0x90c], 0\nmov qword ptr [r15+0x914], 0'],
]

const skip = nativeUnavailable()

describe.skipIf(skip !== undefined)('x87 against the host CPU', () => {
  const m = new SnippetMachine()
  for (const [name, body] of CASES) {
    test(name, () => {
      const rng = new Rng(name.length * 104729 + body.length)
      // Each round: one control word (4 rounding × 3 precision controls, cycled) and new operands.
      const codes = Array.from({ length: 12 }, (_, i) => assemble(`fninit\nmov word ptr [r15-8], ${fcw(i & 3, [3, 2, 0][i >> 2])}\nfldcw [r15-8]\n${body}`))
      const cases = Array.from({ length: ROUNDS }, (_, i) => {
        const regs = Array.from({ length: 16 }, () => rng.u64())
        regs[4] = RSP_VALUE
        regs[15] = R15_VALUE
        const state: SnippetState = { regs, rflags: 0x202n }
        return { code: codes[i % 12], state, data: fill(rng) }
      })
      const native = runNative(cases)
      cases.forEach((c, i) => {
        const ours = m.run(c.code, c.state, c.data)
        const at = `round ${i} (FCW ${fcw(i & 3, [3, 2, 0][(i % 12) >> 2]).toString(16)})`
        expect({ at, rip: ours.rip, signal: ours.signal, regs: ours.regs }).toEqual({ at, rip: native[i].rip, signal: native[i].signal, regs: native[i].regs })
        expect({ at, data: hexDiff(ours.data, native[i].data) }).toEqual({ at, data: [] })
      })
    })
  }
})

/**
 * F2XM1 is not correctly rounded on hardware (the host's differs from the
 * correctly rounded value by one unit in the last place in ~10 % of
 * operands), and its algorithm is not published; ours is correctly rounded.
 * So here: within one ulp of the host, for |x| ≤ 1/2 (what glibc's expl
 * passes it; expl's results match exactly, test/lx/x86-64.test.ts) and ±1.
 */
describe.skipIf(skip !== undefined)('F2XM1 against the host CPU', () => {
  const m = new SnippetMachine()
  test('within one ulp of the host under each rounding control', () => {
    const rng = new Rng(2718)
    for (let rc = 0; rc < 4; rc++) {
      let src = `fninit\nmov word ptr [r15-8], ${fcw(rc, 3)}\nfldcw [r15-8]\n`
      for (let k = 0; k < 64; k++) src += `fld tbyte ptr [r15+${16 * k}]\nf2xm1\nfstp tbyte ptr [r15+${0x400 + 16 * k}]\n`
      const code = assemble(src)
      const cases = Array.from({ length: 8 }, () => {
        const data = new Uint8Array(DATA_SIZE)
        const v = new DataView(data.buffer)
        for (let k = 0; k < 64; k++) {
          const exp = k < 2 ? 0x3fff : 0x3ffe - rng.int(70)
          v.setBigUint64(0x800 + 16 * k, k < 2 ? 1n << 63n : randSig(rng), true)
          v.setUint16(0x808 + 16 * k, (k & 1 ? 0x8000 : 0) | exp, true)
        }
        const regs = Array.from({ length: 16 }, () => 0n)
        regs[4] = RSP_VALUE
        regs[15] = R15_VALUE
        return { code, state: { regs, rflags: 0x202n }, data }
      })
      const native = runNative(cases)
      cases.forEach((c, i) => {
        const ours = new DataView(m.run(c.code, c.state, c.data).data.buffer)
        const host = new DataView(native[i].data.buffer)
        for (let k = 0; k < 64; k++) {
          const at = 0xc00 + 16 * k
          const a = (BigInt(ours.getUint16(at + 8, true)) << 64n) | ours.getBigUint64(at, true)
          const b = (BigInt(host.getUint16(at + 8, true)) << 64n) | host.getBigUint64(at, true)
          const d = a > b ? a - b : b - a
          expect({ rc, x: Buffer.from(c.data.subarray(0x800 + 16 * k, 0x80a + 16 * k)).toString('hex'), ulps: d <= 1n }).toEqual({ rc, x: Buffer.from(c.data.subarray(0x800 + 16 * k, 0x80a + 16 * k)).toString('hex'), ulps: true })
        }
      })
    }
  })
})

/** The differing 16-byte lines of the data area, ours then native, for a readable failure. */
function hexDiff(a: Uint8Array, b: Uint8Array): string[] {
  const out: string[] = []
  for (let off = 0; off < a.length; off += 16) {
    const x = Buffer.from(a.subarray(off, off + 16)).toString('hex')
    const y = Buffer.from(b.subarray(off, off + 16)).toString('hex')
    if (x !== y) out.push(`r15${off - 0x800 >= 0 ? '+' : '-'}0x${Math.abs(off - 0x800).toString(16)}: ${x} ours, ${y} native`)
  }
  return out
}
