/**
 * A vfork parent's wait for its child is not cut short by a signal (Linux
 * waits killable only), with or without a handler: the parent goes on once
 * the child is done. The reference is the host's kernel running the same
 * program built for the host: qemu-aarch64 runs vfork as a fork.
 */
import { beforeAll, expect, it } from 'vitest'
import { CLI, prepareReference, program, run } from './harness'

beforeAll(prepareReference, 300_000)

it('vfork.c: l4lab exec = the host kernel', () => {
  const lab = run(process.execPath, [CLI, 'exec', program('vfork')])
  const linux = run(program('vfork', true), [])
  expect(lab).toEqual(linux)
  expect(linux.stdout).toContain('SIGUSR1 with a handler: vfork returned the child 1, after it was done 1, handler ran 1, status 7\n')
})
