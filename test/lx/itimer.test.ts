/**
 * Interval timers under `l4lab exec` against qemu-aarch64: alarm and pause,
 * a periodic ITIMER_REAL, getitimer's view, ITIMER_VIRTUAL and ITIMER_PROF
 * while the process computes, bad arguments, SIGALRM's default action and
 * fork clearing a child's timers (lx counts virtual time; the program
 * prints only what does not depend on the clock).
 */
import { beforeAll, expect, it } from 'vitest'
import { prepareReference, program, same } from './harness'

beforeAll(prepareReference, 300_000)

it('itimer.c: l4lab exec = qemu-aarch64', () => {
  const { lab, qemu } = same(program('itimer'), [])
  expect(lab).toEqual(qemu)
  expect(qemu.stdout).toContain('after pause: SIGALRM 1\n')
  expect(qemu.stdout).toContain('periodic SIGALRM 5\n')
  expect(qemu.stdout).toContain('child killed by signal 14\n')
  expect(qemu.status).toBe(0)
})
