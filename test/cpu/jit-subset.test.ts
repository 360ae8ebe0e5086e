// Instructions the block compiler took on after the random-loop suite was
// written, which that suite's generator does not draw (MRS and the hint
// space are excluded there; MOVI/MVNI and UMULH/SMULH are rare): random loops
// made mostly of them, run compiled and interpreted, compared after every
// quantum. The interpreter is checked against qemu-aarch64 for all of them
// (differential.test.ts, corpus.test.ts).
import { describe, expect, test } from 'vitest'
import { Aarch64Core } from '../../src/engine/cpu/aarch64/aarch64-core'
import type { Aarch64Context } from '../../src/engine/cpu/aarch64/context'
import { CoreExit } from '../../src/engine/cpu/core-abi'
import { decodeInsn } from '../../src/engine/cpu/aarch64/jit/region'
import { interesting, Rng } from './random-programs'

const SEED = Number(process.env.CPU_JIT_SEED ?? 4711)
const LOOPS = 200
const CODE_VA = 0x400000

function machine(jit: boolean | number) {
  return Aarch64Core.create({
    ramBytes: 1 << 16, cores: 1, jit,
    translate: (_asid, va) => (va >= CODE_VA && va < CODE_VA + 4096 ? 0 : -1),
  })
}

/** One random word of the new forms (some of them ones the compiler leaves to the interpreter). */
function word(r: Rng): number {
  const rd = r.int(32), rn = r.int(32), rm = r.int(32)
  switch (r.int(6)) {
    case 0: // MOVI/MVNI/ORR/BIC/FMOV (vector, immediate): every Q, op, cmode, o2
      return (0x0f000400 | (r.int(2) << 30) | (r.int(2) << 29) | (r.int(8) << 16) | (r.int(16) << 12) | (r.int(2) << 11) | (r.int(32) << 5) | rd) >>> 0
    case 1: // UMULH / SMULH
      return (0x9b407c00 | (r.int(2) << 23) | (rm << 16) | (rn << 5) | rd) >>> 0
    case 2: // MRS TPIDR_EL0 / TPIDRRO_EL0
      return (0xd53bd040 | (r.int(2) << 5) | rd) >>> 0
    case 3: // the hint space, WFE and WFI included
      return (0xd503201f | (r.int(128) << 5)) >>> 0
    case 4: // ADD (shifted register): values for the multiplies
      return (0x8b000000 | (r.int(64) << 10) | (rm << 16) | (rn << 5) | rd) >>> 0
    default: // EOR (shifted register)
      return (0xca000000 | (r.int(64) << 10) | (rm << 16) | (rn << 5) | rd) >>> 0
  }
}

function init(r: Rng, ctx: Aarch64Context): void {
  for (let i = 0; i < 31; i++) ctx.setX(i, interesting(r))
  ctx.setTpidr(interesting(r))
  ctx.setTpidrro(interesting(r))
  for (let i = 0; i < 32; i++) ctx.v(i).set(new Uint8Array(new BigUint64Array([interesting(r), interesting(r)]).buffer))
  ctx.setPc(BigInt(CODE_VA))
}

describe('aarch64 block compiler: MOVI/MVNI, UMULH/SMULH, MRS TPIDR, hints', () => {
  test(`${LOOPS} random loops of them: compiled and interpreted runs agree after every quantum`, () => {
    const a = machine(2), b = machine(false)
    let compiledWords = 0
    for (let p = 0; p < LOOPS; p++) {
      const r = new Rng(SEED * 1000 + p)
      const body = Array.from({ length: 4 + r.int(40) }, () => word(r))
      compiledWords += body.filter((w) => decodeInsn(w) !== null).length
      const code = [...body, (0x14000000 | (-body.length & 0x3ffffff)) >>> 0] // b back to the start
      const ctxs = [a, b].map((m) => {
        const dv = new DataView(m.ram.buffer, m.ram.byteOffset, m.ram.byteLength)
        code.forEach((w, i) => dv.setUint32(i * 4, w, true))
        m.invalidateCode(0, 4096)
        const ctx = m.allocContext()
        init(new Rng(SEED * 7 + p), ctx)
        return ctx
      })
      for (let q = 0; q < 20; q++) {
        const budget = 1 + r.int(3000)
        const exits = [a, b].map((m, k) => m.run(0, ctxs[k], 1, budget))
        expect(exits[0], `loop ${p} quantum ${q}`).toBe(exits[1])
        expect(a.exit.retired(0), `loop ${p} quantum ${q}`).toBe(b.exit.retired(0))
        expect(ctxs[0].snapshot(), `loop ${p} quantum ${q}`).toEqual(ctxs[1].snapshot())
        if (exits[0] !== CoreExit.Budget) break
      }
      a.freeContext(ctxs[0])
      b.freeContext(ctxs[1])
    }
    // Most words are of the compiler's subset, so the loops did run compiled.
    expect(compiledWords).toBeGreaterThan(LOOPS * 10)
    expect(a.jitStats()).toMatchObject({ failed: 0 })
    expect(a.jitStats().compiled).toBeGreaterThan(LOOPS / 2)
  })
})
