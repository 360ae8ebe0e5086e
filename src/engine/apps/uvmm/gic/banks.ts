/**
 * The registers the distributor (for SPIs) and a redistributor's SGI_base
 * frame (for its SGIs and PPIs) share, at the same offsets in both: one bit
 * per INTID in IGROUPR, ISENABLER/ICENABLER, ISPENDR/ICPENDR,
 * ISACTIVER/ICACTIVER, a byte in IPRIORITYR, two bits in ICFGR.
 */
import type { VgicState } from './state'

/** Offsets of the bit-per-INTID banks (their base; register n is base + 4n). */
export const enum Bank {
  IGROUPR = 0x080,
  ISENABLER = 0x100,
  ICENABLER = 0x180,
  ISPENDR = 0x200,
  ICPENDR = 0x280,
  ISACTIVER = 0x300,
  ICACTIVER = 0x380,
}

export const IPRIORITYR = 0x400
export const ICFGR = 0xc00
/** Priority bits the distributor implements: five, as the CPU interface (ICH_VTR_EL2.PRIbits = 4). */
const PRIO_MASK = 0xf8

/** Reads the register of bank `bank` (an offset in 0x80..0x3FF, any register of it) for word `w`. */
export function readBank(s: VgicState, bank: number, w: number): number {
  switch (bank & 0x380) {
    case Bank.IGROUPR: return s.group[w]
    case Bank.ISENABLER: case Bank.ICENABLER: return s.enabled[w]
    case Bank.ISPENDR: case Bank.ICPENDR: return s.pendingWord(w) >>> 0
    case Bank.ISACTIVER: case Bank.ICACTIVER: return s.active[w]
  }
  return 0
}

/** Writes `v` to bank `bank` for word `w`; says whether something may have become deliverable. */
export function writeBank(s: VgicState, bank: number, w: number, v: number): boolean {
  switch (bank & 0x380) {
    case Bank.IGROUPR: s.group[w] = v; return true
    case Bank.ISENABLER: s.enabled[w] |= v; return true
    case Bank.ICENABLER: s.enabled[w] &= ~v; return false
    // A level-sensitive interrupt whose line is high stays pending after ICPENDR: only its latch clears.
    case Bank.ISPENDR: s.latch[w] |= v; return true
    case Bank.ICPENDR: s.latch[w] &= ~v; return false
    case Bank.ISACTIVER:
      s.active[w] |= v
      for (let b = v; b !== 0; b &= b - 1) {
        const slot = w * 32 + 31 - Math.clz32(b & -b)
        // Made active by a register write, an SPI counts as active where it is routed.
        if (s.isSpi(slot)) s.activeOn[slot] = Math.max(s.targetOf(slot), 0)
      }
      return false
    case Bank.ICACTIVER:
      s.active[w] &= ~v
      for (let b = v; b !== 0; b &= b - 1) s.activeOn[w * 32 + 31 - Math.clz32(b & -b)] = -1
      return true
  }
  return false
}

/** `size` priority bytes from slot `first` (consecutive INTIDs), little-endian. */
export function readPriority(s: VgicState, first: number, size: number): number {
  let r = 0
  for (let i = 0; i < size; i++) r |= s.prio[first + i] << (8 * i)
  return r >>> 0
}

export function writePriority(s: VgicState, first: number, size: number, v: bigint): void {
  const x = Number(v & 0xffffffffn)
  for (let i = 0; i < size; i++) s.prio[first + i] = (x >>> (8 * i)) & PRIO_MASK
}

/** ICFGR for the 16 slots from `first`: bit 2i+1 set for an edge-triggered interrupt. */
export function readConfig(s: VgicState, first: number): number {
  let r = 0
  for (let i = 0; i < 16; i++) if (s.bit(s.edge, first + i)) r |= 2 << (2 * i)
  return r >>> 0
}

export function writeConfig(s: VgicState, first: number, v: number): void {
  for (let i = 0; i < 16; i++) s.setBit(s.edge, first + i, ((v >>> (2 * i + 1)) & 1) !== 0)
}
