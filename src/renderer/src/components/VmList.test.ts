import { beforeEach, describe, expect, it } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import VmList from './VmList.vue'
import { useLab } from '../stores/lab'
import { FakeBridge, labWith, twoBoards } from '../testing/fake-bridge'
import type { BoardInfo } from '../../../shared/contract'

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

  it('shows a booting board’s phases as progress', async () => {
    bridge.emit('lab.changed', labWith([{ id: 'a0', name: 'a0', kind: 'scenario', state: 'booting', boot: [{ name: 'kernel', kind: 'kernel', state: 'done', atMs: 0 }, { name: 'sigma0', kind: 'program', state: 'active', atMs: 0 }], vms: [] }]))
    const w = mount(VmList)
    expect(w.get('[data-testid="board-a0"] [data-testid="boot-a0"]').text()).toContain('starting sigma0…')
  })

  it('offers remove only on boards started by Run, and asks the back end to remove that one', async () => {
    bridge.emit('lab.changed', labWith([
      { id: 'arm0', name: 'arm0', kind: 'scenario', state: 'running', vms: [] },
      { id: 'hello-1', name: 'hello-1', kind: 'scenario', scenario: 'hello.lua', removable: true, state: 'running', vms: [] },
    ]))
    const w = mount(VmList)
    await flushPromises()
    expect(w.find('[data-testid="remove-board-arm0"]').exists()).toBe(false)
    await w.get('[data-testid="remove-board-hello-1"]').trigger('click')
    expect(bridge.calls.at(-1)).toEqual({ name: 'board.remove', args: { board: 'hello-1' } })
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

  it('shows a board whose scenario failed as failed, with the error and its file:line (issue 11, item 13)', async () => {
    bridge.emit('lab.changed', labWith([scenarioBoard('failed', "rom/bad.lua:2: syntax error near 'is'")]))
    const w = mount(VmList)
    await flushPromises()
    const board = w.get('[data-testid="board-arm0"]')
    expect(board.attributes('data-state')).toBe('failed')
    expect(board.get('.badge').text()).toBe('failed')
    expect(w.get('[data-testid="board-error-arm0"]').text()).toBe("The scenario failed: rom/bad.lua:2: syntax error near 'is'")
    // What the script started before the error runs on: its VMs keep their actions.
    expect(w.get('[data-testid="vm-arm0/vm1"]').findAll('.vm-actions button')).toHaveLength(3)
  })

  it('shows a board that does not answer as not responding, with a restart, and as running once it answers (issue 11, item 13)', async () => {
    const w = mount(VmList)
    bridge.emit('lab.changed', labWith([scenarioBoard('not-responding', 'its engine has not answered for 3 s')]))
    await flushPromises()
    const board = () => w.get('[data-testid="board-arm0"]')
    expect(board().attributes('data-state')).toBe('not-responding')
    expect(board().get('.badge').text()).toBe('not responding')
    expect(w.get('[data-testid="board-error-arm0"]').text()).toContain('has not answered')
    expect(w.find('[data-testid="inspect-arm0"]').exists()).toBe(false)
    expect(w.get('[data-testid="vm-arm0/vm1"]').findAll('.vm-actions button')).toHaveLength(0)
    await w.get('[data-testid="restart-board-arm0"]').trigger('click')
    expect(bridge.calls.at(-1)).toEqual({ name: 'board.restart', args: { board: 'arm0' } })

    bridge.emit('lab.changed', labWith([scenarioBoard('running')]))
    await flushPromises()
    expect(board().attributes('data-state')).toBe('running')
    expect(board().get('.badge').text()).toBe('running')
    expect(w.find('[data-testid="board-error-arm0"]').exists()).toBe(false)
    expect(w.get('[data-testid="vm-arm0/vm1"]').findAll('.vm-actions button')).toHaveLength(3)
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

function scenarioBoard(state: BoardInfo['state'], error?: string): BoardInfo {
  return {
    id: 'arm0',
    name: 'arm0',
    kind: 'scenario',
    scenario: 'bad.lua',
    state,
    error,
    vms: [
      { id: 'arm0/l4re', board: 'arm0', name: 'l4re', state: 'running', color: 'w', system: true },
      { id: 'arm0/vm1', board: 'arm0', name: 'vm1', state: 'running', color: 'g' },
    ],
  }
}
