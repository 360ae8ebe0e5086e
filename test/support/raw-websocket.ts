/**
 * A WebSocket client written by hand over a net.Socket, for tests that must
 * send what no WebSocket library would: frames with reserved bits, unknown
 * opcodes, bad lengths, bad close codes (RFC 6455 §5.2 gives the layout).
 */
import { connect, type Socket } from 'node:net'
import { randomBytes } from 'node:crypto'

export interface FrameOptions {
  opcode: number
  payload?: Uint8Array
  /** FIN bit; default true. */
  fin?: boolean
  /** RSV1..3 as a 3-bit number (RSV1 = 4); default 0. */
  rsv?: number
  /** Client frames must be masked (§5.3); false sends one unmasked. Default true. */
  mask?: boolean
  /** Claim this payload length in the header instead of the real one (lets a test announce 2 MiB and send none). */
  declaredLength?: number | bigint
}

/** Encodes one frame as a client sends it. */
export function frame(o: FrameOptions): Buffer {
  const payload = Buffer.from(o.payload ?? new Uint8Array(0))
  const len = BigInt(o.declaredLength ?? payload.length)
  const masked = o.mask ?? true
  const head: number[] = [((o.fin ?? true) ? 0x80 : 0) | ((o.rsv ?? 0) << 4) | (o.opcode & 0x0f)]
  const m = masked ? 0x80 : 0
  if (len < 126n) head.push(m | Number(len))
  else if (len < 65536n) head.push(m | 126, Number(len >> 8n), Number(len & 0xffn))
  else {
    head.push(m | 127)
    for (let i = 7; i >= 0; i--) head.push(Number((len >> BigInt(8 * i)) & 0xffn))
  }
  if (!masked) return Buffer.concat([Buffer.from(head), payload])
  const key = randomBytes(4)
  const body = Buffer.from(payload)
  for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3]
  return Buffer.concat([Buffer.from(head), key, body])
}

export const OP = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const

/** A close frame's payload: a 2-byte code and a reason. */
export function closePayload(code: number, reason: Uint8Array = new Uint8Array(0)): Buffer {
  const b = Buffer.alloc(2 + reason.length)
  b.writeUInt16BE(code, 0)
  b.set(reason, 2)
  return b
}

export interface RawClient {
  socket: Socket
  /** Server frames received so far, decoded (the server never masks). */
  frames: { opcode: number; payload: Buffer }[]
  /** Resolves when the server has closed the TCP connection. */
  closed: Promise<void>
  /** The status code of the server's close frame, once one arrived. */
  closeCode(): number | null
}

/** Opens a TCP connection and performs the HTTP upgrade with the token; rejects unless the answer is 101. */
export function rawUpgrade(port: number, token: string): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let buf = Buffer.alloc(0)
    let upgraded = false
    const frames: RawClient['frames'] = []
    const closed = new Promise<void>((r) => socket.once('close', () => r()))
    socket.on('error', () => {})
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d])
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = buf.subarray(0, end).toString()
        if (!head.startsWith('HTTP/1.1 101')) {
          reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`))
          return
        }
        upgraded = true
        buf = buf.subarray(end + 4)
        resolve({
          socket,
          frames,
          closed,
          closeCode: () => {
            const c = frames.find((f) => f.opcode === OP.close)
            return c && c.payload.length >= 2 ? c.payload.readUInt16BE(0) : null
          },
        })
      }
      // Server frames: unmasked; lengths 7-bit, 16-bit or 64-bit.
      for (;;) {
        if (buf.length < 2) return
        let len = buf[1] & 0x7f
        let at = 2
        if (len === 126) {
          if (buf.length < 4) return
          len = buf.readUInt16BE(2)
          at = 4
        } else if (len === 127) {
          if (buf.length < 10) return
          len = Number(buf.readBigUInt64BE(2))
          at = 10
        }
        if (buf.length < at + len) return
        frames.push({ opcode: buf[0] & 0x0f, payload: buf.subarray(at, at + len) })
        buf = buf.subarray(at + len)
      }
    })
    socket.once('connect', () => {
      socket.write(
        'GET /ws?token=' + token + ' HTTP/1.1\r\n' +
          `Host: 127.0.0.1:${port}\r\n` +
          `Origin: http://127.0.0.1:${port}\r\n` +
          'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
          'Sec-WebSocket-Version: 13\r\n\r\n',
      )
    })
    socket.once('close', () => {
      if (!upgraded) reject(new Error('connection closed before the upgrade'))
    })
  })
}
