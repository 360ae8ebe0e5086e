/**
 * Drives uvmm's virtual GIC from the guest's side, for its tests:
 *
 * - `GuestCpuInterface` does to a list-register array what the core's
 *   virtual CPU interface does (cpu/aarch64/assembly/vgic.ts): ICV_IAR1
 *   takes the highest-priority pending Group 1 list register above the
 *   priority mask and the running priority and makes it active, ICV_EOIR1
 *   drops the running priority and (EOImode 0) deactivates, ICV_DIR
 *   deactivates; a list register with HW set deactivates its physical INTID.
 * - `linuxGicInit` programs the distributor and a redistributor in the order
 *   and with the accesses (sizes included) of Linux 6.1's irq-gic-v3.c:
 *   gic_dist_init, gic_populate_rdist, gic_enable_redist, gic_cpu_init.
 */
import type { AccessSize, MmioDevice } from '../hw/mmio-bus'

const SPURIOUS = 1023n
const STATE_SHIFT = 62n

export class GuestCpuInterface {
  readonly lrs: BigUint64Array
  /** ICC_PMR_EL1 (ICH_VMCR_EL2.VPMR): interrupts of lower priority values than this are signalled. */
  pmr = 0xf0
  /** ICC_CTLR_EL1.EOImode: 1 splits priority drop (EOIR) from deactivation (DIR). */
  eoiMode = 0
  /** ICH_AP1R0_EL2: one bit per active priority group (priority >> 3). */
  ap = 0
  /** Physical INTIDs deactivated through HW list registers. */
  readonly physicalDeactivations: number[] = []

  constructor(lrCount = 4) {
    this.lrs = new BigUint64Array(lrCount)
  }

  /** The list register ICV_IAR1 would take, or -1. */
  private best(): number {
    let n = -1
    let prio = 0x100
    this.lrs.forEach((v, i) => {
      const state = Number(v >> STATE_SHIFT)
      if (state !== 1 || ((v >> 60n) & 1n) === 0n) return
      const p = Number((v >> 48n) & 0xf8n)
      if (p < prio) {
        prio = p
        n = i
      }
    })
    return n
  }

  private running(): number {
    return this.ap === 0 ? 0x100 : (31 - Math.clz32(this.ap & -this.ap)) << 3
  }

  /** Whether a virtual IRQ is signalled. */
  signalled(): boolean {
    const n = this.best()
    if (n < 0) return false
    const p = Number((this.lrs[n] >> 48n) & 0xf8n)
    return p < (this.pmr & 0xf8) && p < this.running()
  }

  /** ICV_IAR1_EL1: the INTID acknowledged, or 1023. */
  acknowledge(): number {
    if (!this.signalled()) return Number(SPURIOUS)
    const n = this.best()
    const v = this.lrs[n]
    this.lrs[n] = (v & ~(3n << STATE_SHIFT)) | (2n << STATE_SHIFT)
    this.ap |= 1 << (Number((v >> 48n) & 0xf8n) >> 3)
    return Number(v & 0xffffffffn)
  }

  /** ICV_EOIR1_EL1. */
  endOfInterrupt(intid: number): void {
    if (this.ap !== 0) this.ap &= this.ap - 1
    if (this.eoiMode === 0) this.deactivate(intid)
  }

  /** ICV_DIR_EL1. */
  deactivate(intid: number): void {
    for (let i = 0; i < this.lrs.length; i++) {
      const v = this.lrs[i]
      if (Number(v & 0xffffffffn) !== intid || ((v >> STATE_SHIFT) & 2n) === 0n) continue
      this.lrs[i] = v & ~(2n << STATE_SHIFT)
      if ((v >> 61n) & 1n) this.physicalDeactivations.push(Number((v >> 32n) & 0x1fffn))
      return
    }
  }

  /** The states of the list registers holding `intid` ('pending', 'active', 'pending+active'), in order. */
  statesOf(intid: number): string[] {
    const names = ['invalid', 'pending', 'active', 'pending+active']
    return [...this.lrs].filter((v) => v >> STATE_SHIFT !== 0n && Number(v & 0xffffffffn) === intid).map((v) => names[Number(v >> STATE_SHIFT)])
  }

  /** The INTIDs of the valid list registers, in list-register order. */
  intids(): number[] {
    return [...this.lrs].filter((v) => v >> STATE_SHIFT !== 0n).map((v) => Number(v & 0xffffffffn))
  }
}

/** The two register windows of a GICv3. */
export interface GicWindows {
  distributor: MmioDevice
  redistributors: MmioDevice
}

const GICD_CTLR = 0x0
const GICD_TYPER = 0x4
const GICD_CTLR_RWP = 1 << 31
const GICR_STRIDE = 0x20000
const SGI_BASE = 0x10000
const DEFAULT_PRIORITY = 0xa0a0a0a0

function rd(d: MmioDevice, off: number, size: AccessSize = 4): number {
  return Number(d.read(off, size))
}

function wr(d: MmioDevice, off: number, v: number | bigint, size: AccessSize = 4): void {
  d.write(off, size, BigInt(v))
}

