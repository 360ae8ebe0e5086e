// Every command has its own --help (issue 12, item 4): usage on stdout,
// status 0. Before, `l4lab run --help` and `exec --help` were unknown
// options and `bench --help` an unknown benchmark, all with status 2.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../..')
const CLI = join(ROOT, 'bin', 'l4lab.mjs')
const l4lab = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })

describe('l4lab COMMAND --help', () => {
  it.each(['web', 'run', 'exec', 'bench'])('%s --help and %s -h print its usage and exit 0', (cmd) => {
    for (const flag of ['--help', '-h']) {
      const r = l4lab(cmd, flag)
      expect(r.status).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`^usage: l4lab ${cmd} `))
      expect(r.stderr).toBe('')
    }
  })

  it('takes --help anywhere among run’s and web’s options, and among exec’s own options only', () => {
    expect(l4lab('run', 'resources/scenarios/hello.lua', '--help').stdout).toMatch(/^usage: l4lab run /)
    expect(l4lab('exec', '--rw', '--help').stdout).toMatch(/^usage: l4lab exec /)
  })

  const echo = join(ROOT, 'build/guests/aarch64/bin/echo')
  it.skipIf(!existsSync(echo))('leaves a --help after the program to the program', () => {
    const r = l4lab('exec', echo, '--help')
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('--help\n')
  })

  it('lists the command help in l4lab --help', () => {
    expect(l4lab('--help').stdout).toContain('l4lab COMMAND --help')
  })
})
