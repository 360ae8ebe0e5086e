import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { ScenarioBoard } from '../lab/scenario-board'
import { inspectKernel, mappingTree } from './introspect'

describe('Debugger introspection', () => {
  it('shows hello.lua’s tasks, their capabilities with rights, threads with IPC counts, and a mapping tree', () => {
    let wall = 0
    const b = new ScenarioBoard(
      { kind: 'scenario', scenario: { name: 'hello.lua', source: readFileSync(new URL('../../../resources/scenarios/hello.lua', import.meta.url), 'utf8') }, paced: false, ramMiB: 64 },
      { consoleOutput: () => {}, vmsChanged: () => {} },
      () => (wall += 0.01),
    )
    for (let i = 0; i < 200; i++) if (b.run(20) === Infinity) break
    const v = inspectKernel(b.booted.kernel)
    const names = v.tasks.map((t) => t.name)
    for (const n of ['sigma0', 'moe', 'cons', 'ned', 'server']) expect(names).toContain(n)
    // The client exited: its task is gone.
    expect(names).not.toContain('client')
    const server = v.tasks.find((t) => t.name === 'server')!
    const gate = server.caps.find((c) => c.kind === 'ipc_gate' && c.rights.includes('n'))
    expect(gate, 'the server holds its channel with the server right').toBeDefined()
    expect(server.caps.find((c) => c.slot === 1)?.kind).toBe('task')
    const serverThread = v.threads.find((t) => t.id === server.threads[0])!
    expect(serverThread.ipcReceived).toBeGreaterThanOrEqual(5)
    expect(serverThread.state).toBe('recv-wait')
    expect(v.objects.thread).toBeGreaterThan(4)
    expect(v.kernelMemory.used).toBeGreaterThan(0)
    // moe's memory came from sigma0: the tree of one of its pages starts at sigma0.
    const moe = v.tasks.find((t) => t.name === 'moe')!
    const moeTask = [...b.booted.kernel.objects].find((o) => o.id === moe.id) as unknown as { space: { pages: Map<number, unknown> } }
    const vpn = [...moeTask.space.pages.keys()][0]
    const tree = mappingTree(b.booted.kernel, moe.id, vpn * 4096)!
    expect(tree.taskName).toBe('sigma0')
    expect(tree.children.map((c) => c.taskName)).toContain('moe')
  })
})
