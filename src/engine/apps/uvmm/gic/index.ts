/**
 * uvmm's virtual GICv3: the interrupt controller a VM's guest programs,
 * emulated in software as uvmm's Gic_v3 device does on L4Re (the physical
 * GIC model, devices/gicv3.ts, is the bare board's and lives in the core's
 * memory; this one lives in uvmm and reaches the guest through list
 * registers).
 *
 * - The guest's MMIO accesses to the distributor and redistributor windows
 *   (`distributor`, `redistributors`) arrive as VM exits and are emulated
 *   here (distributor.ts, redistributor.ts).
 * - uvmm's devices raise interrupts with `setLevel` and `pulse`; a guest's
 *   ICC_SGI1R_EL1 write (trapped) becomes `sendSgi`.
 * - Around every guest entry uvmm calls `sync` after the exit and `flush`
 *   before the entry (list-registers.ts): the guest acknowledges and
 *   deactivates through the core's ICV_* registers, on the list registers
 *   alone.
 *
 * Device tree: `intc@… { compatible = "arm,gic-v3"; #interrupt-cells = <3>;
 * interrupt-controller; #redistributor-regions = <1>; reg = <dist 64 KiB>,
 * <redist cpus × 128 KiB>; }` (device-tree.ts writes it).
 */
import type { MmioDevice } from '../../../hw/mmio-bus'
import { VgicDistributor, type AccessStats } from './distributor'
import { ListRegisters, MAX_LRS, type LrStats } from './list-registers'
import { REDIST_STRIDE, VgicRedistributors } from './redistributor'
import { INTID_PPI, INTID_SPI, VgicState } from './state'

export { MAX_LRS, REDIST_STRIDE }

/** SPIs a VM gets by default: 256 (INTIDs 32–287), as our physical model has (QEMU 7.2's virt has 224: INTIDs up to 255). */
export const VGIC_SPIS = 256
/** GICD_TYPER.ITLinesNumber tops out at INTID 1019. */
export const VGIC_MAX_SPIS = 960
/** GICR_TYPER.Processor_Number has 16 bits; L4Re's uvmm stops at 254 on arm. */
export const VGIC_MAX_CPUS = 254
/** The distributor's window. */
export const GICD_SIZE = 0x10000

export interface VgicStats extends LrStats, AccessStats {
  /** SGIs sent (ICC_SGI1R_EL1 writes), counted once per target. */
  sgis: number
  /** setLevel/pulse/mapHw calls naming no interrupt line (an SGI, a PPI without a vCPU, past the last SPI). */
  badLines: number
}

export interface VirtualGicOptions {
  cpus: number
  /** A multiple of 32, 32 .. VGIC_MAX_SPIS. */
  spis: number
  /** vCPU `vcpu`'s MPIDR_EL1 (its affinity is what IROUTER, ICC_SGI1R_EL1 and GICR_TYPER name it by). */
  mpidr: (vcpu: number) => bigint
}

export class VirtualGic {
  readonly cpus: number
  readonly spis: number
  readonly distributor: MmioDevice
  /** cpus × REDIST_STRIDE bytes. */
  readonly redistributors: MmioDevice
  readonly stats: VgicStats = {
    injected: 0, acknowledged: 0, completed: 0, overflows: 0, ignored: 0, lastIgnored: -1, sgis: 0, badLines: 0,
  }
  /** Called when an interrupt became pending for `vcpu` (to wake its thread, or make it exit to take it). */
  onKick?: (vcpu: number) => void
  private readonly state: VgicState
  private readonly lrs: ListRegisters

  /** Throws a RangeError for a `cpus` or `spis` out of range: uvmm's configuration checks them first. */
  constructor(opts: VirtualGicOptions) {
    const { cpus, spis } = opts
    if (!Number.isInteger(cpus) || cpus < 1 || cpus > VGIC_MAX_CPUS) throw new RangeError(`virtual GIC: ${cpus} vCPUs (1..${VGIC_MAX_CPUS})`)
    if (!Number.isInteger(spis) || spis < 32 || spis > VGIC_MAX_SPIS || spis % 32 !== 0) {
      throw new RangeError(`virtual GIC: ${spis} SPIs (a multiple of 32 up to ${VGIC_MAX_SPIS})`)
    }
    this.cpus = cpus
    this.spis = spis
    this.state = new VgicState(cpus, spis, opts.mpidr, (v) => this.onKick?.(v))
    this.lrs = new ListRegisters(this.state, this.stats)
    this.distributor = new VgicDistributor(this.state, this.stats)
    this.redistributors = new VgicRedistributors(this.state, this.stats)
  }

  /** As at power-on (a system reset): state, routing and list-register bookkeeping; hardware mappings stay. */
  reset(): void {
    this.state.reset()
    this.lrs.reset()
  }