/** gic_dist_init with every SPI routed to `bootAffinity` (the boot CPU's MPIDR, affinity bits). */
export function linuxDistInit(gic: GicWindows, bootAffinity: bigint): void {
  const d = gic.distributor
  wr(d, GICD_CTLR, 0)
  while (rd(d, GICD_CTLR) & GICD_CTLR_RWP) { /* gic_dist_wait_for_rwp */ }
  const lines = Math.min(32 * ((rd(d, GICD_TYPER) & 0x1f) + 1), 1020)
  for (let i = 32; i < lines; i += 32) wr(d, 0x80 + i / 8, 0xffffffff) // IGROUPR: Group 1
  // gic_dist_config: level-triggered, default priority, inactive, disabled.
  for (let i = 32; i < lines; i += 16) wr(d, 0xc00 + i / 4, 0)
  for (let i = 32; i < lines; i += 4) wr(d, 0x400 + i, DEFAULT_PRIORITY)
  for (let i = 32; i < lines; i += 32) {
    wr(d, 0x380 + i / 8, 0xffffffff)
    wr(d, 0x180 + i / 8, 0xffffffff)
  }
  while (rd(d, GICD_CTLR) & GICD_CTLR_RWP) { /* wait */ }
  wr(d, GICD_CTLR, (1 << 4) | (1 << 1) | (1 << 0)) // ARE_NS | ENABLE_G1A | ENABLE_G1
  while (rd(d, GICD_CTLR) & GICD_CTLR_RWP) { /* wait */ }
  for (let i = 32; i < lines; i++) wr(d, 0x6000 + i * 8, bootAffinity, 8) // gic_write_irouter: writeq
}

/**
 * gic_populate_rdist for the CPU of affinity `aff` (Aff3.Aff2.Aff1.Aff0 as
 * GICR_TYPER[63:32] holds it), then gic_enable_redist and gic_cpu_init.
 * Returns the redistributor's offset in the window, or -1 when none matched.
 */
export function linuxCpuInit(gic: GicWindows, aff: number): number {
  const r = gic.redistributors
  let base = -1
  for (let off = 0; ; off += GICR_STRIDE) {
    if ((rd(r, off + 0xffe8) & 0xf0) !== 0x30) return -1 // GICR_PIDR2.ArchRev
    const typer = r.read(off + 0x8, 8)
    if (Number(typer >> 32n) === aff) {
      base = off
      break
    }
    if ((typer & 0x10n) !== 0n) return -1 // Last
  }
  wr(r, base + 0x14, rd(r, base + 0x14) & ~(1 << 1)) // clear ProcessorSleep
  let polls = 0
  while (rd(r, base + 0x14) & (1 << 2)) if (++polls > 1_000_000) throw new Error('ChildrenAsleep never cleared')
  const sgi = base + SGI_BASE
  wr(r, sgi + 0x80, 0xffffffff) // IGROUPR0
  wr(r, sgi + 0x380, 0xffffffff) // ICACTIVER0
  wr(r, sgi + 0x180, 0xffffffff) // ICENABLER0
  for (let i = 0; i < 32; i += 4) wr(r, sgi + 0x400 + i, DEFAULT_PRIORITY)
  while (rd(r, base) & (1 << 3)) { /* gic_redist_wait_for_rwp: GICR_CTLR.RWP */ }
  return base
}

/** gic_set_type for an SPI: read-modify-write of its ICFGR word (edge: bit 2n+1). */
export function linuxSetType(gic: GicWindows, intid: number, edge: boolean, redistBase = 0): void {
  const d = intid < 32 ? gic.redistributors : gic.distributor
  const off = (intid < 32 ? redistBase + SGI_BASE : 0) + 0xc00 + Math.floor(intid / 16) * 4
  const bit = 2 << (2 * (intid % 16))
  const old = rd(d, off)
  wr(d, off, edge ? old | bit : old & ~bit)
}

/** gic_unmask_irq: ISENABLER (the distributor's for an SPI, the redistributor's SGI_base for a PPI). */
export function linuxUnmask(gic: GicWindows, intid: number, redistBase = 0): void {
  if (intid < 32) wr(gic.redistributors, redistBase + SGI_BASE + 0x100, 1 << intid)
  else wr(gic.distributor, 0x100 + Math.floor(intid / 32) * 4, 1 << (intid % 32))
}

export function linuxMask(gic: GicWindows, intid: number, redistBase = 0): void {
  if (intid < 32) wr(gic.redistributors, redistBase + SGI_BASE + 0x180, 1 << intid)
  else wr(gic.distributor, 0x180 + Math.floor(intid / 32) * 4, 1 << (intid % 32))
}

/** gic_irq_set_prio: a byte write to IPRIORITYR. */
export function linuxSetPriority(gic: GicWindows, intid: number, prio: number, redistBase = 0): void {
  if (intid < 32) wr(gic.redistributors, redistBase + SGI_BASE + 0x400 + intid, prio, 1)
  else wr(gic.distributor, 0x400 + intid, prio, 1)
}

/** gic_set_affinity: IROUTER as a 64-bit write. */
export function linuxRoute(gic: GicWindows, intid: number, affinity: bigint): void {
  wr(gic.distributor, 0x6000 + intid * 8, affinity, 8)
}
