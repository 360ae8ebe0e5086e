// Instruction tests: every program of guests/cpu-tests runs on our core (the
// harness services only write and exit) and under qemu-aarch64; output and
// exit status must match byte for byte.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { buildCorpus, CORPUS_OUT, corpusNames, runQemu } from './corpus'
import { runElf } from '../../src/engine/cpu/aarch64/testing/harness'

const names = corpusNames().filter((n) => n !== 'bench')

describe('aarch64 corpus vs qemu-aarch64', () => {
  beforeAll(() => buildCorpus(), 120_000)

  test.each(names)('%s', (name) => {
    const path = join(CORPUS_OUT, name)
    const ref = runQemu(path)
    const ours = runElf(readFileSync(path))
    expect(ours.error).toBeUndefined()
    expect(ours.stdout).toBe(ref.stdout.toString('latin1'))
    expect(ours.exitCode).toBe(ref.status)
  })
})
