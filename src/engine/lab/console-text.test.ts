import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { CrLf } from './console-text'

const enc = new TextEncoder()
const dec = new TextDecoder()

describe('CrLf', () => {
  it('turns LF into CR LF and leaves CR LF alone', () => {
    const c = new CrLf()
    expect(dec.decode(c.convert(enc.encode('a\nb\r\nc\n\n')))).toBe('a\r\nb\r\nc\r\n\r\n')
  })

  it('keeps a CR LF whole when the write ends between its CR and its LF', () => {
    const c = new CrLf()
    expect(dec.decode(c.convert(enc.encode('y\r')))).toBe('y\r')
    expect(dec.decode(c.convert(enc.encode('\ny\n')))).toBe('\ny\r\n')
  })

  it('gives the same bytes however the text is cut into writes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '\n', '\r', '\r\n', 'é'), { maxLength: 40 }), fc.array(fc.nat(40), { maxLength: 6 }), (parts, cuts) => {
        const text = enc.encode(parts.join(''))
        const whole = dec.decode(new CrLf().convert(text))
        const c = new CrLf()
        const points = [...new Set(cuts.map((x) => x % (text.length + 1)))].sort((x, y) => x - y)
        let pieces = ''
        let at = 0
        for (const p of [...points, text.length]) {
          pieces += dec.decode(c.convert(text.subarray(at, p)), { stream: true })
          at = p
        }
        // The reference: every LF not right after a CR gets one.
        return whole === parts.join('').replace(/(?<!\r)\n/g, '\r\n') && pieces === whole
      }),
      { numRuns: 2000 },
    )
  })
})
