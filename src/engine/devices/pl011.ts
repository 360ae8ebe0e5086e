/**
 * PL011 UART (Arm PrimeCell UART, DDI 0183), the console of QEMU virt and of
 * arm-ve: what a guest writes to UARTDR goes to `output`; the flag register
 * says the transmitter is never full nor busy, so polling drivers go
 * straight on. The identification registers are the PrimeCell's, which
 * Linux's amba bus reads to bind its driver. Receiving (RX FIFO, its
 * interrupt) comes with the VM console (issue 14).
 */
import type { AccessSize, MmioDevice } from '../hw/mmio-bus'

/** UARTPeriphID0-3 and UARTPCellID0-3 at 0xFE0..0xFFC. */
const IDS = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]
const FR_TXFE = 1 << 7
const FR_RXFE = 1 << 4

export class Pl011 implements MmioDevice {
  private readonly regs = new Map<number, number>()

  constructor(private readonly output: (byte: number) => void) {}

  read(off: number, _size: AccessSize): bigint {
    if (off === 0x18) return BigInt(FR_TXFE | FR_RXFE) // UARTFR
    if (off >= 0xfe0 && off < 0x1000) return BigInt(IDS[(off - 0xfe0) >> 2])
    if (off === 0x00) return 0n // UARTDR: nothing received
    return BigInt(this.regs.get(off) ?? 0)
  }

  write(off: number, _size: AccessSize, v: bigint): void {
    if (off === 0x00) this.output(Number(v & 0xffn))
    else this.regs.set(off, Number(v & 0xffffn))
  }
}
