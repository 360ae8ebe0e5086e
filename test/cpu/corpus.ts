// Helpers for the CPU tests: build the freestanding corpus and run a binary
// under qemu-aarch64 (the reference).
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { basename, extname, join } from 'node:path'

export const ROOT = join(import.meta.dirname, '../..')
export const CORPUS_OUT = join(ROOT, 'build/guests/cpu-tests')

/** Builds guests/cpu-tests into build/guests/cpu-tests (skips fresh outputs). */
export function buildCorpus(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/guests/cpu-tests.mjs')], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`building the CPU test corpus failed:\n${r.stdout}\n${r.stderr}`)
}

/** Names of the corpus programs (sources other than the runtime). */
export function corpusNames(): string[] {
  return readdirSync(join(ROOT, 'guests/cpu-tests'))
    .filter((f) => (f.endsWith('.c') || f.endsWith('.S')) && !['start.S', 'lib.c'].includes(f))
    .map((f) => (f.endsWith('.glibc.c') ? f.slice(0, -'.glibc.c'.length) : basename(f, extname(f))))
    .sort()
}

export interface QemuResult { stdout: Buffer; status: number | null; signal: NodeJS.Signals | null }

export function runQemu(path: string, timeoutMs = 60_000): QemuResult {
  const r = spawnSync('qemu-aarch64', [path], { timeout: timeoutMs, maxBuffer: 64 << 20 })
  if (r.error) throw r.error
  return { stdout: r.stdout, status: r.status, signal: r.signal }
}
