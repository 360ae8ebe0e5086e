/**
 * The hypervisor's half of the virtual CPU interface: filling a vCPU's list
 * registers (ICH_LR<n>_EL2, GIC architecture specification v3) before it enters the guest and
 * folding what the guest did with them back afterwards. The guest's half —
 * ICV_IAR1_EL1 turning a pending LR active, ICV_EOIR1_EL1/ICV_DIR_EL1
 * making it invalid — is the core's (cpu/aarch64/assembly/vgic.ts).
 *
 * The distributor state (state.ts) is the truth between an exit and the next
 * entry: `sync` folds every list register back into it and leaves them all
 * empty, `flush` writes them afresh, active interrupts first (the guest must
 * find an interrupt it acknowledged in a list register to deactivate it),
 * then the highest-priority pending ones. Rewriting them all each time is
 * what KVM's vgic does too; it means a higher-priority interrupt that came
 * while the list registers were full takes the place of a lower one at the
 * next entry.
 *
 * While a vCPU runs, its list registers may hold an SPI: its `inLr` bit
 * keeps every other vCPU from taking it too. A register write that changes
 * such an interrupt (ICPENDR, ICACTIVER from another vCPU) takes effect when
 * its list register is folded back, and may be undone by it: the same window
 * exists between a GIC and a PE, and KVM leaves it open as well.
 *
 * The list registers are BigUint64Array elements; they are read and written
 * as two u32 halves through a Uint32Array over the same bytes (cached per
 * vCPU), so neither flush nor sync allocates.
 */
import type { VgicState } from './state'

/** ICH_VTR_EL2.ListRegs allows up to 16. */
export const MAX_LRS = 16

// ICH_LR<n>_EL2's fields in its upper word (bits 63:32): State [63:62], HW [61],
// Group [60], Priority [55:48], pINTID [44:32] when HW is 1, EOI [41] when HW is 0.
const STATE_SHIFT = 30
const HW = 1 << 29
const GROUP1 = 1 << 28
const PRIO_SHIFT = 16
const EOI = 1 << 9
const PINTID_MASK = 0x1fff
const PENDING = 1
const ACTIVE = 2
/** Sort keys: active interrupts before every pending one. */
const PENDING_KEY = 0x100
const OFFERED = 1
const OFFERED_ACTIVE = 2

export interface LrStats {
  /** Interrupts offered to the guest pending in a list register (each offer once, until acknowledged). */
  injected: number
  /** Offered interrupts the guest acknowledged. */
  acknowledged: number
  /** List registers that came back invalid: acknowledged and deactivated. */
  completed: number
  /** Flushes that had more interrupts to give than list registers. */
  overflows: number
}

export class ListRegisters {
  /** Per vCPU and list register: the slot it holds, or -1. */
  private readonly held: Int32Array
  /** Per vCPU and list register: written with the pending bit: OFFERED, or OFFERED_ACTIVE with the active bit too. */
  private readonly offeredIn: Uint8Array
  /** Per slot: sits pending in some list register, not yet acknowledged (for `injected`). */
  private readonly offered: Uint8Array
  /** Per vCPU: its list registers hold something of ours not yet folded back. */
  private readonly live: Uint8Array
  private readonly views: (Uint32Array | null)[]
  private readonly bestSlot = new Int32Array(MAX_LRS)
  private readonly bestKey = new Int32Array(MAX_LRS)
  /** The choice in progress in `flush`: list registers to fill, chosen so far, candidates seen. */
  private n = 0
  private count = 0
  private seen = 0

  constructor(
    private readonly s: VgicState,
    readonly stats: LrStats,
  ) {
    this.held = new Int32Array(s.cpus * MAX_LRS).fill(-1)
    this.offeredIn = new Uint8Array(s.cpus * MAX_LRS)
    this.offered = new Uint8Array(s.words * 32)
    this.live = new Uint8Array(s.cpus)
    this.views = new Array<Uint32Array | null>(s.cpus).fill(null)
  }

