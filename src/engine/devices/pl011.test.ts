import { describe, expect, it } from 'vitest'
import { InterruptLines } from '../hw/irq-line'
import { FR_RXFE, FR_RXFF, FR_TXFE, INT_RT, INT_RX, INT_TX, Pl011, RX_FIFO_DEPTH, Uart } from './pl011'

// Linux's amba-pl011 values (include/linux/amba/serial.h).
const CR_UARTEN = 0x001
const CR_TXE = 0x100
const CR_RXE = 0x200
const LCR_H_WLEN8_FEN = 0x70
const IFLS_RX4_8_TX4_8 = 0x12
const INT_ERRORS = 0x780 // OE, BE, PE, FE

function uart() {
  const out: number[] = []
  const lines = new InterruptLines(1)
  const dev = new Pl011((b) => out.push(b), { irq: lines.line(0) })
  const r = (off: number): number => Number(dev.read(off, 4))
  const w = (off: number, v: number): void => dev.write(off, 4, BigInt(v))
  const irq = (): boolean => lines.level(0)
  return { dev, out, r, w, irq, lines }
}

/** pl011_startup as Linux 6.1 runs it, FIFO on (pl011_hwinit, IFLS, CR, LCR_H, pl011_enable_interrupts). */
function linuxStartup(u: ReturnType<typeof uart>): void {
  u.w(Uart.ICR, INT_ERRORS | INT_RT | INT_RX)
  u.w(Uart.IMSC, INT_RT | INT_RX)
  u.w(Uart.IFLS, IFLS_RX4_8_TX4_8)
  u.w(Uart.CR, CR_UARTEN | CR_TXE | CR_RXE)
  u.w(Uart.LCR_H, LCR_H_WLEN8_FEN)
  u.w(Uart.ICR, INT_RT | INT_RX)
  for (let i = 0; i < 64 && !(u.r(Uart.FR) & FR_RXFE); i++) u.r(Uart.DR)
  u.w(Uart.IMSC, INT_RT | INT_RX)
}

/** pl011_int: handles until RIS & IMSC is clear; returns the bytes read and the passes it took. */
function linuxInterrupt(u: ReturnType<typeof uart>): { got: number[]; passes: number } {
  const got: number[] = []
  let passes = 0
  let status = u.r(Uart.RIS) & u.r(Uart.IMSC)
  while (status !== 0 && passes < 256) {
    passes++
    u.w(Uart.ICR, status & ~(INT_TX | INT_RT | INT_RX))
    if (status & (INT_RT | INT_RX)) {
      // pl011_fifo_to_tty: at most 256 bytes a pass, until RXFE.
      for (let i = 0; i < 256 && !(u.r(Uart.FR) & FR_RXFE); i++) got.push(u.r(Uart.DR) & 0xff)
    }
    status = u.r(Uart.RIS) & u.r(Uart.IMSC)
  }
  return { got, passes }
}

describe('Pl011 transmit', () => {
  it('sends UARTDR writes to the output and never reports the transmitter full', () => {
    const out: number[] = []
    const dev = new Pl011((b) => out.push(b)) // the bare machine's constructor
    dev.write(Uart.DR, 4, 0x141n)
    dev.write(Uart.DR, 1, 0x42n)
    expect(out).toEqual([0x41, 0x42])
    expect(dev.read(Uart.FR, 4)).toBe(BigInt(FR_TXFE | FR_RXFE))
    expect(dev.read(Uart.CR, 4)).toBe(0x300n) // reset: TXE and RXE, UARTEN clear
  })

  it('identifies as a PL011 r1p5, which Linux gives a 32-byte FIFO', () => {
    const { r } = uart()
    expect(Array.from({ length: 8 }, (_, i) => r(0xfe0 + 4 * i))).toEqual([0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1])
  })

  it('raises TX after every write, until UARTICR clears it', () => {
    const u = uart()
    u.w(Uart.IMSC, INT_TX)
    expect(u.irq()).toBe(false)
    u.w(Uart.DR, 0x61)
    expect(u.r(Uart.RIS)).toBe(INT_TX)
    expect(u.irq()).toBe(true)
    u.w(Uart.ICR, INT_TX)
    expect(u.irq()).toBe(false)
    u.w(Uart.DR, 0x62)
    u.w(Uart.IMSC, 0)
    expect(u.irq()).toBe(false)
    expect(u.r(Uart.RIS)).toBe(INT_TX)
    expect(u.r(Uart.MIS)).toBe(0)
  })
})

