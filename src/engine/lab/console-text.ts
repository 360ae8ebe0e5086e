/** Console text between guests and the lab's terminals. */

/** LF → CR LF, leaving existing CR LF alone: terminals want CR LF; native programs write LF. */
export function toCrLf(b: Uint8Array): Uint8Array {
  let n = 0
  for (let i = 0; i < b.length; i++) if (b[i] === 0x0a && (i === 0 || b[i - 1] !== 0x0d)) n++
  if (n === 0) return b
  const out = new Uint8Array(b.length + n)
  let o = 0
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0a && (i === 0 || b[i - 1] !== 0x0d)) out[o++] = 0x0d
    out[o++] = b[i]
  }
  return out
}
