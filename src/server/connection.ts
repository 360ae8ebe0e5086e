/**
 * One WebSocket client of the lab server: its contract calls, and the events
 * it is sent, each with a bound, so that a client that stops reading costs
 * the server a fixed amount of memory and not all of it (issue 11, item 6).
 *
 * Sending. While the socket holds more than SEND_BUFFER_LIMIT bytes not yet
 * written, the client is *behind*: its console output is counted per VM and
 * not sent, `stats` are dropped (the next ones supersede them), a
 * `lab.changed` becomes one fresh snapshot later, and the client's socket is
 * not read. When the socket has drained, every VM whose output it missed is
 * resynchronised from that VM's scroll-back (console.history), and its live
 * output flows again. Other clients never notice.
 *
 * Why the resynchronisation is exact: the engine worker flushes its pending
 * output before it answers console.history, and messages from the worker
 * keep their order, so when the history arrives, every byte this client
 * missed so far is at its end (ConsoleHub relies on the same order). If the
 * history holds all of them they are sent, and the terminal is as if nothing
 * had happened. If the client missed more than the scroll-back keeps, the
 * rest is gone: the terminal is told how many bytes, then given the
 * scroll-back from its first whole line.
 *
 * Display frames are coalesced, not queued: one is sent only while the
 * socket holds less than DISPLAY_SEND_BELOW, else left out (the view sees
 * the gap in the sequence numbers and asks for a whole frame), so at most
 * about one frame waits per client. A frame may be megabytes (1024×768
 * changing everywhere is 3 MiB), so display bytes waiting in the socket do
 * not count towards SEND_BUFFER_LIMIT: a whole frame would otherwise put the
 * client behind, dropping console output and pausing the reading of its
 * keystrokes until it has drained.
 *
 * Calls. At most MAX_CALLS_IN_FLIGHT are worked on at once, in the order
 * they came; beyond that (and while behind) the socket is not read, so TCP
 * holds the client back instead of the server queueing its calls or their
 * replies. A reply is never dropped.
 */
import type { Duplex } from 'node:stream'
import type { RawData, WebSocket } from 'ws'
import { checkArgs, isCommandName, type EventName } from '../shared/contract'
import type { EngineHost } from '../host/engine-host'
import { encodeBytesFrame, FRAME_CONSOLE, FRAME_RESULT_BYTES, type ClientMessage, type ServerMessage } from './wire'

/** Bytes a client's socket may hold unsent before its console output is dropped and its calls wait. */
export const SEND_BUFFER_LIMIT = 1 << 20
/** A display frame is sent only while the socket holds less than this: at most about one frame waits per client. */
export const DISPLAY_SEND_BELOW = 256 << 10
/** Calls of one client being worked on at once. */
export const MAX_CALLS_IN_FLIGHT = 16

const enc = new TextEncoder()

/**
 * What to send a client that missed the last `missed` bytes of a VM's output, given the VM's
 * scroll-back now (`history`): the bytes it can still have (`tail`), and how many it never will
 * (`lost`; then the tail starts at a whole line, after the first newline of the scroll-back).
 */
export function resumeFrom(history: Uint8Array, missed: number): { lost: number; tail: Uint8Array } {
  if (missed <= history.length) return { lost: 0, tail: history.subarray(history.length - missed) }
  const newline = history.indexOf(0x0a)
  const start = newline < 0 ? 0 : newline + 1
  return { lost: missed - history.length + start, tail: history.subarray(start) }
}

/** The marker a terminal shows where output was dropped: CAN first, to end any escape sequence the cut left open. */
export function droppedMarker(lost: number): Uint8Array {
  return enc.encode(`\x18\r\n[l4lab: ${lost} bytes of output dropped; resynchronised]\r\n`)
}

export class ClientConnection {
  private behind = false
  /** VMs whose output this client lacks, with the number of bytes: counted, not sent, until resynchronised. */
  private readonly missed = new Map<string, number>()
  /** VMs whose scroll-back has been asked for. */
  private readonly resyncing = new Set<string>()
  private snapshotDue = false
  /** Display bytes handed to the socket and not yet written: the part of bufferedAmount that is not console or replies. */
  private displayQueued = 0
  private callsInFlight = 0
  /**
   * Calls read but not yet worked on, in order: while MAX_CALLS_IN_FLIGHT are in flight or the
   * client is behind. Bounded by what one read of the socket holds: it is not read meanwhile.
   */
  private readonly waiting: RawData[] = []

