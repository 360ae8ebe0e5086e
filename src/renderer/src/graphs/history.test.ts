import { describe, expect, it } from 'vitest'
import { StatsHistory, VM_COLUMNS, BOARD_COLUMNS, HISTORY_SAMPLES, HISTORY_SECONDS } from './history'
import { VM_CHARTS } from './charts'
import { vmStats } from '../testing/fake-bridge'
import type { BoardStats } from '../../../shared/contract'

const board = (used: number, tasks: number): BoardStats => ({ board: 'b0', kernelMemory: { used, max: 1 << 26 }, factories: [], objects: { task: tasks, thread: tasks + 1 } })

describe('StatsHistory', () => {
  it('records each figure of each VM in its chart’s column, unknown figures as gaps', () => {
    const h = new StatsHistory()
    h.record([vmStats('b0/vm1', { cpuShare: 0.25, memoryBytes: 5 << 20, memoryLimitBytes: 64 << 20, syscallsPerSecond: 300 })], [board(4096, 6)], 100)
    const ring = h.vms.get('b0/vm1')!
    const col = (chart: string, i = 0) => ring.latest(VM_COLUMNS.first.get(chart)! + i)
    expect(col('cpu')).toBe(25)
    expect(col('memory')).toBe(5 << 20)
    expect(col('memory', 1)).toBe(64 << 20)
    expect(col('syscalls')).toBe(300)
    expect(col('exits')).toBeNaN()
    expect(col('ips')).toBeNaN()
    const b = h.boards.get('b0')!
    expect(b.latest(BOARD_COLUMNS.first.get('kmem')!)).toBe(4096)
    // Objects by kind: task first; a kind the board has none of is 0.
    expect(b.latest(BOARD_COLUMNS.first.get('objects')!)).toBe(6)
    expect(b.latest(BOARD_COLUMNS.first.get('objects')! + 6)).toBe(0)
    expect(VM_COLUMNS.count).toBe(VM_CHARTS.reduce((n, c) => n + c.series.length, 0))
  })

  it('keeps at least ten minutes at the back end’s pace, and no more than its capacity', () => {
    expect(HISTORY_SAMPLES * 0.5).toBeGreaterThanOrEqual(HISTORY_SECONDS)
    const h = new StatsHistory()
    for (let i = 0; i < 3 * HISTORY_SAMPLES; i++) h.record([vmStats('b0/vm1', { uptimeMs: i })], [], i * 0.5)
    const ring = h.vms.get('b0/vm1')!
    expect(ring.length).toBe(HISTORY_SAMPLES)
    expect(ring.countSince(ring.newestTime - HISTORY_SECONDS)).toBe(HISTORY_SECONDS / 0.5 + 1)
  })

  it('forgets VMs and boards the lab no longer has; tells its listeners of each event', () => {
    const h = new StatsHistory()
    let heard = 0
    const off = h.subscribe(() => heard++)
    h.record([vmStats('b0/vm1', {}), vmStats('b0/vm2', {})], [board(1, 1)], 1)
    off()
    h.record([vmStats('b0/vm1', {})], [], 2)
    expect(heard).toBe(1)
    h.retain(new Set(['b0/vm1']), new Set())
    expect([...h.vms.keys()]).toEqual(['b0/vm1'])
    expect(h.boards.size).toBe(0)
  })
})
