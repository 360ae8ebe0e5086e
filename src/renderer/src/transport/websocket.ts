/**
 * The browser transport: the contract's LabBridge over the lab server's
 * WebSocket (see src/server/wire.ts for the framing). Reconnects when the
 * server comes back; calls made while disconnected fail with a message.
 */
import type { CommandArgs, CommandName, CommandResult, EventName, Events, LabBridge } from '../../../shared/contract'

const FRAME_CONSOLE = 1
const FRAME_RESULT_BYTES = 2

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void }

export class WebSocketBridge implements LabBridge {
  private ws: WebSocket | null = null
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>()
  private readonly opened: Promise<void>
  private markOpen!: () => void
  private readonly dec = new TextDecoder()
  onConnection: (connected: boolean) => void = () => {}

  constructor(private readonly url: string) {
    this.opened = new Promise((r) => (this.markOpen = r))
    this.connect()
  }

  async call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>> {
    await this.opened
    const ws = this.ws
    if (!ws || ws.readyState !== WebSocket.OPEN) throw new Error('not connected to the lab server')
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      ws.send(JSON.stringify({ t: 'call', id, name, args }))
    })
  }

  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(name)
    if (!set) this.listeners.set(name, (set = new Set()))
    set.add(listener as (payload: never) => void)
    return () => set.delete(listener as (payload: never) => void)
  }

  private connect(): void {
    const ws = new WebSocket(this.url)
    ws.binaryType = 'arraybuffer'
    ws.onopen = () => {
      this.ws = ws
      this.markOpen()
      this.onConnection(true)
    }
    ws.onclose = () => {
      if (this.ws === ws) this.ws = null
      for (const p of this.pending.values()) p.reject(new Error('connection to the lab server lost'))
      this.pending.clear()
      this.onConnection(false)
      setTimeout(() => this.connect(), 1000)
    }
    ws.onmessage = (ev: MessageEvent) => {
      if (ev.data instanceof ArrayBuffer) this.onBinary(new Uint8Array(ev.data))
      else this.onText(String(ev.data))
    }
  }

  private onText(text: string): void {
    const msg = JSON.parse(text) as
      | { t: 'reply'; id: number; ok: true; value: unknown }
      | { t: 'reply'; id: number; ok: false; error: string }
      | { t: 'event'; name: EventName; payload: unknown }
    if (msg.t === 'reply') {
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      if (msg.ok) p.resolve(msg.value)
      else p.reject(new Error(msg.error))
    } else if (msg.t === 'event') {
      this.emit(msg.name, msg.payload)
    }
  }

  private onBinary(frame: Uint8Array): void {
    if (frame.length < 7) return
    const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
    const kind = dv.getUint8(0)
    const id = dv.getUint32(1, true)
    const nameLength = dv.getUint16(5, true)
    const name = this.dec.decode(frame.subarray(7, 7 + nameLength))
    const payload = frame.subarray(7 + nameLength)
    if (kind === FRAME_CONSOLE) this.emit('console.output', { vm: name, data: payload })
    else if (kind === FRAME_RESULT_BYTES) {
      const p = this.pending.get(id)
      if (!p) return
      this.pending.delete(id)
      p.resolve(payload)
    }
  }

  private emit(name: EventName, payload: unknown): void {
    for (const l of this.listeners.get(name) ?? []) (l as (p: unknown) => void)(payload)
  }
}
