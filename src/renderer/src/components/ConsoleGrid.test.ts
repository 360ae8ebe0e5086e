import { beforeEach, describe, expect, it } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ConsoleGrid from './ConsoleGrid.vue'
import { useLab } from '../stores/lab'
import { FakeBridge, labWith } from '../testing/fake-bridge'
import type { BoardInfo } from '../../../shared/contract'

const systemLogOnly = (state: BoardInfo['state'], error?: string): BoardInfo => ({
  id: 'arm0',
  name: 'arm0',
  kind: 'scenario',
  state,
  error,
  vms: [{ id: 'arm0/l4re', board: 'arm0', name: 'l4re', state: 'running', color: 'w', system: true }],
})

let bridge: FakeBridge
beforeEach(async () => {
  setActivePinia(createPinia())
  bridge = new FakeBridge(labWith([systemLogOnly('booting')]))
  await useLab().attach(bridge)
})

// The panes hold terminals; what is tested here is the grid around them.
const mountGrid = () => mount(ConsoleGrid, { global: { stubs: { ConsolePane: true } } })

describe('ConsoleGrid', () => {
  it('says the scenario is starting while its board boots', () => {
    expect(mountGrid().get('[data-testid="no-guests"]').text()).toBe('Starting the scenario…')
  })

  it('shows why there are no guests when the scenario failed, with its file:line (issue 11, item 13)', async () => {
    const w = mountGrid()
    bridge.emit('lab.changed', labWith([systemLogOnly('failed', "rom/bad.lua:2: syntax error near 'is'")]))
    await flushPromises()
    expect(w.get('[data-testid="no-guests"]').text()).toBe("arm0: the scenario failed: rom/bad.lua:2: syntax error near 'is'")
  })

  it('says there are no guests when a scenario ran and started none', async () => {
    const w = mountGrid()
    bridge.emit('lab.changed', labWith([systemLogOnly('running')]))
    await flushPromises()
    expect(w.get('[data-testid="no-guests"]').text()).toBe('No guests yet.')
  })
})
