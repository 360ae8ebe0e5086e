/**
 * `l4lab bench boot` and `bench vms` (the built CLI, a child process). Boot:
 * one line per VM with its time to the prompt, then where the rounds' time
 * went, phase by phase. Vms: the memory N VMs cost. Figures are not checked
 * (no timing assertions), only that they are there and that the phases
 * account for the round.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { cliPath, requireBuilt, root } from '../support/built'

beforeAll(() => requireBuilt())

const PHASES = ['modules', 'board', 'bootstrap', 'base', 'ned', 'lx_start', 'lx', 'guest', 'rest']

describe('l4lab bench boot', () => {
  it('prints each VM to its prompt and the phases of a round, which add up to the last prompt', () => {
    const r = spawnSync(process.execPath, [cliPath, 'bench', 'boot', 'resources/scenarios/default.lua', '--rounds=1'], { cwd: root, encoding: 'utf8', timeout: 120_000 })
    expect(r.stderr.replace(/^l4lab: building the lab.*\n/m, '')).toBe('')
    expect(r.status).toBe(0)
    const value = (key: string) => {
      const m = new RegExp(`^${key.replace(/\./g, '\\.')}: (\\d+\\.\\d) ms \\(.*first (\\d+\\.\\d)\\)$`, 'm').exec(r.stdout)
      expect(m, `${key} in\n${r.stdout}`).not.toBeNull()
      return Number(m![2])
    }
    const prompts = ['vm1', 'vm2'].map((vm) => value(`boot.${vm}.prompt_ms`))
    const phases = PHASES.map((p) => value(`boot.phase.${p}_ms`))
    // Each figure is rounded to 0.1 ms: the sum may be off by half of that per phase.
    expect(Math.abs(phases.reduce((a, b) => a + b, 0) - Math.max(...prompts))).toBeLessThanOrEqual(0.05 * PHASES.length + 0.05)
    // The process's CPU time in the round: there, and something was spent.
    expect(value('boot.cpu_ms')).toBeGreaterThan(0)
  })

  it("boots a scenario on the board its board line names (x86.lua: pc, an x86-64 core), as the lab does", () => {
    const r = spawnSync(process.execPath, [cliPath, 'bench', 'boot', 'resources/scenarios/x86.lua', '--rounds=1'], { cwd: root, encoding: 'utf8', timeout: 120_000 })
    expect(r.stderr.replace(/^l4lab: building the lab.*\n/m, '')).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^boot\.x86\.prompt_ms: \d+\.\d ms /m)
  })
})

describe('l4lab bench vms', () => {
  it('boots N lx VMs to their prompts and prints the memory they cost, per VM beyond the wasm memory', () => {
    const r = spawnSync(process.execPath, [cliPath, 'bench', 'vms', '--vms=2'], { cwd: root, encoding: 'utf8', timeout: 120_000 })
    expect(r.stderr.replace(/^l4lab: building the lab.*\n/m, '')).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^vms\.count: 2 VMs \(rootfs\.cpio, 64 MiB guest memory each\)$/m)
    for (const key of ['rss_growth', 'wasm_memory_growth', 'js_heap_growth', 'array_buffers_growth', 'host_per_vm']) {
      expect(r.stdout).toMatch(new RegExp(`^vms\\.${key}: -?\\d+\\.\\d\\d MiB`, 'm'))
    }
  })

  it('refuses a count it cannot run', () => {
    const r = spawnSync(process.execPath, [cliPath, 'bench', 'vms', '--vms=0'], { cwd: root, encoding: 'utf8', timeout: 60_000 })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/l4lab bench vms: --vms=N wants 1\.\.32\n$/)
  })
})
