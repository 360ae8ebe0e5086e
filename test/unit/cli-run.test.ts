/**
 * `l4lab run`, as a user or a script calls it (the built CLI, a child process).
 */
import { describe, expect, it, beforeAll } from 'vitest'
import { spawnSync } from 'node:child_process'
import { cliPath, requireBuilt, root } from '../support/built'

function l4lab(...args: string[]) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

beforeAll(() => requireBuilt())

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
