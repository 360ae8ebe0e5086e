/**
 * Signals that run no handler under `l4lab exec` against qemu-aarch64: a
 * blocked system call they interrupt starts again (a stop and continue, a
 * SIGCONT, an ignored signal), as Linux restarts -ERESTARTSYS calls; and a
 * thread never goes to sleep with a signal pending that it would take
 * (sigsuspend with the signal already there returns at once).
 */
import { beforeAll, expect, it } from 'vitest'
import { prepareReference, program, same } from './harness'

beforeAll(prepareReference, 300_000)

it('restart.c: l4lab exec = qemu-aarch64', () => {
  const { lab, qemu } = same(program('restart'), [])
  expect(lab).toEqual(qemu)
  expect(qemu.stdout).toContain('after SIGSTOP and SIGCONT: read returned 1\n')
  expect(qemu.stdout).toContain('sigsuspend returned -1 Interrupted system call, handler ran 1 time(s)')
})
