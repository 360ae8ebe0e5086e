/**
 * The virtual GICv3 distributor (GICD_*, 64 KiB): the registers Linux's
 * irq-gic-v3.c programs the SPIs with, as QEMU virt's GIC shows them to a
 * kernel without EL3: one security state (GICD_CTLR.DS reads as one), affinity
 * routing always on (ARE reads as one), no LPIs, no message-based SPIs.
 *
 * With ARE set, the registers for INTIDs 0–31 are the redistributors' and
 * read here as zero; with DS set, IGRPMODR and NSACR are RAZ/WI (IHI 0069,
 * the descriptions of those registers). An access to anything else, or of a
 * size the register does not take, reads as zero, is ignored, and is
 * counted with its offset.
 */
import type { AccessSize, MmioDevice } from '../../../hw/mmio-bus'
import { IIDR, PIDR2_GICV3 } from '../../../devices/gicv3'
import { ICFGR, IPRIORITYR, readBank, readConfig, readPriority, writeBank, writeConfig, writePriority } from './banks'
import { INTID_SPI, type VgicState } from './state'

export const enum Gicd {
  CTLR = 0x0000,
  TYPER = 0x0004,
  IIDR = 0x0008,
  TYPER2 = 0x000c,
  STATUSR = 0x0010,
  SGIR = 0x0f00,
  IROUTER = 0x6000,
  PIDR2 = 0xffe8,
}

/** GICD_CTLR: EnableGrp0, EnableGrp1 (writable), ARE and DS (read as one). */
const CTLR_ENABLES = 0x3
const CTLR_ARE = 1 << 4
const CTLR_DS = 1 << 6
/** IROUTER's bits: Aff2.Aff1.Aff0 and IRM in the low word, Aff3 in the high. */
const IROUTER_LO = 0x80ffffff
/** GICD_TYPER.IDbits: INTIDs of 10 bits (no LPIs). */
const IDBITS_10 = 9 << 19
const TYPER_A3V = 1 << 24
/** Range Selector support: SGIs reach Aff0 values above 15 (sendSgi honours ICC_SGI1R_EL1.RS). */
const TYPER_RSS = 1 << 26

export interface AccessStats {
  /** Accesses to no register, or of a size the register does not take (read as zero, ignored). */
  ignored: number
  /** The offset of the last of them, from the window's base (the redistributors': from the first frame). */
  lastIgnored: number
}

export class VgicDistributor implements MmioDevice {
  constructor(
    private readonly s: VgicState,
    private readonly stats: AccessStats,
  ) {}

  read(off: number, size: AccessSize): bigint {
    const r = this.load(off, size)
    if (r === null) {
      this.ignore(off)
      return 0n
    }
    return typeof r === 'bigint' ? r : BigInt(r >>> 0)
  }

  write(off: number, size: AccessSize, v: bigint): void {
    if (!this.store(off, size, v)) this.ignore(off)
  }

  /** The register's value, or null when there is none of that size at `off`. */
  private load(off: number, size: AccessSize): number | bigint | null {
    const s = this.s
    if (!aligned(off, size) || off >= 0x10000) return null
    if (off >= Gicd.IROUTER && off < Gicd.IROUTER + 8 * 1020) return this.loadRouter(off, size)
    if (off >= IPRIORITYR && off < IPRIORITYR + 1024) {
      if (size === 8) return null
      const first = off - IPRIORITYR
      return this.spiRange(first, size) ? readPriority(s, s.slotOf(first, 0), size) : 0
    }
    // ITARGETSR (0x800–0xBFF), CPENDSGIR and SPENDSGIR (0xF10–0xF2F): RAZ/WI with ARE, byte or word.
    if ((off >= 0x800 && off < 0xc00) || (off >= 0xf10 && off < 0xf30)) return size === 1 || size === 4 ? 0 : null
    if (size !== 4) return null
    switch (off) {
      case Gicd.CTLR: return s.ctlr | CTLR_ARE | CTLR_DS
      case Gicd.TYPER: return this.typer()
      case Gicd.IIDR: return IIDR
      case Gicd.TYPER2: case Gicd.STATUSR: return 0
      case Gicd.PIDR2: return PIDR2_GICV3
    }
    if (off >= 0x080 && off < 0x400) {
      const w = this.spiWord(off)
      return w < 0 ? 0 : readBank(s, off, w)
    }
    if (off >= ICFGR && off < ICFGR + 0x100) {
      const first = (off - ICFGR) * 4
      return this.spiRange(first, 16) ? readConfig(s, s.slotOf(first, 0)) : 0
    }
    // IGRPMODR (0xD00–0xD7F) and NSACR (0xE00–0xEFF) with DS set, the other ID registers.
    if ((off >= 0xd00 && off < 0xd80) || (off >= 0xe00 && off < 0xf00) || off >= 0xffd0) return 0
    return null
  }

