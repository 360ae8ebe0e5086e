/**
 * File mappings and the open file's access mode (issue 11, item 14):
 * mmap(MAP_SHARED, PROT_WRITE) of a file opened O_RDONLY, and mprotect
 * adding PROT_WRITE to such a shared mapping, fail with EACCES; private
 * mappings may be written (a copy, the file stays). Against the host kernel.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { CLI, program, run } from './harness'
import { requireBuilt } from '../support/built'

beforeAll(requireBuilt)

describe('mmap and mprotect check the file’s access mode', () => {
  it('mmapacc.c gives the same results under l4lab exec as on Linux', () => {
    const lab = run(process.execPath, [CLI, 'exec', program('mmapacc')])
    const linux = run(program('mmapacc', true), [])
    expect(linux.stdout).toMatch(/O_RDONLY, MAP_SHARED, PROT_READ\|PROT_WRITE: +Permission denied/)
    expect(lab).toEqual(linux)
  })
})
