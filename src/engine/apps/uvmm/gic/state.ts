/**
 * The state of uvmm's virtual GICv3, shared by its register windows
 * (distributor.ts, redistributor.ts) and its list-register side
 * (list-registers.ts): what a distributor and its redistributors hold for
 * every interrupt of one VM (GIC architecture specification v3, IHI 0069,
 * the interrupt state machine).
 *
 * Interrupts live in "slots": vCPU v's SGIs and PPIs are slots v*32 ..
 * v*32 + 31, the SPIs follow from cpus*32 on (INTID 32 first). Slot s's
 * bit is bit s & 31 of word s >>> 5 in every bitmap, so word v is vCPU v's
 * private INTIDs, and word cpus + k holds SPIs 32 + 32k .. 63 + 32k, the
 * layout of GICD_ISENABLER<k+1> and its siblings.
 *
 * An interrupt is pending while its latch is set (an edge, a write to
 * ISPENDR, an SGI) or — level-sensitive — while its line is high. It goes
 * to the guest only when it is enabled, in Group 1, Group 1 is enabled in
 * GICD_CTLR, and (an SPI) its IROUTER names the vCPU.
 */
/** INTID ranges: SGIs 0–15, PPIs 16–31, SPIs from 32 (IHI 0069, "INTIDs"). */
export const INTID_SPI = 32
export const INTID_PPI = 16

export class VgicState {
  readonly words: number
  /** Words of SPIs (cpus .. words - 1). */
  readonly spiWords: number
  readonly enabled: Uint32Array
  readonly latch: Uint32Array
  readonly line: Uint32Array
  /** ICFGR: set for edge-triggered. SGIs are always edge. */
  readonly edge: Uint32Array
  readonly active: Uint32Array
  /** IGROUPR: set for Group 1. */
  readonly group: Uint32Array
  /** Held by a list register some vCPU may be running with (list-registers.ts). */
  readonly inLr: Uint32Array
  /** IPRIORITYR, five bits implemented (as ICH_VTR_EL2.PRIbits says for the CPU interface). */
  readonly prio: Uint8Array
  /** The physical INTID a hardware-mapped interrupt deactivates (ICH_LR.HW), or -1. */
  readonly hwIntid: Int16Array
  /** The vCPU an active SPI is active on (it was acknowledged there). */
  readonly activeOn: Int16Array
  /** IROUTER<n> bits 31:0 (Aff2.Aff1.Aff0, IRM) and 39:32 (Aff3), per SPI. */
  readonly routeLo: Uint32Array
  readonly routeHi: Uint8Array
  /** The vCPU each SPI's IROUTER names now, or -1 (no vCPU has that affinity). */
  readonly target: Int16Array
  /** Per vCPU, one bit per SPI routed to it: spiWords words each. */
  readonly routedTo: Uint32Array
  /** GICR_WAKER.ProcessorSleep clear. */
  readonly awake: Uint8Array
  /** GICD_CTLR bits 1:0, EnableGrp1 and EnableGrp0 (DS = 1 view). */
  ctlr = 0
  /** Affinity (Aff3.Aff2.Aff1.Aff0 as one number) → vCPU. */
  private readonly byAffinity = new Map<number, number>()
  readonly affinity: Float64Array

  constructor(
    readonly cpus: number,
    readonly spis: number,
    mpidr: (vcpu: number) => bigint,
    /** Told when an interrupt may have become deliverable to vCPU `v`. */
    private readonly kick: (v: number) => void,
  ) {
    this.spiWords = spis / 32
    this.words = cpus + this.spiWords
    const bitmap = (): Uint32Array => new Uint32Array(this.words)
    this.enabled = bitmap()
    this.latch = bitmap()
    this.line = bitmap()
    this.edge = bitmap()
    this.active = bitmap()
    this.group = bitmap()
    this.inLr = bitmap()
    const slots = this.words * 32
    this.prio = new Uint8Array(slots)
    this.hwIntid = new Int16Array(slots).fill(-1)
    this.activeOn = new Int16Array(slots).fill(-1)
    this.routeLo = new Uint32Array(spis)
    this.routeHi = new Uint8Array(spis)
    this.target = new Int16Array(spis)
    this.routedTo = new Uint32Array(cpus * this.spiWords)
    this.awake = new Uint8Array(cpus)
    this.affinity = new Float64Array(cpus)
    for (let v = 0; v < cpus; v++) {
      const a = affinityOf(mpidr(v))
      this.affinity[v] = a
      if (!this.byAffinity.has(a)) this.byAffinity.set(a, v)
    }
    this.reset()
  }

  /**
   * As at power-on for a kernel booted without firmware: everything disabled
   * and idle, every redistributor asleep, every interrupt in Group 1 (as
   * QEMU resets its GIC when it boots a kernel directly, and as KVM does for
   * a GICv3 guest), SPIs routed to affinity 0.0.0.0.
   */
  reset(): void {
    for (const b of [this.enabled, this.latch, this.line, this.edge, this.active, this.inLr]) b.fill(0)
    this.group.fill(0xffffffff)
    for (let v = 0; v < this.cpus; v++) this.edge[v] = 0xffff
    this.prio.fill(0)
    this.activeOn.fill(-1)
    this.routeLo.fill(0)
    this.routeHi.fill(0)
    this.awake.fill(0)
    this.ctlr = 0
    for (let i = 0; i < this.spis; i++) this.reroute(i)
  }

