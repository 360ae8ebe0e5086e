/**
 * A scenario session's status (issue 11, item A): ned says on its control
 * console how the script went, and the session tells its host — booting,
 * then running, or failed with ned's "file:line: message".
 */
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { ScenarioSession } from './scenario-session'
import type { SessionStatus } from './session'
import { endTask } from '../kernel/lifecycle'

function boot(source: string, name = 'test.lua') {
  const told: SessionStatus[] = []
  let wall = 0
  const board = new ScenarioSession(
    { kind: 'scenario', scenario: { name, source }, paced: false, ramMiB: 32 },
    { consoleOutput: () => {}, vmsChanged: () => {}, statusChanged: (s) => told.push(s) },
    () => (wall += 0.01),
  )
  const runUntilIdle = () => {
    for (let i = 0; i < 10_000; i++) if (board.run(50) === Infinity) return
  }
  return { board, told, runUntilIdle }
}

const hello = () => readFileSync(new URL('../../../resources/scenarios/hello.lua', import.meta.url), 'utf8')

describe('scenario status', () => {
  it('is booting until the script has run, then running (told once)', () => {
    const b = boot(hello(), 'hello.lua')
    expect(b.board.status()).toEqual({ state: 'booting' })
    b.runUntilIdle()
    expect(b.board.status()).toEqual({ state: 'running' })
    expect(b.told).toEqual([{ state: 'running' }])
  })

  it('fails with file:line on a syntax error', () => {
    const b = boot('local L4 = require "L4"\nthis is bad\n', 'bad.lua')
    b.runUntilIdle()
    expect(b.board.status()).toEqual({ state: 'failed', error: "rom/bad.lua:2: syntax error near 'is'" })
    expect(b.told).toEqual([b.board.status()])
  })

  it('fails with file:line on a runtime error, after what the script started before it', () => {
    const b = boot(
      [
        'local L4 = require "L4"',
        'local ch = L4.default_loader:new_channel()',
        'L4.default_loader:start({ caps = { server = ch:svr() }, log = { "server", "c" } }, "rom/hello-server")',
        'local t = nil',
        'print(t.x)',
      ].join('\n'),
      'runtime.lua',
    )
    b.runUntilIdle()
    const s = b.board.status()
    expect(s.state).toBe('failed')
    expect(s.state === 'failed' && s.error).toMatch(/^rom\/runtime\.lua:5: attempt to index a nil value/)
    // What ran before the error runs on.
    expect(b.board.vms().find((v) => v.name === 'server')?.state).toBe('running')
  })

  it('fails when the script starts a program the rom does not have', () => {
    const b = boot('local L4 = require "L4"\nL4.default_loader:start({ log = { "vm9", "r" } }, "rom/no-such-program")\n', 'missing.lua')
    b.runUntilIdle()
    const s = b.board.status()
    expect(s.state === 'failed' && s.error).toMatch(/^rom\/missing\.lua:2: rom\/no-such-program: no such program in rom/)
  })

  it('folds an error message with newlines into one line', () => {
    const b = boot('error("first\\nsecond")\n', 'multi.lua')
    b.runUntilIdle()
    expect(b.board.status()).toEqual({ state: 'failed', error: 'rom/multi.lua:1: first second' })
  })

  it('fails when ned ends before it says how the script went', () => {
    const b = boot(hello(), 'hello.lua')
    const kernel = b.board.booted.kernel
    for (const o of kernel.objects) if (o.kind === 'task' && o.name === 'ned') endTask(kernel, o, 'killed by the test')
    expect(b.board.status()).toEqual({ state: 'failed', error: 'ned ended before the scenario did (killed by the test)' })
  })
})
