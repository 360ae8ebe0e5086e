/**
 * PL031 real-time clock (Arm PrimeCell RTC, DDI 0224): a 32-bit count of
 * seconds that Linux's rtc-pl031 reads as the time since the epoch, with a
 * match register that raises an interrupt when the count reaches it (the
 * RTC alarm).
 *
 * The count follows an injectable wall clock (the host's by default), so a
 * guest's clock is the host's until the guest loads another value (RTCLR).
 * It counts from power-on whatever RTCCR says, as QEMU's model does: the
 * TRM's start bit is kept and read back (Linux sets it in probe), and once
 * set, later writes do not clear it (TRM: "writes have no effect until a
 * system reset").
 *
 * Nothing here runs by itself: the match is checked on every register
 * access and on `poll()`, which the owner calls when `msUntilMatch()` says
 * the count reaches RTCMR. The interrupt line is RTCMIS (RTCRIS & RTCIMSC).
 *
 * Device tree (QEMU virt): `pl031@9010000 { compatible = "arm,pl031",
 * "arm,primecell"; reg = <0x0 0x9010000 0x0 0x1000>; interrupts = <0 2 4>;
 * clocks = <&apb_pclk>; clock-names = "apb_pclk"; }`.
 */
import type { AccessSize, MmioDevice } from '../hw/mmio-bus'
import type { IrqLine } from '../hw/irq-line'
import type { Device, DeviceContext, DeviceModel } from './device'

export const PL031 = 'arm,pl031'

export const enum Rtc {
  DR = 0x00,
  MR = 0x04,
  LR = 0x08,
  CR = 0x0c,
  IMSC = 0x10,
  RIS = 0x14,
  MIS = 0x18,
  ICR = 0x1c,
  /** RTCPeriphID0–3, RTCPCellID0–3. */
  ID = 0xfe0,
}

/** RTCPeriphID0–3 (part 0x031, Arm, revision 0) and RTCPCellID0–3, at 0xFE0..0xFFC. */
const IDS = [0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1]
const CR_START = 1
/** The match interrupt, RTCINTR, bit 0 of IMSC/RIS/MIS/ICR. */
const INT_MATCH = 1

export interface Pl031Options {
  name?: string
  irq?: IrqLine | null
  /** Milliseconds since the epoch (Date.now by default). */
  clock?: () => number
}

export interface Pl031State {
  /** Count minus the clock's whole seconds. */
  offset: number
  mr: number
  lr: number
  cr: number
  imsc: number
  ris: number
}

export class Pl031 implements Device, MmioDevice {
  readonly name: string
  readonly compatible = PL031
  readonly mmio: MmioDevice = this
  /** Accesses to no register (read as zero, ignored), and the offset of the last. */
  ignored = 0
  lastIgnored = -1
  private readonly irq: IrqLine | null
  private readonly clock: () => number
  private s: Pl031State = { offset: 0, mr: 0, lr: 0, cr: 0, imsc: 0, ris: 0 }
  /** The last count the match was checked against. */
  private checked = 0

  constructor(opts: Pl031Options = {}) {
    this.name = opts.name ?? 'pl031'
    this.irq = opts.irq ?? null
    this.clock = opts.clock ?? Date.now
    this.checked = this.count()
  }

  read(off: number, size: AccessSize): bigint {
    this.poll()
    if (size !== 4 || (off & 3) !== 0) return this.ignore(off)
    const s = this.s
    switch (off) {
      case Rtc.DR: return BigInt(this.count())
      case Rtc.MR: return BigInt(s.mr)
      case Rtc.LR: return BigInt(s.lr)
      case Rtc.CR: return BigInt(s.cr)
      case Rtc.IMSC: return BigInt(s.imsc)
      case Rtc.RIS: return BigInt(s.ris)
      case Rtc.MIS: return BigInt(s.ris & s.imsc)
      case Rtc.ICR: return 0n // write-only
    }
    if (off >= Rtc.ID && off < 0x1000) return BigInt(IDS[(off - Rtc.ID) >> 2])
    return this.ignore(off)
  }

  write(off: number, size: AccessSize, v: bigint): void {
    if (size !== 4 || (off & 3) !== 0) {
      this.ignore(off)
      return
    }
    const x = Number(v & 0xffffffffn)
    const s = this.s
    switch (off) {
      case Rtc.MR:
        s.mr = x
        this.recheckFromNow()
        return
      case Rtc.LR:
        s.lr = x
        s.offset = x - this.seconds()
        this.recheckFromNow()
        return
      case Rtc.CR: s.cr |= x & CR_START; return
      case Rtc.IMSC: s.imsc = x & INT_MATCH; break
      case Rtc.ICR: s.ris &= ~(x & INT_MATCH); break
      case Rtc.DR: case Rtc.RIS: case Rtc.MIS: return // read-only
      default:
        if (!(off >= Rtc.ID && off < 0x1000)) this.ignore(off)
        return
    }
    this.update()
  }

  /** Latches the match if the count reached RTCMR since the last check (also across a wrap). */
  poll(): void {
    const now = this.count()
    const since = (now - this.checked) >>> 0
    const toMatch = (this.s.mr - this.checked) >>> 0
    this.checked = now
    if (toMatch !== 0 && toMatch <= since) this.s.ris |= INT_MATCH
    this.update()
  }

  /** Would a match raise the interrupt now (enabled, not latched yet)? Only then has the owner a reason to poll. */
  get armed(): boolean {
    return (this.s.imsc & INT_MATCH) !== 0 && (this.s.ris & INT_MATCH) === 0
  }

  /** Milliseconds until the count next reaches RTCMR (0 < result ≤ 2^32 s). */
  msUntilMatch(): number {
    const delta = (this.s.mr - this.count()) >>> 0 || 2 ** 32
    const intoSecond = this.clock() - this.seconds() * 1000
    return delta * 1000 - intoSecond
  }

  saveState(): Pl031State {
    return { ...this.s }
  }

  loadState(state: Pl031State): void {
    this.s = { ...state }
    this.checked = this.count()
    this.update()
  }

  /** RTCDR: the clock's seconds plus the offset RTCLR set, modulo 2^32. */
  private count(): number {
    return (this.seconds() + this.s.offset) >>> 0
  }

  private seconds(): number {
    return Math.floor(this.clock() / 1000)
  }

  /** After MR or the count changed: a match with the count as it is now counts too (as QEMU fires at once). */
  private recheckFromNow(): void {
    this.checked = (this.count() - 1) >>> 0
    this.poll()
  }

  private update(): void {
    this.irq?.set((this.s.ris & this.s.imsc) !== 0)
  }

  private ignore(off: number): bigint {
    this.ignored++
    this.lastIgnored = off
    return 0n
  }
}

export const pl031Model: DeviceModel<Pl031> = {
  compatible: PL031,
  summary: 'PL031 real-time clock: seconds of the host clock, an alarm interrupt',
  needs: { irq: false, region: true },
  create: (ctx: DeviceContext) => new Pl031({ name: ctx.name, irq: ctx.irq }),
}
