import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HELD_INPUT_LIMIT, RECONNECT_MAX_MS, RECONNECT_MS, WebSocketBridge } from './websocket'

/** A WebSocket double: the test opens and closes it, and answers what was sent. */
class FakeSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3
  static all: FakeSocket[] = []
  readyState = FakeSocket.CONNECTING
  binaryType = 'blob'
  sent: { id: number; name: string; args: { data?: string } }[] = []
  onopen: (() => void) | null = null
  onclose: (() => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  send(text: string): void {
    this.sent.push(JSON.parse(text))
  }
  open(): void {
    this.readyState = FakeSocket.OPEN
    this.onopen?.()
  }
  drop(): void {
    this.readyState = FakeSocket.CLOSED
    this.onclose?.()
  }
  reply(id: number, value: unknown = null): void {
    this.onmessage?.({ data: JSON.stringify({ t: 'reply', id, ok: true, value }) })
  }
}

const latest = () => FakeSocket.all.at(-1)!

beforeEach(() => {
  FakeSocket.all = []
  vi.stubGlobal('WebSocket', FakeSocket)
  vi.useFakeTimers({ toFake: ['setTimeout'] })
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

function connectedBridge(): { bridge: WebSocketBridge; states: boolean[] } {
  const bridge = new WebSocketBridge('ws://lab/ws?token=t')
  const states: boolean[] = []
  bridge.onConnection = (up) => states.push(up)
  latest().open()
  return { bridge, states }
}

describe('WebSocketBridge', () => {
  it('holds calls made before the first connection and sends them once it is up', () => {
    const bridge = new WebSocketBridge('ws://lab/ws?token=t')
    void bridge.call('lab.snapshot', {})
    expect(latest().sent).toEqual([])
    latest().open()
    expect(latest().sent.map((m) => m.name)).toEqual(['lab.snapshot'])
  })

  it('holds input typed while disconnected and sends it first, in order, when the connection is back (issue 11)', async () => {
    const { bridge, states } = connectedBridge()
    latest().drop()
    expect(states).toEqual([true, false])
    const typed = [bridge.call('console.input', { vm: 'b0/vm1', data: 'ec' }), bridge.call('console.input', { vm: 'b0/vm1', data: 'ho hi\r' })]
    // Anything else fails at once: a button pressed now would act much later.
    await expect(bridge.call('vm.stop', { vm: 'b0/vm1' })).rejects.toThrow(/not connected/)
    vi.advanceTimersByTime(RECONNECT_MS)
    const next = latest()
    expect(next).not.toBe(FakeSocket.all[0])
    next.open()
    void bridge.call('console.input', { vm: 'b0/vm1', data: 'later' })
    expect(next.sent.map((m) => m.args.data)).toEqual(['ec', 'ho hi\r', 'later'])
    for (const m of next.sent) next.reply(m.id)
    await expect(Promise.all(typed)).resolves.toEqual([null, null])
    expect(states).toEqual([true, false, true])
  })

  it('refuses input beyond what it holds, and says why', async () => {
    const { bridge } = connectedBridge()
    latest().drop()
    void bridge.call('console.input', { vm: 'b0/vm1', data: 'x'.repeat(HELD_INPUT_LIMIT) })
    await expect(bridge.call('console.input', { vm: 'b0/vm1', data: 'y' })).rejects.toThrow(/input not sent: the connection is lost and 1048576 characters already wait/)
  })

  it('refuses, never resends, input whose confirmation the lost connection took with it', async () => {
    const { bridge } = connectedBridge()
    const first = latest()
    const sent = bridge.call('console.input', { vm: 'b0/vm1', data: 'rm -rf /tmp/x\r' })
    first.drop()
    await expect(sent).rejects.toThrow(/may not have arrived/)
    vi.advanceTimersByTime(RECONNECT_MS)
    latest().open()
    expect(latest().sent).toEqual([])
  })

  it('reconnects after 250 ms, then waits twice as long after each failure up to 5 s, and 250 ms again once connected', () => {
    connectedBridge()
    const delays: number[] = []
    for (let i = 0; i < 7; i++) {
      const before = FakeSocket.all.length
      latest().drop()
      let waited = 0
      while (FakeSocket.all.length === before) {
        vi.advanceTimersByTime(50)
        waited += 50
      }
      delays.push(waited)
    }
    expect(delays).toEqual([RECONNECT_MS, 500, 1000, 2000, 4000, RECONNECT_MAX_MS, RECONNECT_MAX_MS])
    latest().open()
    latest().drop()
    const before = FakeSocket.all.length
    vi.advanceTimersByTime(RECONNECT_MS)
    expect(FakeSocket.all.length).toBe(before + 1)
  })
})
