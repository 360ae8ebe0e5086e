import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { runLx } from './testing/run-lx'

const rootfs = readFileSync(new URL('../../../../resources/guests/aarch64/rootfs.cpio.gz', import.meta.url))

describe('lx runs static aarch64 Linux programs', () => {
  it('echo prints its arguments and exits 0', () => {
    const r = runLx(rootfs, ['/bin/echo', 'hello', 'from', 'lx'])
    expect(r.log).not.toMatch(/lx: |error/)
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('hello from lx\n')
    expect(r.status).toBe(0)
  })
})
