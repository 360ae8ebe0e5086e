#!/usr/bin/env node
// Builds the AArch64 CPU test corpus into build/guests/cpu-tests/:
// guests/cpu-tests/*.c|*.S are freestanding (linked with start.S and lib.c,
// Debian's clang 14 + lld); *.glibc.c are static glibc programs
// (aarch64-linux-gnu-gcc -static). A source may ask for extra flags with a
// first line `// cflags: ...`. Up-to-date outputs are skipped.
//   node scripts/guests/cpu-tests.mjs [--force] [names...]
//   node scripts/guests/cpu-tests.mjs --x86-bench [--force]   (bench.c for x86-64)
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, basename, extname } from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = join(fileURLToPath(import.meta.url), '../../..')
const src = join(root, 'guests/cpu-tests')
const out = join(root, 'build/guests/cpu-tests')
const common = ['start.S', 'lib.c', 'lib.h']

function clang() {
  for (const c of ['clang-14', 'clang']) if (spawnSync(c, ['--version']).status === 0) return c
  throw new Error('cpu-tests: clang not found')
}

export function corpusSources() {
  return readdirSync(src).filter((f) => (f.endsWith('.c') || f.endsWith('.S')) && !common.includes(f)).sort()
}

export function buildCorpus({ force = false, only = [] } = {}) {
  mkdirSync(out, { recursive: true })
  const cc = clang()
  const commonTime = Math.max(...common.map((f) => statSync(join(src, f)).mtimeMs), statSync(fileURLToPath(import.meta.url)).mtimeMs)
  const built = []
  for (const f of corpusSources()) {
    const glibc = f.endsWith('.glibc.c')
    const name = glibc ? f.slice(0, -'.glibc.c'.length) : basename(f, extname(f))
    if (only.length && !only.includes(name)) continue
    const exe = join(out, name)
    const srcTime = Math.max(statSync(join(src, f)).mtimeMs, commonTime)
    if (!force && existsSync(exe) && statSync(exe).mtimeMs >= srcTime) continue
    const first = readFileSync(join(src, f), 'utf8').split('\n')[0]
    const extra = first.match(/^\/\/ cflags:(.*)$/)?.[1].trim().split(/\s+/) ?? []
    if (glibc) {
      const r = spawnSync('aarch64-linux-gnu-gcc', ['-static', '-O2', ...extra, '-o', exe, join(src, f), '-lm'], { encoding: 'utf8' })
      if (r.status !== 0) throw new Error(`cpu-tests: building ${f} failed:\n${r.stderr}`)
      built.push(name)
      continue
    }
    const args = ['--target=aarch64-linux-gnu', '-static', '-nostdlib', '-ffreestanding', '-fuse-ld=lld', '-O2',
      '-fno-stack-protector', '-fno-pic', '-mno-outline-atomics', ...extra, '-o', exe, join(src, 'start.S'), join(src, 'lib.c'), join(src, f)]
    const r = spawnSync(cc, args, { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`cpu-tests: building ${f} failed:\n${r.stderr}`)
    built.push(name)
  }
  return built
}

/**
 * The benchmark program for x86-64 (`l4lab bench cpu --arch x86_64`): the
 * same bench.c, start.S and lib.c, built by clang for x86_64-linux-gnu into
 * build/guests/cpu-tests/x86_64/bench. Returns its path.
 */
export function buildX86Bench({ force = false } = {}) {
  const dir = join(out, 'x86_64')
  mkdirSync(dir, { recursive: true })
  const exe = join(dir, 'bench')
  const srcTime = Math.max(...[...common, 'bench.c'].map((f) => statSync(join(src, f)).mtimeMs), statSync(fileURLToPath(import.meta.url)).mtimeMs)
  if (!force && existsSync(exe) && statSync(exe).mtimeMs >= srcTime) return exe
  const args = ['--target=x86_64-linux-gnu', '-static', '-nostdlib', '-ffreestanding', '-fuse-ld=lld', '-O2',
    '-fno-stack-protector', '-fno-pic', '-o', exe, join(src, 'start.S'), join(src, 'lib.c'), join(src, 'bench.c')]
  const r = spawnSync(clang(), args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`cpu-tests: building bench.c for x86-64 failed:\n${r.stderr}`)
  return exe
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2)
  if (args.includes('--x86-bench')) {
    console.log(`cpu-tests: ${buildX86Bench({ force: args.includes('--force') })}`)
    process.exit(0)
  }
  const built = buildCorpus({ force: args.includes('--force'), only: args.filter((a) => !a.startsWith('--')) })
  console.log(`cpu-tests: built ${built.length} program(s) into build/guests/cpu-tests`)
}
