// The demo programs under `l4lab exec` (lx), where they meet the VM's
// limits: a fork bomb without a limit runs out of kernel memory and still
// comes back (it livelocked before: its children's page tables no longer fit
// and their page faults repeated forever), and pipebench's clock counts the
// copying lx does for it (it reported 162341 MiB/s, and without arguments
// never reached its one second).
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { BIN, ROOT, ensureBuilt, toolsPresent } from './helpers'

const CLI = join(ROOT, 'bin', 'l4lab.mjs')

function labExec(prog: string, args: string[] = []) {
  const r = spawnSync(process.execPath, [CLI, 'exec', join(BIN, prog), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 })
  return { stdout: r.stdout, stderr: r.stderr, status: r.status }
}

describe.skipIf(!toolsPresent)('demo programs under l4lab exec', () => {
  beforeAll(() => ensureBuilt(), 300_000)

  it('forkbomb without a limit forks until kernel memory runs out, then reaps every child', () => {
    const r = labExec('forkbomb')
    expect(r.status).toBe(0)
    const n = Number(/^forkbomb: fork failed after (\d+) children: Resource temporarily unavailable\n/.exec(r.stdout)?.[1])
    expect(n, r.stdout + r.stderr).toBeGreaterThan(1000)
    expect(r.stdout).toContain(`forkbomb: reaped ${n} children\n`)
  }, 120_000)

  it('pipebench reports a rate a machine could have, and without arguments stops after a second', () => {
    const sized = labExec('pipebench', ['64'])
    expect(sized.status).toBe(0)
    const m = /^pipebench: 64 MiB in (\d+\.\d{3}) s: (\d+\.\d) MiB\/s\n$/.exec(sized.stdout)
    expect(m, sized.stdout).not.toBeNull()
    expect(Number(m![2])).toBeGreaterThan(10)
    expect(Number(m![2])).toBeLessThan(20_000)
    const timed = labExec('pipebench')
    expect(timed.status).toBe(0)
    const t = /^pipebench: \d+ MiB in (\d+\.\d{3}) s: \d+\.\d MiB\/s\n$/.exec(timed.stdout)
    expect(t, timed.stdout).not.toBeNull()
    expect(Number(t![1])).toBeGreaterThanOrEqual(1)
    expect(Number(t![1])).toBeLessThan(1.2)
  }, 120_000)
})
