import { describe, expect, it } from 'vitest'
import { droppedMarker, resumeFrom } from './connection'

const enc = new TextEncoder()
const dec = new TextDecoder()

describe('resumeFrom: what a client that fell behind is sent from the scroll-back (issue 11, item 6)', () => {
  const history = enc.encode('one\r\ntwo\r\nthree\r\n')

  it('gives exactly the missed bytes when the scroll-back still holds them', () => {
    expect(resumeFrom(history, 7)).toEqual({ lost: 0, tail: enc.encode('three\r\n') })
    expect(resumeFrom(history, 0)).toEqual({ lost: 0, tail: new Uint8Array(0) })
    expect(resumeFrom(history, history.length).tail).toEqual(history)
  })

  it('counts what the scroll-back no longer holds as lost, and starts at a whole line', () => {
    // 30 missed, 18 kept: 12 lost, and "one\r\n" (cut at an unknown place) is dropped too.
    const { lost, tail } = resumeFrom(history, 30)
    expect(dec.decode(tail)).toBe('two\r\nthree\r\n')
    expect(lost + tail.length).toBe(30)
  })

  it('keeps a scroll-back without newlines whole', () => {
    expect(resumeFrom(enc.encode('abc'), 10)).toEqual({ lost: 7, tail: enc.encode('abc') })
  })

  it('marks the gap after cancelling any escape sequence the cut left open', () => {
    expect(dec.decode(droppedMarker(12))).toBe('\x18\r\n[l4lab: 12 bytes of output dropped; resynchronised]\r\n')
  })
})
