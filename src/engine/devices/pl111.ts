/**
 * PL111 colour LCD controller (Arm PrimeCell CLCDC, DDI 0293): the display
 * of a Linux VM. Linux's amba-clcd fbdev driver (built into Debian's arm64
 * kernel) programs the panel timing, the frame base (LCDUPBASE) and the
 * control register; the controller then reads the picture by DMA from RAM
 * at LCDUPBASE. Here nothing is read: the lab's display scans those RAM
 * pages itself (`scanout()` says where they are and in what mode).
 *
 * What is modelled: the timing registers (PPL → width, LPP → height; the
 * rest is kept and read back), the two frame bases, LCDControl (LcdEn,
 * LcdBpp, BGR, LcdPwr, LcdVComp…), the interrupt registers (IMSC, RIS, MIS,
 * ICR) with the next-base-update interrupt (LNBU: a new LCDUPBASE is taken
 * at once, as if the next frame had begun) and the vertical-compare one
 * (Vcomp: once per frame at 60 Hz of the clock, latched when a register is
 * touched or `poll()` is called — the model has no timer of its own), and
 * the PrimeCell ID registers (Linux's AMBA bus probes by them). Palette and
 * hardware cursor registers are kept as plain storage; no STN, dual panel
 * or grey scale.
 *
 * Pixel formats (LcdBpp, bits 3:1 of LCDControl) as Linux's driver uses
 * them: 24 bpp is one 32-bit word per pixel; with BGR set, red is in bits
 * 23:16 and blue in 7:0 (XRGB8888, what the driver picks for a 32 bpp mode
 * on a PL111 wired R0=0, G0=8, B0=16), with BGR clear the other way round.
 * The lab's display takes XRGB8888; any other mode is described as not
 * shown (`scanout()` returns the reason).
 *
 * Device tree (what amba-clcd's OF path needs, built by uvmm's device-tree.ts):
 *   clcd@a100000 { compatible = "arm,pl111", "arm,primecell";
 *     reg = <…>; interrupts = <0 n 4>; clocks = <&clk>, <&clk>;
 *     clock-names = "clcdclk", "apb_pclk";
 *     port { endpoint { remote-endpoint = <&panel_in>;
 *                       arm,pl11x,tft-r0g0b0-pads = <0 8 16>; }; }; };
 *   panel { compatible = "panel-dpi"; port { endpoint { remote-endpoint = <&clcd_out>; }; };
 *     panel-timing { clock-frequency, hactive, vactive, h/v porches and sync lengths }; };
 */
import type { AccessSize, MmioDevice } from '../hw/mmio-bus'
import type { IrqLine } from '../hw/irq-line'
import type { Device } from './device'

export const PL111 = 'arm,pl111'

/** Register offsets (DDI 0293, table 3-1). */
export const enum Clcd {
  TIMING0 = 0x000,
  TIMING1 = 0x004,
  TIMING2 = 0x008,
  TIMING3 = 0x00c,
  UPBASE = 0x010,
  LPBASE = 0x014,
  CONTROL = 0x018,
  IMSC = 0x01c,
  RIS = 0x020,
  MIS = 0x024,
  ICR = 0x028,
  UPCURR = 0x02c,
  LPCURR = 0x030,
  PALETTE = 0x200,
  PALETTE_END = 0x400,
  CURSOR = 0xc00,
  CURSOR_END = 0xc30,
  /** CLCDPeriphID0–3, CLCDPCellID0–3. */
  ID = 0xfe0,
}

/** LCDControl bits. */
export const enum Cntl {
  LCDEN = 1 << 0,
  /** LcdBpp, bits 3:1. */
  BPP_SHIFT = 1,
  BPP_MASK = 7 << 1,
  TFT = 1 << 5,
  BGR = 1 << 8,
  BEBO = 1 << 9,
  BEPO = 1 << 10,
  LCDPWR = 1 << 11,
}

