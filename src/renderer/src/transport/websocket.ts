/**
 * The browser transport: the contract's LabBridge over the lab server's
 * WebSocket (see src/server/wire.ts for the framing). When the connection
 * is lost it reconnects, waiting longer after each failure (RECONNECT_MS,
 * doubling up to RECONNECT_MAX_MS).
 *
 * Calls made before the first connection wait for it. While the connection
 * is lost, typed input (console.input) is held, at most HELD_INPUT_LIMIT
 * characters, and sent in order as the first thing once the connection is
 * back, so nothing typed is thrown away and later calls cannot overtake it;
 * input beyond the limit is refused with a message, as are other calls. An
 * input sent whose confirmation the lost connection took with it may or may
 * not have arrived: it is refused with a message that says so, never sent
 * twice.
 */
import type { CommandArgs, CommandName, CommandResult, EventName, Events, LabBridge } from '../../../shared/contract'

const FRAME_CONSOLE = 1
const FRAME_RESULT_BYTES = 2
const FRAME_DISPLAY = 3

export const RECONNECT_MS = 250
export const RECONNECT_MAX_MS = 5000
/** Characters of typed input held while disconnected (a large paste fits). */
export const HELD_INPUT_LIMIT = 1 << 20

type Pending = { name: CommandName; resolve: (v: unknown) => void; reject: (e: Error) => void }
type Held = Pending & { args: unknown }

export class WebSocketBridge implements LabBridge {
  private ws: WebSocket | null = null
  private everConnected = false
  private nextId = 1
  private retryMs = RECONNECT_MS
  private readonly pending = new Map<number, Pending>()
  /** Calls waiting for a connection, in order. */
  private held: Held[] = []
  private heldInput = 0
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>()
  private readonly dec = new TextDecoder()
  onConnection: (connected: boolean) => void = () => {}

  constructor(private readonly url: string) {
    this.connect()
  }

  call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>> {
    return new Promise((resolve, reject) => {
      const call = { name, args, resolve: resolve as (v: unknown) => void, reject }
      // A socket that is closing would drop what it is given: hold it for the next one.
      if (this.ws?.readyState === WebSocket.OPEN) this.send(this.ws, call)
      else if (!this.everConnected) this.held.push(call)
      else if (name === 'console.input') this.holdInput(call, (args as CommandArgs<'console.input'>).data.length)
      else reject(new Error('not connected to the lab server'))
    })
  }

  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(name)
    if (!set) this.listeners.set(name, (set = new Set()))
    set.add(listener as (payload: never) => void)
    return () => set.delete(listener as (payload: never) => void)
  }

  private holdInput(call: Held, length: number): void {
    if (this.heldInput + length > HELD_INPUT_LIMIT) {
      call.reject(new Error(`input not sent: the connection is lost and ${this.heldInput} characters already wait for it`))
      return
    }
    this.heldInput += length
    this.held.push(call)
  }

  private send(ws: WebSocket, call: Held): void {
    const id = this.nextId++
    this.pending.set(id, call)
    ws.send(JSON.stringify({ t: 'call', id, name: call.name, args: call.args }))
  }

  private connect(): void {
    const ws = new WebSocket(this.url)
    ws.binaryType = 'arraybuffer'
    ws.onopen = () => {
      this.ws = ws
      this.everConnected = true
      this.retryMs = RECONNECT_MS
      const held = this.held
      this.held = []
      this.heldInput = 0
      for (const call of held) this.send(ws, call)
      this.onConnection(true)
    }
    ws.onclose = () => {
      const wasOpen = this.ws === ws
      if (wasOpen) this.ws = null
      for (const p of this.pending.values()) {
        p.reject(new Error(p.name === 'console.input' ? 'the connection was lost before the lab server confirmed this input; it may not have arrived' : 'connection to the lab server lost'))
      }
      this.pending.clear()
      if (wasOpen) this.onConnection(false)
      setTimeout(() => this.connect(), this.retryMs)
      this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS)
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
    else if (kind === FRAME_DISPLAY) this.emit('display.frame', { vm: name, data: payload })
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
