// The bare-metal suite under QEMU, the reference: every program must print
// exactly its expected output and power off through PSCI SYSTEM_OFF.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { buildSuite, elfPath, expectedOutput, missingToolchain, PROGRAMS, qemuArgs, qemuExpectedOutput, ROOT, SOURCE_DIR } from './suite'

const QEMU = 'qemu-system-aarch64'
const missing =
  missingToolchain() ?? (spawnSync(QEMU, ['--version']).status === 0 ? undefined : `${QEMU} not found (Debian package qemu-system-arm)`)
const title = missing ? `bare-metal suite under qemu (skipped: ${missing})` : 'bare-metal suite under qemu'

test('the program list is guests/baremetal/*.c', () => {
  const sources = readdirSync(SOURCE_DIR).filter((f) => f.endsWith('.c')).map((f) => basename(f, '.c')).sort()
  expect([...PROGRAMS].sort()).toEqual(sources)
})

// The expected files are the architecture's answers: a QEMU run pasted in
// with its FAIL lines would make a wrong value the standard.
test.each(PROGRAMS)('%s.expected passes its own checks', (name) => {
  const expected = expectedOutput(name)
  expect(expected).not.toMatch(/^FAIL/m)
  expect(expected.endsWith('\nok\n')).toBe(true)
  if (qemuExpectedOutput(name) !== expected) expect(qemuExpectedOutput(name)).toMatch(/^FAIL/m)
})

describe.skipIf(missing !== undefined)(title, () => {
  beforeAll(() => buildSuite(), 120_000)

  test.each(PROGRAMS)('%s', (name) => {
    // Each run takes well under 2 s; the timeout only stops a program that
    // never reaches SYSTEM_OFF.
    const r = spawnSync(QEMU, qemuArgs(name), { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 })
    expect(r.signal, `${name} did not power off within 10 s`).toBeNull()
    expect(r.stderr.toString()).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout.toString('latin1')).toBe(qemuExpectedOutput(name))
  })

  test('a fresh build is byte-identical and names no path of the checkout', () => {
    buildSuite(['--check'])
    for (const name of PROGRAMS) {
      const elf = readFileSync(elfPath(name))
      expect(elf.includes(ROOT), `${name}.elf contains ${ROOT}`).toBe(false)
      expect(elf.includes('.note.gnu.build-id'), `${name}.elf has a build id`).toBe(false)
    }
  }, 120_000)
})
