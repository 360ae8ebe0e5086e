/**
 * `l4lab bench ipc`: the kernel's IPC fast path, measured in wall time.
 *
 * - ipc.roundtrip_ns: a call and its reply carrying 4 words, between two
 *   native threads in two tasks, through an Ipc_gate (client `call`, server
 *   `reply_and_wait`), averaged over many round trips after a warm-up.
 * - ipc.map_unmap_ns: map one page from one task to another with Task::map,
 *   then unmap it with Task::unmap (a flexpage of order 12).
 *
 * A shared machine makes one run say little (another process takes the core
 * for a few milliseconds and the mean moves by half), so the round trip is
 * measured in `runs` fresh kernels and reported as the median with the range.
 */
import { BaseCap, CapRight, MemRight, UnmapFlag, msgtag, tagWords } from '../kernel/abi'
import { KernelHarness } from '../testing/kernel-harness'
import { mem, taskMap, taskUnmap } from '../l4/l4sys'
import type { ThreadBody } from '../kernel/objects/thread'

export interface BenchFigure {
  key: string
  value: number
  unit: string
}

const GATE = 0x30

export interface IpcBenchOptions {
  /** Round trips timed in each run (after a warm-up of a tenth of them, at most 100k). */
  roundTrips?: number
  /** Fresh kernels the round trip is measured in; the median and the range are reported. */
  runs?: number
}

export function runIpcBench(now: () => number, opts: IpcBenchOptions = {}): BenchFigure[] {
  const roundTrips = opts.roundTrips ?? 2_000_000
  const runs = opts.runs ?? 1
  const rt: number[] = []
  for (let i = 0; i < runs; i++) rt.push(roundTripNs(now, roundTrips))
  rt.sort((a, b) => a - b)
  const figures: BenchFigure[] = [{ key: 'ipc.roundtrip_ns', value: round(median(rt)), unit: 'ns' }]
  if (runs > 1) {
    figures.push({ key: 'ipc.roundtrip_ns.min', value: round(rt[0]), unit: 'ns' })
    figures.push({ key: 'ipc.roundtrip_ns.max', value: round(rt[rt.length - 1]), unit: 'ns' })
    figures.push({ key: 'ipc.runs', value: runs, unit: `runs of ${roundTrips} round trips` })
  }
  figures.push({ key: 'ipc.map_unmap_ns', value: round(mapUnmapNs(now, Math.max(1000, roundTrips / 10))), unit: 'ns' })
  return figures
}

function median(sorted: number[]): number {
  const m = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2
}

/** Nanoseconds per round trip over `n` round trips between two fresh tasks. */
export function roundTripNs(now: () => number, n: number): number {
  const h = new KernelHarness()
  const server = h.spawn(
    'server',
    function* (sys): ThreadBody {
      let tag = yield sys.wait()
      for (;;) {
        const u = sys.utcb
        u[0] = u[0] + u[1] + u[2] + u[3]
        tag = yield sys.replyAndWait(msgtag(0, tagWords(tag) > 0 ? 1 : 0, 0, 0))
      }
    },
    { prio: 10 },
  )
  const gate = h.kernel.newGate(null, server.thread, 0x1234)!
  let t0 = 0
  let t1 = 0
  const warm = Math.min(100_000, n / 10)
  h.spawn(
    'client',
    function* (sys): ThreadBody {
      const u = sys.utcb
      const tag = msgtag(0, 4, 0, 0)
      for (let i = 0; i < warm; i++) {
        u[0] = i
        u[1] = 1
        u[2] = 2
        u[3] = 3
        yield sys.call(GATE, tag)
      }
      t0 = now()
      for (let i = 0; i < n; i++) {
        u[0] = i
        u[1] = 1
        u[2] = 2
        u[3] = 3
        yield sys.call(GATE, tag)
        if (u[0] !== i + 6) throw new Error(`bad reply ${u[0]} for ${i}`)
      }
      t1 = now()
    },
    { prio: 10, extra: [[GATE, gate, CapRight.RW]] },
  )
  h.run(Infinity)
  return (t1 - t0) / n
}

function mapUnmapNs(now: () => number, n: number): number {
  const h = new KernelHarness({ ramPages: 64 })
  const k = h.kernel
  const other = k.newTask(null, 'other')!
  let t0 = 0
  let t1 = 0
  const src = h.spawn(
    'mapper',
    function* (sys): ThreadBody {
      const page = mem(0x4000_0000, 12, MemRight.RW)
      const dst = mem(0x4000_0000, 12, MemRight.RWX)
      for (let i = 0; i < 1000; i++) {
        yield* taskMap(sys, 0x40, BaseCap.Task, page, 0x10_0000)
        yield* taskUnmap(sys, BaseCap.Task, [dst], UnmapFlag.OtherSpaces)
      }
      t0 = now()
      for (let i = 0; i < n; i++) {
        yield* taskMap(sys, 0x40, BaseCap.Task, page, 0x10_0000)
        yield* taskUnmap(sys, BaseCap.Task, [dst], UnmapFlag.OtherSpaces)
      }
      t1 = now()
      if (other.space.pages.size !== 0) throw new Error('unmap left a mapping behind')
    },
    { extra: [[0x40, other, CapRight.All]] },
  )
  src.task.space.identity = { firstVpn: 0x4_0000, frames: 64 }
  h.run(Infinity)
  return (t1 - t0) / n
}

function round(x: number): number {
  return Math.round(x * 10) / 10
}
