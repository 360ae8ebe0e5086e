/**
 * How much argument and environment execve takes (issue 11, item 14):
 * Linux's limits, each string at most 128 KiB with its NUL and all of them
 * with their pointers at most a quarter of the 8 MiB stack limit, E2BIG
 * beyond. bigenv.c probes them from inside (execve of itself) under
 * `l4lab exec` and on the host kernel; a 1.2 MB environment passes through
 * `l4lab exec` as it passes through the host's /usr/bin/env.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { CLI, program, run } from './harness'
import { requireBuilt } from '../support/built'

beforeAll(requireBuilt)

/** NAME=value strings of `size` bytes each (NUL included), as an environment object. */
function bigEnv(count: number, size: number): Record<string, string> {
  const env: Record<string, string> = { PATH: '/usr/bin:/bin' }
  for (let i = 0; i < count; i++) env[`BIG${String(i).padStart(2, '0')}`] = 'x'.repeat(size - 7)
  return env
}

describe('execve’s argument and environment limits, against the host kernel', () => {
  it.each([
    ['a 1.2 MB environment in 100 KiB strings', ['try', '102400', '12']],
    ['3 MB (E2BIG)', ['try', '102400', '30']],
    ['one string of 128 KiB with its NUL', ['try', '131072', '1']],
    ['one string a byte longer (E2BIG)', ['try', '131073', '1']],
    ['the largest total in 100 KiB strings', ['limit', '102400']],
    ['the largest total in 4 KiB strings (pointers count too)', ['limit', '4096']],
  ])('%s', (_what, args) => {
    const lab = run(process.execPath, [CLI, 'exec', program('bigenv'), ...args])
    const linux = run(program('bigenv', true), args)
    expect(linux.status).toBe(0)
    expect(lab).toEqual(linux)
  })

  it('l4lab exec passes a 1.2 MB environment on, as the host does; 3 MB is E2BIG at the host already', () => {
    const env = bigEnv(12, 100 * 1024)
    const lab = spawnSync(process.execPath, [CLI, 'exec', program('bigenv'), 'show'], { env, encoding: 'utf8' })
    const host = spawnSync(program('bigenv', true), ['show'], { env, encoding: 'utf8' })
    expect(host.stdout).toMatch(/^envc 13 bytes 12\d{5}\n$/)
    expect([lab.stdout, lab.stderr, lab.status]).toEqual([host.stdout, '', 0])
    const huge = bigEnv(30, 100 * 1024)
    const hostEnv = spawnSync('/usr/bin/env', [], { env: huge })
    const labHuge = spawnSync(process.execPath, [CLI, 'exec', program('bigenv'), 'show'], { env: huge })
    expect((hostEnv.error as NodeJS.ErrnoException).code).toBe('E2BIG')
    expect((labHuge.error as NodeJS.ErrnoException).code).toBe('E2BIG')
  })
})
