/**
 * The virtual GICv3 redistributors, one per vCPU, REDIST_STRIDE (128 KiB)
 * apart in one window: an RD_base frame (CTLR, IIDR, TYPER, WAKER) and an
 * SGI_base frame with the vCPU's SGIs and PPIs in the distributor's layout
 * (banks.ts). No LPIs (GICR_TYPER.PLPIS clear), so no VLPI frames: Linux
 * steps from one redistributor to the next by two 64 KiB frames and stops at
 * the one whose TYPER says Last.
 *
 * GICR_WAKER is the handshake Linux waits on before it uses a CPU's
 * interrupts: it clears ProcessorSleep and polls until ChildrenAsleep reads
 * zero, which here it does at once. An awake redistributor is what 1-of-N
 * SPIs may go to.
 */
import type { AccessSize, MmioDevice } from '../../../hw/mmio-bus'
import { IIDR, PIDR2_GICV3, REDIST_STRIDE } from '../../../devices/gicv3'
import { ICFGR, IPRIORITYR, readBank, readConfig, readPriority, writeBank, writeConfig, writePriority } from './banks'
import { aligned, type AccessStats } from './distributor'
import { INTID_PPI, type VgicState } from './state'

export { REDIST_STRIDE }

export const enum Gicr {
  CTLR = 0x0000,
  IIDR = 0x0004,
  TYPER = 0x0008,
  STATUSR = 0x0010,
  WAKER = 0x0014,
  PIDR2 = 0xffe8,
  /** The SGI_base frame's offset in a redistributor. */
  SGI_BASE = 0x10000,
  /** GICR_IGRPMODR0 and GICR_NSACR in SGI_base: RAZ/WI with GICD_CTLR.DS set. */
  IGRPMODR0 = 0x0d00,
  NSACR = 0x0e00,
}

const WAKER_PROCESSOR_SLEEP = 1 << 1
const WAKER_CHILDREN_ASLEEP = 1 << 2
const TYPER_LAST = 1 << 4
/** GICR_ICFGR0: SGIs are edge-triggered, and the register is read-only. */
const ICFGR0_SGIS = 0xaaaaaaaa

export class VgicRedistributors implements MmioDevice {
  constructor(
    private readonly s: VgicState,
    private readonly stats: AccessStats,
  ) {}

  read(off: number, size: AccessSize): bigint {
    const r = this.load(off, size)
    if (r === null) {
      this.stats.ignored++
      this.stats.lastIgnored = off
      return 0n
    }
    return typeof r === 'bigint' ? r : BigInt(r >>> 0)
  }

  write(off: number, size: AccessSize, v: bigint): void {
    if (this.store(off, size, v)) return
    this.stats.ignored++
    this.stats.lastIgnored = off
  }

  private load(off: number, size: AccessSize): number | bigint | null {
    if (!aligned(off, size)) return null
    const v = Math.floor(off / REDIST_STRIDE)
    if (v >= this.s.cpus) return null
    const o = off - v * REDIST_STRIDE
    return o >= Gicr.SGI_BASE ? this.loadSgi(v, o - Gicr.SGI_BASE, size) : this.loadRd(v, o, size)
  }

  private store(off: number, size: AccessSize, x: bigint): boolean {
    if (!aligned(off, size)) return false
    const v = Math.floor(off / REDIST_STRIDE)
    if (v >= this.s.cpus) return false
    const o = off - v * REDIST_STRIDE
    return o >= Gicr.SGI_BASE ? this.storeSgi(v, o - Gicr.SGI_BASE, size, x) : this.storeRd(v, o, size, x)
  }

  private loadRd(v: number, o: number, size: AccessSize): number | bigint | null {
    if (o === Gicr.TYPER || o === Gicr.TYPER + 4) {
      // Affinity_Value (63:32) is the vCPU's MPIDR affinity; Processor_Number (23:8); Last (4).
      const lo = (v << 8) | (v === this.s.cpus - 1 ? TYPER_LAST : 0)
      const hi = this.s.affinity[v]
      if (size === 8) return o === Gicr.TYPER ? (BigInt(hi) << 32n) | BigInt(lo) : null
      if (size === 4) return o === Gicr.TYPER ? lo : hi
      return null
    }
    if (size !== 4) return null
    switch (o) {
      case Gicr.CTLR: return 0 // EnableLPIs clear; RWP and UWP never set: writes take effect at once
      case Gicr.IIDR: return IIDR
      case Gicr.STATUSR: return 0
      case Gicr.WAKER: return this.s.awake[v] ? 0 : WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP
      case Gicr.PIDR2: return PIDR2_GICV3
    }
    return o >= 0xffd0 && o < 0x10000 ? 0 : null
  }

  private storeRd(v: number, o: number, size: AccessSize, x: bigint): boolean {
    if (size !== 4) return false
    if (o === Gicr.WAKER) {
      this.s.awake[v] = (Number(x & 0xffn) & WAKER_PROCESSOR_SLEEP) === 0 ? 1 : 0
      this.s.rerouteOneOfN()
      this.s.notifyAll()
      return true
    }
    // CTLR (no LPIs to enable), the read-only ID registers: writes are ignored.
    return o === Gicr.CTLR || o === Gicr.IIDR || o === Gicr.STATUSR || (o >= 0xffd0 && o < 0x10000)
  }

  private loadSgi(v: number, o: number, size: AccessSize): number | null {
    const s = this.s
    if (o >= IPRIORITYR && o < IPRIORITYR + 32) return size === 8 ? null : readPriority(s, v * 32 + o - IPRIORITYR, size)
    if (size !== 4) return null
    // The banks' first register only: the Extended PPI range (GICR_*R<n>E) is not implemented.
    if (o >= 0x080 && o < 0x400 && (o & 0x7f) === 0) return readBank(s, o, v)
    switch (o) {
      case ICFGR: return ICFGR0_SGIS
      case ICFGR + 4: return readConfig(s, v * 32 + INTID_PPI)
      case Gicr.IGRPMODR0: case Gicr.NSACR: return 0
    }
    return null
  }

  private storeSgi(v: number, o: number, size: AccessSize, x: bigint): boolean {
    const s = this.s
    if (o >= IPRIORITYR && o < IPRIORITYR + 32) {
      if (size === 8) return false
      writePriority(s, v * 32 + o - IPRIORITYR, size, x)
      return true
    }
    if (size !== 4) return false
    const w = Number(x & 0xffffffffn)
    if (o >= 0x080 && o < 0x400 && (o & 0x7f) === 0) {
      if (writeBank(s, o, v, w)) s.notifyAll()
      return true
    }
    if (o === ICFGR + 4) {
      writeConfig(s, v * 32 + INTID_PPI, w)
      s.notifyAll()
      return true
    }
    return o === ICFGR || o === Gicr.IGRPMODR0 || o === Gicr.NSACR
  }
}
