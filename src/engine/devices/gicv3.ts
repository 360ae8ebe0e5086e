/**
 * GICv3 distributor and redistributors (Arm GIC architecture specification
 * v3, chapters 12.9 and 12.10): the memory-mapped half of the interrupt
 * controller. The CPU interface — ICC_* system registers — is the AArch64
 * core's (cpu/aarch64/assembly/gic.ts); both work on one state block in the
 * core's memory (cpu/aarch64/core-layout.ts GIC_*), so acknowledging an
 * interrupt needs no call across, and what a register write changes is seen
 * by the core's next instruction.
 *
 * Modelled: Group 1 with affinity routing always on (GICD_CTLR.ARE_NS reads
 * as one), SPIs with enable, pending, active, priority, edge/level and
 * IROUTER (Aff0 or any core); per core SGIs and PPIs, GICR_WAKER, TYPER.
 * Not modelled: LPIs and ITS, Group 0, message-based SPIs, security states.
 * Layout as QEMU virt: 64 KiB of distributor, and per core two 64 KiB frames
 * (RD_base, SGI_base) of redistributor.
 */
import type { AccessSize, MmioDevice } from '../hw/mmio-bus'
import {
  GIC_CPU, GIC_CPU_BYTES, GIC_C_ACTIVE, GIC_C_EDGE, GIC_C_ENABLE, GIC_C_GROUP, GIC_C_LEVEL, GIC_C_PENDING, GIC_C_PRIO,
  GIC_C_WAKER, GIC_DCTLR, GIC_SPI_ACTIVE, GIC_SPI_EDGE, GIC_SPI_ENABLE, GIC_SPI_GROUP, GIC_SPI_LEVEL, GIC_SPI_PENDING,
  GIC_SPI_PRIO, GIC_SPI_ROUTE,
} from '../hw/gic-state'

/** GICD_PIDR2 / GICR_PIDR2: architecture revision 3. */
export const PIDR2_GICV3 = 0x30
/** Arm's JEP106 code as GICD_IIDR's implementer. */
export const IIDR = 0x0100043b
export const REDIST_STRIDE = 0x20000

export class Gicv3 {
  private readonly v: DataView
  readonly distributor: MmioDevice
  readonly redistributors: MmioDevice

  constructor(
    state: Uint8Array,
    readonly cores: number,
    /** SPIs the board wires (INTIDs 32 .. 32 + spis - 1), a multiple of 32. */
    readonly spis: number,
  ) {
    this.v = new DataView(state.buffer, state.byteOffset, state.byteLength)
    this.distributor = { read: (o, s) => BigInt(this.readDist(o, s)), write: (o, s, x) => this.writeDist(o, s, x) }
    this.redistributors = { read: (o, s) => this.readRedist(o, s), write: (o, s, x) => this.writeRedist(o, s, x) }
    this.reset()
  }

  /** As after power-on: everything disabled, every core's redistributor asleep, SGIs edge-triggered. */
  reset(): void {
    for (let i = 0; i < 0x3000; i += 4) this.v.setUint32(i, 0, true)
    for (let c = 0; c < this.cores; c++) {
      this.set32(this.cpu(c) + GIC_C_WAKER, 2)
      this.set32(this.cpu(c) + GIC_C_EDGE, 0xffff)
    }
  }

  /** A board line into SPI `line` (INTID 32 + line): level-sensitive, or a rising edge latched when configured edge. */
  setSpi(line: number, level: boolean): void {
    const id = 32 + line
    if (id >= 32 + this.spis) return
    const word = (id >>> 5) * 4
    const bit = 1 << (id & 31)
    const old = this.get32(GIC_SPI_LEVEL + word)
    const now = level ? old | bit : old & ~bit
    this.set32(GIC_SPI_LEVEL + word, now)
    if ((this.get32(GIC_SPI_EDGE + word) & bit) !== 0) {
      // An edge-triggered input latches the rise; its level does not keep it pending.
      if (level && !(old & bit)) this.set32(GIC_SPI_PENDING + word, this.get32(GIC_SPI_PENDING + word) | bit)
      this.set32(GIC_SPI_LEVEL + word, now & ~bit)
    }
  }

  // ---- distributor ---------------------------------------------------------------

