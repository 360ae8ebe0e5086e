/**
 * A display as the lab sees one: a mode (width, height, stride; XRGB8888,
 * the format of Linux's simple-framebuffer "x8r8g8b8" and of virtio-gpu's
 * B8G8R8X8 resources, little endian), the guest-visible memory its pixels
 * live in, and an input side for keys and a pointer. Whoever owns the
 * framebuffer — lx's /dev/fb0 today, a Linux VM's simple-framebuffer or
 * virtio-gpu scanout later — implements `Display`; the lab reads frames
 * from it with a `DisplayScanner` and never knows which it is.
 *
 * Input uses Linux's input event codes (input-event-codes.h: KEY_*, BTN_*,
 * REL_*), which is what evdev and virtio-input speak too, so a display's
 * owner passes them on unchanged.
 */

/** XRGB8888, little endian: bytes B, G, R, X per pixel. */
export interface DisplayMode {
  readonly width: number
  readonly height: number
  /** Bytes per line (≥ width × 4, a multiple of 4). */
  readonly stride: number
}

/**
 * Where a framebuffer's bytes are: 4 KiB pages of board RAM in framebuffer
 * order (a framebuffer need not be physically contiguous: lx's is made of
 * its frames). `ram()` is asked again on each scan, because a CPU core's
 * linear memory may be replaced when it grows.
 */
export interface PixelPages {
  ram(): Uint8Array
  /** Byte offset in `ram()` of each 4 KiB page of the framebuffer. */
  readonly offsets: Int32Array
  /** Write tracking of those pages, when the memory's owner has it: then only written pages are compared. */
  readonly writes?: PageWrites
}

/**
 * Which framebuffer pages were written, as the CPU core notes it (its soft
 * TLB marks a tracked page on the first store after each look). Tracking
 * costs the guest a TLB miss per written page per look, so it is on only
 * while someone watches.
 */
export interface PageWrites {
  /** Starts or stops tracking; a page starts as written. */
  track(on: boolean): void
  /** written[i] = 1 for each page i written since the last call, else 0; returns how many were. */
  collect(written: Uint8Array): number
}

/** Input towards the display's owner, in Linux input codes. */
export interface DisplayInput {
  /** A key (KEY_*) or button (BTN_*) went down or up. */
  key(code: number, down: boolean): void
  /** Relative pointer motion in display pixels. */
  motion(dx: number, dy: number): void
  /** The pointer is at (x, y) in display pixels (an absolute pointer: a tablet, the lab's view). */
  position(x: number, y: number): void
  /** Wheel steps; positive is away from the user (REL_WHEEL's sign). */
  wheel(steps: number): void
}

export interface Display {
  readonly mode: DisplayMode
  /** Its pixels, or null while it has no memory yet. */
  pixels(): PixelPages | null
  readonly input: DisplayInput
  /**
   * A number that changes whenever the pixels may have (e.g. the CPU time of
   * whatever writes them); while it stays the same a viewer need not look.
   * Without it, every sample compares.
   */
  activity?(): number
}

/**
 * Encoded frame (little endian): u16 width, u16 height, u16 rectangles,
 * u16 flags, u32 sequence number; then per rectangle u16 x, y, w, h and
 * w×h RGBA pixels. A viewer that sees a gap in the sequence lost a frame
 * and asks for a full one.
 */
export const FRAME_HEADER_BYTES = 12
export const RECT_HEADER_BYTES = 8
/** Flag: the frame covers the whole display (a viewer starting afresh). */
export const FRAME_FULL = 1
/** Rows compared and sent as one band: dirty rows of a band become one rectangle. */
const BAND_ROWS = 16

/**
 * Finds what changed in a display since the last scan by comparing it with
 * a shadow copy — only the pages written since, when the pixels' owner
 * tracks writes — and encodes the changed parts as dirty rectangles of RGBA
 * pixels (what a canvas's ImageData takes). The lab only scans while
 * someone views the display, at most at its frame rate. Buffers are made
 * once per mode; a scan allocates nothing.
 */
export class DisplayScanner {
  private readonly shadow: Uint32Array
  private readonly out: Uint8Array
  private readonly out32: Uint32Array
  private readonly outView: DataView
  private words: Uint32Array | null = null
  private readonly rowMin: Int32Array
  private readonly rowMax: Int32Array
  /** Per framebuffer page: written since the last scan (write tracking). */
  private written = new Uint8Array(0)
  private full = true

  constructor(readonly mode: DisplayMode) {
    const { width, height, stride } = mode
    if (width <= 0 || height <= 0 || width > 0xffff || height > 0xffff || stride < width * 4 || stride % 4 !== 0)
      throw new RangeError(`display mode ${width}x${height} stride ${stride}: not a mode a scanner takes`)
    this.shadow = new Uint32Array(width * height)
    const bands = Math.ceil(height / BAND_ROWS)
    this.out = new Uint8Array(FRAME_HEADER_BYTES + bands * RECT_HEADER_BYTES + width * height * 4)
    this.out32 = new Uint32Array(this.out.buffer)
    this.outView = new DataView(this.out.buffer)
    this.rowMin = new Int32Array(height)
    this.rowMax = new Int32Array(height)
  }

  /** The next scan sends the whole display (a new viewer, or one that lost frames). */
  invalidate(): void {
    this.full = true
  }

