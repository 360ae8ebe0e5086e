// Property test: whatever text sh is given, it parses, reports and exits;
// it never dies of a signal or hangs. The alphabet has no letters, '.' or
// '/', so random input cannot name a command, a variable, a function or a
// path outside the scratch directory it runs in.
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { BIN, QEMU, ensureBuilt, tempDir, toolsPresent } from './helpers'

const ALPHABET = [...' \t\n$\'"\\(){};&|<>!#*?[]=~`012-+%:,'] as const
// Whole tokens too, so that long and-or lists, pipelines and nestings occur.
const TOKENS = ['&&', '||', ' | ', '; ', ':', '0', '$?', '$((1+2))', '$(:)', '2>&1', '>0', '<0', '{ ', ' }', '(', ')', '!', '[ 1 = 1 ]']

describe.skipIf(!toolsPresent)('sh on random input', () => {
  let dir: string
  let empty: string
  beforeAll(() => {
    ensureBuilt()
    dir = tempDir('fuzz')
    empty = join(dir, 'no-commands')
    mkdirSync(empty)
  })

  it('always exits with a status, never by a signal', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...ALPHABET), fc.constantFrom(...TOKENS)), { maxLength: 40 })
        .map((a) => a.join('')), (script) => {
        const r = spawnSync(QEMU, [join(BIN, 'sh'), '-c', script], {
          cwd: dir, env: { PATH: empty, HOME: dir }, encoding: 'utf8', timeout: 10_000, input: '',
        })
        expect(r.signal, `sh -c ${JSON.stringify(script)}: ${r.stderr}`).toBe(null)
        expect(r.status).not.toBe(null)
        expect(r.stderr).not.toMatch(/out of memory/)
      }),
      { numRuns: 120, seed: 6 },
    )
  }, 120_000)
})
