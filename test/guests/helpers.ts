// Shared helpers for the guest userland tests: build the programs once
// (the build script skips when the sources are unchanged and serializes
// parallel callers with a lock), and run them under qemu-aarch64, which is
// our reference for how a Linux personality must behave.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const OUT = join(ROOT, 'build', 'guests', 'aarch64')
export const BIN = join(OUT, 'bin')
export const TESTS = join(OUT, 'tests')
export const WRAP = join(OUT, 'wrap')

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0
}

/** True when the tools to build and run the guests exist (CI installs them). */
export const toolsPresent = have('clang') && have('ld.lld') && have('qemu-aarch64')

/** qemu-aarch64's absolute path: guests run with a PATH of their own. */
export const QEMU = toolsPresent
  ? execFileSync('sh', ['-c', 'command -v qemu-aarch64'], { encoding: 'utf8' }).trim()
  : 'qemu-aarch64'

let built = false

/** Builds build/guests/aarch64 and the host wrappers (once per worker). */
export function ensureBuilt(): void {
  if (built) return
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'guests', 'build-rootfs.mjs'), '--bin'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  makeWrappers()
  built = true
}

/**
 * The host cannot execute aarch64 ELF files itself (no binfmt_misc here), so
 * a shell running under qemu-aarch64 finds its commands through wrappers: one
 * host script per program that execs qemu-aarch64 on the real binary, keeping
 * argv[0] as the program's name.
 */
function makeWrappers(): void {
  mkdirSync(WRAP, { recursive: true })
  for (const name of readdirSync(BIN)) {
    const path = join(WRAP, name)
    const text = `#!/bin/sh\nexec ${QEMU} -0 ${name} ${join(BIN, name)} "$@"\n`
    const tmp = `${path}.${process.pid}.tmp`
    writeFileSync(tmp, text, { mode: 0o755 })
    renameSync(tmp, path)
  }
}

export interface RunOptions {
  input?: string | Buffer
  cwd?: string
  env?: Record<string, string>
  timeout?: number
}

export interface RunResult {
  stdout: string
  stderr: string
  status: number | null
  signal: NodeJS.Signals | null
}

/** The environment guest programs see: a clean one whose PATH finds the wrappers. */
export function guestEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: WRAP, HOME: '/root', TERM: 'xterm', LC_ALL: 'C', ...extra }
}

function result(r: SpawnSyncReturns<string>): RunResult {
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status, signal: r.signal }
}

/** Runs one of our programs (from build/.../bin, or tests/ for libc tests). */
export function run(prog: string, args: string[] = [], opts: RunOptions = {}): RunResult {
  const path = existsSync(join(BIN, prog)) ? join(BIN, prog) : join(TESTS, prog)
  const r = spawnSync(QEMU, ['-0', prog, path, ...args], {
    input: opts.input,
    cwd: opts.cwd,
    env: guestEnv(opts.env),
    timeout: opts.timeout ?? 20_000,
    encoding: 'utf8',
  })
  return result(r)
}

/** Runs a script with our sh -c. */
export function sh(script: string, opts: RunOptions = {}): RunResult {
  return run('sh', ['-c', script], opts)
}

export function tempDir(tag = 'guests'): string {
  return mkdtempSync(join(tmpdir(), `l4lab-${tag}-`))
}
