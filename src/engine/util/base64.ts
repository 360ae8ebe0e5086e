/**
 * Base64 to bytes, for the binaries the build embeds as text (the CPU cores'
 * wasm, ned's precompiled Lua prelude). Node 20's atob is a slow JavaScript
 * loop, followed by a second loop per character to make bytes: the core's
 * 150 KiB took 10–25 ms of a board's first start. This decodes four
 * characters per step through a table, into the final buffer.
 *
 * Input is the build's own output, but a bad character or length is still an
 * error that says where, never bytes made up from it.
 */

/** A native decoder the host lends (useHostBase64), or null. */
let hostDecode: ((text: string) => Uint8Array) | null = null

/**
 * Lends the engine the host's native base64 decoder (Node's Buffer), or
 * takes it back (null). The loop below runs cold in every new process or
 * worker, where it cost 10–25 ms of CPU for the core's 200 KiB of text; a
 * native decoder takes about 1 ms. A host decoder may be lenient (Node's
 * skips characters it does not know): when its output is not the length the
 * text's length says, the text goes through the strict loop, which says
 * where it is wrong.
 */
export function useHostBase64(decode: ((text: string) => Uint8Array) | null): void {
  hostDecode = decode
}

const VALUE = new Int8Array(128).fill(-1)
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
for (let i = 0; i < 64; i++) VALUE[ALPHABET.charCodeAt(i)] = i

export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Error(`base64: length ${text.length} is not a multiple of 4`)
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const length = (text.length / 4) * 3 - pad
  if (hostDecode) {
    const bytes = hostDecode(text)
    if (bytes.length === length) return bytes
  }
  const out = new Uint8Array(length)
  const body = text.length - (pad > 0 ? 4 : 0)
  let o = 0
  for (let i = 0; i < body; i += 4) {
    const v = sextet(text, i) << 18 | sextet(text, i + 1) << 12 | sextet(text, i + 2) << 6 | sextet(text, i + 3)
    out[o++] = v >>> 16
    out[o++] = (v >>> 8) & 0xff
    out[o++] = v & 0xff
  }
  if (pad > 0) {
    const i = body
    const v = sextet(text, i) << 18 | sextet(text, i + 1) << 12 | (pad === 1 ? sextet(text, i + 2) << 6 : 0)
    out[o++] = v >>> 16
    if (pad === 1) out[o++] = (v >>> 8) & 0xff
  }
  return out
}

function sextet(text: string, i: number): number {
  const c = text.charCodeAt(i)
  const v = c < 128 ? VALUE[c] : -1
  if (v < 0) throw new Error(`base64: character ${JSON.stringify(text[i])} at ${i}`)
  return v
}
