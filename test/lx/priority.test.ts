/**
 * Nice values and CPU affinity under `l4lab exec`: get/setpriority
 * (clamping, errors, fork inheriting, /proc/self/stat) and
 * sched_setaffinity's checks of its mask and pid. The reference is the host
 * kernel running the program built for the host; qemu-aarch64 agrees except
 * for /proc/self/stat, whose nice column its emulation leaves 0, and for the
 * process group's priority, for which it answers 0.
 */
import { beforeAll, expect, it } from 'vitest'
import { againstLinux, prepareReference } from './harness'

beforeAll(prepareReference, 300_000)

it('priority.c: l4lab exec = the host kernel, and = qemu-aarch64 but for two lines', () => {
  const { lab, linux, labKept, qemuKept } = againstLinux('priority', /^(stat nice|getpriority pgrp)/)
  expect(lab).toEqual(linux)
  expect(linux.stdout).toContain('getpriority after: 5 ok\n')
  expect(linux.stdout).toContain('stat nice 5\n')
  expect(linux.stdout).toContain('child getpriority: 3 ok\n')
  expect(labKept).toBe(qemuKept)
})
