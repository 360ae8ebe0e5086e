import { describe, expect, it } from 'vitest'
import { Screen } from './screen'
import { frame } from '../testing/frames'

const px = (s: Screen, x: number, y: number) => [...s.pixels.subarray((y * s.width + x) * 4, (y * s.width + x) * 4 + 4)]

describe('Screen', () => {
  it('applies rectangles where they belong and lists them', () => {
    const s = new Screen(8, 4)
    expect(s.apply(frame(8, 4, 1, true, [{ x: 0, y: 0, w: 8, h: 4, rgba: [1, 2, 3, 255] }]))).toBeNull()
    expect(s.needsFull).toBe(false)
    expect(s.apply(frame(8, 4, 2, false, [{ x: 6, y: 2, w: 2, h: 1, rgba: [9, 9, 9, 255] }]))).toBeNull()
    expect(s.dirty).toEqual([{ x: 6, y: 2, w: 2, h: 1 }])
    expect(px(s, 7, 2)).toEqual([9, 9, 9, 255])
    expect(px(s, 5, 2)).toEqual([1, 2, 3, 255])
    expect(s.frames).toBe(2)
  })

  it('needs a whole frame after a gap in the sequence, until one comes', () => {
    const s = new Screen(4, 4)
    expect(s.needsFull).toBe(true)
    s.apply(frame(4, 4, 1, true, []))
    s.apply(frame(4, 4, 3, false, []))
    expect(s.needsFull).toBe(true)
    s.apply(frame(4, 4, 4, false, []))
    expect(s.needsFull).toBe(true)
    s.apply(frame(4, 4, 5, true, []))
    expect(s.needsFull).toBe(false)
  })

  it('refuses frames that do not fit, changing nothing', () => {
    const s = new Screen(4, 4)
    expect(s.apply(new Uint8Array(5))).toMatch(/header/)
    expect(s.apply(frame(8, 4, 1, true, []))).toMatch(/another size/)
    expect(s.apply(frame(4, 4, 1, true, [{ x: 3, y: 0, w: 2, h: 1, rgba: [1, 1, 1, 1] }]))).toMatch(/outside/)
    const short = frame(4, 4, 1, true, [{ x: 0, y: 0, w: 2, h: 2, rgba: [1, 1, 1, 1] }])
    expect(s.apply(short.subarray(0, short.length - 1))).toMatch(/past the end/)
    expect(s.frames).toBe(0)
    expect(px(s, 0, 0)).toEqual([0, 0, 0, 0])
  })
})
