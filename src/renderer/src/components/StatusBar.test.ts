import { beforeEach, describe, expect, it } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import StatusBar from './StatusBar.vue'
import { useLab } from '../stores/lab'
import { FakeBridge, twoBoards, vmStats } from '../testing/fake-bridge'

let bridge: FakeBridge
beforeEach(async () => {
  setActivePinia(createPinia())
  bridge = new FakeBridge(twoBoards())
  await useLab().attach(bridge)
})

describe('StatusBar', () => {
  it('shows uptime and instruction rate per VM from stats events', async () => {
    const w = mount(StatusBar)
    bridge.emit('stats', {
      stats: [vmStats('b0/vm1', { uptimeMs: 83_000, instructionsPerSecond: 123_400_000, cpuShare: 0.5, memoryBytes: 3 << 20 })], boards: [],
    })
    await flushPromises()
    const f = w.get('[data-testid="figures-b0/vm1"]').text()
    expect(f).toContain('up 1m 23s')
    expect(f).toContain('123 MIPS')
    expect(f).toContain('50% CPU')
    expect(f).toContain('3.0 MiB')
    // a VM without figures shows its state
    expect(w.get('[data-testid="figures-b1/vm2"]').text()).toContain('crashed')
  })

  it('shows a Linux VM\'s exits and injected interrupts per second, with the exits by kind in the tooltip', async () => {
    const w = mount(StatusBar)
    bridge.emit('stats', {
      stats: [vmStats('b0/vm1', { uptimeMs: 1_000, instructionsPerSecond: 2e8, cpuShare: 1, memoryBytes: 192 << 20, exitsPerSecond: 12_500, interruptsPerSecond: 250, exitsByKind: { mmio: 900, wfi: 40, timer: 250, hvc: 0 } })], boards: [],
    })
    await flushPromises()
    const f = w.get('[data-testid="figures-b0/vm1"]')
    expect(f.text()).toContain('12.5 kexits')
    expect(f.text()).toContain('250 IRQ')
    expect(f.get('[data-testid="vm-exits"]').attributes('title')).toBe('VM exits per second (since start: mmio 900, wfi 40, timer 250)')
    // An lx VM has no exits to show.
    bridge.emit('stats', { stats: [vmStats('b0/vm1', { uptimeMs: 1_000, instructionsPerSecond: 2e8, cpuShare: 1, memoryBytes: 1 << 20 })], boards: [] })
    await flushPromises()
    expect(w.find('[data-testid="vm-exits"]').exists()).toBe(false)
  })

  it('says when a VM runs no emulated code yet', async () => {
    const w = mount(StatusBar)
    bridge.emit('stats', { stats: [vmStats('b0/vm1', { uptimeMs: 5_000, instructionsPerSecond: null, cpuShare: null, memoryBytes: null })], boards: [] })
    await flushPromises()
    expect(w.get('[data-testid="figures-b0/vm1"]').text()).toContain('— IPS')
  })

  it('shows disconnected instead of figures that no longer change, while the connection is lost (issue 11)', async () => {
    const w = mount(StatusBar)
    useLab().setConnected(true)
    bridge.emit('stats', { stats: [vmStats('b0/vm1', { uptimeMs: 5_000, instructionsPerSecond: 1e6, cpuShare: null, memoryBytes: null })], boards: [] })
    await flushPromises()
    expect(w.get('[data-testid="figures-b0/vm1"]').text()).toContain('up 5s')
    useLab().setConnected(false)
    await flushPromises()
    expect(w.get('[data-testid="figures-b0/vm1"]').text()).toContain('disconnected')
    expect(w.get('[data-testid="figures-b0/vm1"]').text()).not.toContain('up 5s')
  })
})
