// A compiled region that cannot start — its first access misses the soft TLB,
// or the budget left is below one pass — must neither change what the guest
// sees nor fall back to the interpreter for long: the run loop fills the TLB
// and calls it again, and puts a region it took out for lack of budget back
// when the quantum ends. Checked against a machine without the compiler, and
// by the number of times the host was asked for a region (each request is a
// trip out of the core and a scan of the page).
import { describe, expect, test } from 'vitest'
import { Aarch64Core } from '../../src/engine/cpu/aarch64/aarch64-core'
import { CoreExit } from '../../src/engine/cpu/core-abi'

const CODE_VA = 0x400000, DATA_VA = 0x1000000
const B = (words: number) => (0x14000000 | (words & 0x3ffffff)) >>> 0
const LDR = (rt: number, rn: number) => (0xf9400000 | (rn << 5) | rt) >>> 0
const ADDR = (rd: number, rn: number, rm: number) => (0x8b000000 | (rm << 16) | (rn << 5) | rd) >>> 0
const ADDI = (rd: number, rn: number, imm: number, lsl12 = false) => (0x91000000 | (lsl12 ? 1 << 22 : 0) | (imm << 10) | (rn << 5) | rd) >>> 0

/** Code in RAM page 0; `dataPages` data pages from DATA_VA on, each its own RAM page (1, 2, …); beyond them nothing. */
function machine(jit: boolean | number, dataPages: number) {
  const m = Aarch64Core.create({
    ramBytes: 1 << 20, cores: 1, jit,
    translate: (_asid, va) => {
      if (va >= CODE_VA && va < CODE_VA + 4096) return 0
      const k = Math.floor((va - DATA_VA) / 4096)
      return k >= 0 && k < dataPages ? (k + 1) * 4096 : -1
    },
  })
  const dv = new DataView(m.ram.buffer, m.ram.byteOffset, m.ram.byteLength)
  for (let k = 1; k <= dataPages; k++) dv.setBigUint64(k * 4096, BigInt(k * 1000 + 7), true)
  return { m, dv }
}

function requests(m: Aarch64Core): number {
  const s = m.jitStats()
  return s.compiled + s.reused + s.declined
}

describe('aarch64 block compiler: regions that cannot start', () => {
  test('a loop whose first load reads a new page each pass stays compiled, and faults where the interpreter does', () => {
    const PAGES = 200
    // 0: x2 = [x0]; 1: x1 += x2; 2: x0 += 4096; 3: b 0 — every pass misses at its first instruction.
    const code = [LDR(2, 0), ADDR(1, 1, 2), ADDI(0, 0, 1, true), B(-3)]
    const runs = [machine(2, PAGES), machine(false, PAGES)].map(({ m, dv }) => {
      code.forEach((w, i) => dv.setUint32(i * 4, w, true))
      m.invalidateCode(0, 4096)
      const ctx = m.allocContext()
      ctx.setPc(BigInt(CODE_VA))
      ctx.setX(0, BigInt(DATA_VA))
      // Past the last page the load faults: on both machines at the same instruction.
      const exit = m.run(0, ctx, 1, 1_000_000)
      return { m, ctx, exit, retired: m.exit.retired(0) }
    })
    const [a, b] = runs
    expect(a.exit).toBe(CoreExit.DataAbort)
    expect(b.exit).toBe(CoreExit.DataAbort)
    expect(a.retired).toBe(b.retired)
    expect(a.retired).toBe(PAGES * 4)
    expect(a.ctx.snapshot()).toEqual(b.ctx.snapshot())
    expect(a.ctx.x(1)).toBe(BigInt((PAGES * (PAGES + 1) / 2) * 1000 + PAGES * 7))
    expect(a.m.exit.faultAddress(0)).toBe(DATA_VA + PAGES * 4096)
    // One request compiles the loop; a miss per page does not send it back to the interpreter.
    expect(requests(a.m)).toBe(1)
  })

  test('a quantum ending inside a compiled loop leaves it compiled for the next run', () => {
    // 0..2: three adds; 3: b 0. Quanta of 1001 end one instruction into a pass.
    const code = [ADDI(0, 0, 1), ADDI(1, 1, 2), ADDI(2, 2, 3), B(-3)]
    const [a, b] = [machine(2, 0), machine(false, 0)].map(({ m, dv }) => {
      code.forEach((w, i) => dv.setUint32(i * 4, w, true))
      m.invalidateCode(0, 4096)
      const ctx = m.allocContext()
      ctx.setPc(BigInt(CODE_VA))
      return { m, ctx }
    })
    let settled = 0
    for (let q = 0; q < 50; q++) {
      if (q === 10) settled = requests(a.m)
      for (const { m, ctx } of [a, b]) {
        expect(m.run(0, ctx, 1, 1001)).toBe(CoreExit.Budget)
        expect(m.exit.retired(0)).toBe(1001)
      }
      expect(a.ctx.snapshot()).toEqual(b.ctx.snapshot())
    }
    expect(a.ctx.x(0)).toBe(BigInt(Math.ceil(50 * 1001 / 4)))
    // Regions starting at the words quanta resume at are compiled in the
    // first quanta; after that no quantum asks the host again.
    expect(settled).toBeGreaterThan(0)
    expect(requests(a.m)).toBe(settled)
  })
})
