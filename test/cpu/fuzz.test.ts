// Fuzz: random 32-bit words never raise a host exception; each one executes
// (or exits with svc/brk/fault) or is reported undefined with the word in the
// syndrome. Every address translates to some RAM page, so memory
// instructions really access memory (and stores hit the code page too).
import { describe, expect, test } from 'vitest'
import { Aarch64Core } from '../../src/engine/cpu/aarch64/aarch64-core'
import { CoreExit } from '../../src/engine/cpu/core-abi'

const WORDS = Number(process.env.CPU_FUZZ_WORDS ?? 1_000_000)

describe('aarch64 fuzz', () => {
  test(`${WORDS} random words`, () => {
    const pages = 64
    const m = Aarch64Core.create({
      ramBytes: pages * 4096, cores: 1,
      translate: (_asid, va) => (Math.floor(va / 4096) % pages) * 4096,
    })
    const ctx = m.allocContext()
    const dv = new DataView(m.ram.buffer, m.ram.byteOffset, m.ram.byteLength)
    let s = 0x12345678
    const rand = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return s >>> 0 }
    const counts = new Map<CoreExit, number>()
    let badSyndrome = 0, badRetired = 0
    const codePc = 0x10000n
    const codeVa = 0x10000
    for (let i = 0; i < WORDS; i++) {
      const w = rand()
      if (i % 4096 === 0) for (let r = 0; r < 31; r++) ctx.setXNum(r, rand() * (r & 1 ? 1 : 4096)) // fresh register values now and then
      dv.setUint32((codeVa % (pages * 4096)), w, true)
      m.invalidateCode(codeVa % (pages * 4096), 4)
      ctx.setPc(codePc)
      const reason = m.run(0, ctx, 1, 1)
      counts.set(reason, (counts.get(reason) ?? 0) + 1)
      if (reason === CoreExit.Undefined && m.exit.syndrome(0) >>> 0 !== w) badSyndrome++
      if (reason === CoreExit.Budget && m.exit.retired(0) !== 1) badRetired++
    }
    console.log(`fuzz: ${WORDS} words: ${[...counts].map(([k, v]) => `reason ${k}: ${v}`).join(', ')}`)
    expect(badSyndrome).toBe(0)
    expect(badRetired).toBe(0)
    for (const k of counts.keys()) expect(k).toBeGreaterThanOrEqual(0)
    for (const k of counts.keys()) expect(k).toBeLessThanOrEqual(CoreExit.Alignment)
  }, 120_000)
})
