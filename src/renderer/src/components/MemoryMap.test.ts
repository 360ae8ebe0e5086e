import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import MemoryMap from './MemoryMap.vue'
import { useLab } from '../stores/lab'
import { FakeBridge, twoBoards } from '../testing/fake-bridge'
import type { MappingView, MemoryMap as Map, TaskView } from '../../../shared/contract'

const client: TaskView = { id: 12, name: 'client', asid: 7, mappedPages: 9, caps: [], threads: [] }

const map: Map = {
  runs: [
    { address: 0x100_0000, pages: 8, rights: 'r-x', from: { task: 'moe', address: 0x4000_0000 } },
    { address: 0x200_0000, pages: 1, rights: 'rw-', from: { task: 'moe', address: 0x4000_8000 } },
  ],
  truncated: false,
}

const tree: MappingView = {
  asid: 1,
  taskName: 'sigma0',
  address: 0x4000_0000,
  rights: 'rwx',
  children: [
    {
      asid: 2,
      taskName: 'moe',
      address: 0x4000_0000,
      rights: 'rwx',
      children: [
        { asid: 7, taskName: 'client', address: 0x100_0000, rights: 'r-x', children: [] },
        { asid: 9, taskName: 'other', address: 0x700_0000, rights: 'r--', children: [] },
      ],
      omitted: 3,
    },
  ],
}

let bridge: FakeBridge
beforeEach(async () => {
  setActivePinia(createPinia())
  bridge = new FakeBridge(twoBoards())
  bridge.answers['board.memoryMap'] = () => map
  bridge.answers['board.mappingTree'] = () => tree
  await useLab().attach(bridge)
})

const callsOf = (name: string) => bridge.calls.filter((c) => c.name === name)

describe('MemoryMap', () => {
  it('shows a task’s runs of pages with their rights and where their frames come from', async () => {
    const w = mount(MemoryMap, { props: { board: 'b0', task: client, generation: 0 } })
    await flushPromises()
    expect(callsOf('board.memoryMap')).toEqual([{ name: 'board.memoryMap', args: { board: 'b0', task: 12 } }])
    expect(w.text()).toContain('9 pages in 2 runs')
    const rows = w.findAll('.insp-run')
    expect(rows.map((r) => r.findAll('td').map((d) => d.text()))).toEqual([
      ['0x01000000', '8', 'r-x', 'moe @ 0x40000000'],
      ['0x02000000', '1', 'rw-', 'moe @ 0x40008000'],
    ])
    expect(w.find('[data-testid="mapping-tree"]').exists()).toBe(false)
  })

  it('shows the mapping tree of a clicked run’s first page, indented, this task marked', async () => {
    const w = mount(MemoryMap, { props: { board: 'b0', task: client, generation: 0 } })
    await flushPromises()
    await w.findAll('.insp-run')[0].trigger('click')
    await flushPromises()
    expect(callsOf('board.mappingTree')).toEqual([{ name: 'board.mappingTree', args: { board: 'b0', task: 12, address: 0x100_0000 } }])
    expect(w.findAll('.insp-run')[0].classes()).toContain('picked')
    const t = w.get('[data-testid="mapping-tree"]')
    expect(t.text()).toContain('mapping tree of the page at 0x01000000')
    const items = t.findAll('li')
    expect(items.map((li) => li.text())).toEqual([
      'sigma0 0x40000000 rwx',
      '└ moe 0x40000000 rwx',
      '└ client 0x01000000 r-x',
      '└ other 0x07000000 r--',
      '└ … 3 more',
    ])
    expect(items.map((li) => li.attributes('style'))).toEqual(['padding-left: 0px;', 'padding-left: 16px;', 'padding-left: 32px;', 'padding-left: 32px;', 'padding-left: 32px;'])
    expect(items.map((li) => li.classes().includes('here'))).toEqual([false, false, true, false, false])
    // A second click on the same run closes the tree.
    await w.findAll('.insp-run')[0].trigger('click')
    expect(w.find('[data-testid="mapping-tree"]').exists()).toBe(false)
  })

  it('asks again for the map and the open tree at each refresh of the inspector', async () => {
    const w = mount(MemoryMap, { props: { board: 'b0', task: client, generation: 0 } })
    await flushPromises()
    await w.findAll('.insp-run')[1].trigger('click')
    await flushPromises()
    bridge.answers['board.memoryMap'] = () => ({ runs: map.runs.slice(0, 1), truncated: false })
    bridge.answers['board.mappingTree'] = () => null
    await w.setProps({ generation: 1 })
    await flushPromises()
    expect(callsOf('board.memoryMap')).toHaveLength(2)
    expect(callsOf('board.mappingTree').map((c) => c.args)).toEqual([
      { board: 'b0', task: 12, address: 0x200_0000 },
      { board: 'b0', task: 12, address: 0x200_0000 },
    ])
    expect(w.findAll('.insp-run')).toHaveLength(1)
    expect(w.get('[data-testid="mapping-tree"]').text()).toContain('Not mapped')
  })

  it('says when the map is cut short, when the task has ended, and what went wrong', async () => {
    bridge.answers['board.memoryMap'] = () => ({ ...map, truncated: true })
    const w = mount(MemoryMap, { props: { board: 'b0', task: client, generation: 0 } })
    await flushPromises()
    expect(w.text()).toContain('9 pages in 2 runs (and more)')
    expect(w.text()).toContain('Only the first 2 runs are shown')

    bridge.answers['board.memoryMap'] = () => null
    await w.setProps({ generation: 1 })
    await flushPromises()
    expect(w.text()).toContain('The task has ended')

    bridge.answers['board.memoryMap'] = () => {
      throw new Error('board b0 crashed: boom')
    }
    await w.setProps({ generation: 2 })
    await flushPromises()
    expect(w.get('.crash-text').text()).toBe('board b0 crashed: boom')
  })
})
