import { describe, expect, it } from 'vitest'
import { DisplayScanner, readFrame, type PixelPages } from './display'

/** A framebuffer of `pages` pages scattered over a RAM buffer in reverse order (not contiguous). */
function scattered(width: number, height: number, stride = width * 4): { pages: PixelPages; put(x: number, y: number, xrgb: number): void } {
  const n = Math.ceil((stride * height) / 4096)
  const ram = new Uint8Array((n + 2) * 4096)
  const offsets = new Int32Array(n)
  for (let i = 0; i < n; i++) offsets[i] = (n - i) * 4096
  const dv = new DataView(ram.buffer)
  return {
    pages: { ram: () => ram, offsets },
    put(x, y, v) {
      const b = y * stride + x * 4
      dv.setUint32(offsets[b >>> 12] + (b & 4095), v, true)
    },
  }
}

function pixel(frame: Uint8Array, r: { x: number; y: number; w: number; pixels: number }, x: number, y: number): number[] {
  const o = r.pixels + ((y - r.y) * r.w + (x - r.x)) * 4
  return [...frame.subarray(o, o + 4)]
}

describe('DisplayScanner', () => {
  it('sends the whole display first, then only what changed, as RGBA', () => {
    const fb = scattered(100, 40, 416)
    fb.put(3, 2, 0x00112233)
    const s = new DisplayScanner({ width: 100, height: 40, stride: 416 })
    const first = readFrame(s.scan(fb.pages)!.slice())
    if (typeof first === 'string') throw new Error(first)
    expect(first.full).toBe(true)
    expect(first.rects.map((r) => [r.x, r.y, r.w, r.h])).toEqual([[0, 0, 100, 16], [0, 16, 100, 16], [0, 32, 100, 8]])
    expect(s.scan(fb.pages)).toBeNull()
    fb.put(70, 20, 0x00ff8000)
    fb.put(10, 22, 0x000000ff)
    const f = s.scan(fb.pages)!.slice()
    const next = readFrame(f)
    if (typeof next === 'string') throw new Error(next)
    expect(next.full).toBe(false)
    expect(next.rects.map((r) => [r.x, r.y, r.w, r.h])).toEqual([[10, 20, 61, 3]])
    expect(pixel(f, next.rects[0], 70, 20)).toEqual([0xff, 0x80, 0x00, 0xff])
    expect(pixel(f, next.rects[0], 10, 22)).toEqual([0, 0, 0xff, 0xff])
  })

  it('reads pixels across page boundaries inside a row', () => {
    // 1500 × 4 = 6000 bytes a row: every row straddles a page boundary.
    const fb = scattered(1500, 3)
    const s = new DisplayScanner({ width: 1500, height: 3, stride: 6000 })
    s.scan(fb.pages)
    fb.put(1023, 1, 0x00010203)
    fb.put(1024, 1, 0x00040506)
    const f = s.scan(fb.pages)!.slice()
    const fr = readFrame(f)
    if (typeof fr === 'string') throw new Error(fr)
    expect(fr.rects.map((r) => [r.x, r.y, r.w, r.h])).toEqual([[1023, 1, 2, 1]])
    expect(pixel(f, fr.rects[0], 1024, 1)).toEqual([4, 5, 6, 255])
  })

  it('with write tracking compares only the pages written since the last scan', () => {
    // 1024 × 4 bytes a row: one page a row.
    const fb = scattered(1024, 8)
    const marks = new Uint8Array(fb.pages.offsets.length).fill(1)
    let collected = 0
    const pages: PixelPages = {
      ...fb.pages,
      writes: {
        track: () => {},
        collect: (written) => {
          collected++
          written.set(marks)
          marks.fill(0)
          return written.reduce((a, b) => a + b, 0)
        },
      },
    }
    const s = new DisplayScanner({ width: 1024, height: 8, stride: 4096 })
    expect(readFrame(s.scan(pages)!.slice())).toMatchObject({ full: true })
    // A store the tracker did not note (no page marked) is not looked for: nothing to compare.
    fb.put(5, 3, 0x00abcdef)
    expect(s.scan(pages)).toBeNull()
    // Row 6's page marked: row 6 is compared, row 3 (unmarked) still not.
    fb.put(9, 6, 0x00123456)
    marks[6] = 1
    const fr = readFrame(s.scan(pages)!.slice())
    if (typeof fr === 'string') throw new Error(fr)
    expect(fr.rects.map((r) => [r.x, r.y, r.w, r.h])).toEqual([[9, 6, 1, 1]])
    // A full scan compares everything (and takes the marks).
    s.invalidate()
    const full = readFrame(s.scan(pages)!.slice())
    if (typeof full === 'string') throw new Error(full)
    expect(full.full).toBe(true)
    expect(collected).toBe(4)
  })

  it('sends everything again after invalidate', () => {
    const fb = scattered(8, 8)
    const s = new DisplayScanner({ width: 8, height: 8, stride: 32 })
    s.scan(fb.pages)
    s.invalidate()
    const fr = readFrame(s.scan(fb.pages)!)
    expect(typeof fr !== 'string' && fr.full && fr.rects[0].w * fr.rects[0].h).toBe(64)
  })

  it('refuses modes it cannot scan', () => {
    expect(() => new DisplayScanner({ width: 10, height: 10, stride: 30 })).toThrow(/stride 30/)
    expect(() => new DisplayScanner({ width: 0, height: 10, stride: 40 })).toThrow()
  })
})
