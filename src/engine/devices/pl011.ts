/**
 * PL011 UART (Arm PrimeCell UART r1p5, DDI 0183), the console of QEMU virt
 * and of arm-ve. What a guest writes to UARTDR goes to `output` at once, so
 * the flag register says the transmitter is never full nor busy and polling
 * drivers go straight on. What the host types comes in through `input`,
 * into a receive FIFO of 32 entries (one with UARTLCR_H.FEN clear), taken
 * only while UARTCR enables the UART and its receiver.
 *
 * Interrupts, as Linux's amba-pl011 relies on them, on one optional line
 * (UARTINTR: UARTRIS & UARTIMSC):
 * - RX (bit 4) rises when the FIFO fills to the UARTIFLS trigger level and
 *   clears when reads take it below again, or by UARTICR. It is raised on
 *   the crossing only: Linux drains the FIFO after clearing it for that
 *   reason (pl011_enable_interrupts).
 * - RT (bit 6), the receive timeout: data waits below the trigger level. A
 *   real UART waits 32 bit periods of silence first; bytes arrive here in
 *   whole deliveries, so the silence is there as soon as one ends. Clears
 *   when the FIFO empties, or by UARTICR until the next byte.
 * - TX (bit 5): transmission is instant, so every write to UARTDR leaves the
 *   FIFO empty, below any trigger level, and sets it, as QEMU does; UARTICR
 *   clears it. Linux writes while UARTFR.TXFF is clear and enables TXIM only
 *   when it has more to send than it wrote.
 *
 * The identification registers are the PrimeCell's (r1p5: revision 3, which
 * Linux's amba-pl011 reads as a 32-byte FIFO), read by Linux's amba bus to
 * bind its driver.
 *
 * Device tree (QEMU virt): `pl011@9000000 { compatible = "arm,pl011",
 * "arm,primecell"; reg = <0x0 0x9000000 0x0 0x1000>; interrupts = <0 1 4>;
 * clocks = <&apb_pclk &apb_pclk>; clock-names = "uartclk", "apb_pclk"; }`.
 */
import type { AccessSize, MmioDevice } from '../hw/mmio-bus'
import type { IrqLine } from '../hw/irq-line'

export const enum Uart {
  DR = 0x00,
  RSR = 0x04,
  FR = 0x18,
  ILPR = 0x20,
  IBRD = 0x24,
  FBRD = 0x28,
  LCR_H = 0x2c,
  CR = 0x30,
  IFLS = 0x34,
  IMSC = 0x38,
  RIS = 0x3c,
  MIS = 0x40,
  ICR = 0x44,
  DMACR = 0x48,
  /** UARTPeriphID0–3, UARTPCellID0–3. */
  ID = 0xfe0,
}

/** UARTPeriphID0-3 (part 0x011, Arm, revision 3: r1p5) and UARTPCellID0-3 at 0xFE0..0xFFC. */
const IDS = [0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1]
export const FR_RXFE = 1 << 4
export const FR_TXFF = 1 << 5
export const FR_RXFF = 1 << 6
export const FR_TXFE = 1 << 7
const LCR_H_FEN = 1 << 4
const CR_UARTEN = 1 << 0
const CR_RXE = 1 << 9
/** UARTCR after reset: transmitter and receiver enabled, the UART not (TRM, UARTCR). */
const CR_RESET = 0x0300
/** UARTIFLS after reset: both trigger levels at half full. */
const IFLS_RESET = 0x12
export const INT_RX = 1 << 4
export const INT_TX = 1 << 5
export const INT_RT = 1 << 6
/** The eleven interrupt bits of UARTIMSC/RIS/MIS/ICR. */
const INT_ALL = 0x7ff
export const RX_FIFO_DEPTH = 32
/** UARTIFLS.RXIFLSEL → entries: 1/8, 1/4, 1/2, 3/4, 7/8 full. */
const RX_TRIGGER = [4, 8, 16, 24, 28]

export interface Pl011Options {
  /** UARTINTR, the combined interrupt line. */
  irq?: IrqLine | null
}

export class Pl011 implements MmioDevice {
  private readonly irq: IrqLine | null
  private readonly fifo = new Uint8Array(RX_FIFO_DEPTH)
  private head = 0
  private count = 0
  /** Latched interrupt bits (RX, TX); RT is computed. */
  private latched = 0
  /** UARTICR cleared RT; the next byte received arms it again. */
  private rtCleared = false
  private lcrH = 0
  private cr = CR_RESET
  private ifls = IFLS_RESET
  private imsc = 0
  private ilpr = 0
  private ibrd = 0
  private fbrd = 0
  private dmacr = 0
  /** Accesses to no register (read as zero, ignored), and the offset of the last. */
  ignored = 0
  lastIgnored = -1

