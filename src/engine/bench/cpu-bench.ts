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

/**
 * The benchmark program's output: "@part NAME" before each part and "@end"
 * after the last, timed as they are written; other lines are its results.
 */
export class PartTimer {
  readonly parts: CpuBenchResult['parts'] = []
  readonly results: string[] = []
  /** When the first part began and the last ended (wall ms, retired instructions). */
  first: { t: number; i: number } | null = null
  end: { t: number; i: number } | null = null
  private current: { name: string; t0: number; i0: number } | null = null
  private text = ''

  /** Bytes the program wrote to stdout, at wall time `now` after `instructions`. */
  write(bytes: Uint8Array, now: number, instructions: number): void {
    this.text += String.fromCharCode(...bytes)
    let nl: number
    while ((nl = this.text.indexOf('\n')) >= 0) {
      const line = this.text.slice(0, nl)
      this.text = this.text.slice(nl + 1)
      if (line.startsWith('@part ')) {
        this.close(now, instructions)
        this.first ??= { t: now, i: instructions }
        this.current = { name: line.slice(6), t0: now, i0: instructions }
      } else if (line === '@end') {
        this.close(now, instructions)
        this.end = { t: now, i: instructions }
      } else this.results.push(line)
    }
  }

  private close(now: number, instructions: number): void {
    const c = this.current
    if (c) this.parts.push({ name: c.name, seconds: (now - c.t0) / 1000, instructions: instructions - c.i0 })
    this.current = null
  }
}

/** `jit`: Aarch64CoreOptions.jit (false measures the interpreter alone). */
export function runCpuBench(elf: Uint8Array, jit: boolean | number = true): CpuBenchResult {
  const timer = new PartTimer()
  const t0 = performance.now()
  const r = runElf(elf, {
    ramBytes: 64 << 20,
    maxInstructions: 20e9,
    jit,
    onWrite: (fd, bytes, instructions) => {
      const now = performance.now()
      if (fd === 1) timer.write(bytes, now, instructions)
    },
  })
  const seconds = ((timer.end?.t ?? performance.now()) - t0) / 1000
  const instructions = timer.end?.i ?? r.instructions
  return { mips: instructions / seconds / 1e6, instructions, parts: timer.parts, results: timer.results, error: r.error, jit: r.jit }
}
