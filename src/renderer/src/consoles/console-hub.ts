/**
 * Console bytes bypass the store (they are a stream, not state): the hub
 * fans `console.output` events out to the terminal attached to each VM, and
 * gives a terminal that attaches the scroll-back first.
 *
 * Why nothing is lost or doubled: the engine worker flushes its pending
 * output before it answers `console.history`, and every hop keeps order, so
 * output that reaches us before the history reply is already in the history,
 * and output after it is new.
 *
 * Input goes out in pieces of at most INPUT_PIECE UTF-16 units: the
 * contract's console.input takes at most 64 KiB per call (checkArgs), and
 * the lab server reads frames of at most 1 MiB, so a paste larger than
 * that would otherwise be refused or cost the connection. The pieces are
 * handed to the bridge at once and in order, and both transports keep the
 * order of calls, so a paste arrives whole and keystrokes typed after it
 * arrive after it.
 */
import type { LabBridge } from '../../../shared/contract'

type Sink = (data: Uint8Array) => void

/**
 * Half the contract's 64 KiB: a piece's JSON frame stays far below the
 * server's 1 MiB frame limit even when every character needs an escape
 * (6 bytes for a control character) or 3 bytes of UTF-8.
 */
export const INPUT_PIECE = 32 * 1024

/** Splits `data` into pieces of at most `max` UTF-16 units, never between the two halves of a surrogate pair. */
export function inputPieces(data: string, max = INPUT_PIECE): string[] {
  if (data.length <= max) return [data]
  const pieces: string[] = []
  for (let at = 0; at < data.length; ) {
    let end = Math.min(at + max, data.length)
    const last = data.charCodeAt(end - 1)
    if (end < data.length && last >= 0xd800 && last <= 0xdbff) end--
    pieces.push(data.slice(at, end))
    at = end
  }
  return pieces
}

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
    for (const piece of inputPieces(data)) void this.bridge.call('console.input', { vm, data: piece }).catch(() => {})
  }

  resize(vm: string, cols: number, rows: number): void {
    void this.bridge.call('console.resize', { vm, cols, rows }).catch(() => {})
  }
}
