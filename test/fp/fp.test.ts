// Differential test of the scalar FP library against qemu-aarch64: the same
// seeded operation list (special classes x FPCR settings, random operands)
// runs through guests/fp-ref under QEMU and through the wasm test entry; the
// result bits and FPSR must agree for every operation.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { OPS } from './ops.mjs'
import { generate, REC_IN, REC_OUT } from './gen'
import { loadWasm, runQemu, runWasm } from './harness'

const SEED = Number(process.env.FP_SEED ?? 0x5eed)
/** FP_FULL=1: also cross every pair (triple for FMA) of special values with
 *  every FPCR setting, about 10 million checks; not for the routine run. */
const FULL = process.env.FP_FULL === '1'

describe('scalar FP library vs qemu-aarch64', () => {
  it('test entry dispatches the ids of ops.mjs', () => {
    const src = readFileSync('src/engine/cpu/aarch64/assembly/fp/test/entry.ts', 'utf8')
    const cases = [...src.matchAll(/case (\d+): .* \/\/ (\w+)$/gm)].map((m) => `${m[1]}:${m[2]}`)
    expect(cases).toEqual(OPS.map((o) => `${o.id}:${o.name}`))
  })

  it('native fast paths agree with the soft-float core', () => {
    // kinds of crossCheck in the test entry
    const kinds = ['S_ADD', 'S_SUB', 'S_MUL', 'S_DIV', 'S_SQRT', 'S_MADD', 'D_ADD', 'D_SUB', 'D_MUL', 'D_DIV', 'D_SQRT', 'D_MADD',
      'S_TOINT', 'D_TOINT', 'INT_TO_S', 'INT_TO_D', 'S_RINT', 'D_RINT', 'D_TO_S', 'S_TO_D',
      'S_MINMAX', 'D_MINMAX', 'S_CMP', 'D_CMP', 'S_STEP', 'D_STEP']
    const entry = loadWasm()
    const N = 100_000
    const bad: string[] = []
    kinds.forEach((name, k) => {
      const n = entry.crossCheck(k, N, BigInt(SEED) * 1000n + BigInt(k) + 1n)
      if (n > 0) bad.push(`${name}: ${n}/${N}, first a=${BigInt.asUintN(64, entry.ccA.value).toString(16)} b=${BigInt.asUintN(64, entry.ccB.value).toString(16)} c=${BigInt.asUintN(64, entry.ccC.value).toString(16)}`)
    })
    console.log(`fp: fast paths cross-checked on ${kinds.length * N} operations`)
    expect(bad).toEqual([])
  })

  it('matches bit for bit and flag for flag', () => {
    const t0 = performance.now()
    const batch = generate(SEED, FULL)
    const t1 = performance.now()
    const ref = runQemu(batch)
    const t2 = performance.now()
    const got = runWasm(batch)
    const t3 = performance.now()
    const perOp = new Map<string, { n: number, bad: number, first: string[] }>()
    let bad = 0
    // coverage: how often the reference raised each FPSR flag
    const FLAGS: [string, number][] = [['IOC', 0], ['DZC', 1], ['OFC', 2], ['UFC', 3], ['IXC', 4], ['IDC', 7]]
    const flagCount = new Map<string, number>(FLAGS.map(([f]) => [f, 0]))
    for (let i = 0; i < batch.count; i++) {
      const name = OPS[batch.records.readUInt32LE(i * REC_IN)].name
      let s = perOp.get(name)
      if (!s) perOp.set(name, s = { n: 0, bad: 0, first: [] })
      s.n++
      const o = i * REC_OUT
      const rq = ref.readBigUInt64LE(o), fq = ref.readUInt32LE(o + 8)
      const rw = got.readBigUInt64LE(o), fw = got.readUInt32LE(o + 8)
      for (const [f, bit] of FLAGS) if (fq & (1 << bit)) flagCount.set(f, flagCount.get(f)! + 1)
      if (rq === rw && fq === fw) continue
      bad++
      s.bad++
      if (s.first.length < 3) {
        const ri = i * REC_IN
        const h = (x: bigint) => '0x' + x.toString(16)
        s.first.push(`fpcr=${h(BigInt(batch.records.readUInt32LE(ri + 4)))} a=${h(batch.records.readBigUInt64LE(ri + 8))} ` +
          `b=${h(batch.records.readBigUInt64LE(ri + 16))} c=${h(batch.records.readBigUInt64LE(ri + 24))}: ` +
          `qemu ${h(rq)}/${h(BigInt(fq))} ours ${h(rw)}/${h(BigInt(fw))}`)
      }
    }
    console.log(`fp: ${batch.count} checks over ${OPS.length} operations, ${bad} mismatches; ` +
      `generate ${(t1 - t0).toFixed(0)} ms, qemu ${(t2 - t1).toFixed(0)} ms, wasm ${(t3 - t2).toFixed(0)} ms`)
    console.log('fp: reference flags raised: ' + [...flagCount].map(([f, n]) => `${f} ${n}`).join(', '))
    for (const [f, n] of flagCount) expect(n, `${f} never raised by the reference`).toBeGreaterThan(1000)
    const report = [...perOp].filter(([, s]) => s.bad > 0)
      .map(([name, s]) => `${name}: ${s.bad}/${s.n}\n    ${s.first.join('\n    ')}`)
    expect(report.join('\n')).toBe('')
    expect(batch.count).toBeGreaterThan(200_000)
  }, FULL ? 1_800_000 : 120_000)
})
