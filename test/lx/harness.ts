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
import { spawnSync, type StdioOptions } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs'
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
  /** A file as standard input instead of a pipe with `input`. */
  stdinFile?: string
  cwd?: string
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Outcome {
  const fd = opts.stdinFile ? openSync(opts.stdinFile, 'r') : null
  try {
    const stdio: StdioOptions | undefined = fd === null ? undefined : [fd, 'pipe', 'pipe']
    const r = spawnSync(cmd, args, { cwd: opts.cwd ?? root, input: fd === null ? (opts.input ?? '') : undefined, stdio, encoding: 'utf8', timeout: 120_000, env: { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'C' } })
    return { stdout: r.stdout, stderr: r.stderr, status: r.status, signal: r.signal }
  } finally {
    if (fd !== null) closeSync(fd)
  }
}

/** `prog args` under l4lab exec (`lab`) and under qemu-aarch64 (`qemu`). */
export function same(prog: string, args: string[], opts: RunOptions = {}): { lab: Outcome; qemu: Outcome } {
  const lab = run(process.execPath, [CLI, 'exec', prog, ...args], opts)
  const qemu = run('qemu-aarch64', [prog, ...args], opts)
  // qemu's own report of a guest's fatal signal is the emulator speaking, not the program.
  qemu.stderr = qemu.stderr.replace(/^qemu: uncaught target signal .*\n/m, '')
  return { lab, qemu }
}

/**
 * Program `name` under l4lab exec (`lab`), built for the host on the host
 * kernel (`linux`, the reference), and under qemu-aarch64; `qemuDiffs`
 * matches the output lines where qemu's emulation is not Linux, and the
 * rest of qemu's output (`qemuKept`) must equal the lab's (`labKept`).
 */
export function againstLinux(name: string, qemuDiffs: RegExp): { lab: Outcome; linux: Outcome; labKept: string; qemuKept: string } {
  const lab = run(process.execPath, [CLI, 'exec', program(name)])
  const linux = run(program(name, true), [])
  const { qemu } = same(program(name), [])
  const keep = (out: string) => out.split('\n').filter((l) => !qemuDiffs.test(l)).join('\n')
  return { lab, linux, labKept: keep(lab.stdout), qemuKept: keep(qemu.stdout) }
}

/**
 * Node gives a child sockets as its standard streams, and Linux cannot open
 * a socket again through /proc/self/fd (ENXIO). With `pipes`, bash puts
 * real pipes in between: stdin from `input` (or `stdinFile`), stdout and
 * stderr each into a pipe; the status is the program's (128 + N when a
 * signal killed it).
 */
export function runViaPipes(cmd: string, args: string[], opts: RunOptions = {}): Outcome {
  const source = opts.stdinFile ? 'cat "$IN"' : 'printf %s "$IN"'
  const script = `{ { ${source} | "$@" 2>&1 >&3 3>&- | cat >&2 3>&-; exit "\${PIPESTATUS[1]}"; } 3>&1 | cat; exit "\${PIPESTATUS[0]}"; }`
  const r = spawnSync('bash', ['-c', script, 'bash', cmd, ...args], {
    cwd: opts.cwd ?? root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'C', IN: opts.stdinFile ?? opts.input ?? '' },
  })
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, signal: r.signal }
}

/** `same` with real pipes as the standard streams (see runViaPipes). */
export function sameViaPipes(prog: string, args: string[], opts: RunOptions = {}): { lab: Outcome; qemu: Outcome } {
  const lab = runViaPipes(process.execPath, [CLI, 'exec', prog, ...args], opts)
  const qemu = runViaPipes('qemu-aarch64', [prog, ...args], opts)
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

/**
 * Builds test/lx/programs/NAME.c (when the binary is older than its source)
 * and returns the binary's path: static for aarch64, or with `host` for the
 * host itself (where the host's kernel is the reference).
 */
export function program(name: string, host = false): string {
  mkdirSync(WORK, { recursive: true })
  const src = join(root, 'test/lx/programs', `${name}.c`)
  const bin = join(WORK, host ? `${name}-host` : name)
  if (existsSync(bin) && statSync(bin).mtimeMs > statSync(src).mtimeMs) return bin
  const r = spawnSync(host ? 'gcc' : 'aarch64-linux-gnu-gcc', [...(host ? [] : ['-static']), '-O2', '-Wall', '-o', bin, src], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`cannot build ${name}.c: ${r.stderr}`)
  return bin
}
