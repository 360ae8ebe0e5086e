import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import CapabilityGraph from './CapabilityGraph.vue'
import type { CapView, KernelInspection, TaskView } from '../../../shared/contract'

const cap = (slot: number, kind: string, object: number, rights: string, name = ''): CapView => ({ slot, kind, object, name, rights })
const task = (id: number, name: string, caps: CapView[]): TaskView => ({ id, name, asid: id, mappedPages: 0, caps, threads: [] })

/** ned gave the server the channel with all rights and the client only "rws"; both hold their own task. */
const view = (): KernelInspection => ({
  nowNs: 0,
  objects: {},
  kernelMemory: { used: 0, max: 1 },
  stats: {},
  cpus: [],
  threads: [],
  tasks: [
    task(10, 'ned', [cap(1, 'task', 10, 'rwsdnc', 'ned'), cap(40, 'task', 11, 'rwsdnc', 'server'), cap(41, 'ipc_gate', 20, 'rwsdnc', 'channel')]),
    task(11, 'server', [cap(1, 'task', 11, 'rwsdnc', 'server'), cap(32, 'ipc_gate', 20, 'rwsdnc', 'channel'), cap(33, 'vcon', 30, 'rw', 'server')]),
    task(12, 'client', [cap(1, 'task', 12, 'rwsdnc', 'client'), cap(32, 'ipc_gate', 20, 'rws', 'channel'), cap(33, 'vcon', 31, 'rw', 'client')]),
  ],
})

const edges = (w: ReturnType<typeof mount>) =>
  w
    .findAll('.cap-edge')
    .map((e) => `${e.attributes('data-testid')}→${e.attributes('data-to')} ${e.attributes('data-rights')}`)
    .sort()

describe('CapabilityGraph', () => {
  it('draws tasks and the objects their capabilities name, one edge per capability with its rights', () => {
    const w = mount(CapabilityGraph, { props: { view: view() } })
    expect(w.findAll('.cap-node.task').map((n) => n.text())).toEqual(['ned', 'server', 'client'])
    // Objects once each, by kind: the channel is one node however many hold it; tasks are not repeated.
    expect(w.findAll('[data-testid^="cap-object-"]').map((n) => n.text())).toEqual(['ipc_gate #20 channel', 'vcon #30 server', 'vcon #31 client'])
    expect(edges(w)).toEqual(
      [
        'cap-edge-10-1→10 rwsdnc',
        'cap-edge-10-40→11 rwsdnc',
        'cap-edge-10-41→20 rwsdnc',
        'cap-edge-11-1→11 rwsdnc',
        'cap-edge-11-32→20 rwsdnc',
        'cap-edge-11-33→30 rw',
        'cap-edge-12-1→12 rwsdnc',
        'cap-edge-12-32→20 rws',
        'cap-edge-12-33→31 rw',
      ].sort(),
    )
    expect(w.get('[data-testid="cap-edge-12-32"] title').text()).toBe('client slot 32 → ipc_gate #20 channel: rws')
    // Rights are written on the edges only when a task is focused (tooltips otherwise).
    expect(w.findAll('.cap-rights')).toHaveLength(0)
  })

  it('a clicked task shows what it can reach and who else holds the same objects, its rights beside each', async () => {
    const w = mount(CapabilityGraph, { props: { view: view() } })
    await w.get('[data-testid="cap-task-12"]').trigger('click')
    expect(edges(w)).toEqual(['cap-edge-10-41→20 rwsdnc', 'cap-edge-11-32→20 rwsdnc', 'cap-edge-12-1→12 rwsdnc', 'cap-edge-12-32→20 rws', 'cap-edge-12-33→31 rw'])
    expect(w.findAll('[data-testid^="cap-object-"]').map((n) => n.text())).toEqual(['ipc_gate #20 channel', 'vcon #31 client'])
    // The client's own edges are marked; its rights stand beside each object it reaches.
    expect(w.findAll('.cap-edge.mine').map((e) => e.attributes('data-testid')).sort()).toEqual(['cap-edge-12-1', 'cap-edge-12-32', 'cap-edge-12-33'])
    expect(w.findAll('.cap-rights').map((t) => t.text())).toEqual(['rwsdnc', 'rws', 'rw'])
    await w.get('[data-testid="cap-graph-all"]').trigger('click')
    expect(w.findAll('.cap-edge')).toHaveLength(9)
  })

  it('is live: a capability that goes away takes its edge with it', async () => {
    const w = mount(CapabilityGraph, { props: { view: view() } })
    const next = view()
    next.tasks[2].caps.splice(1, 1)
    await w.setProps({ view: next })
    expect(w.find('[data-testid="cap-edge-12-32"]').exists()).toBe(false)
    expect(w.findAll('.cap-edge')).toHaveLength(8)
  })
})
