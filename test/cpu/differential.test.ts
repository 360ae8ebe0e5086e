// Randomized differential test: random instruction sequences drawn from the
// decode table (plus forward conditional branches) run on our core and under qemu-aarch64 from the same initial
// registers, flags, FPCR and memory; the dumped registers and memory must be
// identical. CPU_DIFF_SEED / CPU_DIFF_PROGRAMS / CPU_DIFF_LENGTH change the run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { runQemu } from './corpus'
import { buildProgram, Generator, opNames, Rng } from './random-programs'
import { Aarch64Core } from '../../src/engine/cpu/aarch64/aarch64-core'
import { runElf } from '../../src/engine/cpu/aarch64/testing/harness'

const SEED = Number(process.env.CPU_DIFF_SEED ?? 20261121)
const PROGRAMS = Number(process.env.CPU_DIFF_PROGRAMS ?? 200)
const LENGTH = Number(process.env.CPU_DIFF_LENGTH ?? 500)

describe('aarch64 random differential vs qemu-aarch64', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpu-diff-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const names = opNames(readFileSync(join(import.meta.dirname, '../../src/engine/cpu/aarch64/assembly/ops.ts'), 'utf8'))
  // The probe machine maps every address to RAM page 0 with all access rights.
  const gen = new Generator(Aarch64Core.create({ ramBytes: 1 << 16, cores: 1, translate: () => 0 }), names)

  /** Runs `body` on both; null when they agree, else a description. */
  function compare(p: number, body: number[]): { diff: boolean; ours: ReturnType<typeof runElf>; why: string } {
    const prog = buildProgram(new Rng(SEED * 7 + p), body)
    const ours = runElf(prog.elf, { ramBytes: 4 << 20, maxInstructions: 100_000 })
    if (ours.error) return { diff: false, ours, why: ours.error }
    const file = join(dir, `p${p}`)
    writeFileSync(file, prog.elf, { mode: 0o755 })
    const ref = runQemu(file)
    const same = ref.status === ours.exitCode && ref.stdout.toString('latin1') === ours.stdout
    if (same) return { diff: false, ours, why: '' }
    const a = Buffer.from(ours.stdout, 'latin1'), b = ref.stdout
    let off = 0
    while (off < a.length && off < b.length && a[off] === b[off]) off++
    return { diff: true, ours, why: `qemu status ${ref.status} signal ${ref.signal}, ours ${ours.exitCode}; first difference at dump byte ${off}` }
  }

  test(`${PROGRAMS} programs x ${LENGTH} instructions`, () => {
    let executed = 0, discarded = 0
    const failures: string[] = []
    for (let p = 0; p < PROGRAMS && failures.length < 5; p++) {
      const r = new Rng(SEED * 1000 + p)
      const body = gen.body(r, LENGTH)
      const res = compare(p, body)
      // A program whose base register drifted out of the data area faults on
      // both sides; it is dropped.
      if (res.ours.error) { discarded++; continue }
      if (res.diff) {
        // The shortest differing prefix names the instruction.
        let lo = 0, hi = body.length
        while (lo + 1 < hi) {
          const mid = (lo + hi) >> 1
          if (compare(p, body.slice(0, mid)).diff) hi = mid; else lo = mid
        }
        const w = body[hi - 1]
        failures.push(`seed ${SEED} program ${p}: ${res.why}; first bad instruction #${hi - 1} 0x${w.toString(16).padStart(8, '0')} (${gen.nameOf(w)})`)
      }
      executed += body.length
    }
    console.log(`differential: ${executed} random instructions compared (${discarded} programs dropped after a fault)`)
    expect(failures).toEqual([])
    expect(executed).toBeGreaterThanOrEqual(Math.min(100_000, PROGRAMS * LENGTH / 2))
  }, 300_000)
})
