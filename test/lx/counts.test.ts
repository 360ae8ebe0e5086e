/**
 * Counts no buffer has ((size_t)-1, 2^62) in read, write, pwrite, writev,
 * readlinkat, getrandom, sendfile and getdents64: lx answers as Linux does
 * (EFAULT from access_ok, EINVAL from rw_verify_area, ESPIPE, a partial
 * count) and never stops with a host exception. The reference is the host's
 * own kernel running the same program built for the host: qemu-aarch64
 * checks some buffers itself before Linux would.
 */
import { beforeAll, expect, it } from 'vitest'
import { CLI, prepareReference, program, run } from './harness'

beforeAll(prepareReference, 300_000)

it('counts.c: l4lab exec = the host kernel', () => {
  const lab = run(process.execPath, [CLI, 'exec', program('counts')])
  const linux = run(program('counts', true), [])
  expect(lab).toEqual(linux)
  expect(linux.stdout).toContain('read SIZE_MAX: -1 Bad address\n')
  expect(linux.stdout).toContain('sendfile SIZE_MAX: -1 Invalid argument\n')
})