/** LcdBpp values (DDI 0293, LCDControl). */
export const enum Bpp {
  BPP1 = 0,
  BPP2 = 1,
  BPP4 = 2,
  BPP8 = 3,
  BPP16_1555 = 4,
  BPP24 = 5,
  BPP16_565 = 6,
  BPP12_444 = 7,
}

/** Interrupt bits of IMSC, RIS, MIS and ICR. */
export const enum ClcdInt {
  FUF = 1 << 1,
  LNBU = 1 << 2,
  VCOMP = 1 << 3,
  MBERROR = 1 << 4,
  ALL = FUF | LNBU | VCOMP | MBERROR,
}

/** CLCDPeriphID0–3 (part 0x111, Arm, revision 2) and CLCDPCellID0–3, at 0xFE0..0xFFC. */
const IDS = [0x11, 0x11, 0x24, 0x00, 0x0d, 0xf0, 0x05, 0xb1]
/** Bits per pixel in memory for each LcdBpp value (24 bpp takes a whole word). */
const MEMORY_BITS = [1, 2, 4, 8, 16, 32, 16, 16]
/** Vcomp's period: the model's panel refreshes at 60 Hz whatever the timing says. */
const FRAME_NS = 1e9 / 60

/** What the controller shows: RAM from `base` (guest-physical), XRGB8888. */
export interface Pl111Scanout {
  readonly base: number
  readonly width: number
  readonly height: number
  readonly stride: number
}

export interface Pl111Options {
  name?: string
  irq?: IrqLine | null
  /** Nanoseconds of the VM's clock (frames for Vcomp are counted on it). */
  clock?: () => number
  /** Told when what the controller shows may have changed (enabled, disabled, base or mode). */
  onChange?: () => void
}

export interface Pl111State {
  timing: number[]
  upbase: number
  lpbase: number
  control: number
  imsc: number
  ris: number
  palette: number[]
  cursor: number[]
  /** The frame (of the clock) Vcomp was last latched for. */
  frame: number
}

export class Pl111 implements Device, MmioDevice {
  readonly name: string
  readonly compatible = PL111
  readonly mmio: MmioDevice = this
  /** Accesses to no register (read as zero, ignored), and the offset of the last. */
  ignored = 0
  lastIgnored = -1
  onChange: (() => void) | null
  private readonly irq: IrqLine | null
  private readonly clock: () => number
  private s: Pl111State

  constructor(opts: Pl111Options = {}) {
    this.name = opts.name ?? 'pl111'
    this.irq = opts.irq ?? null
    this.clock = opts.clock ?? (() => 0)
    this.onChange = opts.onChange ?? null
    this.s = { timing: [0, 0, 0, 0], upbase: 0, lpbase: 0, control: 0, imsc: 0, ris: 0, palette: new Array<number>(128).fill(0), cursor: new Array<number>(12).fill(0), frame: 0 }
  }

  read(off: number, size: AccessSize): bigint {
    this.poll()
    if (size !== 4 || (off & 3) !== 0) return this.ignore(off)
    const s = this.s
    switch (off) {
      case Clcd.TIMING0: case Clcd.TIMING1: case Clcd.TIMING2: case Clcd.TIMING3: return BigInt(s.timing[off >> 2])
      case Clcd.UPBASE: case Clcd.UPCURR: return BigInt(s.upbase)
      case Clcd.LPBASE: case Clcd.LPCURR: return BigInt(s.lpbase)
      case Clcd.CONTROL: return BigInt(s.control)
      case Clcd.IMSC: return BigInt(s.imsc)
      case Clcd.RIS: return BigInt(s.ris)
      case Clcd.MIS: return BigInt(s.ris & s.imsc)
      case Clcd.ICR: return 0n // write-only
    }
    if (off >= Clcd.PALETTE && off < Clcd.PALETTE_END) return BigInt(s.palette[(off - Clcd.PALETTE) >> 2])
    if (off >= Clcd.CURSOR && off < Clcd.CURSOR_END) return BigInt(s.cursor[(off - Clcd.CURSOR) >> 2])
    if (off >= Clcd.ID && off < 0x1000) return BigInt(IDS[(off - Clcd.ID) >> 2])
    return this.ignore(off)
  }

