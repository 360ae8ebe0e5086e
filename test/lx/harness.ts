/**
 * Running programs under `l4lab exec` and under the reference: qemu-aarch64
 * for aarch64 programs, with qemu registered with binfmt_misc so that what
 * a program execs (busybox re-executing itself, `#!` interpreters) runs
 * under qemu too. Test programs of our own are C files in programs/, built
 * static against glibc with aarch64-linux-gnu-gcc.
 *
 * LX_TEST_CLI names another bundled CLI to run instead of out/cli (to show
 * that a test fails on an older build).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { requireBuilt, root } from '../support/built'

export const CLI = process.env.LX_TEST_CLI ?? join(root, 'out/cli/l4lab.mjs')
export const BUSYBOX = join(root, '.cache/debian/busybox')
export const TESTS = join(root, 'build/guests/lx-tests')
/** Where programs/*.c are built, and where tests keep files both lx and the host can see. */
export const WORK = join(root, 'build/test-lx')

export interface Outcome {
  stdout: string
  stderr: string
  status: number | null
  signal: string | null
}

export interface RunOptions {
  input?: string
  cwd?: string
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Outcome {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? root, input: opts.input ?? '', encoding: 'utf8', timeout: 120_000, env: { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'C' } })
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, signal: r.signal }
}

/** `prog args` under l4lab exec (`lab`) and under qemu-aarch64 (`qemu`). */
export function same(prog: string, args: string[], opts: RunOptions = {}): { lab: Outcome; qemu: Outcome } {
  const lab = run(process.execPath, [CLI, 'exec', prog, ...args], opts)
  const qemu = run('qemu-aarch64', [prog, ...args], opts)
  // qemu's own report of a guest's fatal signal is the emulator speaking, not the program.
  qemu.stderr = qemu.stderr.replace(/^qemu: uncaught target signal .*\n/m, '')
  return { lab, qemu }
}

/** For beforeAll: the built lab, our glibc test programs, Debian's busybox and qemu's binfmt handler. */
export function prepareReference(): void {
  requireBuilt()
  const r = spawnSync(process.execPath, ['scripts/guests/lx-tests.mjs'], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`cannot build the glibc test programs: ${r.stderr}`)
  for (const [script, what] of [
    ['scripts/guests/fetch-debian.sh', "fetch Debian's busybox-static:arm64"],
    ['scripts/guests/qemu-binfmt.sh', 'register qemu-aarch64 with binfmt_misc'],
  ] as const) {
    const r = spawnSync('bash', [script], { cwd: root, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`cannot ${what}: ${r.stderr}`)
  }
}

/** Builds test/lx/programs/NAME.c (when the binary is older than its source) and returns the binary's path. */
export function program(name: string): string {
  mkdirSync(WORK, { recursive: true })
  const src = join(root, 'test/lx/programs', `${name}.c`)
  const bin = join(WORK, name)
  if (existsSync(bin) && statSync(bin).mtimeMs > statSync(src).mtimeMs) return bin
  const r = spawnSync('aarch64-linux-gnu-gcc', ['-static', '-O2', '-Wall', '-o', bin, src], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`cannot build ${name}.c: ${r.stderr}`)
  return bin
}
