/**
 * The MMIO bus: which device answers a physical address that is not RAM.
 *
 * A board maps each device's register window here (from its MEMMAP table);
 * a core's load or store that misses RAM comes here, and the bus turns it
 * into `device.read(offset, size)` / `device.write(offset, size, value)`.
 *
 * Dispatch goes through a table indexed by 4 KiB page number, as v86 does,
 * not through a search of the region list. Physical addresses reach 2^48
 * (the largest ARMv8 PA size without FEAT_LPA), so a flat table is out of
 * the question; the table has two levels, like a translation table: a Map
 * from the 2 MiB block number (< 2^27, a small integer to V8) to an array
 * of 512 page entries. A page entry lists the regions that touch the page:
 * one for an ordinary device, several where small windows share a page
 * (QEMU virt puts 32 virtio-mmio transports of 0x200 bytes in 4 pages).
 *
 * A hole, or an access that runs past the end of its region (into the next
 * region or into nothing), is "unmapped": `read` and `write` report it as a
 * status, and the board turns it into an external abort (ESR_ELx.DFSC
 * 0b010000, synchronous External abort) or, for a VM, an MMIO exit its VMM
 * may handle. Alignment faults on Device memory are the
 * core's business, before an access ever reaches the bus.
 *
 * `read` and `write` allocate nothing: the page lookup is a Map probe with
 * a small-integer key and an array index, and the status of a read is left
 * in `status` instead of being returned in an object.
 */
import { PAGE_SIZE } from '../util/page'

export { PAGE_SIZE }

export type AccessSize = 1 | 2 | 4 | 8

/** A device's register window; `off` is relative to the window's base. */
export interface MmioDevice {
  /** Returns the value of `size` bytes at `off` (zero-extended). */
  read(off: number, size: AccessSize): bigint
  /** `v` holds `size` bytes; a device ignores what lies above them. */
  write(off: number, size: AccessSize, v: bigint): void
}

export interface MmioRegion {
  readonly name: string
  readonly base: bigint
  readonly size: bigint
  readonly device: MmioDevice
}

export const enum MmioStatus {
  Ok = 0,
  /** No region holds every byte of the access. */
  Unmapped = 1,
}

export type MmioMapResult = { ok: true; region: MmioRegion } | { ok: false; reason: string }

/** Physical addresses are below 2^48 (ARMv8 PARange 0b0101, the largest without FEAT_LPA; enough for every board we model). */
export const PA_LIMIT = 2 ** 48
const PAGES_PER_BLOCK = 512
const BLOCK_SIZE = PAGE_SIZE * PAGES_PER_BLOCK
/**
 * Every page of a region gets a table entry, so a region's size is bounded:
 * 4 GiB is 8 MiB of page entries. QEMU virt's largest window below the PCIe
 * high MMIO is the 256 MiB ECAM; windows of hundreds of GiB would need
 * block entries, which nothing here needs yet.
 */
export const REGION_MAX = 2 ** 32
/** Bases and sizes are multiples of the largest access. */
const REGION_ALIGN = 8

class Region implements MmioRegion {
  /** The page-entry list for pages this region has to itself, shared by all of them. */
  readonly alone: readonly Region[] = [this]
  readonly start: number
  readonly end: number

  constructor(
    readonly name: string,
    readonly base: bigint,
    readonly size: bigint,
    readonly device: MmioDevice,
  ) {
    this.start = Number(base)
    this.end = Number(base + size)
  }
}

type PageEntry = readonly Region[] | undefined

export class MmioBus {
  /** 2 MiB block number → its 512 page entries. */
  private readonly blocks = new Map<number, PageEntry[]>()
  /** Every region, in order of base: for the inspector and the device tree. */
  private readonly list: Region[] = []
  /** The outcome of the last `read` (a `write` returns its own). */
  status: MmioStatus = MmioStatus.Ok

  /** Maps `device` at [base, base + size). Refuses zero-size, misaligned, too large and overlapping windows. */
  map(base: bigint | number, size: bigint | number, device: MmioDevice, name: string): MmioMapResult {
    const b = toBig(base)
    const s = toBig(size)
    if (b === null || s === null) return { ok: false, reason: `${name}: base and size must be non-negative integers` }
    const where = `${name} at ${hex(b)} size ${hex(s)}`
    if (s === 0n) return { ok: false, reason: `${where}: zero size` }
    if (s > BigInt(REGION_MAX)) return { ok: false, reason: `${where}: larger than ${hex(BigInt(REGION_MAX))}` }
    if (b + s > BigInt(PA_LIMIT)) return { ok: false, reason: `${where}: beyond the 48-bit physical address space` }
    if (b % BigInt(REGION_ALIGN) !== 0n || s % BigInt(REGION_ALIGN) !== 0n) {
      return { ok: false, reason: `${where}: base and size must be multiples of ${REGION_ALIGN}` }
    }
    for (const r of this.list) {
      if (b < r.base + r.size && r.base < b + s) return { ok: false, reason: `${where}: overlaps ${r.name} at ${hex(r.base)} size ${hex(r.size)}` }
    }
    const region = new Region(name, b, s, device)
    this.list.splice(this.insertionIndex(b), 0, region)
    this.forEachPage(region, (entries, i) => {
      const old = entries[i]
      // Regions do not overlap, so the order within a shared page does not matter.
      entries[i] = old === undefined ? region.alone : [...old, region]
    })
    return { ok: true, region }
  }

