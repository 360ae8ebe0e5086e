import { describe, expect, it } from 'vitest'
import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'
import type { EngineHost } from '../host/engine-host'
import { ClientConnection, DISPLAY_SEND_BELOW, SEND_BUFFER_LIMIT } from './connection'

/** A WebSocket double whose socket writes only when the test says so. */
class SlowSocket {
  readonly OPEN = 1
  readyState = 1
  isPaused = false
  bufferedAmount = 0
  sent: number[] = []
  private unwritten: { bytes: number; done?: () => void }[] = []
  send(data: Uint8Array | string, done?: () => void): void {
    const bytes = typeof data === 'string' ? data.length : data.length
    this.sent.push(bytes)
    this.bufferedAmount += bytes
    this.unwritten.push({ bytes, done })
  }
  /** The socket writes everything it holds. */
  write(): void {
    for (const u of this.unwritten.splice(0)) {
      this.bufferedAmount -= u.bytes
      u.done?.()
    }
  }
  on(): void {}
  pause(): void {
    this.isPaused = true
  }
  resume(): void {
    this.isPaused = false
  }
}

function client() {
  const ws = new SlowSocket()
  // The TCP socket is only asked whether to wait for 'drain'; the host only for a resynchronisation.
  const socket = { writableNeedDrain: true, once() {} } as unknown as Duplex
  const host = { command: () => new Promise(() => {}) } as unknown as EngineHost
  return { ws, conn: new ClientConnection(ws as unknown as WebSocket, socket, host) }
}

const WHOLE_FRAME = 1024 * 768 * 4 + 20

describe('display frames beside console output on one client (issue 15)', () => {
  it('a whole display frame does not put the client behind: console output after it is sent, its reading goes on', () => {
    const { ws, conn } = client()
    conn.display(new Uint8Array(WHOLE_FRAME))
    conn.console('arm0/vm1', new Uint8Array(100), 100)
    expect(ws.sent).toEqual([WHOLE_FRAME, 100])
    expect(ws.isPaused).toBe(false)
  })

  it('coalesces display frames: one waits at most, the next is left out, and they flow again once it is written', () => {
    const { ws, conn } = client()
    conn.display(new Uint8Array(WHOLE_FRAME))
    conn.display(new Uint8Array(WHOLE_FRAME))
    expect(ws.sent).toEqual([WHOLE_FRAME])
    expect(WHOLE_FRAME).toBeGreaterThan(DISPLAY_SEND_BELOW)
    // Console output still goes while the frame waits.
    conn.console('arm0/vm1', new Uint8Array(100), 100)
    expect(ws.sent).toEqual([WHOLE_FRAME, 100])
    ws.write()
    conn.display(new Uint8Array(1000))
    expect(ws.sent).toEqual([WHOLE_FRAME, 100, 1000])
  })

  it('console output past SEND_BUFFER_LIMIT still puts the client behind, display bytes or not', () => {
    const { ws, conn } = client()
    conn.display(new Uint8Array(WHOLE_FRAME))
    conn.console('arm0/vm1', new Uint8Array(SEND_BUFFER_LIMIT + 1), SEND_BUFFER_LIMIT + 1)
    expect(ws.isPaused).toBe(true)
    conn.console('arm0/vm1', new Uint8Array(10), 10)
    conn.display(new Uint8Array(10))
    expect(ws.sent).toEqual([WHOLE_FRAME, SEND_BUFFER_LIMIT + 1])
  })
})
