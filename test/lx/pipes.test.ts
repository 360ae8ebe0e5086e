/**
 * Writes to pipes under `l4lab exec` against qemu-aarch64 (Linux's
 * pipe_write): a blocking write larger than the free space blocks until all
 * is written; it ends short only on a signal or EPIPE after some bytes (the
 * count, not EINTR, and no restart); a signal before any byte is EINTR or a
 * restart (SA_RESTART); O_NONBLOCK writes return what fit. sendfile into a
 * full pipe waits instead of losing what it read (busybox cat uses it).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { BUSYBOX, prepareReference, program, same } from './harness'

beforeAll(prepareReference, 300_000)

describe('pipe writes: l4lab exec = qemu-aarch64', () => {
  it('pipes.c: blocking, interrupted, broken and non-blocking writes; sendfile', () => {
    const { lab, qemu } = same(program('pipes'), [])
    expect(lab).toEqual(qemu)
    expect(qemu.stdout).toContain('write returned 300000\n')
    expect(qemu.stdout).toContain('write returned 4194304\n')
    expect(qemu.stdout).toContain('write returned short (>= 64 KiB written), handler ran 1 time(s)')
    expect(qemu.stdout).toContain('write returned -1 Interrupted system call')
    expect(qemu.stdout).not.toContain('MISMATCH')
  })

  it('busybox cat into a pipe whose reader starts late loses nothing', () => {
    const script = 'd=$(mktemp -d); seq 1 60000 > $d/f; cat $d/f | (sleep 1; wc -c); cat $d/f | (sleep 1; md5sum); md5sum < $d/f; rm -r $d'
    const { lab, qemu } = same(BUSYBOX, ['sh', '-c', script])
    expect(lab).toEqual(qemu)
    expect(qemu.stdout.split('\n')[0]).toBe('348894')
  })
})
