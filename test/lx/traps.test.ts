/**
 * The signals a program's own faults raise under `l4lab exec`, against
 * qemu-aarch64: BRK is SIGTRAP with TRAP_BRKPT (lx sent si_code 0 before),
 * a store to an unmapped page SIGSEGV with SEGV_MAPERR and its address. For
 * an undefined instruction qemu says ILL_ILLOPN (2); arm64 Linux's
 * do_undefinstr sends ILL_ILLOPC (1), and so does lx.
 */
import { beforeAll, expect, it } from 'vitest'
import { prepareReference, program, same } from './harness'

beforeAll(prepareReference, 300_000)

it('traps.c: l4lab exec = qemu-aarch64 but for the si_code of SIGILL, which is Linux’s', () => {
  const { lab, qemu } = same(program('traps'), [])
  expect(qemu.stdout).toContain('udf #7: signal 4 (Illegal instruction), si_code 2, si_addr as expected\n')
  expect(lab).toEqual({ ...qemu, stdout: qemu.stdout.replace('si_code 2', 'si_code 1') })
  expect(lab.stdout).toBe(
    [
      'brk #0x3e8: signal 5 (Trace/breakpoint trap), si_code 1, si_addr as expected',
      'udf #7: signal 4 (Illegal instruction), si_code 1, si_addr as expected',
      'store to 0x30000: signal 11 (Segmentation fault), si_code 1, si_addr as expected',
      '',
    ].join('\n'),
  )
})
