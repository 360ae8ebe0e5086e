import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import GraphsPanel from './GraphsPanel.vue'
import VmList from './VmList.vue'
import { useLab } from '../stores/lab'
import { FakeBridge, twoBoards, vmStats } from '../testing/fake-bridge'
import type { BoardStats, VmStats } from '../../../shared/contract'

// uPlot draws on a canvas, which happy-dom does not have: a double records what each chart was given (Chromium draws for real in test/e2e/graphs.test.ts).
const plots = vi.hoisted(() => [] as { title: string; data: (number | null)[][]; draws: number; destroyed: boolean; labels: string[] }[])
vi.mock('uplot', () => ({
  default: class {
    rec: (typeof plots)[number]
    constructor(opts: { series: { label?: string }[] }, _data: unknown, el: HTMLElement) {
      const title = el.closest('figure')?.querySelector('figcaption span')?.textContent ?? ''
      this.rec = { title, data: [], draws: 0, destroyed: false, labels: opts.series.slice(1).map((s) => s.label ?? '') }
      plots.push(this.rec)
    }
    setData(d: (number | null)[][]) {
      this.rec.data = d.map((a) => [...a])
      this.rec.draws++
    }
    setSize() {}
    destroy() {
      this.rec.destroyed = true
    }
  },
}))

const kernel = (tasks: number): BoardStats => ({
  board: 'b0',
  kernelMemory: { used: 2 << 20, max: 60 << 20 },
  factories: [
    { id: 1, name: 'root', used: 2 << 20, max: 60 << 20 },
    { id: 22, name: 'vm1', used: 512 << 10, max: 2 << 20 },
  ],
  objects: { task: tasks, thread: tasks },
})
const lxVm = (over: Partial<VmStats>) => vmStats('b0/vm1', { cpuShare: 0.5, instructionsPerSecond: 1e8, memoryBytes: 3 << 20, memoryLimitBytes: 64 << 20, syscallsPerSecond: 100, pageFaultsPerSecond: 5, interruptsPerSecond: 100, ipcsPerSecond: 20, ...over })

let bridge: FakeBridge
let visibility: DocumentVisibilityState = 'visible'
beforeEach(async () => {
  plots.length = 0
  visibility = 'visible'
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility })
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(1_000_000)
  setActivePinia(createPinia())
  bridge = new FakeBridge(twoBoards())
  await useLab().attach(bridge)
})
afterEach(() => {
  vi.useRealTimers()
})

/** One stats event, `seconds` after the last. */
async function stats(vm: VmStats[], boards: BoardStats[], seconds = 0.5): Promise<void> {
  vi.setSystemTime(Date.now() + seconds * 1000)
  bridge.emit('stats', { stats: vm, boards })
  await flushPromises()
}
const chart = (title: string) => plots.filter((p) => p.title === title && !p.destroyed).at(-1)!

describe('GraphsPanel', () => {
  it('opens from the board’s button in the list, in place of the kernel inspector', async () => {
    const w = mount(VmList)
    const lab = useLab()
    lab.toggleInspector('b0')
    await w.get('[data-testid="graphs-b0"]').trigger('click')
    expect(lab.graphing).toBe('b0')
    expect(lab.inspecting).toBeNull()
    await w.get('[data-testid="graphs-b0"]').trigger('click')
    expect(lab.graphing).toBeNull()
  })

  it('draws each VM figure over time: a point per stats event, the values the back end sent', async () => {
    const w = mount(GraphsPanel, { props: { board: 'b0' } })
    await stats([lxVm({ cpuShare: 0.25 })], [kernel(6)])
    await stats([lxVm({ cpuShare: 0.75, memoryBytes: 9 << 20 })], [kernel(9)])
    const cpu = chart('CPU share')
    expect(cpu.data[1]).toEqual([25, 75])
    // Times in seconds, half a second apart.
    expect(cpu.data[0][1]! - cpu.data[0][0]!).toBeCloseTo(0.5)
    expect(chart('Memory').data.slice(1)).toEqual([
      [3 << 20, 9 << 20],
      [64 << 20, 64 << 20],
    ])
    expect(chart('Memory').labels).toEqual(['resident', 'limit'])
    const fig = w.get('[data-testid="chart-CPU share"]')
    expect(fig.attributes('data-points')).toBe('2')
    expect(fig.attributes('data-latest')).toBe('75')
    expect(fig.text()).toContain('75%')
    // The kernel's: its objects by kind over time, and its factories' quotas now.
    expect(chart('Kernel objects').data[1]).toEqual([6, 9])
    expect(w.get('[data-testid="factories"]').text()).toContain('vm1512 KiB / 2.0 MiB')
    w.unmount()
  })

  it('shows system calls for an lx VM and exits for a Linux VM, and a gap where a figure is not known', async () => {
    const w = mount(GraphsPanel, { props: { board: 'b0' } })
    await stats([lxVm({})], [])
    const titles = () => w.findAll('figure figcaption span:first-child').map((s) => s.text())
    expect(titles()).toContain('System calls')
    expect(titles()).not.toContain('VM exits')
    expect(titles()).not.toContain('Disk')
    await stats([vmStats('b0/vm1', { exitsPerSecond: 9000, interruptsPerSecond: 250, diskBytesPerSecond: { read: 4096, written: 0 } })], [])
    expect(titles()).toContain('VM exits')
    expect(titles()).toContain('Disk')
    expect(titles()).not.toContain('System calls')
    expect(chart('VM exits').data[1]).toEqual([null, 9000])
    expect(w.text()).toContain('No kernel figures')
    w.unmount()
  })

  it('draws nothing while the page is hidden and catches up when it is shown; history is kept while closed', async () => {
    await stats([lxVm({ cpuShare: 0.1 })], [])
    await stats([lxVm({ cpuShare: 0.2 })], [])
    // Opened late, it shows what came before.
    const w = mount(GraphsPanel, { props: { board: 'b0' } })
    await flushPromises()
    expect(chart('CPU share').data[1]).toEqual([10, 20])
    const draws = chart('CPU share').draws
    visibility = 'hidden'
    await stats([lxVm({ cpuShare: 0.3 })], [])
    await stats([lxVm({ cpuShare: 0.4 })], [])
    expect(chart('CPU share').draws).toBe(draws)
    visibility = 'visible'
    document.dispatchEvent(new Event('visibilitychange'))
    await flushPromises()
    expect(chart('CPU share').draws).toBe(draws + 1)
    expect(chart('CPU share').data[1]).toEqual([10, 20, 30, 40])
    // Closed: its charts are gone and nothing draws.
    w.unmount()
    expect(plots.every((p) => p.destroyed)).toBe(true)
    const before = plots.map((p) => p.draws)
    await stats([lxVm({ cpuShare: 0.5 })], [])
    expect(plots.map((p) => p.draws)).toEqual(before)
    expect(useLab().history.vms.get('b0/vm1')!.length).toBe(5)
  })

  it('shows the last minute, five or ten as asked', async () => {
    const w = mount(GraphsPanel, { props: { board: 'b0' } })
    // Samples 30 s apart over four minutes.
    for (let i = 0; i <= 8; i++) await stats([lxVm({ cpuShare: i / 10 })], [], 30)
    expect(chart('CPU share').data[1]).toEqual([60, 70, 80])
    await w.findAll('.graphs-window button').find((b) => b.text() === '5 min')!.trigger('click')
    await flushPromises()
    expect(chart('CPU share').data[1]).toHaveLength(9)
    w.unmount()
  })
})