  /**
   * Compares the display with the shadow and encodes what changed; null
   * when nothing did. The result is a view of the scanner's own buffer,
   * valid until the next scan (copy it to keep it).
   */
  scan(pages: PixelPages, seq = 0): Uint8Array | null {
    const { width, height, stride } = this.mode
    const ram = pages.ram()
    if (!this.words || this.words.buffer !== ram.buffer) this.words = new Uint32Array(ram.buffer, ram.byteOffset, ram.byteLength >>> 2)
    const words = this.words
    const offs = pages.offsets
    const shadow = this.shadow
    const full = this.full
    this.full = false
    // With write tracking only written pages are compared; the marks are taken on a full scan too.
    let written: Uint8Array | null = null
    if (pages.writes) {
      if (this.written.length !== offs.length) this.written = new Uint8Array(offs.length)
      if (pages.writes.collect(this.written) === 0 && !full) return null
      if (!full) written = this.written
    }
    let anyDirty = false
    for (let y = 0; y < height; y++) {
      let lo = width
      let hi = -1
      const rowByte = y * stride
      for (let x = 0; x < width; ) {
        // The pixels of this row that lie in one page.
        const byte = rowByte + x * 4
        const page = byte >>> 12
        // INVARIANT: the owner gives a page for every byte of height × stride (fbdev/display.test checks it).
        const base = (offs[page] + (byte & 4095)) >>> 2
        const n = Math.min(width - x, (4096 - (byte & 4095)) >>> 2)
        if (written && written[page] === 0) {
          x += n
          continue
        }
        const s = y * width + x
        for (let i = 0; i < n; i++) {
          const v = words[base + i]
          if (v !== shadow[s + i] || full) {
            shadow[s + i] = v
            if (x + i < lo) lo = x + i
            hi = x + i
          }
        }
        x += n
      }
      this.rowMin[y] = lo
      this.rowMax[y] = hi
      if (hi >= 0) anyDirty = true
    }
    if (!anyDirty) return null
    return this.encode(full, seq)
  }

  /** Dirty rows of each band → one rectangle per band, pixels converted XRGB → RGBA from the shadow. */
  private encode(full: boolean, seq: number): Uint8Array {
    const { width, height } = this.mode
    const dv = this.outView
    const out32 = this.out32
    const shadow = this.shadow
    let at = FRAME_HEADER_BYTES
    let rects = 0
    for (let b = 0; b < height; b += BAND_ROWS) {
      let x0 = width
      let x1 = -1
      let y0 = -1
      let y1 = -1
      for (let y = b; y < Math.min(height, b + BAND_ROWS); y++) {
        if (this.rowMax[y] < 0) continue
        if (y0 < 0) y0 = y
        y1 = y
        if (this.rowMin[y] < x0) x0 = this.rowMin[y]
        if (this.rowMax[y] > x1) x1 = this.rowMax[y]
      }
      if (y0 < 0) continue
      const w = x1 - x0 + 1
      const h = y1 - y0 + 1
      dv.setUint16(at, x0, true)
      dv.setUint16(at + 2, y0, true)
      dv.setUint16(at + 4, w, true)
      dv.setUint16(at + 6, h, true)
      at += RECT_HEADER_BYTES
      let o = at >>> 2
      for (let y = y0; y <= y1; y++) {
        const s = y * width + x0
        for (let i = 0; i < w; i++) {
          const v = shadow[s + i]
          // Memory B,G,R,X → canvas R,G,B,A (opaque).
          out32[o++] = 0xff000000 | ((v & 0xff) << 16) | (v & 0xff00) | ((v >>> 16) & 0xff)
        }
      }
      at = o << 2
      rects++
    }
    dv.setUint16(0, width, true)
    dv.setUint16(2, height, true)
    dv.setUint16(4, rects, true)
    dv.setUint16(6, full ? FRAME_FULL : 0, true)
    dv.setUint32(8, seq >>> 0, true)
    return this.out.subarray(0, at)
  }
}

/** One rectangle of an encoded frame, as a reader walks them. */
export interface FrameRect {
  x: number
  y: number
  w: number
  h: number
  /** Offset of its RGBA pixels in the frame. */
  pixels: number
}

/** Reads an encoded frame's header and rectangles (tests and tools; the renderer has its own reader). */
export function readFrame(frame: Uint8Array): { width: number; height: number; full: boolean; seq: number; rects: FrameRect[] } | string {
  if (frame.length < FRAME_HEADER_BYTES) return 'frame shorter than its header'
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
  const n = dv.getUint16(4, true)
  const rects: FrameRect[] = []
  let at = FRAME_HEADER_BYTES
  for (let i = 0; i < n; i++) {
    if (at + RECT_HEADER_BYTES > frame.length) return `rectangle ${i}: header past the end`
    const r = { x: dv.getUint16(at, true), y: dv.getUint16(at + 2, true), w: dv.getUint16(at + 4, true), h: dv.getUint16(at + 6, true), pixels: at + RECT_HEADER_BYTES }
    at = r.pixels + r.w * r.h * 4
    if (at > frame.length) return `rectangle ${i}: pixels past the end`
    rects.push(r)
  }
  return { width: dv.getUint16(0, true), height: dv.getUint16(2, true), full: (dv.getUint16(6, true) & FRAME_FULL) !== 0, seq: dv.getUint32(8, true), rects }
}
