/**
 * lx against the reference: each program runs under `l4lab exec` and under
 * qemu-aarch64 (with binfmt_misc, so that the programs it execs are run by
 * qemu too), and stdout, stderr and the exit status must be identical byte
 * for byte. Programs: our glibc test programs (guests/lx-tests, built
 * static by scripts/guests/lx-tests.mjs) and Debian's busybox-static running
 * the shell scripts in scripts/ (fetched by scripts/guests/fetch-debian.sh).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { BUSYBOX, TESTS, prepareReference, same } from './harness'

beforeAll(prepareReference, 300_000)

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
    const a = same(BUSYBOX, ['sh', '-c', 'read x; echo "got $x"; exit 42'], { input: 'line one\n' })
    expect(a.lab).toEqual(a.qemu)
    expect(a.lab.status).toBe(42)
    const b = same(BUSYBOX, ['sh', '-c', 'kill -SEGV $$'])
    expect(b.lab.signal).toBe('SIGSEGV')
    expect(b.lab).toEqual(b.qemu)
  })
})