  write(off: number, size: AccessSize, v: bigint): void {
    this.poll()
    if (size !== 4 || (off & 3) !== 0) {
      this.ignore(off)
      return
    }
    const x = Number(v & 0xffffffffn)
    const s = this.s
    switch (off) {
      case Clcd.TIMING0: case Clcd.TIMING1: case Clcd.TIMING2: case Clcd.TIMING3:
        s.timing[off >> 2] = x
        this.changed()
        return
      case Clcd.UPBASE:
        // The frame base is word aligned (bits 1:0 read as zero); a new base is taken at the next frame.
        s.upbase = (x & ~3) >>> 0
        s.ris |= ClcdInt.LNBU
        this.update()
        this.changed()
        return
      case Clcd.LPBASE: s.lpbase = (x & ~3) >>> 0; return
      case Clcd.CONTROL: {
        const was = s.control
        s.control = x & 0x1_ffff
        if (!(was & Cntl.LCDEN) && (x & Cntl.LCDEN)) s.frame = this.frameNow()
        this.changed()
        return
      }
      case Clcd.IMSC: s.imsc = x & ClcdInt.ALL; break
      case Clcd.ICR: s.ris &= ~(x & ClcdInt.ALL); break
      case Clcd.RIS: case Clcd.MIS: case Clcd.UPCURR: case Clcd.LPCURR: return // read-only
      default:
        if (off >= Clcd.PALETTE && off < Clcd.PALETTE_END) s.palette[(off - Clcd.PALETTE) >> 2] = x
        else if (off >= Clcd.CURSOR && off < Clcd.CURSOR_END) s.cursor[(off - Clcd.CURSOR) >> 2] = x
        else if (!(off >= Clcd.ID && off < 0x1000)) this.ignore(off)
        return
    }
    this.update()
  }

  /** Latches Vcomp when a frame began since the last look (only while the controller is enabled). */
  poll(): void {
    if (!(this.s.control & Cntl.LCDEN)) return
    const f = this.frameNow()
    if (f === this.s.frame) return
    this.s.frame = f
    this.s.ris |= ClcdInt.VCOMP
    this.update()
  }

  /** Width from PPL (TIMING0 7:2, pixels per line / 16 − 1), height from LPP (TIMING1 9:0, lines − 1). */
  get width(): number {
    return (((this.s.timing[0] >>> 2) & 0x3f) + 1) * 16
  }

  get height(): number {
    return (this.s.timing[1] & 0x3ff) + 1
  }

  /** What the panel shows now, or why it shows nothing the lab can scan. */
  scanout(): Pl111Scanout | string {
    const c = this.s.control
    if ((c & (Cntl.LCDEN | Cntl.LCDPWR)) !== (Cntl.LCDEN | Cntl.LCDPWR)) return 'the controller is off (LcdEn and LcdPwr not both set)'
    const bpp = (c & Cntl.BPP_MASK) >>> Cntl.BPP_SHIFT
    if (bpp !== Bpp.BPP24) return `${MEMORY_BITS[bpp]} bpp (LcdBpp ${bpp}) is not shown: the lab's display takes 24 bpp XRGB`
    if (!(c & Cntl.BGR)) return '24 bpp with red in the low byte (BGR clear) is not shown: the lab\'s display takes XRGB'
    if (c & (Cntl.BEBO | Cntl.BEPO)) return 'big-endian pixel order is not shown'
    return { base: this.s.upbase, width: this.width, height: this.height, stride: this.width * 4 }
  }

  saveState(): Pl111State {
    const s = this.s
    return { ...s, timing: [...s.timing], palette: [...s.palette], cursor: [...s.cursor] }
  }

  loadState(state: Pl111State): void {
    this.s = { ...state, timing: [...state.timing], palette: [...state.palette], cursor: [...state.cursor] }
    this.update()
    this.changed()
  }

  private frameNow(): number {
    return Math.floor(this.clock() / FRAME_NS)
  }

  private changed(): void {
    this.onChange?.()
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
