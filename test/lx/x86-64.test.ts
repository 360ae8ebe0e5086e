/**
 * lx on x86-64 against the host itself: static glibc programs built for
 * the host (gcc -static) and Debian's busybox-static:amd64 run natively on
 * the host's kernel and under `l4lab exec` (the x86-64 core, chosen from
 * the ELF header), and stdout, stderr and the exit status must be
 * identical. Programs: guests/lx-tests (the ones the aarch64 tests run
 * under qemu) and test/lx/programs/x86_64 (printf, malloc, setjmp, TLS and
 * arch_prctl; the legacy system calls; signal frames and x86's faults;
 * long double on the x87 unit: printf, strtold, rounding modes, libm).
 * Skipped, with the reason, on a host that is not Linux on x86-64 or
 * cannot link static glibc programs.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { requireBuilt, root } from '../support/built'
import { CLI, WORK, run } from './harness'

const BUSYBOX_AMD64 = join(root, '.cache/debian/busybox-amd64')

/** Builds `src` static for the host into WORK (when older than its source); its path. */
function hostStatic(src: string, name: string): string {
  mkdirSync(WORK, { recursive: true })
  const bin = join(WORK, `${name}-x86_64-static`)
  if (existsSync(bin) && statSync(bin).mtimeMs > statSync(src).mtimeMs) return bin
  const r = spawnSync('gcc', ['-static', '-O2', '-Wall', '-o', bin, src, '-lpthread', '-lm'], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`cannot build ${src}: ${r.stderr}`)
  return bin
}

function unsupported(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'the host is not Linux on x86-64'
  const probe = spawnSync('gcc', ['-static', '-x', 'c', '-o', '/dev/null', '-'], { input: 'int main(void){return 0;}', encoding: 'utf8' })
  return probe.status === 0 ? undefined : `gcc cannot link a static program: ${probe.stderr || probe.error}`
}

const skip = unsupported()
if (skip) console.warn(`x86-64 lx tests skipped: ${skip}`)

describe.skipIf(skip !== undefined)('x86-64 programs: l4lab exec = the host', () => {
  beforeAll(() => {
    requireBuilt()
    const r = spawnSync('bash', ['scripts/guests/fetch-debian.sh'], { cwd: root, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`cannot fetch Debian's busybox-static:amd64: ${r.stderr}`)
  }, 300_000)

  const programs: [string, string][] = [
    ...['proc', 'files', 'memory', 'signals'].map((n): [string, string] => [n, join(root, 'guests/lx-tests', `${n}.c`)]),
    ...['basics', 'legacy', 'signals', 'longdouble'].map((n): [string, string] => [`x86_64/${n}`, join(root, 'test/lx/programs/x86_64', `${n}.c`)]),
  ]
  for (const [name, src] of programs) {
    it(name, () => {
      const bin = hostStatic(src, name.replace('/', '-'))
      const lab = run(process.execPath, [CLI, 'exec', bin])
      const host = run(bin, [])
      expect(lab).toEqual(host)
      expect(host.stdout.split('\n').length).toBeGreaterThan(5)
    })
  }

  it('--arch x86_64 and the ELF header agree; an aarch64 board refuses the program', () => {
    const bin = hostStatic(join(root, 'test/lx/programs/x86_64/basics.c'), 'x86_64-basics')
    expect(run(process.execPath, [CLI, 'exec', '--arch', 'x86_64', bin])).toEqual(run(bin, []))
    const wrong = run(process.execPath, [CLI, 'exec', '--arch', 'aarch64', bin])
    expect(wrong.status).toBe(126)
    expect(wrong.stderr).toContain('not an aarch64 program (x86-64)')
  })

  it("busybox sh -c 'echo $((6*7)); uname -m'", () => {
    const lab = run(process.execPath, [CLI, 'exec', BUSYBOX_AMD64, 'sh', '-c', 'echo $((6*7)); uname -m'])
    expect(lab).toEqual({ stdout: '42\nx86_64\n', stderr: '', status: 0, signal: null })
  })

  it('a #! script of an x86-64 interpreter runs on x86-64 without --arch', () => {
    mkdirSync(WORK, { recursive: true })
    const script = join(WORK, 'x86-script.sh')
    writeFileSync(script, `#!${BUSYBOX_AMD64} sh\necho $((6*7)); uname -m\n`, { mode: 0o755 })
    expect(run(process.execPath, [CLI, 'exec', script])).toEqual({ stdout: '42\nx86_64\n', stderr: '', status: 0, signal: null })
  })

  for (const script of ['text', 'shell', 'files']) {
    it(`busybox sh ${script}.sh`, () => {
      const lab = run(process.execPath, [CLI, 'exec', BUSYBOX_AMD64, 'sh', `test/lx/scripts/${script}.sh`])
      const host = run(BUSYBOX_AMD64, ['sh', `test/lx/scripts/${script}.sh`])
      expect(lab).toEqual(host)
      expect(host.stdout.split('\n').length).toBeGreaterThan(10)
    })
  }
})
