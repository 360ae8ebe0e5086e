import { describe, expect, it } from 'vitest'
import { WatchedDisplay } from './displays'
import { readFrame, type Display } from '../devices/display'

describe('WatchedDisplay', () => {
  it('does not look at a display whose writer did not run, and looks again when it did or a viewer needs it whole', () => {
    const ram = new Uint8Array(4096)
    let ran = 0
    const d: Display = {
      mode: { width: 16, height: 4, stride: 64 },
      pixels: () => ({ ram: () => ram, offsets: Int32Array.of(0) }),
      input: { key() {}, motion() {}, position() {}, wheel() {} },
      activity: () => ran,
    }
    const w = new WatchedDisplay(d)
    const first = readFrame(w.frame()!)
    expect(typeof first !== 'string' && [first.full, first.seq]).toEqual([true, 1])
    ram[0] = 7
    // The pixels changed but the activity says nobody ran: a stale picture is impossible in real owners.
    expect(w.frame()).toBeNull()
    ran++
    const next = readFrame(w.frame()!)
    expect(typeof next !== 'string' && [next.full, next.seq, next.rects.length]).toEqual([false, 2, 1])
    expect(w.frame()).toBeNull()
    w.watch(0, true)
    const whole = readFrame(w.frame()!)
    expect(typeof whole !== 'string' && [whole.full, whole.seq]).toEqual([true, 3])
  })
})
