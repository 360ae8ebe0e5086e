import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import IpcTrace from './IpcTrace.vue'
import { useLab } from '../stores/lab'
import { FakeBridge, twoBoards } from '../testing/fake-bridge'
import type { IpcEndView, IpcRecordView, IpcTraceView } from '../../../shared/contract'

const end = (task: number, name: string): IpcEndView => ({ thread: task + 100, threadName: name, task, taskName: name })
const CLIENT = end(7, 'client')
const SERVER = end(8, 'server')
const MOE = end(3, 'moe')

function record(seq: number, kind: IpcRecordView['kind'], sender: IpcEndView, receiver: IpcEndView, more: Partial<IpcRecordView> = {}): IpcRecordView {
  return { seq, atNs: seq * 1e6, kind, sender, receiver, label: 0, gateLabel: 0, words: 1, caps: 0, pages: 0, grant: false, ...more }
}

let bridge: FakeBridge
/** What the fake board's trace holds, and whether it is on. */
let held: IpcRecordView[]
let on: boolean
beforeEach(async () => {
  vi.useFakeTimers()
  setActivePinia(createPinia())
  bridge = new FakeBridge(twoBoards())
  held = []
  on = false
  bridge.answers['board.ipcTrace.start'] = () => ((on = true), null)
  bridge.answers['board.ipcTrace.stop'] = () => ((on = false), null)
  bridge.answers['board.ipcTrace.read'] = ({ after }: { after: number }): IpcTraceView =>
    on ? { on, records: held.filter((r) => r.seq >= after), next: held.length, dropped: 0 } : { on, records: [], next: 0, dropped: 0 }
  await useLab().attach(bridge)
})
afterEach(() => vi.useRealTimers())

const rows = (w: ReturnType<typeof mount>) => w.findAll('.ipc-row').map((r) => [r.get('.ipc-sender').text(), r.get('.ipc-receiver').text(), r.attributes('data-kind')])

describe('IpcTrace', () => {
  it('starts the trace when shown, adds what is new at each read (newest first), and stops it when closed', async () => {
    const w = mount(IpcTrace, { props: { board: 'b0' } })
    await flushPromises()
    expect(bridge.calls.map((c) => c.name).slice(-2)).toEqual(['board.ipcTrace.start', 'board.ipcTrace.read'])
    expect(w.text()).toContain('Recording')
    held.push(record(0, 'call', CLIENT, SERVER, { label: 7, gateLabel: 0x5e }), record(1, 'reply', SERVER, CLIENT))
    await vi.advanceTimersByTimeAsync(500)
    expect(rows(w)).toEqual([
      ['server', 'client', 'reply'],
      ['client', 'server', 'call'],
    ])
    expect(w.text()).toContain('0x5e')
    held.push(record(2, 'page-fault', CLIENT, MOE, { label: -2, words: 2 }), record(3, 'send', MOE, SERVER, { caps: 2, grant: true }))
    await vi.advanceTimersByTimeAsync(500)
    // Read from where the last read ended: each record once.
    expect(bridge.calls.filter((c) => c.name === 'board.ipcTrace.read').map((c) => (c.args as { after: number }).after)).toEqual([0, 0, 2])
    expect(rows(w).map((r) => r[2])).toEqual(['send', 'page-fault', 'reply', 'call'])
    expect(w.text()).toContain('page fault')
    expect(w.text()).toContain('2 caps, granted')
    w.unmount()
    await flushPromises()
    expect(bridge.calls.at(-1)!.name).toBe('board.ipcTrace.stop')
    expect(on).toBe(false)
    // Nothing is read once it is closed.
    const reads = bridge.calls.length
    await vi.advanceTimersByTimeAsync(2000)
    expect(bridge.calls.length).toBe(reads)
  })

  it('filters by task: a task’s IPCs sent and received', async () => {
    held.push(record(0, 'call', CLIENT, SERVER), record(1, 'reply', SERVER, CLIENT), record(2, 'page-fault', MOE, SERVER), record(3, 'call', CLIENT, MOE))
    const w = mount(IpcTrace, { props: { board: 'b0' } })
    await flushPromises()
    const options = w.get('[data-testid="ipc-task-filter"]').findAll('option').map((o) => o.text())
    expect(options).toEqual(['all tasks', 'client', 'moe', 'server'])
    // v-model binds the options' values (task ids): choose the option as a user does.
    const select = w.get('[data-testid="ipc-task-filter"]')
    ;(select.element as HTMLSelectElement).selectedIndex = 2
    await select.trigger('change')
    expect(rows(w)).toEqual([
      ['client', 'moe', 'call'],
      ['moe', 'server', 'page-fault'],
    ])
    expect(w.get('[data-testid="ipc-count"]').text()).toContain('2 of the last 4')
    w.unmount()
  })

  it('starts the trace again when the board says it is off (restarted, or its lease ran out)', async () => {
    const w = mount(IpcTrace, { props: { board: 'b0' } })
    await flushPromises()
    on = false
    await vi.advanceTimersByTimeAsync(500)
    expect(bridge.calls.filter((c) => c.name === 'board.ipcTrace.start')).toHaveLength(2)
    expect(on).toBe(true)
    w.unmount()
  })

  it('says so for a board without a kernel', async () => {
    bridge.answers['board.ipcTrace.read'] = () => null
    const w = mount(IpcTrace, { props: { board: 'b0' } })
    await flushPromises()
    expect(w.text()).toContain('has no kernel')
    w.unmount()
  })
})
