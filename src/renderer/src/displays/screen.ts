/**
 * A display's picture in the renderer: RGBA pixels the size of the display,
 * updated from `display.frame` payloads (the contract gives their layout),
 * with the rectangles each frame touched, for painting only those. A frame
 * whose sequence number does not follow the last one means one was lost on
 * the way (a client that fell behind): the picture is then wrong until a
 * whole frame comes, which `needsFull` says to ask for.
 */
export const FRAME_HEADER_BYTES = 12
const RECT_HEADER_BYTES = 8
const FRAME_FULL = 1

export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

export class Screen {
  readonly pixels: Uint8ClampedArray<ArrayBuffer>
  /** The rectangles the last frame changed. */
  readonly dirty: Rect[] = []
  private lastSeq = -1
  /** A frame was lost since the last whole one. */
  needsFull = true
  /** Frames applied. */
  frames = 0

  constructor(readonly width: number, readonly height: number) {
    this.pixels = new Uint8ClampedArray(width * height * 4)
  }

  /** Applies a frame; a reason when it does not fit this screen (then nothing changed). */
  apply(frame: Uint8Array): string | null {
    if (frame.length < FRAME_HEADER_BYTES) return 'frame shorter than its header'
    const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
    if (dv.getUint16(0, true) !== this.width || dv.getUint16(2, true) !== this.height) return 'frame of another size'
    const count = dv.getUint16(4, true)
    const full = (dv.getUint16(6, true) & FRAME_FULL) !== 0
    const seq = dv.getUint32(8, true)
    // Check the whole frame before changing anything.
    let at = FRAME_HEADER_BYTES
    for (let i = 0; i < count; i++) {
      if (at + RECT_HEADER_BYTES > frame.length) return `rectangle ${i} past the end`
      const x = dv.getUint16(at, true), y = dv.getUint16(at + 2, true), w = dv.getUint16(at + 4, true), h = dv.getUint16(at + 6, true)
      if (x + w > this.width || y + h > this.height) return `rectangle ${i} outside the display`
      at += RECT_HEADER_BYTES + w * h * 4
      if (at > frame.length) return `rectangle ${i} past the end`
    }
    this.dirty.length = 0
    at = FRAME_HEADER_BYTES
    for (let i = 0; i < count; i++) {
      const r = { x: dv.getUint16(at, true), y: dv.getUint16(at + 2, true), w: dv.getUint16(at + 4, true), h: dv.getUint16(at + 6, true) }
      at += RECT_HEADER_BYTES
      const row = r.w * 4
      for (let y = 0; y < r.h; y++) this.pixels.set(frame.subarray(at + y * row, at + (y + 1) * row), ((r.y + y) * this.width + r.x) * 4)
      at += row * r.h
      this.dirty.push(r)
    }
    if (full) this.needsFull = false
    else if (seq !== this.lastSeq + 1) this.needsFull = true
    this.lastSeq = seq
    this.frames++
    return null
  }
}