  // ---- slots ---------------------------------------------------------------------

  /** The slot of `intid` as vCPU `v` sees it, or -1 when there is no such interrupt. */
  slotOf(intid: number, v: number): number {
    if (intid < INTID_SPI) return intid >= 0 && v >= 0 && v < this.cpus ? v * 32 + intid : -1
    return intid < INTID_SPI + this.spis ? this.cpus * 32 + intid - INTID_SPI : -1
  }

  intidOf(slot: number): number {
    return slot < this.cpus * 32 ? slot & 31 : slot - this.cpus * 32 + INTID_SPI
  }

  isSpi(slot: number): boolean {
    return slot >= this.cpus * 32
  }

  bit(map: Uint32Array, slot: number): boolean {
    return (map[slot >>> 5] & (1 << (slot & 31))) !== 0
  }

  setBit(map: Uint32Array, slot: number, on: boolean): void {
    const m = 1 << (slot & 31)
    map[slot >>> 5] = on ? map[slot >>> 5] | m : map[slot >>> 5] & ~m
  }

  /** The pending bits of word `w`: latched, or a level-sensitive line that is high. */
  pendingWord(w: number): number {
    return this.latch[w] | (this.line[w] & ~this.edge[w])
  }

  isPending(slot: number): boolean {
    return (this.pendingWord(slot >>> 5) & (1 << (slot & 31))) !== 0
  }

  /** Word `w`'s interrupts the distributor would forward if pending: enabled, Group 1, Group 1 on. */
  forwardable(w: number): number {
    return (this.ctlr & 2) === 0 ? 0 : this.enabled[w] & this.group[w]
  }

  /** The vCPU `slot` goes to when it is pending, or -1. */
  targetOf(slot: number): number {
    return this.isSpi(slot) ? this.target[slot - this.cpus * 32] : slot >>> 5
  }

  /**
   * Whether `slot` is pending and would be signalled to `v` now, from the
   * state here (not from a list register that holds it): forwardable, not
   * active (an active interrupt cannot be taken again before it is
   * deactivated), routed to `v`.
   */
  deliverable(slot: number, v: number): boolean {
    const w = slot >>> 5
    const m = 1 << (slot & 31)
    if ((this.pendingWord(w) & this.forwardable(w) & ~this.active[w] & ~this.inLr[w] & m) === 0) return false
    return this.targetOf(slot) === v
  }

  /** Anything deliverable to `v` here (list registers aside)? Allocates nothing. */
  anyDeliverable(v: number): boolean {
    if (this.ready(v) !== 0) return true
    for (let k = 0; k < this.spiWords; k++) if ((this.ready(this.cpus + k) & this.routedTo[v * this.spiWords + k]) !== 0) return true
    return false
  }

  /** Pending, forwardable, neither active nor in a list register: word `w`. */
  ready(w: number): number {
    return this.pendingWord(w) & this.forwardable(w) & ~this.active[w] & ~this.inLr[w]
  }

  /** After a change that may have made `slot` deliverable: wakes its vCPU. */
  notify(slot: number): void {
    const v = this.targetOf(slot)
    if (v >= 0 && this.deliverable(slot, v)) this.kick(v)
  }

  /** After a register write that may have made anything deliverable anywhere. */
  notifyAll(): void {
    for (let v = 0; v < this.cpus; v++) if (this.anyDeliverable(v)) this.kick(v)
  }

  // ---- routing -------------------------------------------------------------------

  /** The vCPU with this MPIDR affinity, or -1. */
  vcpuWithAffinity(aff: number): number {
    return this.byAffinity.get(aff) ?? -1
  }

  /**
   * Recomputes SPI `i`'s target from its IROUTER. IRM (1 of N) picks the
   * lowest-numbered vCPU whose redistributor is awake, vCPU 0 when none is:
   * any participating PE will do (GICD_IROUTER<n>.Interrupt_Routing_Mode), and a fixed choice keeps
   * runs repeatable.
   */
  reroute(i: number): void {
    let t: number
    if ((this.routeLo[i] & 0x80000000) !== 0) {
      t = this.awake.indexOf(1)
      if (t < 0) t = 0
    } else {
      t = this.vcpuWithAffinity(this.routeHi[i] * 2 ** 24 + (this.routeLo[i] & 0xffffff))
    }
    const old = this.target[i]
    const w = i >>> 5
    const m = 1 << (i & 31)
    if (old >= 0 && old < this.cpus) this.routedTo[old * this.spiWords + w] &= ~m
    this.target[i] = t
    if (t >= 0) this.routedTo[t * this.spiWords + w] |= m
  }

  /** SPIs with IRM set follow the set of awake redistributors. */
  rerouteOneOfN(): void {
    for (let i = 0; i < this.spis; i++) if ((this.routeLo[i] & 0x80000000) !== 0) this.reroute(i)
  }
}

/** MPIDR_EL1's affinity fields as one number: Aff3 (bits 39:32) above Aff2.Aff1.Aff0 (bits 23:0). */
export function affinityOf(mpidr: bigint): number {
  return Number((mpidr >> 32n) & 0xffn) * 2 ** 24 + Number(mpidr & 0xffffffn)
}
