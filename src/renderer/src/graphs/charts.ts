/**
 * Which graphs the lab draws, as tables: for a VM, one chart per figure of
 * its VmStats; for a board, its kernel memory and objects. Each series names
 * the figure it reads, so the history records exactly the columns the charts
 * show, in this order.
 */
import type { BoardStats, VmStats } from '../../../shared/contract'

/** How a chart's axis reads its values. */
export type ChartUnit = 'percent' | 'count' | 'rate' | 'bytes' | 'byteRate'

export interface SeriesDef<S> {
  label: string
  color: string
  /** The value of one sample; null or undefined when the figure is not known (drawn as a gap). */
  value: (s: S) => number | null | undefined
  /** Drawn dashed: a limit rather than a use. */
  limit?: boolean
}

export interface ChartDef<S> {
  id: string
  title: string
  unit: ChartUnit
  series: SeriesDef<S>[]
  /** Shown only for VMs that have the figure (a Linux VM has exits, an lx VM system calls). */
  optional?: boolean
}

const GREEN = '#3fb950'
const BLUE = '#58a6ff'
const ORANGE = '#d29922'
const PURPLE = '#bc8cff'
const RED = '#f85149'
const GREY = '#8b949e'
const CYAN = '#39c5cf'

export const VM_CHARTS: ChartDef<VmStats>[] = [
  { id: 'cpu', title: 'CPU share', unit: 'percent', series: [{ label: 'CPU', color: GREEN, value: (s) => (s.cpuShare === null ? null : s.cpuShare * 100) }] },
  { id: 'ips', title: 'Instructions', unit: 'rate', series: [{ label: 'instructions/s', color: BLUE, value: (s) => s.instructionsPerSecond }] },
  {
    id: 'memory',
    title: 'Memory',
    unit: 'bytes',
    series: [
      { label: 'resident', color: ORANGE, value: (s) => s.memoryBytes },
      { label: 'limit', color: GREY, value: (s) => s.memoryLimitBytes, limit: true },
    ],
  },
  {
    id: 'kmem',
    title: 'Kernel memory (its factory)',
    unit: 'bytes',
    series: [
      { label: 'used', color: PURPLE, value: (s) => s.kernelMemory?.used },
      { label: 'quota', color: GREY, value: (s) => s.kernelMemory?.max, limit: true },
    ],
  },
  { id: 'faults', title: 'Page faults', unit: 'rate', optional: true, series: [{ label: 'faults/s', color: RED, value: (s) => s.pageFaultsPerSecond }] },
  { id: 'syscalls', title: 'System calls', unit: 'rate', optional: true, series: [{ label: 'calls/s', color: CYAN, value: (s) => s.syscallsPerSecond }] },
  { id: 'exits', title: 'VM exits', unit: 'rate', optional: true, series: [{ label: 'exits/s', color: CYAN, value: (s) => s.exitsPerSecond }] },
  { id: 'irqs', title: 'Interrupts', unit: 'rate', optional: true, series: [{ label: 'IRQs/s', color: ORANGE, value: (s) => s.interruptsPerSecond }] },
  { id: 'ipcs', title: 'IPCs', unit: 'rate', series: [{ label: 'IPCs/s', color: PURPLE, value: (s) => s.ipcsPerSecond }] },
  {
    id: 'console',
    title: 'Console',
    unit: 'byteRate',
    series: [
      { label: 'out', color: GREEN, value: (s) => s.consoleBytesPerSecond.out },
      { label: 'in', color: BLUE, value: (s) => s.consoleBytesPerSecond.in },
    ],
  },
  {
    id: 'disk',
    title: 'Disk',
    unit: 'byteRate',
    optional: true,
    series: [
      { label: 'read', color: GREEN, value: (s) => s.diskBytesPerSecond?.read },
      { label: 'written', color: RED, value: (s) => s.diskBytesPerSecond?.written },
    ],
  },
]

/** The kernel object kinds the board's object graph follows (ObjectKind's that a scenario makes in numbers). */
const OBJECT_KINDS: [kind: string, color: string][] = [
  ['task', GREEN],
  ['thread', BLUE],
  ['ipc_gate', PURPLE],
  ['irq', ORANGE],
  ['factory', RED],
  ['vcon', CYAN],
  ['vm', GREY],
]

export const BOARD_CHARTS: ChartDef<BoardStats>[] = [
  {
    id: 'kmem',
    title: 'Kernel memory',
    unit: 'bytes',
    series: [
      { label: 'used', color: PURPLE, value: (b) => b.kernelMemory.used },
      { label: 'quota', color: GREY, value: (b) => b.kernelMemory.max, limit: true },
    ],
  },
  { id: 'objects', title: 'Kernel objects', unit: 'count', series: OBJECT_KINDS.map(([kind, color]) => ({ label: kind, color, value: (b: BoardStats) => b.objects[kind] ?? 0 })) },
]

/** A chart's columns in its kind's history: where each chart's first series sits. */
export function columnsOf<S>(charts: ChartDef<S>[]): { first: Map<string, number>; count: number } {
  const first = new Map<string, number>()
  let count = 0
  for (const c of charts) {
    first.set(c.id, count)
    count += c.series.length
  }
  return { first, count }
}
