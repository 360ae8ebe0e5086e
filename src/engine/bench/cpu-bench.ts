// `l4lab bench cpu`: runs the freestanding benchmark program
// (guests/cpu-tests/bench.c, built by scripts/guests/cpu-tests.mjs) on the
// core through the test harness and times each part between the "@part"
// markers the program writes. The caller supplies the ELF bytes (the engine
// does no file I/O).
import { runElf } from '../cpu/aarch64/testing/harness'
import type { JitStats } from '../cpu/aarch64/aarch64-core'

declare const performance: { now(): number }

export interface CpuBenchResult {
  /** Millions of guest instructions per second over the whole run. */
  mips: number
  instructions: number
  parts: { name: string; seconds: number; instructions: number }[]
  /** The program's result lines (sha256=…, …), for checking against qemu. */
  results: string[]
  error?: string
  jit?: JitStats
}

/** `jit`: Aarch64CoreOptions.jit (false measures the interpreter alone). */
export function runCpuBench(elf: Uint8Array, jit: boolean | number = true): CpuBenchResult {
  const parts: CpuBenchResult['parts'] = []
  const results: string[] = []
  let current: { name: string; t0: number; i0: number } | null = null
  let text = ''
  const t0 = performance.now()
  let tEnd = 0, iEnd = 0
  const close = (now: number, instr: number) => {
    if (current) parts.push({ name: current.name, seconds: (now - current.t0) / 1000, instructions: instr - current.i0 })
    current = null
  }
  const r = runElf(elf, {
    ramBytes: 64 << 20,
    maxInstructions: 20e9,
    jit,
    onWrite: (fd, bytes, instructions) => {
      const now = performance.now()
      if (fd !== 1) return
      text += String.fromCharCode(...bytes)
      let nl: number
      while ((nl = text.indexOf('\n')) >= 0) {
        const line = text.slice(0, nl)
        text = text.slice(nl + 1)
        if (line.startsWith('@part ')) { close(now, instructions); current = { name: line.slice(6), t0: now, i0: instructions } }
        else if (line === '@end') { close(now, instructions); tEnd = now; iEnd = instructions }
        else results.push(line)
      }
    },
  })
  const seconds = ((tEnd || performance.now()) - t0) / 1000
  const instructions = iEnd || r.instructions
  return { mips: instructions / seconds / 1e6, instructions, parts, results, error: r.error, jit: r.jit }
}
