/**
 * A well-behaved client of the lab server (the `ws` library), for tests
 * that check the server still serves: open with the token and the right
 * Origin, make contract calls, collect one VM's console output.
 */
import WebSocket from 'ws'

export function openClient(port: number, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`, { origin: `http://127.0.0.1:${port}` })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

let nextId = 1

export type Reply = { ok: boolean; value?: unknown; error?: string }

/** One contract call; resolves with the reply (a byte result, wire.ts's FRAME_RESULT_BYTES, as a Buffer value). */
export function call(ws: WebSocket, name: string, args: unknown): Promise<Reply> {
  const id = nextId++
  return new Promise((resolve, reject) => {
    if (ws.readyState !== ws.OPEN) return reject(new Error(`the connection is closed; cannot call ${name}`))
    const onMessage = (raw: Buffer, binary: boolean) => {
      if (binary) {
        if (raw[0] === 2 && raw.readUInt32LE(1) === id) {
          ws.off('message', onMessage)
          ws.off('close', onClose)
          resolve({ ok: true, value: raw.subarray(7 + raw.readUInt16LE(5)) })
        }
        return
      }
      const msg = JSON.parse(raw.toString())
      if (msg.t === 'reply' && msg.id === id) {
        ws.off('message', onMessage)
        ws.off('close', onClose)
        resolve(msg)
      }
    }
    const onClose = () => reject(new Error(`connection closed before the reply to ${name}`))
    ws.on('message', onMessage)
    ws.once('close', onClose)
    ws.send(JSON.stringify({ t: 'call', id, name, args }))
  })
}

/** A VM's scroll-back (console.history). */
export async function history(ws: WebSocket, vm: string): Promise<Buffer> {
  const r = await call(ws, 'console.history', { vm })
  if (!r.ok) throw new Error(r.error)
  return r.value as Buffer
}

/** Opens a fresh client, asks for the snapshot, closes: the server still serves. */
export async function stillServes(port: number, token: string): Promise<boolean> {
  const ws = await openClient(port, token)
  try {
    const r = await call(ws, 'lab.snapshot', {})
    return r.ok && Array.isArray((r.value as { boards?: unknown }).boards)
  } finally {
    ws.close()
  }
}

/** Console output frames (wire.ts: u8 kind | u32 id | u16 name length | name | bytes) of one VM, as they arrive. */
export function onConsole(ws: WebSocket, vm: string, sink: (bytes: Buffer) => void): () => void {
  const listener = (raw: Buffer, binary: boolean) => {
    if (!binary || raw[0] !== 1) return
    const n = raw.readUInt16LE(5)
    if (raw.subarray(7, 7 + n).toString() === vm) sink(raw.subarray(7 + n))
  }
  ws.on('message', listener)
  return () => ws.off('message', listener)
}
