/**
 * Memory requests past 4 GiB under lx (issue 11, item 14): exact, and
 * ENOMEM when the VM (256 MiB under `l4lab exec`) cannot commit them, as
 * Linux with strict overcommit (vm.overcommit_memory=2) answers; the host's
 * own answers depend on its memory and overcommit mode, so these are known
 * answers rather than a comparison.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { CLI, program, run } from './harness'
import { requireBuilt } from '../support/built'

beforeAll(requireBuilt)

const EXPECTED = (n: number) => `${n} bytes
  mmap rw: Cannot allocate memory
  mmap none: ok, vma ${n} bytes
  mprotect rw: Cannot allocate memory
  mprotect last page rw: ok
  munmap: ok
  mremap to it: Cannot allocate memory
  brk: Cannot allocate memory
`

describe('memory sizes past 4 GiB in lx', () => {
  it('memsize.c: 4 GiB + 100 MiB and 8 GiB are asked for exactly; what cannot be committed is ENOMEM', () => {
    const r = run(process.execPath, [CLI, 'exec', program('memsize')])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe(EXPECTED(4 * 2 ** 30 + 100 * 2 ** 20) + EXPECTED(8 * 2 ** 30))
    expect(r.status).toBe(0)
  })
})