  constructor(
    private readonly ws: WebSocket,
    /** The TCP socket under ws: its 'drain' says when the client has caught up. */
    private readonly socket: Duplex,
    private readonly host: EngineHost,
  ) {
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      if (isBinary) return
      this.waiting.push(raw)
      this.work()
    })
  }

  /** Console output of `vm`, already framed (one frame serves every client). The fan-out's hot path. */
  console(vm: string, frame: Uint8Array, bytes: number): void {
    if (this.behind || this.missed.has(vm)) {
      this.missed.set(vm, (this.missed.get(vm) ?? 0) + bytes)
      return
    }
    this.send(frame)
  }

  /**
   * A display's frame, already framed. A client that is behind, or whose
   * socket holds DISPLAY_SEND_BELOW unwritten, loses it: its view sees the gap
   * in the frames' sequence numbers and asks for a whole frame (display.watch
   * with full), so nothing more is queued for it here.
   */
  display(frame: Uint8Array): void {
    if (this.behind || this.ws.readyState !== this.ws.OPEN || this.ws.bufferedAmount >= DISPLAY_SEND_BELOW) return
    this.displayQueued += frame.length
    // ws calls back once the frame is written to the socket (or the connection failed).
    this.ws.send(frame, () => (this.displayQueued -= frame.length))
  }

  /** Any other event, already serialised. */
  event(name: EventName, text: string): void {
    if (this.behind) {
      if (name === 'lab.changed') this.snapshotDue = true
      return
    }
    this.send(text)
  }

  private send(data: Uint8Array | string): void {
    if (this.ws.readyState !== this.ws.OPEN) return
    this.ws.send(data)
    if (!this.behind && this.ws.bufferedAmount - this.displayQueued > SEND_BUFFER_LIMIT) this.fallBehind()
  }

  private reply(msg: ServerMessage): void {
    this.send(JSON.stringify(msg))
  }

  private fallBehind(): void {
    this.behind = true
    this.updateReading()
    // ws writes straight to the socket; past 1 MiB its buffer is far over the high-water mark, so 'drain' will come.
    if ((this.socket as Duplex & { writableNeedDrain?: boolean }).writableNeedDrain) this.socket.once('drain', this.catchUp)
    else setImmediate(this.catchUp)
  }

  private readonly catchUp = (): void => {
    if (this.ws.readyState !== this.ws.OPEN) return
    this.behind = false
    this.updateReading()
    if (this.snapshotDue) {
      this.snapshotDue = false
      this.send(JSON.stringify({ t: 'event', name: 'lab.changed', payload: this.host.snapshot() } satisfies ServerMessage))
    }
    this.work()
    for (const vm of this.missed.keys()) {
      if (this.resyncing.has(vm)) continue
      this.resyncing.add(vm)
      this.host.command('console.history', { vm }).then(
        (history) => this.resynced(vm, history),
        () => this.resynced(vm, new Uint8Array(0)),
      )
    }
  }

  private resynced(vm: string, history: Uint8Array): void {
    this.resyncing.delete(vm)
    // Behind again already: the next catch-up asks anew, with the count then.
    if (this.behind || this.ws.readyState !== this.ws.OPEN) return
    const { lost, tail } = resumeFrom(history, this.missed.get(vm) ?? 0)
    this.missed.delete(vm)
    if (lost > 0) this.send(encodeBytesFrame(FRAME_CONSOLE, 0, vm, droppedMarker(lost)))
    if (tail.length > 0) this.send(encodeBytesFrame(FRAME_CONSOLE, 0, vm, tail))
  }

  /** Works on waiting calls while the client keeps up and has room; reads its socket only then. */
  private work(): void {
    while (!this.behind && this.waiting.length > 0 && this.callsInFlight < MAX_CALLS_IN_FLIGHT) this.dispatch(this.waiting.shift()!)
    this.updateReading()
  }

  private updateReading(): void {
    const stop = this.behind || this.callsInFlight >= MAX_CALLS_IN_FLIGHT || this.waiting.length > 0
    if (stop && !this.ws.isPaused) this.ws.pause()
    else if (!stop && this.ws.isPaused) this.ws.resume()
  }

  private dispatch(raw: RawData): void {
    let msg: ClientMessage
    try {
      msg = JSON.parse(raw.toString()) as ClientMessage
    } catch {
      return
    }
    if (msg?.t !== 'call' || !Number.isInteger(msg.id)) return
    const id = msg.id
    if (!isCommandName(msg.name)) return this.reply({ t: 'reply', id, ok: false, error: `unknown command ${JSON.stringify(msg.name)}` })
    const problem = checkArgs(msg.name, msg.args)
    if (problem) return this.reply({ t: 'reply', id, ok: false, error: problem })
    this.callsInFlight++
    this.host
      .command(msg.name, msg.args as never)
      .then(
        (value) => {
          if (value instanceof Uint8Array) this.send(encodeBytesFrame(FRAME_RESULT_BYTES, id, '', value))
          else this.reply({ t: 'reply', id, ok: true, value })
        },
        (e: unknown) => this.reply({ t: 'reply', id, ok: false, error: e instanceof Error ? e.message : String(e) }),
      )
      .finally(() => {
        this.callsInFlight--
        this.work()
      })
  }
}
