/**
 * Console bytes bypass the store (they are a stream, not state): the hub
 * fans `console.output` events out to the terminal attached to each VM, and
 * gives a terminal that attaches the scroll-back first.
 *
 * Why nothing is lost or doubled: the engine worker flushes its pending
 * output before it answers `console.history`, and every hop keeps order, so
 * output that reaches us before the history reply is already in the history,
 * and output after it is new.
 */
import type { LabBridge } from '../../../shared/contract'

type Sink = (data: Uint8Array) => void

export class ConsoleHub {
  private readonly sinks = new Map<string, Set<Sink>>()

  constructor(private readonly bridge: LabBridge) {
    bridge.on('console.output', ({ vm, data }) => {
      for (const s of this.sinks.get(vm) ?? []) s(data)
    })
  }

  /** Attaches `sink` to a VM's console: history first, then live output. Returns the detach function. */
  attach(vm: string, sink: Sink): () => void {
    let live = false
    const gated: Sink = (d) => {
      if (live) sink(d)
    }
    let set = this.sinks.get(vm)
    if (!set) this.sinks.set(vm, (set = new Set()))
    set.add(gated)
    const goLive = () => {
      live = true
    }
    this.bridge.call('console.history', { vm }).then((history) => {
      sink(history)
      goLive()
    }, goLive)
    return () => set.delete(gated)
  }

  input(vm: string, data: string): void {
    void this.bridge.call('console.input', { vm, data }).catch(() => {})
  }

  resize(vm: string, cols: number, rows: number): void {
    void this.bridge.call('console.resize', { vm, cols, rows }).catch(() => {})
  }
}
