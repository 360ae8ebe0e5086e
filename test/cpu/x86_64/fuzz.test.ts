// Fuzz test of the x86-64 interpreter: random byte sequences (with random
// registers, and most addresses mapped) are decoded and executed; whatever a
// guest puts there must end in a CoreExit, never in a host exception (a wasm
// trap such as a division overflow, an out-of-bounds access, `unreachable`).
// X86_FUZZ_COUNT sets the number of sequences (default 20,000; 1,000,000 for
// the full run), X86_FUZZ_SEED the seed.
import { describe, expect, test } from 'vitest'
import { X86_64Core } from '../../../src/engine/cpu/x86_64/x86_64-core'
import { CoreExit, TranslateFault } from '../../../src/engine/cpu/core-abi'
import { Rng } from './random-insns'

const COUNT = Number(process.env.X86_FUZZ_COUNT ?? 20000)
const SEED = Number(process.env.X86_FUZZ_SEED ?? 4711)
const PAGES = 256
const EXIT_NAMES: Record<number, string> = {
  [CoreExit.Budget]: 'budget', [CoreExit.Syscall]: 'syscall', [CoreExit.Breakpoint]: 'breakpoint', [CoreExit.Undefined]: 'undefined',
  [CoreExit.DataAbort]: 'data abort', [CoreExit.InstructionAbort]: 'instruction abort', [CoreExit.Exception]: 'exception',
}

describe('x86-64 interpreter fuzz', () => {
  test(`${COUNT} random byte sequences never raise a host exception`, () => {
    // Every canonical page is RAM (folded onto PAGES pages) except one in 16, which faults.
    const core = X86_64Core.create({
      ramBytes: PAGES * 4096,
      cores: 1,
      translate: (_asid, va) => {
        const page = Math.floor(va / 4096)
        if (page % 16 === 5) return TranslateFault.Translation
        return (page % PAGES) * 4096
      },
    })
    const ctx = core.allocContext()
    const rng = new Rng(SEED)
    const exits = new Map<CoreExit, number>()
    let retired = 0
    for (let i = 0; i < COUNT; i++) {
      const page = rng.int(PAGES)
      const off = rng.int(4096)
      const base = page * 4096
      // 24 random bytes at a random place (crossing into the next page at times).
      for (let k = 0; k < 24; k++) core.ram[(base + off + k) % core.ram.length] = rng.int(256)
      core.invalidateCode(0, core.ram.length)
      ctx.reset()
      // Half the registers hold addresses below 2^32, so memory operands often reach mapped pages.
      for (let r = 0; r < 16; r++) ctx.setGpr(r, rng.chance(0.5) ? BigInt(rng.u32()) : rng.u64())
      ctx.setRflags(BigInt(rng.u32() & 0xcd5))
      const va = (BigInt(rng.u32() & 0x7fff) << 32n) | BigInt(page * 4096 + off)
      ctx.setPc(va)
      core.flushTlb()
      const exit = core.run(0, ctx, 1, 1 + rng.int(8))
      retired += core.details(0).retired
      exits.set(exit, (exits.get(exit) ?? 0) + 1)
    }
    const names = Object.fromEntries([...exits].map(([k, v]) => [EXIT_NAMES[k] ?? String(k), v]))
    console.log(`x86 fuzz: ${COUNT} sequences, ${retired} instructions retired, exits ${JSON.stringify(names)}`)
    let total = 0
    for (const v of exits.values()) total += v
    expect(total).toBe(COUNT)
  }, 600_000)
})