describe('Pl011 receive', () => {
  it('takes nothing while the UART or its receiver is disabled', () => {
    const u = uart()
    expect(u.dev.input([0x61])).toBe(0)
    u.w(Uart.CR, CR_UARTEN | CR_TXE)
    expect(u.dev.input([0x61])).toBe(0)
    u.w(Uart.CR, CR_UARTEN | CR_RXE)
    expect(u.dev.input([0x61])).toBe(1)
  })

  it('holds one byte with the FIFO off, and raises RX for it', () => {
    const u = uart()
    u.w(Uart.CR, CR_UARTEN | CR_TXE | CR_RXE)
    u.w(Uart.IMSC, INT_RX | INT_RT)
    expect(u.dev.input(new Uint8Array([0x61, 0x62]))).toBe(1)
    expect(u.r(Uart.FR) & (FR_RXFE | FR_RXFF)).toBe(FR_RXFF)
    expect(u.r(Uart.RIS)).toBe(INT_RX)
    expect(u.irq()).toBe(true)
    expect(u.r(Uart.DR)).toBe(0x61)
    expect(u.r(Uart.FR) & (FR_RXFE | FR_RXFF)).toBe(FR_RXFE)
    expect(u.irq()).toBe(false)
    expect(u.r(Uart.DR)).toBe(0) // empty
    expect(u.dev.input([0x62])).toBe(1)
    expect(u.r(Uart.DR)).toBe(0x62)
  })

  it('fills a 32-entry FIFO, raising RX at the trigger level and RT below it', () => {
    const u = uart()
    linuxStartup(u)
    expect(u.dev.input(new Uint8Array(40).map((_, i) => 0x30 + i))).toBe(RX_FIFO_DEPTH)
    expect(u.r(Uart.FR) & FR_RXFF).toBe(FR_RXFF)
    expect(u.r(Uart.RIS)).toBe(INT_RX) // 32 ≥ 16, the 1/2 trigger
    expect(u.dev.input([1])).toBe(0) // full
    for (let i = 0; i < 16; i++) expect(u.r(Uart.DR)).toBe(0x30 + i)
    expect(u.r(Uart.RIS)).toBe(INT_RX) // 16 left: still at the level
    u.r(Uart.DR)
    expect(u.r(Uart.RIS)).toBe(INT_RT) // 15 wait below it
    expect(u.irq()).toBe(true)
    for (let i = 0; i < 15; i++) u.r(Uart.DR)
    expect(u.r(Uart.RIS)).toBe(0)
    expect(u.irq()).toBe(false)
  })

  it('raises RT for a few typed bytes, clearable by UARTICR until the next byte', () => {
    const u = uart()
    linuxStartup(u)
    expect(u.dev.input([0x6c, 0x73])).toBe(2)
    expect(u.r(Uart.RIS)).toBe(INT_RT)
    expect(u.irq()).toBe(true)
    u.w(Uart.ICR, INT_RT)
    expect(u.irq()).toBe(false)
    u.dev.input([0x0a])
    expect(u.irq()).toBe(true)
    expect(u.dev.pending).toBe(3)
  })

  it('lets Linux\'s interrupt handler read what was typed and leaves the line low', () => {
    const u = uart()
    linuxStartup(u)
    expect(u.irq()).toBe(false)
    const typed = new TextEncoder().encode('ls -l\n')
    u.dev.input(typed)
    expect(u.irq()).toBe(true)
    const a = linuxInterrupt(u)
    expect(String.fromCharCode(...a.got)).toBe('ls -l\n')
    expect(a.passes).toBe(1)
    expect(u.irq()).toBe(false)
    // A paste longer than the FIFO: the host side keeps the rest and offers it again.
    const paste = new Uint8Array(100).map((_, i) => 0x41 + (i % 26))
    const got: number[] = []
    for (let at = 0; at < paste.length; ) {
      at += u.dev.input(paste.subarray(at))
      expect(u.irq()).toBe(true)
      got.push(...linuxInterrupt(u).got)
      expect(u.irq()).toBe(false)
    }
    expect(got).toEqual([...paste])
  })

  it('ignores and counts accesses to no register', () => {
    const u = uart()
    expect(u.r(0x50)).toBe(0)
    u.w(0x800, 1)
    u.dev.read(Uart.DR, 8)
    expect(u.dev.ignored).toBe(3)
    expect(u.dev.lastIgnored).toBe(Uart.DR)
    u.w(Uart.FR, 0) // read-only, not unknown
    expect(u.dev.ignored).toBe(3)
  })
})
