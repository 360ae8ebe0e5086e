// Differential property test: our grep against the host's GNU grep (C
// locale) on random well-formed patterns over a small alphabet, so that the
// subset we implement (. * ^ $ [] [^], \\+ \\? and -E's + ?, -i -v -c -n) is checked widely.
import { spawnSync } from 'node:child_process'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, run, toolsPresent } from './helpers'

const hostGrep = spawnSync('grep', ['--version'], { encoding: 'utf8' })
const haveGnuGrep = hostGrep.status === 0 && /GNU grep/.test(hostGrep.stdout)

const LINES = ['', 'a', 'b', 'ab', 'ba', 'aab', 'abb', 'bab', 'abab', 'A', 'Ab', 'aBa', 'c', 'ac', 'cab', 'aaaa', 'b.b', 'a*b']
const INPUT = LINES.join('\n') + '\n'

const atom = fc.constantFrom('a', 'b', 'c', 'A', '.', '[ab]', '[^a]', '[a-c]', '\\.')
const patternOf = (suffixes: string[]) =>
  fc.tuple(fc.boolean(), fc.array(fc.tuple(atom, fc.constantFrom(...suffixes)).map(([a, s]) => a + s),
    { minLength: 1, maxLength: 4 }), fc.boolean())
    .map(([bol, ps, eol]) => (bol ? '^' : '') + ps.join('') + (eol ? '$' : ''))
const pattern = patternOf(['', '', '*', '\\+', '\\?'])
const extended = patternOf(['', '', '*', '+', '?'])
const flags = fc.subarray(['-i', '-v', '-c', '-n'])

describe.skipIf(!toolsPresent || !haveGnuGrep)('grep against GNU grep', () => {
  beforeAll(() => ensureBuilt())

  it('selects the same lines', () => {
    fc.assert(
      fc.property(pattern, flags, (pat, fl) => {
        const ref = spawnSync('grep', [...fl, '-e', pat], { input: INPUT, encoding: 'utf8', env: { LC_ALL: 'C' } })
        const ours = run('grep', [...fl, '-e', pat], { input: INPUT })
        expect(ours.stdout, `grep ${fl.join(' ')} -e '${pat}'`).toBe(ref.stdout)
        expect(ours.status).toBe(ref.status)
      }),
      { numRuns: 80, seed: 42 },
    )
  }, 120_000)

  it('selects the same lines with -E (+ and ?)', () => {
    fc.assert(
      fc.property(extended, flags, (pat, fl) => {
        const ref = spawnSync('grep', ['-E', ...fl, '-e', pat], { input: INPUT, encoding: 'utf8', env: { LC_ALL: 'C' } })
        const ours = run('grep', ['-E', ...fl, '-e', pat], { input: INPUT })
        expect(ours.stdout, `grep -E ${fl.join(' ')} -e '${pat}'`).toBe(ref.stdout)
        expect(ours.status).toBe(ref.status)
      }),
      { numRuns: 60, seed: 43 },
    )
  }, 120_000)
})
