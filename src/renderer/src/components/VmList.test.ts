import { beforeEach, describe, expect, it } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import VmList from './VmList.vue'
import { useLab } from '../stores/lab'
import { FakeBridge, twoBoards } from '../testing/fake-bridge'

let bridge: FakeBridge

beforeEach(async () => {
  setActivePinia(createPinia())
  bridge = new FakeBridge(twoBoards())
  await useLab().attach(bridge)
})

describe('VmList', () => {
  it('lists boards with their state and VMs', () => {
    const w = mount(VmList)
    expect(w.get('[data-testid="board-b0"]').attributes('data-state')).toBe('running')
    expect(w.get('[data-testid="vm-b0/vm1"]').text()).toContain('vm1')
    expect(w.get('[data-testid="vm-b0/vm1"]').text()).toContain('running')
  })

  it('shows a crashed board with its error and a restart action', async () => {
    const w = mount(VmList)
    const b1 = w.get('[data-testid="board-b1"]')
    expect(b1.text()).toContain('engine worker exited (code 1)')
    await w.get('[data-testid="restart-board-b1"]').trigger('click')
    expect(bridge.calls.at(-1)).toEqual({ name: 'board.restart', args: { board: 'b1' } })
    // no VM actions on a crashed board
    expect(w.get('[data-testid="vm-b1/vm2"]').findAll('.vm-actions button')).toHaveLength(0)
  })

  it('sends start/stop/restart for one VM and disables what makes no sense', async () => {
    const w = mount(VmList)
    const buttons = w.get('[data-testid="vm-b0/vm1"]').findAll('.vm-actions button')
    expect(buttons.map((b) => b.attributes('aria-label'))).toEqual(['Start', 'Stop', 'Restart'])
    expect(buttons[0].attributes('disabled')).toBeDefined()
    await buttons[1].trigger('click')
    await buttons[2].trigger('click')
    expect(bridge.calls.slice(-2)).toEqual([
      { name: 'vm.stop', args: { vm: 'b0/vm1' } },
      { name: 'vm.restart', args: { vm: 'b0/vm1' } },
    ])
  })

  it('follows lab.changed events', async () => {
    const w = mount(VmList)
    const next = twoBoards()
    next.boards[1].state = 'running'
    next.boards[1].error = undefined
    bridge.emit('lab.changed', next)
    await flushPromises()
    expect(w.get('[data-testid="board-b1"]').attributes('data-state')).toBe('running')
    expect(w.find('[data-testid="restart-board-b1"]').exists()).toBe(false)
  })

  it('shows a failed command as an error in the store', async () => {
    bridge.answers['vm.stop'] = () => {
      throw new Error('b0 is busy')
    }
    const w = mount(VmList)
    await w.get('[data-testid="vm-b0/vm1"]').findAll('.vm-actions button')[1].trigger('click')
    await flushPromises()
    expect(useLab().error).toBe('b0 is busy')
  })

  it('shows every VM as disconnected, without actions, while the connection is lost (issue 11)', async () => {
    const w = mount(VmList)
    useLab().setConnected(true)
    useLab().setConnected(false)
    await flushPromises()
    for (const vm of ['b0/vm1', 'b1/vm2']) expect(w.get(`[data-testid="vm-${vm}"] .vm-state`).text()).toBe('disconnected')
    expect(w.findAll('.vm-actions')).toHaveLength(0)
    useLab().setConnected(true)
    await flushPromises()
    expect(w.get('[data-testid="vm-b0/vm1"] .vm-state').text()).toBe('running')
    expect(w.findAll('.vm-actions')).toHaveLength(1)
  })
})
