/**
 * Issue 11, item 4: one malformed WebSocket frame used to end `l4lab web`
 * (the `ws` library reports protocol errors as an 'error' event, and an
 * EventEmitter without an 'error' listener throws). Each frame below goes to
 * a live server over a hand-written connection; the server must close that
 * connection with the status code RFC 6455 asks for, log it, and keep
 * serving a client that was already connected and a new one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type WebSocket from 'ws'
import { removeCliUnderTest, startLab, type LabProcess } from '../../test/support/lab-process'
import { OP, closePayload, frame, rawUpgrade, type FrameOptions } from '../../test/support/raw-websocket'
import { call, openClient, stillServes } from '../../test/support/lab-client'

const MiB = 1 << 20
const text = (s: string) => new TextEncoder().encode(s)

// RFC 6455 §7.4.1: 1002 protocol error, 1007 data inconsistent with the message type, 1009 message too big.
const cases: { what: string; frames: FrameOptions[]; code: number }[] = [
  { what: 'invalid UTF-8 in a text frame', frames: [{ opcode: OP.text, payload: Uint8Array.of(0x68, 0xff, 0xfe) }], code: 1007 },
  { what: 'a frame announcing 2 MiB (over the 1 MiB limit)', frames: [{ opcode: OP.text, declaredLength: 2 * MiB }], code: 1009 },
  { what: 'a binary frame of 1 MiB + 1 byte', frames: [{ opcode: OP.binary, payload: new Uint8Array(MiB + 1) }], code: 1009 },
  {
    what: 'a message over 1 MiB in small fragments',
    frames: [
      { opcode: OP.text, fin: false, payload: new Uint8Array(MiB / 2).fill(0x20) },
      { opcode: OP.continuation, fin: false, payload: new Uint8Array(MiB / 2).fill(0x20) },
      { opcode: OP.continuation, payload: new Uint8Array(64).fill(0x20) },
    ],
    code: 1009,
  },
  { what: 'a 64-bit length with the top bit set', frames: [{ opcode: OP.binary, declaredLength: 1n << 63n }], code: 1009 },
  { what: 'RSV1 set with no extension agreed', frames: [{ opcode: OP.text, rsv: 4, payload: text('{}') }], code: 1002 },
  { what: 'RSV2 and RSV3 set', frames: [{ opcode: OP.binary, rsv: 3, payload: text('x') }], code: 1002 },
  { what: 'the reserved data opcode 3', frames: [{ opcode: 3, payload: text('x') }], code: 1002 },
  { what: 'the reserved control opcode 0xB', frames: [{ opcode: 0xb }], code: 1002 },
  { what: 'a close frame with code 999', frames: [{ opcode: OP.close, payload: closePayload(999) }], code: 1002 },
  { what: 'a close frame with code 1005 (reserved, never sent)', frames: [{ opcode: OP.close, payload: closePayload(1005) }], code: 1002 },
  { what: 'a close frame with code 5000', frames: [{ opcode: OP.close, payload: closePayload(5000) }], code: 1002 },
  { what: 'a close frame with a 1-byte payload', frames: [{ opcode: OP.close, payload: Uint8Array.of(3) }], code: 1002 },
  { what: 'a close frame whose reason is not UTF-8', frames: [{ opcode: OP.close, payload: closePayload(1000, Uint8Array.of(0xc0, 0x80)) }], code: 1007 },
  { what: 'a fragmented ping (FIN clear on a control frame)', frames: [{ opcode: OP.ping, fin: false, payload: text('p') }], code: 1002 },
  { what: 'a ping of 126 bytes (control frames carry at most 125)', frames: [{ opcode: OP.ping, payload: new Uint8Array(126) }], code: 1002 },
  { what: 'an unmasked client frame', frames: [{ opcode: OP.text, mask: false, payload: text('{}') }], code: 1002 },
  { what: 'a continuation frame with nothing to continue', frames: [{ opcode: OP.continuation, payload: text('x') }], code: 1002 },
  {
    what: 'a new text frame inside a fragmented message',
    frames: [
      { opcode: OP.text, fin: false, payload: text('{"t":') },
      { opcode: OP.text, payload: text('"call"}') },
    ],
    code: 1002,
  },
]

let lab: LabProcess
let bystander: WebSocket

beforeAll(async () => {
  lab = await startLab(['--loopback'])
  bystander = await openClient(lab.port, lab.token)
})

afterAll(async () => {
  bystander?.terminate()
  await lab?.stop()
  removeCliUnderTest()
})

describe('a malformed WebSocket frame closes that connection only (issue 11, item 4)', () => {
  it.each(cases)('$what → close $code; the server serves on', async ({ frames, code }) => {
    const bad = await rawUpgrade(lab.port, lab.token)
    for (const f of frames) bad.socket.write(frame(f))
    await bad.closed
    expect(bad.closeCode()).toBe(code)
    expect(lab.alive()).toBe(true)
    // A client connected all along, and a new one, are both still answered.
    expect((await call(bystander, 'lab.snapshot', {})).ok).toBe(true)
    expect(await stillServes(lab.port, lab.token)).toBe(true)
  })

  it('logs each closed connection with the reason', () => {
    expect(lab.stderr()).toMatch(/closed a client connection: .*Invalid UTF-8/i)
    expect(lab.stderr()).toMatch(/closed a client connection: .*Max payload size exceeded/i)
  })
})
