import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { SampleRing } from './ring'

describe('SampleRing', () => {
  it('keeps the newest `capacity` samples, oldest first, against a plain array that keeps everything', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.oneof(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), fc.constant(NaN)), { maxLength: 80 }), (capacity, values) => {
        const ring = new SampleRing(capacity, 2)
        const all: [number, number, number][] = []
        values.forEach((v, i) => {
          ring.push(i, [v, -i])
          all.push([i, v, -i])
        })
        const kept = all.slice(-capacity)
        expect(ring.length).toBe(kept.length)
        const n = ring.length
        expect([...ring.timesSince(-Infinity)]).toEqual(kept.map((r) => r[0]))
        expect(ring.read(0, n, [])).toEqual(kept.map((r) => (Number.isNaN(r[1]) ? null : r[1])))
        expect(ring.read(1, n, [])).toEqual(kept.map((r) => r[2]))
        if (n > 0) expect(ring.newestTime).toBe(kept[n - 1][0])
      }),
    )
  })

  it('finds the samples of a time window by their times', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 50 }), fc.double({ min: -5, max: 60, noNaN: true }), (capacity, pushes, since) => {
        const ring = new SampleRing(capacity, 1)
        for (let i = 0; i < pushes; i++) ring.push(i * 0.5, [i])
        const kept = Array.from({ length: Math.min(pushes, capacity) }, (_, k) => (pushes - Math.min(pushes, capacity) + k) * 0.5)
        const want = kept.filter((t) => t >= since)
        expect(ring.countSince(since)).toBe(want.length)
        expect([...ring.timesSince(since)]).toEqual(want)
        // The values read for that count are the same samples' values.
        expect(ring.read(0, want.length, [])).toEqual(want.map((t) => t / 0.5))
      }),
    )
  })

  it('holds the same memory however many samples come, and a missing column value is NaN', () => {
    const ring = new SampleRing(4, 3)
    for (let i = 0; i < 10_000; i++) ring.push(i, [i])
    expect(ring.length).toBe(4)
    expect(ring.latest(0)).toBe(9_999)
    expect(ring.latest(2)).toBeNaN()
    expect(() => new SampleRing(0, 1)).toThrow(/capacity/)
  })
})