  constructor(
    private readonly output: (byte: number) => void,
    opts: Pl011Options = {},
  ) {
    this.irq = opts.irq ?? null
  }

  /**
   * Bytes from the host's side of the line: as many as the receive FIFO has
   * room for while the receiver is enabled. Returns how many it took; the
   * caller keeps the rest for later.
   */
  input(bytes: ArrayLike<number>): number {
    if ((this.cr & (CR_UARTEN | CR_RXE)) !== (CR_UARTEN | CR_RXE)) return 0
    const trigger = this.trigger()
    const before = this.count
    let taken = 0
    while (taken < bytes.length && this.count < this.depth()) {
      this.fifo[(this.head + this.count) % RX_FIFO_DEPTH] = bytes[taken++] & 0xff
      this.count++
    }
    if (taken === 0) return 0
    if (before < trigger && this.count >= trigger) this.latched |= INT_RX
    this.rtCleared = false
    this.update()
    return taken
  }

  /** Bytes waiting in the receive FIFO. */
  get pending(): number {
    return this.count
  }

  read(off: number, size: AccessSize): bigint {
    if (size > 4 || (off & 3) !== 0) return this.ignore(off)
    switch (off) {
      case Uart.DR: return BigInt(this.pop())
      case Uart.RSR: return 0n // no framing, parity, break or overrun errors
      case Uart.FR: return BigInt(this.flags())
      case Uart.ILPR: return BigInt(this.ilpr)
      case Uart.IBRD: return BigInt(this.ibrd)
      case Uart.FBRD: return BigInt(this.fbrd)
      case Uart.LCR_H: return BigInt(this.lcrH)
      case Uart.CR: return BigInt(this.cr)
      case Uart.IFLS: return BigInt(this.ifls)
      case Uart.IMSC: return BigInt(this.imsc)
      case Uart.RIS: return BigInt(this.ris())
      case Uart.MIS: return BigInt(this.ris() & this.imsc)
      case Uart.ICR: return 0n // write-only
      case Uart.DMACR: return BigInt(this.dmacr)
    }
    if (off >= Uart.ID && off < 0x1000) return BigInt(IDS[(off - Uart.ID) >> 2])
    return this.ignore(off)
  }

  write(off: number, size: AccessSize, v: bigint): void {
    if (size > 4 || (off & 3) !== 0) {
      this.ignore(off)
      return
    }
    const x = Number(v & 0xffffn)
    switch (off) {
      case Uart.DR:
        this.output(x & 0xff)
        this.latched |= INT_TX
        break
      case Uart.RSR: break // UARTECR: clears errors there are none of
      case Uart.ILPR: this.ilpr = x & 0xff; break
      case Uart.IBRD: this.ibrd = x; break
      case Uart.FBRD: this.fbrd = x & 0x3f; break
      case Uart.LCR_H: this.lcrH = x & 0xff; break
      case Uart.CR: this.cr = x; break
      case Uart.IFLS: this.ifls = x & 0x3f; break
      case Uart.IMSC: this.imsc = x & INT_ALL; break
      case Uart.ICR:
        this.latched &= ~x
        if (x & INT_RT) this.rtCleared = true
        break
      case Uart.DMACR: this.dmacr = x & 7; break
      case Uart.FR: case Uart.RIS: case Uart.MIS: return // read-only
      default:
        if (!(off >= Uart.ID && off < 0x1000)) this.ignore(off)
        return
    }
    this.update()
  }

  private pop(): number {
    if (this.count === 0) return 0
    const b = this.fifo[this.head]
    this.head = (this.head + 1) % RX_FIFO_DEPTH
    this.count--
    if (this.count < this.trigger()) this.latched &= ~INT_RX
    this.update()
    return b
  }

  private flags(): number {
    return FR_TXFE | (this.count === 0 ? FR_RXFE : 0) | (this.count >= this.depth() ? FR_RXFF : 0)
  }

  private ris(): number {
    const rt = this.count > 0 && this.count < this.trigger() && !this.rtCleared
    return this.latched | (rt ? INT_RT : 0)
  }

  private depth(): number {
    return (this.lcrH & LCR_H_FEN) !== 0 ? RX_FIFO_DEPTH : 1
  }

  /** Entries at which RX rises: UARTIFLS's level with the FIFO on, the one holding register without. */
  private trigger(): number {
    if ((this.lcrH & LCR_H_FEN) === 0) return 1
    return RX_TRIGGER[(this.ifls >> 3) & 7] ?? RX_FIFO_DEPTH / 2
  }

  private update(): void {
    this.irq?.set((this.ris() & this.imsc) !== 0)
  }

  private ignore(off: number): bigint {
    this.ignored++
    this.lastIgnored = off
    return 0n
  }
}
