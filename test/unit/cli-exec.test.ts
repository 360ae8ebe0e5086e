/**
 * `l4lab exec` finding its program (issue 11, item 9): a name with a slash is
 * a path from the current directory, a bare name is looked up in PATH as a
 * shell does, and a name found nowhere fails at once with status 127.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { BIN, ensureBuilt, toolsPresent } from '../guests/helpers'
import { cliPath, requireBuilt, root } from '../support/built'

function exec(args: string[], opts: { cwd?: string; path?: string } = {}) {
  const env = { ...process.env, PATH: opts.path ?? process.env.PATH }
  // The timeout only bounds a hang (the bug this guards against); no test relies on it.
  const r = spawnSync(process.execPath, [cliPath, 'exec', ...args], { cwd: opts.cwd ?? root, env, encoding: 'utf8', timeout: 30_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

beforeAll(() => requireBuilt())

describe('l4lab exec NAME', () => {
  it('fails at once with "l4lab exec: NAME: command not found" and status 127 for a name found nowhere in PATH (issue 11, item 9)', () => {
    const r = exec(['no-such-command-l4lab'], { path: '/nonexistent:/also/not/here' })
    expect(r.code).toBe(127)
    expect(r.err).toContain('l4lab exec: no-such-command-l4lab: command not found\n')
  })

  describe.runIf(toolsPresent)('with our aarch64 programs', () => {
    beforeAll(() => ensureBuilt())

    it('runs a bare name from PATH, as a shell would (issue 11, item 9)', () => {
      const r = exec(['echo', 'found', 'in', 'PATH'], { path: `/nonexistent:${BIN}:/usr/bin:/bin` })
      expect(r).toMatchObject({ code: 0, out: 'found in PATH\n' })
    })

    it('takes an empty PATH entry as the current directory, and a name with a slash from the current directory', () => {
      expect(exec(['echo', 'empty entry'], { cwd: BIN, path: '/nonexistent::' })).toMatchObject({ code: 0, out: 'empty entry\n' })
      expect(exec(['./echo', 'relative'], { cwd: BIN, path: '/nonexistent' })).toMatchObject({ code: 0, out: 'relative\n' })
    })
  })
})
