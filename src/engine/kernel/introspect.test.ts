import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { ScenarioSession } from '../lab/scenario-session'
import { inspectKernel, mappingTree, memoryMap } from './introspect'
import { KernelHarness } from '../testing/kernel-harness'
import { mapPages, unmapPages } from './mem-space'
import { MemRight } from './abi'

describe('Debugger introspection', () => {
  it('shows hello.lua’s tasks, their capabilities with rights, threads with IPC counts, and a mapping tree', () => {
    let wall = 0
    const b = new ScenarioSession(
      { kind: 'scenario', scenario: { name: 'hello.lua', source: readFileSync(new URL('../../../resources/scenarios/hello.lua', import.meta.url), 'utf8') }, paced: false, ramMiB: 64 },
      { consoleOutput: () => {}, vmsChanged: () => {}, statusChanged: () => {} },
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

  describe('memory maps and mapping trees', () => {
    const RAM = 0x4_0000 // first page number of RAM (0x4000_0000)
    /**
     * sigma0 (the identity of 256 pages of RAM) gives moe 16 pages at the
     * same addresses and 4 more from further up, placed right after them;
     * moe lends a client 4 pages r-x, the next 4 rw- and one r-- elsewhere,
     * and a second client the client's first page too.
     */
    function lab() {
      const h = new KernelHarness({ ramPages: 256 })
      const k = h.kernel
      const [sigma0, moe, client, other] = ['sigma0', 'moe', 'client', 'other'].map((n) => k.newTask(null, n)!)
      sigma0.space.identity = { firstVpn: RAM, frames: 256 }
      mapPages(sigma0.space, RAM, moe.space, RAM, 16, MemRight.RWX, false)
      mapPages(sigma0.space, RAM + 0x20, moe.space, RAM + 16, 4, MemRight.RWX, false)
      mapPages(moe.space, RAM, client.space, 0x1000, 4, MemRight.RX, false)
      mapPages(moe.space, RAM + 4, client.space, 0x1004, 4, MemRight.RW, false)
      mapPages(moe.space, RAM + 8, client.space, 0x2000, 1, MemRight.R, false)
      mapPages(moe.space, RAM, other.space, 0x7000, 1, MemRight.R, false)
      return { k, sigma0, moe, client, other }
    }

    it('gives a task’s pages as runs of the same rights from consecutive parent pages', () => {
      const { k, sigma0, moe, client } = lab()
      expect(memoryMap(k, moe.id)).toEqual({
        runs: [
          { address: 0x4000_0000, pages: 16, rights: 'rwx', from: { task: 'sigma0', address: 0x4000_0000 } },
          // Virtually contiguous with the run before, but its frames come from elsewhere in sigma0.
          { address: 0x4001_0000, pages: 4, rights: 'rwx', from: { task: 'sigma0', address: 0x4002_0000 } },
        ],
        truncated: false,
      })
      expect(memoryMap(k, client.id)).toEqual({
        runs: [
          { address: 0x100_0000, pages: 4, rights: 'r-x', from: { task: 'moe', address: 0x4000_0000 } },
          { address: 0x100_4000, pages: 4, rights: 'rw-', from: { task: 'moe', address: 0x4000_4000 } },
          { address: 0x200_0000, pages: 1, rights: 'r--', from: { task: 'moe', address: 0x4000_8000 } },
        ],
        truncated: false,
      })
      // sigma0 holds all of RAM, whether or not a page was ever handed out.
      expect(memoryMap(k, sigma0.id)).toEqual({ runs: [{ address: 0x4000_0000, pages: 256, rights: 'rwx', from: null }], truncated: false })
      expect(memoryMap(k, 999_999_999)).toBeNull()
    })

    it('gives only the first runs of a big map, and says so', () => {
      const { k, client } = lab()
      const m = memoryMap(k, client.id, 2)!
      expect(m.runs.map((r) => r.address)).toEqual([0x100_0000, 0x100_4000])
      expect(m.truncated).toBe(true)
      expect(memoryMap(k, client.id, 3)!.truncated).toBe(false)
    })

    it('gives the mapping tree of a page from sigma0 down, and loses the revoked branch after unmap', () => {
      const { k, sigma0, moe, client, other } = lab()
      expect(mappingTree(k, client.id, 0x100_0000 + 123)).toEqual({
        asid: sigma0.space.asid,
        taskName: 'sigma0',
        address: 0x4000_0000,
        rights: 'rwx',
        children: [
          {
            asid: moe.space.asid,
            taskName: 'moe',
            address: 0x4000_0000,
            rights: 'rwx',
            children: [
              { asid: client.space.asid, taskName: 'client', address: 0x100_0000, rights: 'r-x', children: [] },
              { asid: other.space.asid, taskName: 'other', address: 0x700_0000, rights: 'r--', children: [] },
            ],
          },
        ],
      })
      // moe takes its first page back from the client (L4 unmap of what it mapped, not of its own mapping).
      unmapPages(moe.space, RAM, 1, MemRight.RWX, false)
      const tree = mappingTree(k, moe.id, 0x4000_0000)!
      expect(tree.children.map((c) => c.taskName)).toEqual(['moe'])
      expect(tree.children[0].children).toEqual([])
      expect(mappingTree(k, client.id, 0x100_0000)).toBeNull()
      expect(memoryMap(k, client.id)!.runs[0]).toEqual({ address: 0x100_1000, pages: 3, rights: 'r-x', from: { task: 'moe', address: 0x4000_1000 } })
    })

    it('leaves out the nodes of a large tree beyond the limit, counting them', () => {
      const { k, moe } = lab()
      const tree = mappingTree(k, moe.id, 0x4000_0000, 2)!
      expect(tree.children[0].taskName).toBe('moe')
      expect(tree.children[0].children).toEqual([])
      expect(tree.children[0].omitted).toBe(2)
    })

    it('changes nothing by asking: an untouched page of sigma0 is a root without children', () => {
      const { k, sigma0 } = lab()
      const before = sigma0.space.mappedPages
      expect(mappingTree(k, sigma0.id, 0x400f_f000)).toEqual({ asid: sigma0.space.asid, taskName: 'sigma0', address: 0x400f_f000, rights: 'rwx', children: [] })
      expect(mappingTree(k, sigma0.id, 0x4010_0000)).toBeNull()
      expect(sigma0.space.mappedPages).toBe(before)
    })
  })
})
