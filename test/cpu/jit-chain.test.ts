// Chaining of compiled regions (assembly/exec.ts Op.JIT): a region's exit
// to another compiled entry — in the same page, or through a call, a return
// or a jump into another page — calls it without going round the run loop.
// Random programs of four code pages (a main loop that calls a function in
// the next page or its own — then regions follow the call and the return —
// and one that jumps on into a fourth page; a main loop that may straddle a
// page boundary; returns now and then elsewhere than after their call) run on a machine with the compiler and one
// without, in quanta of random budgets; after every quantum the exit, the
// retired count, the register block and the data must be identical. Some
// programs also get a word of a called function rewritten by the host in the
// middle (invalidation while regions chain into that page).
import { describe, expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Aarch64Core } from '../../src/engine/cpu/aarch64/aarch64-core'
import type { Aarch64Context } from '../../src/engine/cpu/aarch64/context'
import { CoreExit } from '../../src/engine/cpu/core-abi'
import { decodeInsn } from '../../src/engine/cpu/aarch64/jit/region'
import { Generator, interesting, opNames, Rng } from './random-programs'

const SEED = Number(process.env.CPU_JIT_SEED ?? 4711)
const PROGRAMS = Number(process.env.CPU_JIT_CHAIN_PROGRAMS ?? 400)

const CODE_VA = 0x400000, CODE_PAGES = 4, DATA_VA = 0x410000, DATA_PAGES = 16, DATA_RAM = 0x10000

const B = (words: number) => (0x14000000 | (words & 0x3ffffff)) >>> 0
const BL = (words: number) => (0x94000000 | (words & 0x3ffffff)) >>> 0
const MOVZ = (rd: number, imm: number, hw: number) => (0xd2800000 | (hw << 21) | ((imm & 0xffff) << 5) | rd) >>> 0
const MOVK = (rd: number, imm: number, hw: number) => (0xf2800000 | (hw << 21) | ((imm & 0xffff) << 5) | rd) >>> 0
const RET = 0xd65f03c0
const ADDI = (rd: number, rn: number, imm: number) => (0x91000000 | (imm << 10) | (rn << 5) | rd) >>> 0
const MRS_NZCV = (rt: number) => (0xd53b4200 | rt) >>> 0

function machine(jit: boolean | number) {
  return Aarch64Core.create({
    ramBytes: 1 << 20, cores: 1, jit,
    translate: (_asid, va) => {
      if (va >= CODE_VA && va < CODE_VA + CODE_PAGES * 4096) return va - CODE_VA
      if (va >= DATA_VA && va < DATA_VA + DATA_PAGES * 4096) return va - DATA_VA + DATA_RAM
      return -1
    },
  })
}

/** x30 = `to` (the words set it just before a RET: random bodies may overwrite it). */
function returnTo(to: number): number[] {
  return [MOVZ(30, to & 0xffff, 0), MOVK(30, to >>> 16, 1), RET]
}

function initState(r: Rng, ctx: Aarch64Context, pc: number): void {
  for (let i = 0; i < 31; i++) ctx.setX(i, interesting(r))
  ctx.setX(28, BigInt(DATA_VA + 0x8000))
  ctx.setSp(BigInt(DATA_VA + 0xc000))
  ctx.setNzcv(r.int(16) << 28)
  ctx.setPc(BigInt(pc))
}

