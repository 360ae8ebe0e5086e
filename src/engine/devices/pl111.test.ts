import { describe, expect, it } from 'vitest'
import { InterruptLines } from '../hw/irq-line'
import { Bpp, Clcd, ClcdInt, Cntl, Pl111 } from './pl111'

function clcd() {
  const lines = new InterruptLines(1)
  const clock = { ns: 0 }
  let changes = 0
  const dev = new Pl111({ irq: lines.line(0), clock: () => clock.ns, onChange: () => changes++ })
  const r = (off: number): number => Number(dev.read(off, 4))
  const w = (off: number, v: number): void => dev.write(off, 4, BigInt(v))
  return { dev, lines, clock, r, w, changes: () => changes }
}

/** What Linux's amba-clcd writes for a 1024×768 panel at 32 bpp (TFT, BGR, Vcomp at the back porch). */
function program1024x768(w: (off: number, v: number) => void, base = 0x4800_0000): void {
  w(Clcd.TIMING0, (((1024 / 16) - 1) << 2) | (135 << 8) | (23 << 16) | (159 << 24))
  w(Clcd.TIMING1, (768 - 1) | (5 << 10) | (2 << 16) | (28 << 24))
  w(Clcd.TIMING2, (1 << 26) | ((1024 - 1) << 16))
  w(Clcd.TIMING3, 0)
  w(Clcd.UPBASE, base)
  w(Clcd.LPBASE, base + 1024 * 4 * 384)
  const cntl = Cntl.TFT | Cntl.BGR | (Bpp.BPP24 << Cntl.BPP_SHIFT) | (1 << 12)
  w(Clcd.CONTROL, cntl | Cntl.LCDEN)
  w(Clcd.CONTROL, cntl | Cntl.LCDEN | Cntl.LCDPWR)
}

describe('Pl111', () => {
  it('identifies as a PrimeCell PL111 (part 0x111, Arm), so that the AMBA bus binds amba-clcd', () => {
    const { r } = clcd()
    const ids = Array.from({ length: 8 }, (_, i) => r(Clcd.ID + 4 * i))
    expect(ids).toEqual([0x11, 0x11, 0x24, 0x00, 0x0d, 0xf0, 0x05, 0xb1])
    const periph = ids[0] | (ids[1] << 8) | (ids[2] << 16) | (ids[3] << 24)
    expect(periph & 0xfff).toBe(0x111)
    expect((periph >>> 12) & 0xff).toBe(0x41)
  })

  it('shows nothing until enabled and powered, then the mode the timing and control registers give', () => {
    const { dev, w, r, changes } = clcd()
    expect(typeof dev.scanout()).toBe('string')
    program1024x768(w)
    expect(dev.scanout()).toEqual({ base: 0x4800_0000, width: 1024, height: 768, stride: 4096 })
    expect(r(Clcd.UPBASE)).toBe(0x4800_0000)
    expect(r(Clcd.UPCURR)).toBe(0x4800_0000)
    expect(r(Clcd.TIMING1)).toBe((768 - 1) | (5 << 10) | (2 << 16) | (28 << 24))
    expect(changes()).toBeGreaterThan(0)
    // Blanking (LcdPwr off) shows nothing again.
    w(Clcd.CONTROL, r(Clcd.CONTROL) & ~Cntl.LCDPWR)
    expect(dev.scanout()).toMatch(/off/)
  })

  it('describes the formats the lab cannot show instead of showing garbage', () => {
    const { dev, w, r } = clcd()
    program1024x768(w)
    const cntl = r(Clcd.CONTROL)
    w(Clcd.CONTROL, (cntl & ~Cntl.BPP_MASK) | (Bpp.BPP16_565 << Cntl.BPP_SHIFT))
    expect(dev.scanout()).toMatch(/16 bpp/)
    w(Clcd.CONTROL, cntl & ~Cntl.BGR)
    expect(dev.scanout()).toMatch(/BGR clear/)
    w(Clcd.CONTROL, cntl | Cntl.BEBO)
    expect(dev.scanout()).toMatch(/big-endian/)
    w(Clcd.CONTROL, cntl)
    expect(typeof dev.scanout()).toBe('object')
  })

  it('raises the next-base interrupt on a new UPBASE, masked by IMSC, cleared by ICR', () => {
    const { w, r, lines } = clcd()
    w(Clcd.UPBASE, 0x4000_1003)
    expect(r(Clcd.UPBASE)).toBe(0x4000_1000)
    expect(r(Clcd.RIS) & ClcdInt.LNBU).toBe(ClcdInt.LNBU)
    expect(r(Clcd.MIS)).toBe(0)
    expect(lines.level(0)).toBe(false)
    w(Clcd.IMSC, ClcdInt.LNBU | 0x100)
    expect(r(Clcd.IMSC)).toBe(ClcdInt.LNBU)
    expect(r(Clcd.MIS)).toBe(ClcdInt.LNBU)
    expect(lines.level(0)).toBe(true)
    w(Clcd.ICR, ClcdInt.LNBU)
    expect(r(Clcd.RIS) & ClcdInt.LNBU).toBe(0)
    expect(lines.level(0)).toBe(false)
  })

  it('latches Vcomp once per frame of the clock while enabled', () => {
    const { dev, w, r, clock, lines } = clcd()
    w(Clcd.IMSC, ClcdInt.VCOMP)
    clock.ns = 1e9
    dev.poll()
    expect(r(Clcd.RIS) & ClcdInt.VCOMP).toBe(0) // disabled: no frames
    program1024x768(w)
    w(Clcd.ICR, ClcdInt.ALL)
    expect(lines.level(0)).toBe(false)
    clock.ns += 1e9 / 120
    dev.poll()
    clock.ns += 1e9 / 60
    dev.poll()
    expect(r(Clcd.MIS)).toBe(ClcdInt.VCOMP)
    expect(lines.level(0)).toBe(true)
    w(Clcd.ICR, ClcdInt.VCOMP)
    expect(lines.level(0)).toBe(false)
    dev.poll() // same frame: nothing new
    expect(r(Clcd.RIS) & ClcdInt.VCOMP).toBe(0)
  })

  it('keeps the palette and cursor registers, ignores other offsets and odd sizes and counts them', () => {
    const { dev, w, r } = clcd()
    w(Clcd.PALETTE + 8, 0x7fff_001f)
    expect(r(Clcd.PALETTE + 8)).toBe(0x7fff_001f)
    w(Clcd.CURSOR + 4, 5)
    expect(r(Clcd.CURSOR + 4)).toBe(5)
    expect(r(0x800)).toBe(0)
    w(0x800, 1)
    expect(Number(dev.read(Clcd.CONTROL, 1))).toBe(0)
    expect(dev.ignored).toBe(3)
    expect(dev.lastIgnored).toBe(Clcd.CONTROL)
    w(Clcd.RIS, 0xff) // read-only
    expect(r(Clcd.RIS)).toBe(0)
  })

  it('saves and loads its state', () => {
    const a = clcd()
    program1024x768(a.w, 0x4100_0000)
    const b = clcd()
    b.dev.loadState(a.dev.saveState())
    expect(b.dev.scanout()).toEqual(a.dev.scanout())
    expect(b.r(Clcd.TIMING0)).toBe(a.r(Clcd.TIMING0))
  })
})
