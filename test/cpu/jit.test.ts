// The block compiler against the interpreter. The interpreter is checked
// against qemu-aarch64 instruction by instruction (differential.test.ts), so
// here the same random loops run on two machines, one with the compiler
// triggered after two iterations and one without it; after every quantum the
// exit, the PC, the retired count, every register, the flags and the data
// must be identical. Loops run until their budget ends, so quanta end
// inside compiled regions at every possible distance from the loop head.
import { describe, expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Aarch64Core } from '../../src/engine/cpu/aarch64/aarch64-core'
import type { Aarch64Context } from '../../src/engine/cpu/aarch64/context'
import { Access, CoreExit } from '../../src/engine/cpu/core-abi'
import { decodeInsn, scanRegion } from '../../src/engine/cpu/aarch64/jit/region'
import { compileRegion } from '../../src/engine/cpu/aarch64/jit/codegen'
import { JIT_PARAMS } from '../../src/engine/cpu/jit/compiled-functions'
import { moduleBytes, ValType } from '../../src/engine/cpu/wasm/wasm-writer'
import { BlockCompiler, type JitWasmApi, type WasmTable } from '../../src/engine/cpu/aarch64/jit/block-compiler'
import { Generator, interesting, opNames, Rng } from './random-programs'

const SEED = Number(process.env.CPU_JIT_SEED ?? 4711)
const LOOPS = Number(process.env.CPU_JIT_LOOPS ?? 600)

const CODE_VA = 0x400000, DATA_VA = 0x410000, DATA_PAGES = 16
const wasm = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly
const B = (words: number) => (0x14000000 | (words & 0x3ffffff)) >>> 0

/** A machine with one code page (RAM page 0) and 64 KiB of data (RAM pages 1..16). */
function machine(jit: boolean | number, codeWritable = false) {
  return Aarch64Core.create({
    ramBytes: 1 << 20, cores: 1, jit,
    translate: (_asid, va, access) => {
      if (va >= CODE_VA && va < CODE_VA + 4096) return access === Access.Write && !codeWritable ? -2 : 0
      if (va >= DATA_VA && va < DATA_VA + DATA_PAGES * 4096) return Math.floor((va - DATA_VA) / 4096) * 4096 + 4096
      return -1
    },
  })
}

function load(m: Aarch64Core, words: number[], data: Uint8Array): void {
  const dv = new DataView(m.ram.buffer, m.ram.byteOffset, m.ram.byteLength)
  words.forEach((w, i) => dv.setUint32(i * 4, w, true))
  m.ram.set(data, 4096)
  m.invalidateCode(0, 4096 + data.length)
}

function initState(r: Rng, ctx: Aarch64Context): void {
  for (let i = 0; i < 31; i++) ctx.setX(i, interesting(r))
  ctx.setX(27, BigInt(r.int(64) * 4))
  ctx.setX(28, BigInt(DATA_VA + 0x8000))
  ctx.setSp(BigInt(DATA_VA + 0xc000))
  ctx.setNzcv(r.int(16) << 28)
  for (let i = 0; i < 32; i++) ctx.v(i).set(new Uint8Array(new BigUint64Array([interesting(r), interesting(r)]).buffer))
  ctx.setPc(BigInt(CODE_VA))
}

