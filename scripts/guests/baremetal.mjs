#!/usr/bin/env node
// Builds the bare-metal AArch64 suite (guests/baremetal, docs/baremetal.md)
// into build/guests/baremetal/NAME.elf with Debian's clang 14 + ld.lld:
// every NAME.c (with NAME.S beside it, if any) is linked with the runtime in
// rt/ at 0x4000_0000. A program may ask for extra compiler flags with a
// first line `// cflags: ...`. Up-to-date outputs are skipped.
//
// The build is reproducible: the compiler runs inside guests/baremetal on
// relative paths, without debug info, and the linker writes no build id, so
// the ELF holds no path of this checkout and two builds are byte-identical
// (--check builds again in a fresh directory and compares with OUT_DIR).
//   node scripts/guests/baremetal.mjs [--force] [--check] [--out DIR] [names...]
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, relative } from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = join(fileURLToPath(import.meta.url), '../../..')
export const SOURCE_DIR = join(root, 'guests/baremetal')
export const OUT_DIR = join(root, 'build/guests/baremetal')
const RT_SOURCES = ['rt/start.S', 'rt/main.c', 'rt/uart.c', 'rt/print.c', 'rt/check.c', 'rt/exc.c', 'rt/psci.c', 'rt/mmu.c', 'rt/gic.c']

const CFLAGS = ['--target=aarch64-none-elf', '-march=armv8-a', '-std=gnu11', '-O2', '-g0',
  '-ffreestanding', '-fno-builtin', '-nostdlib', '-nostdinc', '-isystem', '<resource>/include', '-Irt',
  // No FP/SIMD registers (CPACR traps them until set up; printf's va_list
  // would spill them) and no unaligned accesses (memory is Device-nGnRnE
  // while the MMU is off, where they fault).
  '-mgeneral-regs-only', '-mstrict-align',
  '-fno-pic', '-fno-pie', '-fno-stack-protector', '-fno-asynchronous-unwind-tables', '-fno-unwind-tables',
  '-ffunction-sections', '-fdata-sections', '-Wall', '-Wextra', '-Werror']
// Linked by ld.lld through the driver: one clang process per program.
const LDFLAGS = ['-fuse-ld=lld', '-static', '-Wl,--gc-sections,--build-id=none,-z,max-page-size=4096,-z,noexecstack,-T,rt/link.ld']

/** Why the suite cannot be built here, or undefined when it can. */
export function missingToolchain() {
  for (const tool of ['clang', 'ld.lld']) {
    const found = [`${tool}-14`, tool].some((c) => spawnSync(c, ['--version']).status === 0)
    if (!found) return `${tool} not found (Debian packages clang and lld)`
  }
  return undefined
}

function tool(name) {
  return spawnSync(`${name}-14`, ['--version']).status === 0 ? `${name}-14` : name
}

/** Program names: guests/baremetal/NAME.c, sorted. */
export function programNames() {
  return readdirSync(SOURCE_DIR).filter((f) => f.endsWith('.c')).map((f) => basename(f, '.c')).sort()
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: SOURCE_DIR, encoding: 'utf8' })
  if (r.error) throw new Error(`baremetal: ${cmd}: ${r.error.message}`)
  if (r.status !== 0) throw new Error(`baremetal: ${cmd} ${args.join(' ')} failed:\n${r.stderr}`)
  return r.stdout
}

function newest(paths) {
  return Math.max(...paths.map((p) => statSync(p).mtimeMs))
}

/** Builds the named programs (all by default) into outDir; returns the names built. */
export function buildSuite({ force = false, only = [], outDir = OUT_DIR } = {}) {
  const cc = tool('clang')
  const resource = run(cc, ['-print-resource-dir']).trim()
  const cflags = CFLAGS.map((f) => f.replace('<resource>', resource))
  mkdirSync(outDir, { recursive: true })
  const rtTime = newest([fileURLToPath(import.meta.url), ...readdirSync(join(SOURCE_DIR, 'rt')).map((f) => join(SOURCE_DIR, 'rt', f))])
  // The runtime becomes one relocatable object (one process), which every
  // program links with; --gc-sections then keeps what that program uses.
  const rtObj = join(outDir, 'rt.o')
  if (force || !existsSync(rtObj) || statSync(rtObj).mtimeMs < rtTime)
    run(cc, [...cflags, '-fuse-ld=lld', '-Wl,-r', '-o', relative(SOURCE_DIR, rtObj), ...RT_SOURCES])
  const built = []
  for (const name of programNames()) {
    if (only.length && !only.includes(name)) continue
    const sources = [`${name}.c`, ...(existsSync(join(SOURCE_DIR, `${name}.S`)) ? [`${name}.S`] : [])]
    const elf = join(outDir, `${name}.elf`)
    const srcTime = Math.max(rtTime, newest(sources.map((s) => join(SOURCE_DIR, s))))
    if (!force && existsSync(elf) && statSync(elf).mtimeMs >= srcTime) continue
    const first = readFileSync(join(SOURCE_DIR, sources[0]), 'utf8').split('\n')[0]
    const extra = first.match(/^\/\/ cflags:(.*)$/)?.[1].trim().split(/\s+/) ?? []
    run(cc, [...cflags, ...extra, ...LDFLAGS, '-o', relative(SOURCE_DIR, elf), relative(SOURCE_DIR, rtObj), ...sources])
    built.push(name)
  }
  return built
}

/**
 * Brings OUT_DIR up to date, builds everything again in a fresh directory
 * elsewhere and returns the names whose ELFs differ.
 */
export function checkReproducible() {
  buildSuite()
  const dir = mkdtempSync(join(tmpdir(), 'baremetal-'))
  try {
    buildSuite({ force: true, outDir: dir })
    return programNames().filter((n) => !readFileSync(join(OUT_DIR, `${n}.elf`)).equals(readFileSync(join(dir, `${n}.elf`))))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2)
  try {
    const missing = missingToolchain()
    if (missing) throw new Error(`baremetal: ${missing}`)
    if (args.includes('--check')) {
      const differ = checkReproducible()
      if (differ.length) throw new Error(`baremetal: a fresh build differs: ${differ.join(', ')}`)
      console.log(`baremetal: a fresh build of ${programNames().length} program(s) is byte-identical to ${relative(process.cwd(), OUT_DIR)}`)
    } else {
      const outAt = args.indexOf('--out')
      const outDir = outAt >= 0 ? args[outAt + 1] : OUT_DIR
      const only = args.filter((a, i) => !a.startsWith('--') && !(outAt >= 0 && i === outAt + 1))
      const built = buildSuite({ force: args.includes('--force'), only, outDir })
      console.log(`baremetal: built ${built.length} program(s) into ${relative(process.cwd(), outDir) || '.'}`)
    }
  } catch (e) {
    console.error(e.message)
    process.exit(1)
  }
}
