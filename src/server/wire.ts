/**
 * The lab server's WebSocket framing (server side; the renderer has its own
 * decoder in src/renderer/transport, since the renderer imports only types
 * from shared code).
 *
 * Text frames carry JSON: {t:'call'} from the client, {t:'reply'} and
 * {t:'event'} from the server. Binary frames carry bytes:
 *   u8 kind | u32 id (little endian) | u16 name length | name (UTF-8) | payload
 * kind FRAME_CONSOLE: console output of VM `name`; kind FRAME_RESULT_BYTES:
 * the Uint8Array result of call `id`; kind FRAME_DISPLAY: a display.frame of
 * VM `name`.
 */
import type { CommandName, EventName, Events } from '../shared/contract'

export const FRAME_CONSOLE = 1
export const FRAME_RESULT_BYTES = 2
/** A `display.frame` event: `name` is the VM, the payload its frame. */
export const FRAME_DISPLAY = 3

export type ClientMessage = { t: 'call'; id: number; name: CommandName; args: unknown }

export type ServerMessage =
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; error: string }
  | { [K in EventName]: { t: 'event'; name: K; payload: Events[K] } }[EventName]

const enc = new TextEncoder()

export function encodeBytesFrame(kind: number, id: number, name: string, payload: Uint8Array): Uint8Array {
  const n = enc.encode(name)
  const out = new Uint8Array(7 + n.length + payload.length)
  const dv = new DataView(out.buffer)
  dv.setUint8(0, kind)
  dv.setUint32(1, id, true)
  dv.setUint16(5, n.length, true)
  out.set(n, 7)
  out.set(payload, 7 + n.length)
  return out
}
