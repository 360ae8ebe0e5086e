import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import KernelInspector from './KernelInspector.vue'
import { useLab } from '../stores/lab'
import { FakeBridge, twoBoards } from '../testing/fake-bridge'
import type { KernelInspection } from '../../../shared/contract'

const view: KernelInspection = {
  nowNs: 1e9,
  objects: { task: 2, thread: 2 },
  kernelMemory: { used: 65536, max: 1 << 26 },
  stats: { ipcs: 42 },
  cpus: [{ index: 0, online: true, busyNs: 1, idleNs: 2 }],
  tasks: [
    { id: 3, name: 'server', asid: 5, mappedPages: 0, caps: [{ slot: 1, kind: 'task', object: 3, name: 'server', rights: 'rwsdnc' }, { slot: 32, kind: 'ipc_gate', object: 9, name: '', rights: 'rwsdnc' }], threads: [4] },
  ],
  threads: [{ id: 4, name: 'server', task: 3, state: 'recv-wait', prio: 2, cpu: 0, vcpu: false, userMode: false, syscalls: 10, ipcSent: 5, ipcReceived: 6, pageFaults: 0, exceptions: 0, upcalls: 0, instructions: 0, consumedNs: 2_000_000 }],
}

let bridge: FakeBridge
beforeEach(async () => {
  setActivePinia(createPinia())
  bridge = new FakeBridge(twoBoards())
  bridge.answers['board.inspect'] = () => view
  await useLab().attach(bridge)
})

describe('KernelInspector', () => {
  it('lists the board’s tasks; a task opens to its capabilities and threads', async () => {
    const w = mount(KernelInspector, { props: { board: 'b0' } })
    await flushPromises()
    expect(bridge.calls.some((c) => c.name === 'board.inspect')).toBe(true)
    expect(w.text()).toContain('1 tasks · 1 threads · 42 IPCs')
    const task = w.get('[data-testid="task-server"]')
    expect(task.text()).toContain('2 caps')
    await task.get('button').trigger('click')
    expect(task.findAll('.insp-cap')).toHaveLength(2)
    expect(task.text()).toContain('ipc_gate #9')
    expect(task.text()).toContain('recv-wait')
    expect(task.text()).toContain('5/6')
    w.unmount()
  })

  it('asks for a task’s memory only when the task is opened, and again at each refresh', async () => {
    vi.useFakeTimers()
    try {
      bridge.answers['board.memoryMap'] = () => ({ runs: [{ address: 0x1000, pages: 2, rights: 'rw-', from: { task: 'moe', address: 0x4000_0000 } }], truncated: false })
      const w = mount(KernelInspector, { props: { board: 'b0' } })
      await flushPromises()
      const memoryCalls = () => bridge.calls.filter((c) => c.name === 'board.memoryMap')
      expect(memoryCalls()).toHaveLength(0)
      const task = w.get('[data-testid="task-server"]')
      await task.get('button').trigger('click')
      await flushPromises()
      expect(memoryCalls().map((c) => c.args)).toEqual([{ board: 'b0', task: 3 }])
      expect(task.get('[data-testid="memory"]').text()).toContain('moe @ 0x40000000')
      await vi.advanceTimersByTimeAsync(1000)
      await flushPromises()
      expect(memoryCalls()).toHaveLength(2)
      w.unmount()
    } finally {
      vi.useRealTimers()
    }
  })

  it('has tabs for the IPC trace (recording only while open) and the capability graph', async () => {
    bridge.answers['board.ipcTrace.read'] = () => ({ on: true, records: [], next: 0, dropped: 0 })
    const w = mount(KernelInspector, { props: { board: 'b0' } })
    await flushPromises()
    const traceCalls = () => bridge.calls.filter((c) => c.name.startsWith('board.ipcTrace.')).map((c) => c.name)
    expect(traceCalls()).toEqual([])
    await w.get('[data-testid="tab-ipc"]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid="ipc-trace"]').exists()).toBe(true)
    expect(traceCalls().slice(0, 2)).toEqual(['board.ipcTrace.start', 'board.ipcTrace.read'])
    await w.get('[data-testid="tab-caps"]').trigger('click')
    await flushPromises()
    expect(traceCalls().at(-1)).toBe('board.ipcTrace.stop')
    expect(w.get('[data-testid="cap-graph"]').text()).toContain('1 tasks · 1 objects · 2 capabilities')
    w.unmount()
  })

  it('says so when the board has no kernel', async () => {
    bridge.answers['board.inspect'] = () => null
    const w = mount(KernelInspector, { props: { board: 'b0' } })
    await flushPromises()
    expect(w.text()).toContain('has no kernel')
    w.unmount()
  })
})