  /** Unmaps the region that starts at `base`. */
  unmap(base: bigint | number): MmioMapResult {
    const b = toBig(base)
    const region = b === null ? undefined : this.list.find((r) => r.base === b)
    if (region === undefined) return { ok: false, reason: `no region starts at ${b === null ? String(base) : hex(b)}` }
    this.list.splice(this.list.indexOf(region), 1)
    this.forEachPage(region, (entries, i) => {
      const rest = entries[i]!.filter((r) => r !== region)
      entries[i] = rest.length === 0 ? undefined : rest.length === 1 ? rest[0].alone : rest
    })
    return { ok: true, region }
  }

  /** The regions in order of base address (a copy: the inspector may keep it). */
  regions(): MmioRegion[] {
    return [...this.list]
  }

  /** The region holding byte `pa`, and the offset into it (for the inspector and VM exits; allocates). */
  find(pa: bigint | number): { device: MmioDevice; offset: number; region: MmioRegion } | null {
    const a = typeof pa === 'bigint' ? Number(pa) : pa
    const r = this.lookup(a, 1)
    return r === null ? null : { device: r.device, offset: a - r.start, region: r }
  }

  /** Reads `size` bytes at `pa`; `status` says whether a device answered (0n when none did). */
  read(pa: number, size: AccessSize): bigint {
    const r = this.lookup(pa, size)
    if (r === null) {
      this.status = MmioStatus.Unmapped
      return 0n
    }
    this.status = MmioStatus.Ok
    return r.device.read(pa - r.start, size)
  }

  /** Writes `size` bytes at `pa`; a write to a hole reaches nobody and says so. */
  write(pa: number, size: AccessSize, v: bigint): MmioStatus {
    const r = this.lookup(pa, size)
    if (r === null) return MmioStatus.Unmapped
    r.device.write(pa - r.start, size, v)
    return MmioStatus.Ok
  }

  /** The region holding all of [pa, pa + size), or null. Allocates nothing. */
  private lookup(pa: number, size: number): Region | null {
    // Rejects NaN, fractions, negatives and addresses past 2^48 at once.
    if (!(pa >= 0 && pa < PA_LIMIT) || !Number.isInteger(pa)) return null
    // INVARIANT: 0 <= pa < 2^48, so pa / BLOCK_SIZE < 2^27 and `| 0` truncates it exactly, to a
    // small integer V8 hashes without boxing (Math.floor measured 15 ns a lookup against 11);
    // pa / PAGE_SIZE < 2^36, and `& 511` (ToInt32 keeps the low 32 bits) is the page within the block.
    const entries = this.blocks.get((pa / BLOCK_SIZE) | 0)
    if (entries === undefined) return null
    const list = entries[(pa / PAGE_SIZE) & (PAGES_PER_BLOCK - 1)]
    if (list === undefined) return null
    for (let i = 0; i < list.length; i++) {
      const r = list[i]
      if (pa >= r.start && pa < r.end) return pa + size <= r.end ? r : null
    }
    return null
  }

  /** Calls `f` for every page entry `r` touches, block by block; drops blocks left empty. */
  private forEachPage(r: Region, f: (entries: PageEntry[], index: number) => void): void {
    const first = Math.floor(r.start / PAGE_SIZE)
    const last = Math.floor((r.end - 1) / PAGE_SIZE)
    for (let page = first; page <= last; ) {
      const block = Math.floor(page / PAGES_PER_BLOCK)
      const blockLast = Math.min(last, block * PAGES_PER_BLOCK + PAGES_PER_BLOCK - 1)
      let entries = this.blocks.get(block)
      if (entries === undefined) {
        entries = new Array<PageEntry>(PAGES_PER_BLOCK).fill(undefined)
        this.blocks.set(block, entries)
      }
      for (; page <= blockLast; page++) f(entries, page % PAGES_PER_BLOCK)
      if (entries.every((e) => e === undefined)) this.blocks.delete(block)
    }
  }

  private insertionIndex(base: bigint): number {
    let i = 0
    while (i < this.list.length && this.list[i].base < base) i++
    return i
  }
}

function toBig(v: bigint | number): bigint | null {
  if (typeof v === 'bigint') return v >= 0n ? v : null
  return Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : null
}

const hex = (v: bigint): string => '0x' + v.toString(16)
