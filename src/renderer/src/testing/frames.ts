/** Display frames for renderer tests, in the contract's `display.frame` layout. */
/** A frame as the engine encodes it: header, then rectangles of one colour each. */
export function frame(width: number, height: number, seq: number, full: boolean, rects: { x: number; y: number; w: number; h: number; rgba: number[] }[]): Uint8Array {
  const bytes = 12 + rects.reduce((n, r) => n + 8 + r.w * r.h * 4, 0)
  const out = new Uint8Array(bytes)
  const dv = new DataView(out.buffer)
  dv.setUint16(0, width, true)
  dv.setUint16(2, height, true)
  dv.setUint16(4, rects.length, true)
  dv.setUint16(6, full ? 1 : 0, true)
  dv.setUint32(8, seq, true)
  let at = 12
  for (const r of rects) {
    dv.setUint16(at, r.x, true)
    dv.setUint16(at + 2, r.y, true)
    dv.setUint16(at + 4, r.w, true)
    dv.setUint16(at + 6, r.h, true)
    at += 8
    for (let i = 0; i < r.w * r.h; i++, at += 4) out.set(r.rgba, at)
  }
  return out
}