  private readDist(off: number, size: AccessSize): number {
    if (off >= 0x6000 && off < 0x8000) return this.readRoute(off, size)
    if (off >= 0x400 && off < 0x800) return this.readBytes(GIC_SPI_PRIO + off - 0x400, size, off >= 0x420)
    if (size !== 4) return 0
    switch (off) {
      case 0x0: return this.get32(GIC_DCTLR) | 0x10 // ARE_NS reads as one
      case 0x4: return ((this.spis / 32) & 0x1f) | (9 << 19) // ITLinesNumber, IDbits = 10 bits
      case 0x8: return IIDR
      case 0xffe8: return PIDR2_GICV3
    }
    const word = off & 0x7c
    const spiWord = word !== 0 && word * 8 < 32 + this.spis
    if (off >= 0x80 && off < 0x400 && !spiWord) return 0
    if (off >= 0x80 && off < 0x100) return this.get32(GIC_SPI_GROUP + word)
    if (off >= 0x100 && off < 0x200) return this.get32(GIC_SPI_ENABLE + word)
    if (off >= 0x200 && off < 0x300) return this.get32(GIC_SPI_PENDING + word) | this.get32(GIC_SPI_LEVEL + word)
    if (off >= 0x300 && off < 0x400) return this.get32(GIC_SPI_ACTIVE + word)
    if (off >= 0xc00 && off < 0xd00) return this.readCfg(GIC_SPI_EDGE, (off - 0xc00) * 4)
    return 0
  }

  private writeDist(off: number, size: AccessSize, x: bigint): void {
    if (off >= 0x6000 && off < 0x8000) return this.writeRoute(off, size, x)
    if (off >= 0x420 && off < 0x800) return this.writeBytes(GIC_SPI_PRIO + off - 0x400, size, x)
    if (size !== 4) return
    const v = Number(x & 0xffffffffn)
    if (off === 0) return this.set32(GIC_DCTLR, v & 3)
    const word = off & 0x7c
    if (word === 0 || word * 8 >= 32 + this.spis) return
    if (off >= 0x80 && off < 0x100) this.set32(GIC_SPI_GROUP + word, v)
    else if (off >= 0x100 && off < 0x400) this.setClear(off - 0x100, word, v, GIC_SPI_ENABLE, GIC_SPI_PENDING, GIC_SPI_ACTIVE)
    else if (off >= 0xc00 && off < 0xd00) this.writeCfg(GIC_SPI_EDGE, (off - 0xc00) * 4, v)
  }

  /** IROUTER<n>: Aff0 of the target core, or IRM (bit 31): any core. */
  private readRoute(off: number, size: AccessSize): number {
    const id = (off - 0x6000) >>> 3
    if (id < 32 || id >= 32 + this.spis || (off & 4) !== 0) return 0
    const r = this.get32(GIC_SPI_ROUTE + id * 4)
    return size === 1 ? r & 0xff : r === 0xffffffff ? 0x80000000 : r
  }

  private writeRoute(off: number, size: AccessSize, x: bigint): void {
    const id = (off - 0x6000) >>> 3
    if (id < 32 || id >= 32 + this.spis || (off & 4) !== 0 || size < 4) return
    const v = Number(x & 0xffffffffn)
    this.set32(GIC_SPI_ROUTE + id * 4, (v & 0x80000000) !== 0 ? 0xffffffff : v & 0xff)
  }

  // ---- redistributors ------------------------------------------------------------

