/**
 * Console bytes bypass the store (they are a stream, not state): the hub
 * fans `console.output` events out to the terminal attached to each VM, and
 * gives a terminal that attaches the scroll-back first.
 *
 * Why nothing is lost or doubled: the engine worker flushes its pending
 * output before it answers `console.history`, and every hop keeps order, so
 * output that reaches us before the history reply is already in the history,
 * and output after it is new. After a lost connection comes back, each
 * terminal is reset and given the scroll-back the same way: what the VM
 * printed meanwhile is in it.
 *
 * Input goes out in pieces of at most INPUT_PIECE UTF-16 units: the
 * contract's console.input takes at most 64 KiB per call (checkArgs), and
 * the lab server reads frames of at most 1 MiB, so a paste larger than
 * that would otherwise be refused or cost the connection. The pieces are
 * handed to the bridge at once and in order, and both transports keep the
 * order of calls, so a paste arrives whole and keystrokes typed after it
 * arrive after it. Input the bridge could not deliver is not dropped
 * silently: the VM's terminal says why (once, until input gets through).
 */
import type { LabBridge } from '../../../shared/contract'

type Sink = (data: Uint8Array) => void

interface Attachment {
  sink: Sink
  /** False until the scroll-back has been written: live output before it is in it. */
  live: boolean
  /** Which scroll-back request counts (a reconnect asks again). */
  asked: number
}

/**
 * Half the contract's 64 KiB: a piece's JSON frame stays far below the
 * server's 1 MiB frame limit even when every character needs an escape
 * (6 bytes for a control character) or 3 bytes of UTF-8.
 */
export const INPUT_PIECE = 32 * 1024

/** RIS (ESC c): the terminal starts afresh before the scroll-back is written again. */
const RESET = new Uint8Array([0x1b, 0x63])

const enc = new TextEncoder()

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
  private readonly attached = new Map<string, Set<Attachment>>()
  /** The last input failure each VM's terminal was told about. */
  private readonly told = new Map<string, string>()
  private lost = false

  constructor(private readonly bridge: LabBridge) {
    bridge.on('console.output', ({ vm, data }) => {
      for (const a of this.attached.get(vm) ?? []) if (a.live) a.sink(data)
    })
  }

  /** Attaches `sink` to a VM's console: history first, then live output. Returns the detach function. */
  attach(vm: string, sink: Sink): () => void {
    const a: Attachment = { sink, live: false, asked: 0 }
    let set = this.attached.get(vm)
    if (!set) this.attached.set(vm, (set = new Set()))
    set.add(a)
    this.fill(vm, a, false)
    return () => set.delete(a)
  }

  /** The transport's connection went down or came back; coming back, every terminal is refilled. */
  connection(up: boolean): void {
    if (!up) {
      this.lost = true
      return
    }
    if (!this.lost) return
    this.lost = false
    for (const [vm, set] of this.attached) for (const a of set) this.fill(vm, a, true)
  }

  input(vm: string, data: string): void {
    for (const piece of inputPieces(data)) {
      this.bridge.call('console.input', { vm, data: piece }).then(
        () => this.told.delete(vm),
        (e: unknown) => this.tell(vm, e instanceof Error ? e.message : String(e)),
      )
    }
  }

  resize(vm: string, cols: number, rows: number): void {
    void this.bridge.call('console.resize', { vm, cols, rows }).catch(() => {})
  }

  private fill(vm: string, a: Attachment, reset: boolean): void {
    a.live = false
    const asked = ++a.asked
    const goLive = (history: Uint8Array | null) => {
      if (a.asked !== asked) return
      if (history) {
        if (reset) a.sink(RESET)
        a.sink(history)
      }
      a.live = true
    }
    this.bridge.call('console.history', { vm }).then(goLive, () => goLive(null))
  }

  private tell(vm: string, why: string): void {
    if (this.told.get(vm) === why) return
    this.told.set(vm, why)
    const text = enc.encode(`\r\n[l4lab: ${why}]\r\n`)
    for (const a of this.attached.get(vm) ?? []) a.sink(text)
  }
}