  /** Forgets every list register (the state was reset). */
  reset(): void {
    this.held.fill(-1)
    this.offeredIn.fill(0)
    this.offered.fill(0)
    this.live.fill(0)
  }

  /** Before vCPU `v` enters the guest: writes its list registers from the state. */
  flush(v: number, lrs: BigUint64Array): void {
    if (!this.valid(v)) return
    // A flush without a sync since the last one (no exit in between) folds first.
    if (this.live[v]) this.sync(v, lrs)
    const s = this.s
    const n = Math.min(lrs.length, MAX_LRS)
    this.n = n
    this.count = 0
    this.seen = 0
    this.scan(v, s.active[v] | s.ready(v))
    for (let k = 0; k < s.spiWords; k++) {
      const w = s.cpus + k
      let active = s.active[w] & ~s.inLr[w]
      for (let b = active; b !== 0; b &= b - 1) {
        const m = b & -b
        if (s.activeOn[w * 32 + 31 - Math.clz32(m)] !== v) active &= ~m
      }
      this.scan(w, active | (s.ready(w) & s.routedTo[v * s.spiWords + k]))
    }
    const count = this.count
    if (this.seen > n) this.stats.overflows++
    const words = this.view(v, lrs)
    for (let i = 0; i < count; i++) this.write(v, i, this.bestSlot[i], words)
    for (let i = count; i < n; i++) words[2 * i] = words[2 * i + 1] = 0
    this.live[v] = count > 0 ? 1 : 0
  }

  /** After vCPU `v` left the guest: folds its list registers back into the state and empties them. */
  sync(v: number, lrs: BigUint64Array): void {
    if (!this.valid(v) || !this.live[v]) return
    const s = this.s
    const n = Math.min(lrs.length, MAX_LRS)
    const words = this.view(v, lrs)
    for (let i = 0; i < n; i++) {
      const at = v * MAX_LRS + i
      const slot = this.held[at]
      if (slot < 0) continue
      // Only the core's ICV_* accesses change a list register, and only its State; anything else
      // there (someone else wrote it) is taken as the interrupt having left it.
      const state = words[2 * i] === s.intidOf(slot) ? words[2 * i + 1] >>> STATE_SHIFT : 0
      const edge = s.bit(s.edge, slot)
      s.setBit(s.active, slot, (state & ACTIVE) !== 0)
      s.activeOn[slot] = (state & ACTIVE) !== 0 ? v : -1
      if (this.offeredIn[at]) {
        if (state & PENDING) {
          // Not taken yet: an edge's pending state returns to its latch.
          if (edge) s.setBit(s.latch, slot, true)
        } else {
          this.stats.acknowledged++
          this.offered[slot] = 0
          // Acknowledging consumes a level interrupt's software-pending state (ISPENDR); its line stays.
          if (!edge) s.setBit(s.latch, slot, false)
        }
      }
      if (state === 0) {
        this.stats.completed++
        // A hardware interrupt's line is the physical side's: once the guest deactivated it, the
        // source (the core's timer, masked until now) raises it again if it is still asserted.
        if (s.hwIntid[slot] >= 0) s.setBit(s.line, slot, false)
      }
      s.setBit(s.inLr, slot, false)
      this.held[at] = -1
      this.offeredIn[at] = 0
      words[2 * i] = words[2 * i + 1] = 0
      // A deactivated SPI still pending may belong to another vCPU now.
      if ((state & ACTIVE) === 0 && s.isSpi(slot) && s.targetOf(slot) !== v) s.notify(slot)
    }
    this.live[v] = 0
  }

  /**
   * Whether `v` has something to take: an interrupt offered in its list
   * registers at the last flush (exact after `sync`), or one deliverable.
   */
  hasPending(v: number): boolean {
    if (!this.valid(v)) return false
    // Pending and active is not signalled before the guest deactivates it: nothing to wake for.
    if (this.live[v]) for (let i = 0; i < MAX_LRS; i++) if (this.offeredIn[v * MAX_LRS + i] === OFFERED) return true
    return this.s.anyDeliverable(v)
  }

