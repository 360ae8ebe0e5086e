/**
 * What a guest makes the host hold is charged to its VM's memory: a pipe
 * bomb (children filling non-blocking pipes until EMFILE) ends with ENOMEM
 * or a failed fork once the buffers fill lx's 256 MiB, instead of growing
 * the host without bound (it took 5.3 GB in 30 s before), and killing the
 * children gives every page back.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { CLI, prepareReference, program, run } from './harness'

beforeAll(prepareReference, 300_000)

describe('memory a guest makes lx hold is charged to its VM', () => {
  it('pipebomb.c: the pipes of 8 children stop at the VM memory, and the memory comes back', () => {
    const r = run(process.execPath, [CLI, 'exec', program('pipebomb')])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const m = /children (\d+), buffered (\d+) MiB/.exec(r.stdout)
    expect(m, r.stdout).not.toBeNull()
    const mib = Number(m![2])
    // exec's lx has 256 MiB; the pipes take nearly all of it and no more.
    expect(mib).toBeLessThanOrEqual(256)
    expect(mib).toBeGreaterThan(200)
    expect(r.stdout).toMatch(/stopped after \d+ pipes: Cannot allocate memory|fork failed: Resource temporarily unavailable/)
    expect(r.stdout).toContain('after: 65536\n')
  })

  it('vmabomb.c: single-page maps stop at vm.max_map_count with ENOMEM, as on Linux', () => {
    const r = run(process.execPath, [CLI, 'exec', program('vmabomb')])
    expect(r.status).toBe(0)
    // 65530 VMAs in all, less the program's own few (the host kernel stops this static binary at 65520).
    const n = Number(/mmap failed after (\d+) maps: Cannot allocate memory/.exec(r.stdout)?.[1])
    expect(n).toBeGreaterThan(65500)
    expect(n).toBeLessThan(65530)
  })
})
