import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Scrollback } from './scrollback'

describe('Scrollback', () => {
  it('keeps exactly the newest bytes, whatever the chunking', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 30 }), (cap, chunks) => {
        const s = new Scrollback(cap)
        const all: number[] = []
        for (const c of chunks) {
          s.append(c)
          all.push(...c)
        }
        expect([...s.snapshot()]).toEqual(all.slice(Math.max(0, all.length - cap)))
      }),
    )
  })
})