describe('aarch64 block compiler', () => {
  const names = opNames(readFileSync(join(import.meta.dirname, '../../src/engine/cpu/aarch64/assembly/ops.ts'), 'utf8'))
  const gen = new Generator(Aarch64Core.create({ ramBytes: 1 << 16, cores: 1, jit: false, translate: () => 0 }), names)

  test(`${LOOPS} random loops: compiled and interpreted runs agree after every quantum`, () => {
    const failures: string[] = []
    let compared = 0, genMs = 0
    // One pair of machines for all loops: new code in the same page also
    // exercises invalidation and the compiler's content-keyed cache.
    const a = machine(2), b = machine(false)
    for (let p = 0; p < LOOPS && failures.length < 3; p++) {
      const r = new Rng(SEED * 1000 + p)
      // Mostly the compiler's subset, so regions run long; now and then an
      // instruction it leaves to the interpreter, which ends a region.
      gen.accept = (w) => decodeInsn(w) !== null || r.int(40) === 0
      const len = 8 + r.int(120)
      const t0 = performance.now()
      const body = gen.body(r, len)
      genMs += performance.now() - t0
      // Unconditional jumps forward (regions follow them) and conditional
      // branches backward (inner loops: regions start inside the body).
      for (let k = 0; k < body.length; k++) {
        const u = r.int(40)
        if (u === 0) body[k] = B(1 + r.int(Math.min(4, body.length - k)))
        else if (u === 1 && k > 0) body[k] = (0x54000000 | ((-1 - r.int(Math.min(k, 8))) & 0x7ffff) << 5 | r.int(14)) >>> 0
      }
      const words = [...body, B(-body.length)]
      const data = new Uint8Array(DATA_PAGES * 4096)
      for (let i = 0; i < data.length; i += 4) new DataView(data.buffer).setUint32(i, r.u32(), true)
      load(a, words, data); load(b, words, data)
      const ca = a.allocContext(), cb = b.allocContext()
      const seed = r.u32()
      initState(new Rng(seed), ca); initState(new Rng(seed), cb)
      for (let q = 0; q < 40; q++) {
        const budget = 1 + r.int(3 * len)
        const ea = a.run(0, ca, 1, budget), eb = b.run(0, cb, 1, budget)
        compared += a.exit.retired(0)
        const why = ea !== eb ? `exit ${ea} vs ${eb}`
          : a.exit.retired(0) !== b.exit.retired(0) ? `retired ${a.exit.retired(0)} vs ${b.exit.retired(0)}`
          : Buffer.compare(ca.snapshot(), cb.snapshot()) !== 0 ? firstDiff(ca, cb)
          : Buffer.compare(a.ram.subarray(4096, 4096 + data.length), b.ram.subarray(4096, 4096 + data.length)) !== 0 ? 'data differs'
          : ''
        if (why) {
          failures.push(`seed ${SEED} loop ${p} quantum ${q} (budget ${budget}, pc 0x${cb.pc.toString(16)}): ${why}; body ${body.map((w) => w.toString(16)).join(' ')}`)
          break
        }
        if (ea !== CoreExit.Budget) break // a fault or an undefined word: both stopped alike
      }
      a.freeContext(ca); b.freeContext(cb)
    }
    const st = a.jitStats()
    expect(st.failed, st.lastError ?? '').toBe(0)
    const compiled = st.compiled
    console.log(`jit differential: ${LOOPS} loops, ${compiled} regions compiled, ${compared} instructions compared (generating ${(genMs / 1000).toFixed(1)} s, compiling ${(st.ms / 1000).toFixed(1)} s)`)
    expect(failures).toEqual([])
    expect(compiled).toBeGreaterThan(LOOPS / 2)
  }, 120_000)

  test('random words of its subset: every region validates, and runs as the interpreter does', () => {
    const r = new Rng(SEED)
    const taken: number[] = []
    for (let i = 0; taken.length < 20_000 && i < 5_000_000; i++) {
      const w = r.u32()
      if (decodeInsn(w)) taken.push(w)
    }
    // Unconstrained operands: SP and XZR forms, any address below 2^48 (all
    // of them map somewhere in the first 17 RAM pages, the code page among
    // them, so stores also rewrite code). Both machines must stop alike.
    const mapAll = (jit: boolean | number) => Aarch64Core.create({
      ramBytes: 1 << 20, cores: 1, jit, translate: (_asid, va) => (Math.floor(va / 4096) === CODE_VA / 4096 ? 0 : Math.floor(va / 4096) % 17) * 4096,
    })
    const a = mapAll(1), b = mapAll(false)
    const data = new Uint8Array(DATA_PAGES * 4096)
    let modules = 0, runs = 0
    for (let off = 0; off + 64 <= taken.length; off += 64) {
      const words = taken.slice(off, off + 64)
      const region = scanRegion(Uint32Array.from(words), 0)
      if (region) {
        const bytes = moduleBytes(JIT_PARAMS, ValType.i32, compileRegion(region))
        expect(wasm.validate(bytes), `words ${words.slice(0, region.insns.length).map((w) => w.toString(16)).join(' ')}`).toBe(true)
        modules++
      }
      // Runs: the words without branches, in a loop; half the registers
      // point into the data area.
      const body = words.filter((w) => !('delta' in decodeInsn(w)!) && decodeInsn(w)!.k !== 'br')
      const code = [...body, B(-body.length)]
      load(a, code, data); load(b, code, data)
      const ca = a.allocContext(), cb = b.allocContext()
      const seed = r.u32()
      for (const c of [ca, cb]) {
        const rr = new Rng(seed)
        initState(rr, c)
        for (let i = 0; i < 31; i++) if (rr.int(2)) c.setX(i, BigInt(DATA_VA + rr.int(0x10000)))
      }
      for (let q = 0; q < 30; q++) {
        const ea = a.run(0, ca, 1, 500), eb = b.run(0, cb, 1, 500)
        expect(ea, `words ${body.map((w) => w.toString(16)).join(' ')}`).toBe(eb)
        expect(a.exit.retired(0)).toBe(b.exit.retired(0))
        expect(Buffer.compare(ca.snapshot(), cb.snapshot()), firstDiff(ca, cb)).toBe(0)
        expect(Buffer.compare(a.ram.subarray(0, 17 * 4096), b.ram.subarray(0, 17 * 4096))).toBe(0)
        runs++
        // A fault (an address at or above 2^48): skip the instruction on both, as a
        // handler would, so the loop goes on and gets compiled.
        if (ea !== CoreExit.Budget) { ca.setPc(ca.pc + 4n); cb.setPc(cb.pc + 4n) }
      }
      a.freeContext(ca); b.freeContext(cb)
    }
    expect(modules).toBeGreaterThan(100)
    expect(a.jitStats().failed).toBe(0)
    console.log(`jit random words: ${modules} regions validated, ${runs} quanta compared, ${a.jitStats().compiled} regions compiled`)
  })

  test('a compiled loop sees its code change: host writes and guest stores invalidate it', () => {
    const MOVZ = (rd: number, imm: number) => (0xd2800000 | (imm << 5) | rd) >>> 0
    const ADDI = (rd: number, rn: number, imm: number) => (0x91000000 | (imm << 10) | (rn << 5) | rd) >>> 0
    const STRW = (rt: number, rn: number) => (0xb9000000 | (rn << 5) | rt) >>> 0
    const m = machine(2, true)
    // 0: x0 = 0; 1..3: the loop; 4..5: a store into the loop, then back into it
    load(m, [MOVZ(0, 0), ADDI(0, 0, 1), ADDI(1, 1, 1), B(-2), STRW(3, 4), B(-4)], new Uint8Array(0))
    const ctx = m.allocContext()
    ctx.setPc(BigInt(CODE_VA))
    expect(m.run(0, ctx, 1, 3001)).toBe(CoreExit.Budget)
    expect(m.jitStats().compiled).toBe(1)
    expect(ctx.x(0)).toBe(1000n)
    // Host write (as the kernel does for a copy-on-write copy or a read() into a code page).
    new DataView(m.ram.buffer, m.ram.byteOffset).setUint32(4, ADDI(0, 0, 2), true)
    m.invalidateCode(4, 4)
    expect(m.run(0, ctx, 1, 3000)).toBe(CoreExit.Budget)
    expect(ctx.x(0)).toBe(3000n)
    expect(m.jitStats().compiled).toBe(2)
    // Guest store into the compiled loop.
    ctx.setX(3, BigInt(ADDI(0, 0, 3)))
    ctx.setX(4, BigInt(CODE_VA + 4))
    ctx.setPc(BigInt(CODE_VA + 16))
    expect(m.run(0, ctx, 1, 3002)).toBe(CoreExit.Budget)
    expect(ctx.x(0)).toBe(6000n)
    expect(m.jitStats().compiled).toBe(3)
  })

  test('a region that follows a jump is recompiled when the word it jumped to changes', () => {
    const ADDI = (rd: number, rn: number, imm: number) => (0x91000000 | (imm << 10) | (rn << 5) | rd) >>> 0
    const UDF = 0
    const m = machine(2)
    // 0: x0 += 1; 1: b 4; 2-3: never run; 4: x1 += 1; 5: b 0 — one region through the jump.
    load(m, [ADDI(0, 0, 1), B(3), UDF, UDF, ADDI(1, 1, 1), B(-5)], new Uint8Array(0))
    const ctx = m.allocContext()
    ctx.setPc(BigInt(CODE_VA))
    expect(m.run(0, ctx, 1, 4000)).toBe(CoreExit.Budget)
    expect(m.jitStats().compiled).toBeGreaterThan(0)
    expect(ctx.x(1)).toBe(1000n)
    // Only the jump target changes: the words from the region start on stay the same.
    new DataView(m.ram.buffer, m.ram.byteOffset).setUint32(16, ADDI(1, 1, 5), true)
    m.invalidateCode(16, 4)
    expect(m.run(0, ctx, 1, 4000)).toBe(CoreExit.Budget)
    expect(ctx.x(1)).toBe(1000n + 5000n)
  })

  test('the cache tells regions apart by the words they run, not the words that follow their start', () => {
    const api = globalThis as unknown as { WebAssembly: JitWasmApi & { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer }; Table: new (d: { initial: number; element: 'anyfunc' }) => WasmTable } }
    const memory = new api.WebAssembly.Memory({ initial: 1 })
    const jit = new BlockCompiler(api.WebAssembly, new api.WebAssembly.Table({ initial: 1, element: 'anyfunc' }))
    jit.attach(memory)
    const ADDI = (rd: number, rn: number, imm: number) => (0x91000000 | (imm << 10) | (rn << 5) | rd) >>> 0
    const words = new Uint32Array(memory.buffer, 0, 1024)
    // 0: x0 += 1; 1: b 4; 2-3: not in the region; 4: x1 += 1; 5: b 0
    words.set([ADDI(0, 0, 1), B(3), 0, 0, ADDI(1, 1, 1), B(-5)])
    const first = jit.compile(0, 0)
    expect(first).toBeGreaterThan(0)
    expect(jit.compile(0, 0)).toBe(first)
    words[4] = ADDI(1, 1, 5) // the jump target changes; words 0..3 do not
    const second = jit.compile(0, 0)
    expect(second).toBeGreaterThan(0)
    expect(second).not.toBe(first)
    words[2] = ADDI(2, 2, 1) // a word the region jumps over: the same code
    expect(jit.compile(0, 0)).toBe(second)
    expect(jit.stats).toMatchObject({ compiled: 2, reused: 2, failed: 0 })
  })

  test('a quantum ending anywhere in a compiled loop retires exactly its budget', () => {
    const ADDI = (rd: number, rn: number, imm: number) => (0x91000000 | (imm << 10) | (rn << 5) | rd) >>> 0
    const m = machine(1)
    load(m, [ADDI(0, 0, 1), ADDI(1, 1, 1), ADDI(2, 2, 1), B(-3)], new Uint8Array(0))
    const ctx = m.allocContext()
    ctx.setPc(BigInt(CODE_VA))
    let total = 0
    for (let budget = 1; budget < 60; budget++) {
      expect(m.run(0, ctx, 1, budget)).toBe(CoreExit.Budget)
      expect(m.exit.retired(0)).toBe(budget)
      total += budget
      // Every fourth instruction is the branch: X0..X2 count the passes.
      const passes = Math.floor(total / 4), rest = total % 4
      expect(ctx.x(0)).toBe(BigInt(passes + (rest >= 1 ? 1 : 0)))
      expect(ctx.x(2)).toBe(BigInt(passes + (rest >= 3 ? 1 : 0)))
    }
    expect(m.jitStats().compiled).toBeGreaterThan(0)
  })
})

function firstDiff(a: Aarch64Context, b: Aarch64Context): string {
  const x = a.snapshot(), y = b.snapshot()
  for (let i = 0; i < x.length; i += 8) {
    const u = new DataView(x.buffer).getBigUint64(i, true), v = new DataView(y.buffer).getBigUint64(i, true)
    if (u !== v) return `register block offset ${i}: 0x${u.toString(16)} (compiled) vs 0x${v.toString(16)}`
  }
  return 'register block differs'
}
