import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EngineHost, type BoardConfig } from './engine-host'
import { loopbackLab, scenarioLab } from './lab-config'
import { fileURLToPath } from 'node:url'
import { requireBuilt, workerUrl } from '../../test/support/built'
import type { IpcRecordView, LabSnapshot, TaskView } from '../shared/contract'

const dec = new TextDecoder()
let host: EngineHost | null = null

async function startHost(boards: BoardConfig[] = loopbackLab()): Promise<EngineHost> {
  host = new EngineHost({ workerUrl, boards, version: 'test', statsIntervalMs: 50 })
  await host.start()
  return host
}

/** Collects each VM's console output and waits for text to appear in it. */
function consoles(h: EngineHost) {
  const text = new Map<string, string>()
  h.on('console.output', ({ vm, data }) => text.set(vm, (text.get(vm) ?? '') + dec.decode(data)))
  return {
    text: (vm: string) => text.get(vm) ?? '',
    async waitFor(vm: string, needle: string, ms = 5000) {
      const t0 = Date.now()
      while (!(text.get(vm) ?? '').includes(needle)) {
        if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${JSON.stringify(needle)} on ${vm}; got ${JSON.stringify(text.get(vm))}`)
        await new Promise((r) => setTimeout(r, 10))
      }
    },
  }
}

function waitForState(h: EngineHost, board: string, state: string): Promise<LabSnapshot> {
  return new Promise((resolve) => {
    const check = (s: LabSnapshot) => {
      if (s.boards.find((b) => b.id === board)?.state === state) {
        off()
        resolve(s)
      }
    }
    const off = h.on('lab.changed', check)
    check(h.snapshot())
  })
}

/** How each promise ended by `ms` from now: 'fulfilled', 'rejected', or 'pending' for one that never did. */
async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<string[]> {
  const outcomes: string[] = promises.map(() => 'pending')
  promises.forEach((p, i) => p.then(() => (outcomes[i] = 'fulfilled'), () => (outcomes[i] = 'rejected')))
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([Promise.allSettled(promises), new Promise((r) => (timer = setTimeout(r, ms)))])
  clearTimeout(timer)
  return outcomes
}

beforeAll(() => requireBuilt())
afterEach(async () => {
  await host?.dispose()
  host = null
})

describe('EngineHost', () => {
  it('runs one worker per board and reports their VMs', async () => {
    const h = await startHost()
    const s = h.snapshot()
    expect(s.boards.map((b) => [b.id, b.state, b.vms.map((v) => v.id)])).toEqual([
      ['board0', 'running', ['board0/loop0']],
      ['board1', 'running', ['board1/loop1']],
    ])
  })

  it('routes console input to one VM and its output back', async () => {
    const h = await startHost()
    const c = consoles(h)
    await h.command('console.input', { vm: 'board0/loop0', data: 'hello worker\r' })
    await c.waitFor('board0/loop0', 'loopback: hello worker')
    expect(c.text('board1/loop1')).not.toContain('hello worker')
  })

  it('gives late terminals the scroll-back', async () => {
    const h = await startHost()
    await h.command('console.input', { vm: 'board1/loop1', data: 'early\r' })
    const history = dec.decode(await h.command('console.history', { vm: 'board1/loop1' }))
    expect(history).toContain('console loopback device')
    expect(history).toContain('loopback: early')
  })

  it('reports a killed worker as a crashed board; the others run on; restart brings it back', async () => {
    const h = await startHost()
    const c = consoles(h)
    const crashed = waitForState(h, 'board0', 'crashed')
    await h.kill('board0')
    const s = await crashed
    const b0 = s.boards.find((b) => b.id === 'board0')!
    expect(b0.error).toMatch(/exited/)
    expect(b0.vms.every((v) => v.state === 'crashed')).toBe(true)
    await expect(h.command('console.input', { vm: 'board0/loop0', data: 'x' })).rejects.toThrow(/crashed/)

    await h.command('console.input', { vm: 'board1/loop1', data: 'still here\r' })
    await c.waitFor('board1/loop1', 'loopback: still here')

    await h.command('board.restart', { board: 'board0' })
    expect(h.snapshot().boards[0].state).toBe('running')
    await h.command('console.input', { vm: 'board0/loop0', data: 'back\r' })
    await c.waitFor('board0/loop0', 'loopback: back')
  })

  it('serialises overlapping restarts: ten at once leave one worker per board, and every call is answered (issue 11, item 5)', async () => {
    const h = await startHost()
    const c = consoles(h)
    const calls = Array.from({ length: 10 }, () => h.command('board.restart', { board: 'board0' }))
    const outcomes = await settledWithin(calls, 30_000)
    expect(outcomes).toEqual(Array(10).fill('fulfilled'))
    expect(h.liveWorkers()).toBe(2)
    expect(h.snapshot().boards.map((b) => b.state)).toEqual(['running', 'running'])
    await h.command('console.input', { vm: 'board0/loop0', data: 'after ten restarts\r' })
    await c.waitFor('board0/loop0', 'loopback: after ten restarts')
  })

  it('reports an engine exception with its message and keeps the other boards', async () => {
    const h = await startHost([
      { id: 'bad', name: 'bad', spec: { kind: 'loopback', vms: [{ name: 'has space' }] } },
      ...loopbackLab().slice(0, 1),
    ])
    const s = h.snapshot()
    expect(s.boards[0].state).toBe('crashed')
    expect(s.boards[0].error).toMatch(/bad VM name "has space"/)
    expect(s.boards[1].state).toBe('running')
  })

  it('stops and starts VMs, and answers bad requests with readable errors', async () => {
    const h = await startHost()
    await h.command('vm.stop', { vm: 'board0/loop0' })
    expect(h.snapshot().boards[0].vms[0].state).toBe('stopped')
    await h.command('vm.start', { vm: 'board0/loop0' })
    expect(h.snapshot().boards[0].vms[0].state).toBe('running')
    await expect(h.command('vm.start', { vm: 'board0/loop0' })).rejects.toThrow(/already running/)
    await expect(h.command('vm.stop', { vm: 'nope/loop0' })).rejects.toThrow(/no board named nope/)
    await expect(h.command('vm.stop', { vm: 'board0' })).rejects.toThrow(/board\/vm/)
    await expect(h.command('board.restart', { board: 'zzz' })).rejects.toThrow(/no board/)
  })

  it('answers board.inspect with the kernel view (null for boards without a kernel)', async () => {
    const h = await startHost()
    expect(await h.command('board.inspect', { board: 'board0' })).toBeNull()
    await expect(h.command('board.inspect', { board: 'nope' })).rejects.toThrow(/no board/)
  })

  it('answers board.memoryMap and board.mappingTree from the kernel (null for boards without one)', async () => {
    const h = await startHost([...loopbackLab().slice(0, 1), ...scenarioLab(fileURLToPath(new URL('../../resources/scenarios/hello.lua', import.meta.url)))])
    expect(await h.command('board.memoryMap', { board: 'board0', task: 1 })).toBeNull()
    expect(await h.command('board.mappingTree', { board: 'board0', task: 1, address: 0 })).toBeNull()
    await expect(h.command('board.memoryMap', { board: 'nope', task: 1 })).rejects.toThrow(/no board/)
    // moe's memory is RAM that sigma0 mapped to it: the tree of its first page starts at sigma0 and has moe below.
    let moe: TaskView | undefined
    for (const t0 = Date.now(); !moe?.mappedPages && Date.now() - t0 < 10_000; ) {
      moe = (await h.command('board.inspect', { board: 'arm0' }))?.tasks.find((t) => t.name === 'moe')
      await new Promise((r) => setTimeout(r, 20))
    }
    const map = (await h.command('board.memoryMap', { board: 'arm0', task: moe!.id }))!
    expect(map.runs.length).toBeGreaterThan(0)
    expect(map.runs.reduce((n, r) => n + r.pages, 0)).toBeLessThanOrEqual(moe!.mappedPages)
    expect(map.runs[0].from?.task).toBe('sigma0')
    const tree = (await h.command('board.mappingTree', { board: 'arm0', task: moe!.id, address: map.runs[0].address }))!
    expect(tree.taskName).toBe('sigma0')
    expect(tree.children.some((c) => c.taskName === 'moe' && c.address === map.runs[0].address)).toBe(true)
    expect(await h.command('board.memoryMap', { board: 'arm0', task: 999_999_999 })).toBeNull()
  })

  it('traces IPC while asked to: the hello client restarted meanwhile calls the server five times, and the trace stops', async () => {
    const h = await startHost(scenarioLab(fileURLToPath(new URL('../../resources/scenarios/hello.lua', import.meta.url))))
    await waitForState(h, 'arm0', 'running')
    expect(await h.command('board.ipcTrace.read', { board: 'arm0', after: 0 })).toEqual({ on: false, records: [], next: 0, dropped: 0 })
    await h.command('board.ipcTrace.start', { board: 'arm0' })
    await h.command('vm.restart', { vm: 'arm0/client' })
    let calls: IpcRecordView[] = []
    let next = 0
    for (const t0 = Date.now(); calls.length < 5 && Date.now() - t0 < 10_000; ) {
      const r = (await h.command('board.ipcTrace.read', { board: 'arm0', after: next }))!
      expect(r.on).toBe(true)
      next = r.next
      calls = calls.concat(r.records.filter((x) => x.sender.taskName === 'client' && x.receiver.taskName === 'server'))
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(calls.map((c) => [c.kind, c.gateLabel, c.words])).toEqual(Array(5).fill(['call', 0x5e, 1]))
    await h.command('board.ipcTrace.stop', { board: 'arm0' })
    expect((await h.command('board.ipcTrace.read', { board: 'arm0', after: next }))!.on).toBe(false)
  })

  it('emits per-VM figures with uptime', async () => {
    const h = await startHost()
    const stats = await new Promise<{ vm: string; uptimeMs: number }[]>((resolve) => {
      const off = h.on('stats', ({ stats }) => {
        if (stats.length === 2) {
          off()
          resolve(stats)
        }
      })
    })
    expect(stats.map((s) => s.vm).sort()).toEqual(['board0/loop0', 'board1/loop1'])
    expect(stats.every((s) => s.uptimeMs >= 0)).toBe(true)
  })

  it('turns console counters into bytes per second, and sends no kernel figures for a board without a kernel', async () => {
    const h = await startHost()
    let sent = false
    const seen: { in: number; out: number }[] = []
    const done = new Promise<void>((resolve) => {
      const off = h.on('stats', ({ stats, boards }) => {
        expect(boards).toEqual([])
        const s = stats.find((x) => x.vm === 'board0/loop0')
        if (!s) return
        expect(s.ipcsPerSecond).toBeNull()
        if (sent) seen.push(s.consoleBytesPerSecond)
        // Two periods after the input: the one that holds it, and one that does not.
        if (seen.length >= 1 && seen.some((r) => r.in > 0) && seen.at(-1)!.in === 0) {
          off()
          resolve()
        }
      })
    })
    // After the board's first figures: input before them would be in the counters' starting point.
    await new Promise<void>((resolve) => {
      const off = h.on('stats', ({ stats }) => {
        if (stats.some((x) => x.vm === 'board0/loop0')) {
          off()
          resolve()
        }
      })
    })
    await h.command('console.input', { vm: 'board0/loop0', data: 'x'.repeat(1000) })
    sent = true
    await done
    // 1000 bytes within one half-second period of the worker's figures: 2000 bytes/s; and the echo back out as well.
    const peak = seen.reduce((m, r) => Math.max(m, r.in), 0)
    expect(peak).toBeGreaterThan(1000)
    expect(seen.reduce((m, r) => Math.max(m, r.out), 0)).toBeGreaterThan(0)
  })
})
