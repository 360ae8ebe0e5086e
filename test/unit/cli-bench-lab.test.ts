// `l4lab bench ipc` and `bench console` run and print their keys as
// `key: value unit` lines (issue 12, items 6 and 7). No figure is checked
// against a time: the machine is shared; only that each is a positive number.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { cliPath, root } from '../support/built'

const bench = (...args: string[]) => spawnSync(process.execPath, [cliPath, 'bench', ...args], { cwd: root, encoding: 'utf8', timeout: 240_000 })

/** The number of a `key: value unit` line, or NaN when the key is missing. */
function figure(stdout: string, key: string, unit: string): number {
  const m = new RegExp(`^${key.replace(/\./g, '\\.')}: ([\\d.]+) ${unit}\\b`, 'm').exec(stdout)
  return m ? Number(m[1]) : NaN
}

describe('l4lab bench ipc', () => {
  it('prints the median round trip and, over several runs, its range and the run count', () => {
    const r = bench('ipc', '--runs=3', '--round-trips=20000')
    expect(r.status, r.stderr).toBe(0)
    const median = figure(r.stdout, 'ipc.roundtrip_ns', 'ns')
    const min = figure(r.stdout, 'ipc.roundtrip_ns.min', 'ns')
    const max = figure(r.stdout, 'ipc.roundtrip_ns.max', 'ns')
    expect(min).toBeGreaterThan(0)
    expect(min).toBeLessThanOrEqual(median)
    expect(median).toBeLessThanOrEqual(max)
    expect(r.stdout).toMatch(/^ipc\.runs: 3 runs of 20000 round trips$/m)
    expect(figure(r.stdout, 'ipc.map_unmap_ns', 'ns')).toBeGreaterThan(0)
  }, 240_000)

  it('refuses a run count out of range with status 2', () => {
    const r = bench('ipc', '--runs=0')
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('--runs=N wants 1..100')
  })
})

describe('l4lab bench console', () => {
  it('prints MB/s at the engine worker for one writer and for two, with two VMs running', () => {
    const r = bench('console', '--mb=0.2', '--rounds=1')
    expect(r.status, r.stderr).toBe(0)
    expect(figure(r.stdout, 'console.worker_mb_s', 'MB/s')).toBeGreaterThan(0)
    expect(r.stdout).toMatch(/^console\.worker_mb_s: .*2 VMs running, default\.lua\)$/m)
    expect(figure(r.stdout, 'console.worker_mb_s.two_writers', 'MB/s')).toBeGreaterThan(0)
    expect(figure(r.stdout, 'console.worker_messages_per_mb', 'messages')).toBeGreaterThan(0)
  }, 240_000)

  it('names a scenario it cannot read, status 2', () => {
    const r = bench('console', 'no-such-scenario.lua')
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^l4lab bench console: cannot read no-such-scenario\.lua/)
  })
})