describe('aarch64 block compiler: chaining', () => {
  const names = opNames(readFileSync(join(import.meta.dirname, '../../src/engine/cpu/aarch64/assembly/ops.ts'), 'utf8'))
  const gen = new Generator(Aarch64Core.create({ ramBytes: 1 << 16, cores: 1, jit: false, translate: () => 0 }), names)

  test(`${PROGRAMS} random programs over four pages: compiled (chained) and interpreted runs agree after every quantum`, () => {
    const failures: string[] = []
    let compared = 0
    const a = machine(2), b = machine(false)
    for (let p = 0; p < PROGRAMS && failures.length < 3; p++) {
      const r = new Rng(SEED * 7919 + p)
      // The compiler's subset, now and then a word it leaves to the interpreter.
      gen.accept = (w) => decodeInsn(w) !== null || r.int(60) === 0
      const words = new Uint32Array(CODE_PAGES * 1024)
      // main: body, BL f1, body, BL f2, body, B main — starting near the end
      // of page 0 now and then, so that it runs on into page 1.
      const m1 = gen.body(r, 4 + r.int(30)), m2 = gen.body(r, 2 + r.int(20)), m3 = gen.body(r, 1 + r.int(10))
      const mainLen = m1.length + m2.length + m3.length + 3
      // Now and then f1 is in main's page: regions follow the call and its return.
      const shape = r.int(3)
      const main = shape === 0 ? 1024 - r.int(mainLen) : shape === 1 ? r.int(400) : r.int(1024 - mainLen)
      const f1 = shape === 1 ? 600 + r.int(300) : 1024 + 256 + r.int(256), f2 = 2048 + r.int(512), f3 = 3072 + r.int(512)
      const callF1 = main + m1.length, callF2 = callF1 + 1 + m2.length
      const mainWords = [...m1, BL(f1 - callF1), ...m2, BL(f2 - callF2), ...m3]
      mainWords.push(B(-mainWords.length))
      words.set(mainWords, main)
      // f1: a body and a return; f2: a body and a jump into page 3, whose body returns.
      const f1Body = gen.body(r, 1 + r.int(40))
      // f1 sometimes returns elsewhere than after its call (to main's start): a mispredicted return.
      const f1Back = r.int(4) === 0 ? main : callF1 + 1
      words.set([...f1Body, ...returnTo(CODE_VA + f1Back * 4)], f1)
      const f2Body = gen.body(r, 1 + r.int(20))
      words.set([...f2Body, B(f3 - (f2 + f2Body.length))], f2)
      words.set([...gen.body(r, 1 + r.int(20)), ...returnTo(CODE_VA + (callF2 + 1) * 4)], f3)
      const data = new Uint8Array(DATA_PAGES * 4096)
      for (let i = 0; i < data.length; i += 4) new DataView(data.buffer).setUint32(i, r.u32(), true)
      for (const m of [a, b]) {
        m.ram.set(new Uint8Array(words.buffer), 0)
        m.ram.set(data, DATA_RAM)
        m.invalidateCode(0, DATA_RAM + data.length)
      }
      const ca = a.allocContext(), cb = b.allocContext()
      const seed = r.u32()
      initState(new Rng(seed), ca, CODE_VA + main * 4); initState(new Rng(seed), cb, CODE_VA + main * 4)
      const rewriteAt = r.int(2) === 0 ? 10 + r.int(20) : -1
      const pass = mainLen + f1Body.length + f2Body.length + 30
      for (let q = 0; q < 40; q++) {
        if (q === rewriteAt) {
          // The host changes a word of f1 (as a copy-on-write copy or a read() would).
          const at = f1 + r.int(f1Body.length), w = ADDI(r.int(28), r.int(28), r.int(4096))
          for (const m of [a, b]) {
            new DataView(m.ram.buffer, m.ram.byteOffset).setUint32(at * 4, w, true)
            m.invalidateCode(at * 4, 4)
          }
        }
        const budget = 1 + r.int(4 * pass)
        const ea = a.run(0, ca, 1, budget), eb = b.run(0, cb, 1, budget)
        compared += a.exit.retired(0)
        const why = ea !== eb ? `exit ${ea} vs ${eb}`
          : a.exit.retired(0) !== b.exit.retired(0) ? `retired ${a.exit.retired(0)} vs ${b.exit.retired(0)}`
          : Buffer.compare(ca.snapshot(), cb.snapshot()) !== 0 ? 'registers differ'
          : Buffer.compare(a.ram.subarray(DATA_RAM, DATA_RAM + data.length), b.ram.subarray(DATA_RAM, DATA_RAM + data.length)) !== 0 ? 'data differs'
          : ''
        if (why) {
          failures.push(`seed ${SEED} program ${p} quantum ${q} (budget ${budget}, pc 0x${cb.pc.toString(16)} vs 0x${ca.pc.toString(16)}): ${why}`)
          break
        }
        if (ea !== CoreExit.Budget) break // a fault or an undefined word: both stopped alike
      }
      a.freeContext(ca); b.freeContext(cb)
    }
    const st = a.jitStats()
    expect(st.failed, st.lastError ?? '').toBe(0)
    console.log(`jit chaining: ${PROGRAMS} programs, ${st.compiled} regions compiled, ${compared} instructions compared`)
    expect(failures).toEqual([])
    expect(st.compiled).toBeGreaterThan(PROGRAMS)
  }, 120_000)

  test('a call into another page and its return run compiled: the callee and the code after the call become regions', () => {
    const m = machine(2)
    const words = new Uint32Array(2048)
    // page 0: x0 += 1; bl f; x2 += 1; b 0 — page 1 (f): x1 += 1; x3 += 1; ret
    words.set([ADDI(0, 0, 1), BL(1024 + 16 - 1), ADDI(2, 2, 1), B(-3)], 0)
    words.set([ADDI(1, 1, 1), ADDI(3, 3, 1), RET], 1024 + 16)
    m.ram.set(new Uint8Array(words.buffer), 0)
    m.invalidateCode(0, 8192)
    const ctx = m.allocContext()
    ctx.setPc(BigInt(CODE_VA))
    // 7 instructions a pass, 1000 passes.
    expect(m.run(0, ctx, 1, 7000)).toBe(CoreExit.Budget)
    expect(m.exit.retired(0)).toBe(7000)
    for (const r of [0, 1, 2, 3]) expect(ctx.x(r)).toBe(1000n)
    // Regions: the loop head (x0 += 1; bl), the callee (entered through a call
    // from another page) and the return point (entered by the RET).
    expect(m.jitStats().compiled).toBe(3)
  })

  test('a call within the page and its return run inside one region', () => {
    const m = machine(2)
    const words = new Uint32Array(1024)
    // 0: x0 += 1; 1: bl 8; 2: x2 += 1; 3: b 0 ... 8: x1 += 1; 9: ret
    words.set([ADDI(0, 0, 1), BL(7), ADDI(2, 2, 1), B(-3)], 0)
    words.set([ADDI(1, 1, 1), RET], 8)
    m.ram.set(new Uint8Array(words.buffer), 0)
    m.invalidateCode(0, 4096)
    const ctx = m.allocContext()
    ctx.setPc(BigInt(CODE_VA))
    // 6 instructions a pass, 1000 passes.
    expect(m.run(0, ctx, 1, 6000)).toBe(CoreExit.Budget)
    expect(m.exit.retired(0)).toBe(6000)
    for (const r of [0, 1, 2]) expect(ctx.x(r)).toBe(1000n)
    expect(ctx.x(30)).toBe(BigInt(CODE_VA + 8))
    expect(m.jitStats().compiled).toBeGreaterThan(0)
  })

  test('a hot branch target the compiler refuses is not offered to it again at every threshold', () => {
    const m = machine(2)
    const words = new Uint32Array(1024)
    // 0: mrs x1, nzcv (not in the compiler's subset); 1: x0 += 1; 2: b 0
    words.set([MRS_NZCV(1), ADDI(0, 0, 1), B(-2)], 0)
    m.ram.set(new Uint8Array(words.buffer), 0)
    m.invalidateCode(0, 4096)
    const ctx = m.allocContext()
    ctx.setPc(BigInt(CODE_VA))
    expect(m.run(0, ctx, 1, 300_000)).toBe(CoreExit.Budget)
    expect(ctx.x(0)).toBe(100_000n)
    // 100,000 arrivals at word 0: without the back-off it would be asked 50,000 times.
    expect(m.jitStats().declined).toBeLessThanOrEqual(1 + Math.ceil(100_000 / 32768))
  })
})
