import { describe, expect, it } from 'vitest'
import { InterruptLines } from '../hw/irq-line'
import { Pl031, Rtc, pl031Model } from './pl031'
import { deviceModel } from '.'

/** A clock the test moves by hand: 2024-01-01T00:00:00.250Z. */
function fakeClock(ms = 1_704_067_200_250) {
  const c = { now: ms, read: () => c.now, advance: (d: number) => (c.now += d) }
  return c
}

function rtc(clock = fakeClock()) {
  const lines = new InterruptLines(1)
  const dev = new Pl031({ irq: lines.line(0), clock: clock.read })
  const r = (off: number): number => Number(dev.read(off, 4))
  const w = (off: number, v: number): void => dev.write(off, 4, BigInt(v))
  return { dev, clock, lines, r, w }
}

describe('Pl031', () => {
  it('identifies as a PrimeCell PL031', () => {
    const { r } = rtc()
    const ids = Array.from({ length: 8 }, (_, i) => r(0xfe0 + 4 * i))
    expect(ids).toEqual([0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1])
  })

  it('counts the clock\'s seconds since the epoch, and from a loaded value after RTCLR', () => {
    const { r, w, clock } = rtc()
    expect(r(Rtc.DR)).toBe(1_704_067_200)
    clock.advance(749) // 00:00:00.999
    expect(r(Rtc.DR)).toBe(1_704_067_200)
    clock.advance(1)
    expect(r(Rtc.DR)).toBe(1_704_067_201)
    w(Rtc.LR, 1000)
    expect(r(Rtc.DR)).toBe(1000)
    expect(r(Rtc.LR)).toBe(1000)
    clock.advance(61_000)
    expect(r(Rtc.DR)).toBe(1061)
    // The count wraps at 2^32.
    w(Rtc.LR, 0xffffffff)
    clock.advance(1000)
    expect(r(Rtc.DR)).toBe(0)
  })

  it('keeps the start bit once set, as the TRM says', () => {
    const { r, w } = rtc()
    expect(r(Rtc.CR)).toBe(0)
    w(Rtc.CR, 1)
    w(Rtc.CR, 0)
    expect(r(Rtc.CR)).toBe(1)
  })

  it('raises the match interrupt when the count reaches RTCMR, masked by RTCIMSC and cleared by RTCICR', () => {
    const { dev, r, w, clock, lines } = rtc()
    const now = r(Rtc.DR)
    w(Rtc.MR, now + 3)
    w(Rtc.IMSC, 1)
    expect(dev.msUntilMatch()).toBe(2750) // three seconds less the quarter already gone
    clock.advance(2749)
    dev.poll()
    expect(r(Rtc.RIS)).toBe(0)
    expect(lines.level(0)).toBe(false)
    clock.advance(1)
    dev.poll()
    expect(r(Rtc.RIS)).toBe(1)
    expect(r(Rtc.MIS)).toBe(1)
    expect(lines.level(0)).toBe(true)
    w(Rtc.IMSC, 0)
    expect(lines.level(0)).toBe(false)
    expect(r(Rtc.RIS)).toBe(1)
    expect(r(Rtc.MIS)).toBe(0)
    w(Rtc.ICR, 1)
    expect(r(Rtc.RIS)).toBe(0)
    // The count passes RTCMR once: no second match until it wraps round.
    clock.advance(10_000)
    dev.poll()
    expect(r(Rtc.RIS)).toBe(0)
  })

  it('notices a match it polled past late, and a match equal to the count at once', () => {
    const { dev, r, w, clock } = rtc()
    w(Rtc.LR, 100)
    w(Rtc.MR, 105)
    clock.advance(60_000) // nobody polled at 105
    expect(r(Rtc.RIS)).toBe(1) // any register access checks
    w(Rtc.ICR, 1)
    w(Rtc.MR, r(Rtc.DR))
    expect(r(Rtc.RIS)).toBe(1)
    w(Rtc.ICR, 1)
    // Loading the count past RTCMR is not a match.
    w(Rtc.MR, 500)
    w(Rtc.LR, 600)
    dev.poll()
    expect(r(Rtc.RIS)).toBe(0)
  })

  it('ignores and counts accesses to no register and of other sizes', () => {
    const { dev, r, w } = rtc()
    expect(r(0x20)).toBe(0)
    w(0x800, 5)
    expect(dev.read(Rtc.DR, 1)).toBe(0n)
    dev.write(Rtc.MR, 2, 7n)
    expect(r(Rtc.MR)).toBe(0)
    expect(dev.ignored).toBe(4)
    expect(dev.lastIgnored).toBe(Rtc.MR)
    w(Rtc.DR, 5) // read-only, not an unknown register
    expect(dev.ignored).toBe(4)
  })

  it('saves and restores its registers', () => {
    const a = rtc()
    a.w(Rtc.LR, 42)
    a.w(Rtc.MR, 50)
    a.w(Rtc.IMSC, 1)
    const b = rtc(fakeClock(a.clock.now))
    b.dev.loadState(a.dev.saveState())
    expect(b.r(Rtc.DR)).toBe(42)
    expect(b.r(Rtc.MR)).toBe(50)
    expect(b.r(Rtc.IMSC)).toBe(1)
  })

  it('is in the device registry as arm,pl031', () => {
    expect(deviceModel('arm,pl031')).toBe(pl031Model)
    const dev = pl031Model.create({ name: 'rtc', irq: null, region: { base: 0x9010000, size: 0x1000 } })
    expect(dev.name).toBe('rtc')
    expect(dev.mmio?.read(0xfe0, 4)).toBe(0x31n)
  })
})

describe('PL031 alarm, as its owner polls it', () => {
  it('is armed only while the match interrupt is enabled and not latched', () => {
    let now = 1_000_000
    const dev = new Pl031({ clock: () => now })
    expect(dev.armed).toBe(false)
    dev.write(Rtc.MR, 4, BigInt(Math.floor(now / 1000) + 2))
    expect(dev.armed).toBe(false) // IMSC clear: a match would raise nothing
    dev.write(Rtc.IMSC, 4, 1n)
    expect(dev.armed).toBe(true)
    now += 2000
    dev.poll()
    expect(dev.read(Rtc.MIS, 4)).toBe(1n)
    expect(dev.armed).toBe(false) // latched: nothing more to wait for until the guest clears it
    dev.write(Rtc.ICR, 4, 1n)
    expect(dev.armed).toBe(true)
  })
})