  /** Applies a write; false when there is no register of that size at `off`. */
  private store(off: number, size: AccessSize, v: bigint): boolean {
    const s = this.s
    if (!aligned(off, size) || off >= 0x10000) return false
    if (off >= Gicd.IROUTER && off < Gicd.IROUTER + 8 * 1020) return this.storeRouter(off, size, v)
    if (off >= IPRIORITYR && off < IPRIORITYR + 1024) {
      if (size === 8) return false
      const first = off - IPRIORITYR
      if (this.spiRange(first, size)) writePriority(s, s.slotOf(first, 0), size, v)
      return true
    }
    if ((off >= 0x800 && off < 0xc00) || (off >= 0xf10 && off < 0xf30)) return size === 1 || size === 4
    if (size !== 4) return false
    const x = Number(v & 0xffffffffn)
    if (off === Gicd.CTLR) {
      s.ctlr = x & CTLR_ENABLES
      s.notifyAll()
      return true
    }
    if (off >= 0x080 && off < 0x400) {
      const w = this.spiWord(off)
      if (w >= 0 && writeBank(s, off, w, x)) s.notifyAll()
      return true
    }
    if (off >= ICFGR && off < ICFGR + 0x100) {
      const first = (off - ICFGR) * 4
      if (this.spiRange(first, 16)) {
        writeConfig(s, s.slotOf(first, 0), x)
        s.notifyAll()
      }
      return true
    }
    // GICD_SGIR is WI with ARE set; the read-only and RAZ/WI registers take writes and ignore them.
    return off === Gicd.SGIR || off <= Gicd.STATUSR || (off >= 0xd00 && off < 0xd80) || (off >= 0xe00 && off < 0xf00) || off >= 0xffd0
  }

  private typer(): number {
    const s = this.s
    const a3 = s.affinity.some((a) => a >= 2 ** 24)
    // ITLinesNumber N: INTIDs up to 32(N + 1) - 1. CPUNumber only matters without affinity routing.
    return s.spiWords | ((Math.min(s.cpus, 8) - 1) << 5) | IDBITS_10 | (a3 ? TYPER_A3V : 0) | TYPER_RSS
  }

  /** The SPI bitmap word of a bank register at `off`, or -1 (INTIDs 0–31, or past the last SPI). */
  private spiWord(off: number): number {
    const n = (off & 0x7f) >>> 2
    return n === 0 || n > this.s.spiWords ? -1 : this.s.cpus + n - 1
  }

  /** Whether INTIDs first .. first + count - 1 are all SPIs this distributor has. */
  private spiRange(first: number, count: number): boolean {
    return first >= INTID_SPI && first + count <= INTID_SPI + this.s.spis
  }

  private loadRouter(off: number, size: AccessSize): number | bigint | null {
    const i = ((off - Gicd.IROUTER) >>> 3) - INTID_SPI
    const high = (off & 4) !== 0
    if (size !== 8 && size !== 4) return null
    if (size === 8 && high) return null
    if (i < 0 || i >= this.s.spis) return size === 8 ? 0n : 0
    const lo = this.s.routeLo[i]
    const hi = this.s.routeHi[i]
    if (size === 8) return (BigInt(hi) << 32n) | BigInt(lo)
    return high ? hi : lo
  }

  private storeRouter(off: number, size: AccessSize, v: bigint): boolean {
    const s = this.s
    const i = ((off - Gicd.IROUTER) >>> 3) - INTID_SPI
    const high = (off & 4) !== 0
    if (size !== 8 && size !== 4) return false
    if (size === 8 && high) return false
    if (i < 0 || i >= s.spis) return true
    if (size === 8) {
      s.routeLo[i] = Number(v & 0xffffffffn) & IROUTER_LO
      s.routeHi[i] = Number((v >> 32n) & 0xffn)
    } else if (high) {
      s.routeHi[i] = Number(v & 0xffn)
    } else {
      s.routeLo[i] = Number(v & 0xffffffffn) & IROUTER_LO
    }
    s.reroute(i)
    s.notifyAll()
    return true
  }

  private ignore(off: number): void {
    this.stats.ignored++
    this.stats.lastIgnored = off
  }
}

/** An access of `size` bytes at `off` that a register could take: in range and naturally aligned. */
export function aligned(off: number, size: number): boolean {
  return Number.isInteger(off) && off >= 0 && off % size === 0
}
