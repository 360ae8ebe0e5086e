/**
 * The lab's figures over time: one SampleRing per VM and per board, filled
 * from every `stats` event whether or not a graph is open (the graphs show
 * the past when they open), and bounded (HISTORY_SECONDS at the back end's
 * pace, with room to spare). Kept out of Pinia's reactivity: recording is a
 * few typed-array writes per VM, and only an open graphs panel listens.
 */
import type { BoardStats, VmStats } from '../../../shared/contract'
import { BOARD_CHARTS, VM_CHARTS, columnsOf, type ChartDef } from './charts'
import { SampleRing } from './ring'

/** What the graphs can show: at least ten minutes. */
export const HISTORY_SECONDS = 10 * 60
/** The back end sends stats every 0.5 s; room for 12 minutes at that pace, so ten are kept even when events come early. */
export const HISTORY_SAMPLES = 1440

export const VM_COLUMNS = columnsOf(VM_CHARTS)
export const BOARD_COLUMNS = columnsOf(BOARD_CHARTS)

export class StatsHistory {
  readonly vms = new Map<string, SampleRing>()
  readonly boards = new Map<string, SampleRing>()
  private readonly listeners = new Set<() => void>()
  private readonly vmRow = new Float64Array(VM_COLUMNS.count)
  private readonly boardRow = new Float64Array(BOARD_COLUMNS.count)

  constructor(readonly capacity = HISTORY_SAMPLES) {}

  /** One stats event at `t` (seconds since the epoch). */
  record(stats: readonly VmStats[], boards: readonly BoardStats[], t: number): void {
    for (const s of stats) this.push(this.vms, s.vm, VM_CHARTS, s, this.vmRow, t)
    for (const b of boards) this.push(this.boards, b.board, BOARD_CHARTS, b, this.boardRow, t)
    for (const l of this.listeners) l()
  }

  /** Drops the history of VMs and boards the lab no longer has. */
  retain(vms: ReadonlySet<string>, boards: ReadonlySet<string>): void {
    for (const id of this.vms.keys()) if (!vms.has(id)) this.vms.delete(id)
    for (const id of this.boards.keys()) if (!boards.has(id)) this.boards.delete(id)
  }

  /** Calls `listener` after each recorded event; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private push<S>(rings: Map<string, SampleRing>, id: string, charts: ChartDef<S>[], sample: S, row: Float64Array, t: number): void {
    let ring = rings.get(id)
    if (!ring) rings.set(id, (ring = new SampleRing(this.capacity, row.length)))
    let c = 0
    for (const chart of charts)
      for (const series of chart.series) {
        const v = series.value(sample)
        row[c++] = typeof v === 'number' && Number.isFinite(v) ? v : NaN
      }
    ring.push(t, row)
  }
}
