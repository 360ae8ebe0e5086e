import { afterEach, describe, expect, it } from 'vitest'
import { decodeBase64, useHostBase64 } from './base64'

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

describe('decodeBase64 with a decoder the host lends', () => {
  afterEach(() => useHostBase64(null))

  it('returns what the host decoded', () => {
    const calls: string[] = []
    useHostBase64((t) => {
      calls.push(t)
      return new Uint8Array(Buffer.from(t, 'base64'))
    })
    expect(decodeBase64('QUJDRA==')).toEqual(new Uint8Array([65, 66, 67, 68]))
    expect(calls).toEqual(['QUJDRA=='])
  })

  it('goes through its own loop when the host skipped characters (a lenient decoder), and says where', () => {
    useHostBase64((t) => new Uint8Array(Buffer.from(t, 'base64')))
    expect(new Uint8Array(Buffer.from('QUJD*A==', 'base64')).length).not.toBe(4)
    expect(() => decodeBase64('QUJD*A==')).toThrow(/"\*" at 4/)
  })

  it('refuses a cut length whatever the host would make of it', () => {
    useHostBase64((t) => new Uint8Array(Buffer.from(t, 'base64')))
    expect(() => decodeBase64('QUJDRA=')).toThrow(/multiple of 4/)
  })
})
