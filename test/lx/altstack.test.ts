/**
 * sigaltstack and SA_ONSTACK under `l4lab exec`: settings and errors, a
 * handler on the alternate stack, SS_AUTODISARM, fork and exec, and a stack
 * overflow caught on the alternate stack. The reference is the host kernel
 * running the program built for the host; qemu-aarch64 agrees except for
 * SS_AUTODISARM, which it refuses (EINVAL) where Linux has had it since 4.7.
 */
import { beforeAll, expect, it } from 'vitest'
import { againstLinux, prepareReference } from './harness'

beforeAll(prepareReference, 300_000)

it('altstack.c: l4lab exec = the host kernel, and = qemu-aarch64 but for SS_AUTODISARM', () => {
  const { lab, linux, labKept, qemuKept } = againstLinux('altstack', /^(set autodisarm|autodisarm):/)
  expect(lab).toEqual(linux)
  expect(linux.stdout).toContain('SA_ONSTACK handler: on alternate 1, flags there 1, EPERM there 1\n')
  expect(linux.stdout).toContain('autodisarm: in handler 2, after 1\n')
  expect(linux.stdout).toContain('overflow caught on the alternate stack: 1\n')
  expect(labKept).toBe(qemuKept)
})
