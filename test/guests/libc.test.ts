// The guest libc: its self-checks (guests/libc/tests/libctest.c), and the
// printf engine against glibc: the same program built with our libc and
// with aarch64-linux-gnu-gcc (static glibc) must print the same bytes.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { QEMU, ROOT, ensureBuilt, run, tempDir, toolsPresent } from './helpers'

const hasGcc = spawnSync('aarch64-linux-gnu-gcc', ['--version']).status === 0

describe.skipIf(!toolsPresent)('guest libc', () => {
  beforeAll(() => ensureBuilt())

  it('passes its self-checks', () => {
    const r = run('libctest', [tempDir('libc')])
    expect(r.stdout).toMatch(/^\d+ checks, 0 failed\n$/)
    expect(r.status).toBe(0)
  })

  it.skipIf(!hasGcc)('printf formats integers and floats exactly as glibc does', () => {
    const dir = tempDir('fmt')
    const exe = join(dir, 'fmtcheck-glibc')
    const cc = spawnSync('aarch64-linux-gnu-gcc', ['-static', '-O1', '-w', '-o', exe,
      join(ROOT, 'guests', 'libc', 'tests', 'fmtcheck.c')], { encoding: 'utf8' })
    expect(cc.status, cc.stderr).toBe(0)
    const ref = spawnSync(QEMU, [exe], { encoding: 'utf8' })
    const ours = run('fmtcheck')
    expect(ours.status).toBe(0)
    expect(ours.stdout).toBe(ref.stdout)
    expect(ours.stdout.split('\n').length).toBeGreaterThan(25)
  })
})