  /** The slots in `v`'s list registers since the last flush (for tests and the inspector). */
  heldBy(v: number): number[] {
    const out: number[] = []
    if (!this.valid(v)) return out
    for (let i = 0; i < MAX_LRS; i++) if (this.held[v * MAX_LRS + i] >= 0) out.push(this.held[v * MAX_LRS + i])
    return out
  }

  /** Offers word `w`'s interrupts in `bits` to the choice of the best `n`. */
  private scan(w: number, bits: number): void {
    const s = this.s
    for (let b = bits; b !== 0; b &= b - 1) {
      const slot = w * 32 + 31 - Math.clz32(b & -b)
      this.consider(slot, (s.bit(s.active, slot) ? 0 : PENDING_KEY) + s.prio[slot])
    }
  }

  /** Keeps the `n` lowest keys seen, sorted; equal keys keep scan order, which is INTID order (the lower INTID first, as a GIC breaks ties). */
  private consider(slot: number, key: number): void {
    const n = this.n
    this.seen++
    if (n === 0) return
    if (this.count < n) this.count++
    else if (key >= this.bestKey[n - 1]) return
    let i = this.count - 1
    while (i > 0 && this.bestKey[i - 1] > key) {
      this.bestKey[i] = this.bestKey[i - 1]
      this.bestSlot[i] = this.bestSlot[i - 1]
      i--
    }
    this.bestKey[i] = key
    this.bestSlot[i] = slot
  }

  private write(v: number, i: number, slot: number, words: Uint32Array): void {
    const s = this.s
    const w = slot >>> 5
    const m = 1 << (slot & 31)
    const active = (s.active[w] & m) !== 0
    const hw = s.hwIntid[slot]
    // A hardware interrupt is never pending and active at once: its pending state is the
    // physical distributor's until the guest's deactivation reaches it (ICH_LR<n>_EL2.HW).
    const pending = (s.pendingWord(w) & s.forwardable(w) & m) !== 0 && s.targetOf(slot) === v && !(hw >= 0 && active)
    let hi = ((pending ? PENDING : 0) | (active ? ACTIVE : 0)) << STATE_SHIFT
    hi |= s.prio[slot] << PRIO_SHIFT
    if ((s.group[w] & m) !== 0) hi |= GROUP1
    const edge = (s.edge[w] & m) !== 0
    // A level interrupt asks for a maintenance interrupt on its EOI, so that a line still high
    // is seen at once (ICH_MISR_EL2.EOI), not at the vCPU's next exit for another reason.
    if (hw >= 0) hi |= HW | (hw & PINTID_MASK)
    else if (!edge) hi |= EOI
    words[2 * i] = s.intidOf(slot)
    words[2 * i + 1] = hi
    const at = v * MAX_LRS + i
    this.held[at] = slot
    this.offeredIn[at] = !pending ? 0 : active ? OFFERED_ACTIVE : OFFERED
    s.setBit(s.inLr, slot, true)
    if (pending) {
      if (edge) s.setBit(s.latch, slot, false)
      if (!this.offered[slot]) this.stats.injected++
      this.offered[slot] = 1
    }
  }

  private view(v: number, lrs: BigUint64Array): Uint32Array {
    const old = this.views[v]
    if (old !== null && old.buffer === lrs.buffer && old.byteOffset === lrs.byteOffset && old.length === lrs.length * 2) return old
    // INVARIANT: a little-endian host (as every engine l4lab runs on, and the cores' wasm memory):
    // element 2i is an LR's bits 31:0, element 2i + 1 its bits 63:32.
    const view = new Uint32Array(lrs.buffer, lrs.byteOffset, lrs.length * 2)
    this.views[v] = view
    return view
  }

  private valid(v: number): boolean {
    return Number.isInteger(v) && v >= 0 && v < this.s.cpus
  }
}