  /**
   * Drives interrupt line `intid`: a PPI of `vcpu` (16–31) or an SPI (its
   * IROUTER picks the vCPU). Level-sensitive, it is pending while high;
   * configured edge-triggered (ICFGR), a rise latches it pending.
   */
  setLevel(intid: number, level: boolean, vcpu?: number): void {
    const slot = this.lineSlot(intid, vcpu)
    if (slot < 0) return
    const s = this.state
    const was = s.bit(s.line, slot)
    if (was === level) return
    s.setBit(s.line, slot, level)
    if (!level) return
    if (s.bit(s.edge, slot)) s.setBit(s.latch, slot, true)
    s.notify(slot)
  }

  /** An edge: the line rises and falls (a line held high only falls, as hw/irq-line.ts pulses). */
  pulse(intid: number, vcpu?: number): void {
    this.setLevel(intid, true, vcpu)
    this.setLevel(intid, false, vcpu)
  }

  /**
   * A guest's ICC_SGI1R_EL1 write on `fromVcpu`: SGI INTID (27:24) to the
   * vCPUs of affinity Aff3.Aff2.Aff1 (55:48, 39:32, 23:16) whose Aff0 is
   * RS × 16 + n for each bit n of TargetList (15:0), or with IRM (40) to
   * every vCPU but the sender.
   */
  sendSgi(fromVcpu: number, sgi1r: bigint): void {
    const s = this.state
    const lo = Number(sgi1r & 0xffffffffn)
    const hi = Number((sgi1r >> 32n) & 0xffffffffn)
    const intid = (lo >>> 24) & 0xf
    if ((hi & (1 << 8)) !== 0) {
      for (let v = 0; v < this.cpus; v++) if (v !== fromVcpu) this.raiseSgi(v, intid)
      return
    }
    const cluster = ((hi >>> 16) & 0xff) * 2 ** 24 + (hi & 0xff) * 0x10000 + ((lo >>> 16) & 0xff) * 0x100
    const rs = (hi >>> 12) & 0xf
    for (let b = lo & 0xffff; b !== 0; b &= b - 1) {
      const v = s.vcpuWithAffinity(cluster + rs * 16 + 31 - Math.clz32(b & -b))
      if (v >= 0) this.raiseSgi(v, intid)
    }
  }

  /**
   * Forwards PPI or SPI `intid` from physical INTID `pintid`: it goes into
   * list registers with HW set, so the guest's deactivation deactivates the
   * physical interrupt too (the virtual timer's PPI 27, as KVM and uvmm map it).
   */
  mapHw(vcpu: number, intid: number, pintid: number): void {
    const slot = this.lineSlot(intid, vcpu)
    if (slot < 0) return
    if (!Number.isInteger(pintid) || pintid < 0 || pintid > 0x1fff) {
      this.stats.badLines++
      return
    }
    this.state.hwIntid[slot] = pintid
  }

  /**
   * Before `vcpu` enters the guest: fills its list registers with its active
   * interrupts, then the highest-priority pending, enabled, Group 1
   * interrupts routed to it; empties the rest.
   */
  flush(vcpu: number, lrs: BigUint64Array): void {
    this.lrs.flush(vcpu, lrs)
  }

  /**
   * After `vcpu` left the guest: folds its list registers back (pending →
   * active: acknowledged; invalid: deactivated) and empties them. A level
   * interrupt whose line is still high is pending again.
   */
  sync(vcpu: number, lrs: BigUint64Array): void {
    this.lrs.sync(vcpu, lrs)
  }

  /** Something deliverable to `vcpu` is pending, in its list registers or not: a WFI must not sleep. */
  hasPending(vcpu: number): boolean {
    return this.lrs.hasPending(vcpu)
  }

  /** The INTIDs `vcpu`'s list registers hold since the last flush (for the inspector). */
  inListRegisters(vcpu: number): number[] {
    return this.lrs.heldBy(vcpu).map((slot) => this.state.intidOf(slot))
  }

  private raiseSgi(v: number, intid: number): void {
    const slot = v * 32 + intid
    this.stats.sgis++
    this.state.setBit(this.state.latch, slot, true)
    this.state.notify(slot)
  }

  /** The slot of a device line (a PPI of `vcpu`, or an SPI), or -1, counted. */
  private lineSlot(intid: number, vcpu: number | undefined): number {
    const ok = Number.isInteger(intid) && (intid >= INTID_SPI ? intid < INTID_SPI + this.spis : intid >= INTID_PPI && vcpu !== undefined && Number.isInteger(vcpu))
    const slot = ok ? this.state.slotOf(intid, vcpu ?? 0) : -1
    if (slot < 0) this.stats.badLines++
    return slot
  }
}