  private readRedist(off: number, size: AccessSize): bigint {
    const core = Math.floor(off / REDIST_STRIDE)
    if (core >= this.cores) return 0n
    const o = off % REDIST_STRIDE
    const c = this.cpu(core)
    if (o === 0x8) { // TYPER: Processor_Number, Last, Affinity_Value (Aff0 = core)
      const lo = (core << 8) | (core === this.cores - 1 ? 0x10 : 0)
      const v = BigInt(lo) | (BigInt(core) << 32n)
      return size === 8 ? v : size === 4 ? v & 0xffffffffn : 0n
    }
    if (o === 0xc && size === 4) return BigInt(core)
    if (o >= 0x10400 && o < 0x10420) return BigInt(this.readBytes(c + GIC_C_PRIO + o - 0x10400, size, true))
    if (size !== 4) return 0n
    switch (o) {
      case 0x4: return BigInt(IIDR)
      case 0x14: { const w = this.get32(c + GIC_C_WAKER); return BigInt(w | ((w & 2) << 1)) } // ChildrenAsleep follows ProcessorSleep
      case 0xffe8: return BigInt(PIDR2_GICV3)
      case 0x10080: return BigInt(this.get32(c + GIC_C_GROUP))
      case 0x10100: case 0x10180: return BigInt(this.get32(c + GIC_C_ENABLE))
      case 0x10200: case 0x10280: return BigInt(this.get32(c + GIC_C_PENDING) | this.get32(c + GIC_C_LEVEL))
      case 0x10300: case 0x10380: return BigInt(this.get32(c + GIC_C_ACTIVE))
      case 0x10c00: return 0xaaaaaaaan // SGIs are edge-triggered
      case 0x10c04: return BigInt(this.readCfg(c + GIC_C_EDGE, 16))
    }
    return 0n
  }

  private writeRedist(off: number, size: AccessSize, x: bigint): void {
    const core = Math.floor(off / REDIST_STRIDE)
    if (core >= this.cores) return
    const o = off % REDIST_STRIDE
    const c = this.cpu(core)
    if (o >= 0x10400 && o < 0x10420) return this.writeBytes(c + GIC_C_PRIO + o - 0x10400, size, x)
    if (size !== 4) return
    const v = Number(x & 0xffffffffn)
    if (o === 0x14) this.set32(c + GIC_C_WAKER, v & 2)
    else if (o === 0x10080) this.set32(c + GIC_C_GROUP, v)
    else if (o >= 0x10100 && o < 0x10400 && (o & 0x7f) === 0) this.setClear(o - 0x10100, 0, v, c + GIC_C_ENABLE, c + GIC_C_PENDING, c + GIC_C_ACTIVE)
    else if (o === 0x10c04) this.writeCfg(c + GIC_C_EDGE, 16, v)
  }

  // ---- helpers ---------------------------------------------------------------------

  /** The set/clear register pairs at 0x100 (enable), 0x200 (pending), 0x300 (active), relative `rel`. */
  private setClear(rel: number, word: number, v: number, enable: number, pending: number, active: number): void {
    const base = rel < 0x100 ? enable : rel < 0x200 ? pending : active
    const a = base + word
    const clear = (rel & 0x80) !== 0
    this.set32(a, clear ? this.get32(a) & ~v : this.get32(a) | v)
  }

  /** ICFGR: two bits per INTID from `first`, bit 1 of each set for edge. */
  private readCfg(edges: number, first: number): number {
    let r = 0
    for (let i = 0; i < 16; i++) if (this.bit(edges, first + i)) r |= 2 << (2 * i)
    return r >>> 0
  }

  private writeCfg(edges: number, first: number, v: number): void {
    for (let i = 0; i < 16; i++) {
      const id = first + i
      const a = edges + (id >>> 5) * 4
      const b = 1 << (id & 31)
      this.set32(a, (v >>> (2 * i + 1)) & 1 ? this.get32(a) | b : this.get32(a) & ~b)
    }
  }

  private bit(base: number, id: number): boolean {
    return (this.get32(base + (id >>> 5) * 4) & (1 << (id & 31))) !== 0
  }

  /** Priorities: five bits implemented (the low three read as zero). */
  private readBytes(at: number, size: AccessSize, ok: boolean): number {
    if (!ok) return 0
    let r = 0
    for (let i = 0; i < Math.min(size, 4); i++) r |= this.v.getUint8(at + i) << (8 * i)
    return r >>> 0
  }

  private writeBytes(at: number, size: AccessSize, x: bigint): void {
    for (let i = 0; i < Math.min(size, 4); i++) this.v.setUint8(at + i, Number((x >> BigInt(8 * i)) & 0xf8n))
  }

  private cpu(core: number): number {
    return GIC_CPU + core * GIC_CPU_BYTES
  }

  private get32(at: number): number {
    return this.v.getUint32(at, true)
  }

  private set32(at: number, v: number): void {
    this.v.setUint32(at, v >>> 0, true)
  }
}
