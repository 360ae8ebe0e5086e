/**
 * A board's health as the host reports it (issue 11): a scenario that fails,
 * a worker stuck inside one slice, a worker whose engine allocates without
 * end. The misbehaving boards are fault sessions (src/engine/lab/fault-session.ts)
 * in the real engine worker.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EngineHost, type BoardConfig, type EngineHostOptions } from './engine-host'
import { loopbackLab } from './lab-config'
import { requireBuilt, workerUrl } from '../../test/support/built'
import type { BoardInfo, BoardState } from '../shared/contract'
import { CONSOLE_INPUT_LIMIT } from '../engine'

const dec = new TextDecoder()
let host: EngineHost | null = null

async function startHost(boards: BoardConfig[], options: Partial<EngineHostOptions> = {}): Promise<EngineHost> {
  host = new EngineHost({ workerUrl, boards, version: 'test', ...options })
  await host.start()
  return host
}

/** Every state a board passes through, from now on. */
function states(h: EngineHost, board: string): BoardState[] {
  const seen: BoardState[] = [h.snapshot().boards.find((b) => b.id === board)!.state]
  h.on('lab.changed', (s) => {
    const state = s.boards.find((b) => b.id === board)!.state
    if (seen.at(-1) !== state) seen.push(state)
  })
  return seen
}

/** Resolves with the board once it is in `state`; rejects after `ms` with what it is in instead. */
function waitForState(h: EngineHost, board: string, state: BoardState, ms = 20_000): Promise<BoardInfo> {
  return new Promise((resolve, reject) => {
    const find = () => h.snapshot().boards.find((b) => b.id === board)!
    const timer = setTimeout(() => {
      off()
      reject(new Error(`board ${board} never became ${state}; it is ${find().state} (${find().error ?? 'no error'})`))
    }, ms)
    const check = () => {
      if (find().state !== state) return
      clearTimeout(timer)
      off()
      resolve(find())
    }
    const off = h.on('lab.changed', check)
    check()
  })
}

function scenario(id: string, name: string, source: string): BoardConfig {
  return { id, name: id, scenario: name, spec: { kind: 'scenario', scenario: { name, source } } }
}

beforeAll(() => requireBuilt())
afterEach(async () => {
  await host?.dispose()
  host = null
})

describe('board health', () => {
  it('shows a scenario that stops with a Lua error as failed, with file:line; one that runs to its end as running (issue 11, item A)', async () => {
    const ok = 'local L4 = require "L4"\nL4.default_loader:start({ log = { "vm1", "g" } }, "rom/hello-client 1")\n'
    const h = await startHost([scenario('good', 'good.lua', ok), scenario('bad', 'bad.lua', 'local L4 = require "L4"\nthis is bad\n')])
    const good = states(h, 'good')
    const bad = await waitForState(h, 'bad', 'failed')
    expect(bad.error).toBe("rom/bad.lua:2: syntax error near 'is'")
    await waitForState(h, 'good', 'running')
    expect(good).toContain('running')
    expect(good).not.toContain('failed')
    // The failed board's worker still answers: its system log is there to read.
    expect(dec.decode(await h.command('console.history', { vm: 'bad/l4re' }))).toContain('ned: error: rom/bad.lua:2')
  })

  it('shows a worker stuck inside one slice as not responding, fails what waits on it, and shows it running once it answers (issue 11, item 13)', async () => {
    const h = await startHost([{ id: 'stuck', name: 'stuck', spec: { kind: 'fault', fault: 'stall', ms: 4000 } }, ...loopbackLab().slice(0, 1)], { unresponsiveMs: 500 })
    const seen = states(h, 'stuck')
    // The fault session blocks its worker while it handles this request.
    const waiting = h.command('vm.restart', { vm: 'stuck/fault' })
    const stuck = await waitForState(h, 'stuck', 'not-responding')
    expect(stuck.error).toMatch(/has not answered/)
    await expect(waiting).rejects.toThrow(/stuck is not responding/)
    await expect(h.command('board.inspect', { board: 'stuck' })).rejects.toThrow(/not responding/)
    expect(h.snapshot().boards[1].state).toBe('running')
    await waitForState(h, 'stuck', 'running')
    expect(seen).toEqual(['running', 'not-responding', 'running'])
    expect(await h.command('board.inspect', { board: 'stuck' })).toBeNull()
  })

  it('holds console input back while its board takes none: the limit goes out, as much again waits, more is refused with the reason (issue 11, item 14)', async () => {
    const h = await startHost([{ id: 'stuck', name: 'stuck', spec: { kind: 'fault', fault: 'stall', ms: 1500 } }])
    // The fault session blocks its worker while it handles this request; input queues behind it.
    const waiting = h.command('vm.restart', { vm: 'stuck/fault' })
    const piece = 'a'.repeat(32 * 1024)
    const perLimit = CONSOLE_INPUT_LIMIT / piece.length
    const calls = Array.from({ length: 2 * perLimit + 8 }, () => h.command('console.input', { vm: 'stuck/fault', data: piece }))
    const state = calls.map(() => 'pending')
    calls.forEach((c, i) => c.then(() => (state[i] = 'sent'), (e: Error) => (state[i] = e.message)))
    await new Promise((resolve) => setImmediate(resolve))
    expect(state.slice(0, perLimit)).toEqual(Array(perLimit).fill('sent'))
    expect(state.slice(perLimit, 2 * perLimit)).toEqual(Array(perLimit).fill('pending'))
    expect(state.slice(2 * perLimit)).toEqual(Array(8).fill('input not sent: stuck/fault has 2048 KiB of input on its way that its board has not taken (it is busy or not responding)'))
    await waiting
    // Once the worker takes what was sent, what waited goes out, in order.
    await Promise.all(calls.slice(perLimit, 2 * perLimit))
    expect(state.filter((x) => x === 'sent').length).toBe(2 * perLimit)
  })

  it('ends a worker whose engine allocates without end as crashed with "out of memory"; the host stays bounded and the other boards live (issue 11, item 8)', async () => {
    const CAP_MIB = 1536
    const h = await startHost([{ id: 'greedy', name: 'greedy', spec: { kind: 'fault', fault: 'allocate' } }, ...loopbackLab().slice(0, 1)], { workerHeapMiB: 128 })
    let peak = 0
    const crashed = await new Promise<BoardInfo>((resolve, reject) => {
      const sample = setInterval(() => {
        const rss = process.memoryUsage().rss / 2 ** 20
        peak = Math.max(peak, rss)
        const board = h.snapshot().boards[0]
        if (board.state === 'crashed') {
          clearInterval(sample)
          resolve(board)
        } else if (rss > CAP_MIB) {
          clearInterval(sample)
          reject(new Error(`the host grew to ${Math.round(rss)} MiB while board greedy is ${board.state}`))
        }
      }, 20)
    })
    expect(crashed.error).toMatch(/out of memory/)
    expect(peak).toBeLessThan(CAP_MIB)
    expect(h.liveWorkers()).toBe(1)
    const c = new Map<string, string>()
    h.on('console.output', ({ vm, data }) => c.set(vm, (c.get(vm) ?? '') + dec.decode(data)))
    await h.command('console.input', { vm: 'board0/loop0', data: 'still here\r' })
    await expect.poll(() => c.get('board0/loop0') ?? '').toContain('loopback: still here')
  })
})
