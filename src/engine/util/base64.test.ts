import { describe, expect, it } from 'vitest'
import { decodeBase64 } from './base64'

describe('decodeBase64', () => {
  it('decodes what Node encodes, every length mod 3 and every byte value', () => {
    for (let n = 0; n < 300; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 151 + n * 7) & 0xff)
      expect(decodeBase64(Buffer.from(bytes).toString('base64'))).toEqual(bytes)
    }
  })

  it('says where a bad character is, and refuses a cut length', () => {
    expect(() => decodeBase64('QUJD*A==')).toThrow(/"\*" at 4/)
    expect(() => decodeBase64('QUJ€')).toThrow(/at 3/)
    expect(() => decodeBase64('QUJDRA=')).toThrow(/multiple of 4/)
  })
})
