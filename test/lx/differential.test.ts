/**
 * lx against the reference: each program runs under `l4lab exec` and under
 * qemu-aarch64 (with binfmt_misc, so that the programs it execs are run by
 * qemu too), and stdout, stderr and the exit status must be identical byte
 * for byte. Programs: our glibc test programs (guests/lx-tests, built
 * static by scripts/guests/lx-tests.mjs) and Debian's busybox-static running
 * the shell scripts in scripts/ (fetched by scripts/guests/fetch-debian.sh).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { requireBuilt, root } from '../support/built'

const CLI = join(root, 'out/cli/l4lab.mjs')
const BUSYBOX = join(root, '.cache/debian/busybox')
const TESTS = join(root, 'build/guests/lx-tests')

interface Outcome {
  stdout: string
  stderr: string
  status: number | null
  signal: string | null
}

function run(cmd: string, args: string[], input = ''): Outcome {
  const r = spawnSync(cmd, args, { cwd: root, input, encoding: 'utf8', timeout: 120_000, env: { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'C' } })
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, signal: r.signal }
}

function same(prog: string, args: string[], input = ''): { lab: Outcome; qemu: Outcome } {
  const lab = run(process.execPath, [CLI, 'exec', prog, ...args], input)
  const qemu = run('qemu-aarch64', [prog, ...args], input)
  // qemu's own report of a guest's fatal signal is the emulator speaking, not the program.
  qemu.stderr = qemu.stderr.replace(/^qemu: uncaught target signal .*\n/m, '')
  return { lab, qemu }
}

beforeAll(() => {
  requireBuilt()
  for (const [script, what] of [
    ['scripts/guests/lx-tests.mjs', 'build the glibc test programs'],
  ] as const) {
    const r = spawnSync(process.execPath, [script], { cwd: root, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`cannot ${what}: ${r.stderr}`)
  }
  for (const [script, what] of [
    ['scripts/guests/fetch-debian.sh', "fetch Debian's busybox-static:arm64"],
    ['scripts/guests/qemu-binfmt.sh', 'register qemu-aarch64 with binfmt_misc'],
  ] as const) {
    const r = spawnSync('bash', [script], { cwd: root, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`cannot ${what}: ${r.stderr}`)
  }
}, 300_000)

describe('our glibc programs: l4lab exec = qemu-aarch64', () => {
  for (const prog of ['proc', 'files', 'memory', 'signals']) {
    it(prog, () => {
      const { lab, qemu } = same(join(TESTS, prog), [])
      expect(lab).toEqual(qemu)
      expect(qemu.stdout.length).toBeGreaterThan(50)
    })
  }
})

describe("Debian's busybox running shell scripts: l4lab exec = qemu-aarch64", () => {
  for (const script of ['text', 'shell', 'files']) {
    it(`${script}.sh`, () => {
      expect(existsSync(BUSYBOX)).toBe(true)
      const { lab, qemu } = same(BUSYBOX, ['sh', `test/lx/scripts/${script}.sh`])
      expect(lab).toEqual(qemu)
      expect(qemu.stdout.split('\n').length).toBeGreaterThan(10)
    })
  }

  it('stdin, exit status and a fatal signal pass through', () => {
    const a = same(BUSYBOX, ['sh', '-c', 'read x; echo "got $x"; exit 42'], 'line one\n')
    expect(a.lab).toEqual(a.qemu)
    expect(a.lab.status).toBe(42)
    const b = same(BUSYBOX, ['sh', '-c', 'kill -SEGV $$'])
    expect(b.lab.signal).toBe('SIGSEGV')
    expect(b.lab).toEqual(b.qemu)
  })
})
