/**
 * A scenario board's boot as phases (issue 15, item 4): the kernel, sigma0,
 * moe, cons and ned, then each VM ned starts, each reported as it becomes
 * active and done; ned fails with the script.
 */
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { ScenarioSession } from './scenario-session'
import type { BootPhase } from './session'

/** Boots `source`, in slices of `sliceMs` of the (fake) wall clock: small slices see the boot in more steps. */
function boot(source: string, name: string, sliceMs = 50) {
  const reports: BootPhase[][] = []
  let wall = 0
  const board = new ScenarioSession(
    { kind: 'scenario', scenario: { name, source }, paced: false, ramMiB: 32 },
    { consoleOutput: () => {}, vmsChanged: () => {}, statusChanged: () => {}, bootProgress: (p) => reports.push(p) },
    () => (wall += 0.01),
  )
  for (let i = 0; i < 10_000; i++) if (board.run(sliceMs) === Infinity) break
  return reports
}

const hello = () => readFileSync(new URL('../../../resources/scenarios/hello.lua', import.meta.url), 'utf8')
const states = (phases: BootPhase[]) => phases.map((p) => `${p.name}:${p.state}`)

describe('boot progress', () => {
  it('reports the kernel, the base programs, ned and each VM in order, each done at the end of a good boot', () => {
    const reports = boot(hello(), 'hello.lua', 0.05)
    const last = reports.at(-1)!
    expect(states(last)).toEqual(['kernel:done', 'sigma0:done', 'moe:done', 'cons:done', 'ned:done', 'server:done', 'client:done'])
    expect(last.map((p) => p.kind)).toEqual(['kernel', 'program', 'program', 'program', 'program', 'vm', 'vm'])
    // Seen in steps (the native base system is up within the first millisecond; the VMs take longer): no phase ever goes back.
    expect(reports.length).toBeGreaterThanOrEqual(2)
    expect(reports[0][0]).toMatchObject({ name: 'kernel', state: 'done' })
    expect(reports[0].some((p) => p.state !== 'done')).toBe(true)
    const rank = { pending: 0, active: 1, done: 2, failed: 2 }
    for (let i = 1; i < reports.length; i++) {
      reports[i - 1].forEach((p, j) => expect(rank[reports[i][j].state]).toBeGreaterThanOrEqual(rank[p.state]))
    }
    // ned finishes the script after its VMs came up: it is done last.
    const at = Object.fromEntries(last.map((p) => [p.name, p.atMs]))
    expect(at.ned).toBeGreaterThanOrEqual(at.server)
    expect(at.sigma0).toBeLessThanOrEqual(at.ned)
    // Reports come only on changes: no two in a row are the same.
    for (let i = 1; i < reports.length; i++) expect(reports[i]).not.toEqual(reports[i - 1])
  })

  it('marks ned failed when the script stops with an error, with the VMs it started before', () => {
    const source = [
      'local L4 = require "L4"',
      'local ch = L4.default_loader:new_channel()',
      'L4.default_loader:start({ caps = { server = ch:svr() }, log = { "server", "c" } }, "rom/hello-server")',
      'print(nil .. 1)',
    ].join('\n')
    const last = boot(source, 'broken.lua').at(-1)!
    expect(states(last)).toEqual(['kernel:done', 'sigma0:done', 'moe:done', 'cons:done', 'ned:failed', 'server:done'])
  })
})
