/**
 * `l4lab run`, as a user or a script calls it (the built CLI, a child process).
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cliPath, requireBuilt, root } from '../support/built'

function l4lab(...args: string[]) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

let dir = ''
/** A scenario file with this Lua text, in a directory of its own. */
function scenario(name: string, source: string): string {
  const file = join(dir, name)
  writeFileSync(file, source)
  return file
}

beforeAll(() => {
  requireBuilt()
  dir = mkdtempSync(join(tmpdir(), 'l4lab-run-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('l4lab run', () => {
  it('prints every console line as "name| text" and exits 0 when the scenario is done', () => {
    const r = l4lab('run', 'resources/scenarios/hello.lua')
    expect(r.code).toBe(0)
    const lines = r.out.trim().split('\n')
    expect(lines).toContain('l4re| ned: running rom/hello.lua')
    expect(lines).toContain('server| hello-server: request 5: 5 -> 25')
    expect(lines).toContain('client| hello-client: 5^2 = 25')
    expect(lines).toContain('client| [client: exited]')
    expect(lines.every((l) => /^[\w.-]+\| /.test(l))).toBe(true)
  })

  it('--expect exits 0 at the first matching line and prints nothing after it', () => {
    const r = l4lab('run', 'resources/scenarios/hello.lua', '--expect', '^client\\| hello-client: 2\\^2 = 4$')
    expect(r.code).toBe(0)
    expect(r.out.trim().split('\n').at(-1)).toBe('client| hello-client: 2^2 = 4')
  })

  it('--expect exits non-zero on timeout, with a message', () => {
    const r = l4lab('run', 'resources/scenarios/hello.lua', '--expect', 'never printed', '--timeout', '1')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/timed out after 1 s/)
  })

  it('drives an interactive shell session in the default scenario (issue 6)', () => {
    const r = l4lab(
      'run', 'resources/scenarios/default.lua', '--timeout', '60', '--expect', '^vm1\\| done 130$',
      // Cursor keys: insert X three characters from the end.
      '--send', 'vm1:echo hello\\x1b[D\\x1b[D\\x1b[DX\\r',
      // A pipe and a redirection into /tmp.
      '--send', 'vm1:+300:echo one | tr a-z A-Z > /tmp/o; cat /tmp/o\\r',
      // History: the previous line again.
      '--send', 'vm1:+300:\\x1b[A\\r',
      // A background job.
      '--send', 'vm1:+300:sleep 1 & jobs\\r',
      // ^C of a running spin: the shell survives, $? says SIGINT.
      '--send', 'vm1:+300:spin\\r',
      '--send', 'vm1:+1500:\\x03',
      '--send', 'vm1:+500:echo done $?\\r',
    )
    expect(r.code).toBe(0)
    const vm1 = r.out.split('\n').filter((l) => l.startsWith('vm1| ')).map((l) => l.slice(5))
    expect(vm1).toContain('heXllo')
    expect(vm1.filter((l) => l === 'ONE')).toHaveLength(2)
    expect(vm1.some((l) => /^\[1\]\+? +Running +sleep 1/.test(l))).toBe(true)
    expect(vm1).toContain('^C')
    expect(vm1.at(-1)).toBe('done 130')
    expect(r.out).not.toMatch(/^vm2\| .*(heXllo|ONE)/m)
  }, 90_000)

  it('exits 1 with the error and its file:line on stderr when the scenario has a syntax error (issue 11, item 12)', () => {
    const r = l4lab('run', scenario('syntax.lua', 'local L4 = require "L4"\nthis is bad\n'))
    expect(r.code).toBe(1)
    expect(r.err).toContain("l4lab run: the scenario failed: rom/syntax.lua:2: syntax error near 'is'")
    expect(r.out).toContain("l4re| ned: error: rom/syntax.lua:2: syntax error near 'is'")
  })

  it('exits 1 with the error when the scenario starts a program the rom does not have (issue 11, item 12)', () => {
    const r = l4lab('run', scenario('missing.lua', 'local L4 = require "L4"\nL4.default_loader:start({ log = { "vm1", "g" } }, "rom/no-such-program")\n'))
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^l4lab run: the scenario failed: rom\/missing\.lua:2: rom\/no-such-program: no such program in rom/m)
  })

  it('exits 1 with a message when --timeout passes without --expect (issue 11, item 12)', () => {
    // A send still waiting keeps the run going past the timeout.
    const r = l4lab('run', 'resources/scenarios/hello.lua', '--timeout', '1', '--send', 'server:+600000:late')
    expect(r.code).toBe(1)
    expect(r.err).toContain('l4lab run: timed out after 1 s')
  })

  it('fails a --send to a console the scenario never starts, once its script has run, instead of waiting out the timeout (issue 11, item 12)', () => {
    const r = l4lab('run', 'resources/scenarios/hello.lua', '--timeout', '60', '--send', 'vm9:hello\\r')
    expect(r.code).toBe(2)
    expect(r.err).toContain('l4lab run: --send: the scenario has no console vm9 (its consoles: l4re, server, client)')
  })

  it('says what is wrong with bad arguments', () => {
    expect(l4lab('run', 'no/such.lua').err).toMatch(/cannot read no\/such\.lua/)
    expect(l4lab('run', 'resources/scenarios/hello.lua', '--expect', '(').code).toBe(2)
    expect(l4lab('run', 'resources/scenarios/hello.lua', '--timeout', '-3').err).toMatch(/--timeout/)
    expect(l4lab('frobnicate').code).toBe(2)
  })

  it('--help and --version answer', () => {
    expect(l4lab('--help').out).toMatch(/l4lab run/)
    expect(l4lab('--version').out.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })
})
