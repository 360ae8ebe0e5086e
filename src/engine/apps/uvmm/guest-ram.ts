/**
 * The guest's RAM as uvmm holds it: one dataspace from our memory
 * allocator, mapped into our own task at GUEST_RAM_VA and into the Vm at
 * the board's RAM base (stage 2), 2 MiB at a time with one flexpage. The
 * device models reach it through `DmaMemory`-shaped accessors that take a
 * guest-physical address, check it against RAM and copy through our task's
 * memory; a wild address gets null / false / -1, never an exception.
 */
import { MemRight, type Sys } from '../../kernel/uapi'
import { dsMap } from '../../l4/l4re'
import { mem } from '../../l4/l4sys'

/** Where uvmm maps the guest's RAM in its own address space. */
export const GUEST_RAM_VA = 0x40_0000_0000
/** The flexpage order of the chunks mapped into the Vm. */
export const CHUNK_ORDER = 21
const CHUNK = 2 ** CHUNK_ORDER

export class GuestRam {
  private readonly chunksMapped: Uint8Array
  private readonly chunksInVm: Uint8Array
  /** Stage-2 faults in RAM (first touches of a chunk). */
  faults = 0

  constructor(
    private readonly sys: Sys,
    private readonly ds: number,
    /** Guest-physical address of the first byte. */
    readonly base: number,
    readonly size: number,
  ) {
    this.chunksMapped = new Uint8Array(Math.ceil(size / CHUNK))
    this.chunksInVm = new Uint8Array(this.chunksMapped.length)
  }

  contains(pa: number, length: number): boolean {
    return Number.isSafeInteger(pa) && Number.isSafeInteger(length) && length >= 0 && pa >= this.base && pa + length <= this.base + this.size
  }

  /** Maps all of RAM into our own task (page by page from the dataspace); an L4 error, or 0. */
  *mapAll(): Generator<unknown, number, number> {
    for (let c = 0; c < this.chunksMapped.length; c++) {
      const r = yield* this.mapChunk(c)
      if (r < 0) return r
    }
    return 0
  }

  private *mapChunk(c: number): Generator<unknown, number, number> {
    if (this.chunksMapped[c]) return 0
    const start = c * CHUNK
    const end = Math.min(this.size, start + CHUNK)
    for (let off = start; off < end; off += 4096) {
      const r = yield* dsMap(this.sys, this.ds, off, GUEST_RAM_VA + off, MemRight.RWX)
      if (r < 0) return r
    }
    this.chunksMapped[c] = 1
    return 0
  }

  /**
   * The send item that maps the chunk holding `ipa` into the Vm (to ride
   * on the next vcpu_resume), or null when `ipa` is not RAM or the chunk is
   * there already (a fault on it is then not ours to fix).
   */
  stage2Item(ipa: number): readonly [number, number] | null {
    if (!this.contains(ipa, 1)) return null
    const c = Math.floor((ipa - this.base) / CHUNK)
    if (this.chunksInVm[c] || !this.chunksMapped[c]) return null
    this.chunksInVm[c] = 1
    this.faults++
    return [mem(GUEST_RAM_VA + c * CHUNK, CHUNK_ORDER, MemRight.RWX), this.base + c * CHUNK] as const
  }

  read(pa: number, length: number): Uint8Array | null {
    return this.contains(pa, length) ? this.sys.mem.read(GUEST_RAM_VA + pa - this.base, length) : null
  }

  write(pa: number, data: Uint8Array): boolean {
    return this.contains(pa, data.length) && this.sys.mem.write(GUEST_RAM_VA + pa - this.base, data)
  }

  private scalar(pa: number, n: number): number {
    const b = this.read(pa, n)
    if (!b) return -1
    let v = 0
    for (let i = n - 1; i >= 0; i--) v = v * 256 + b[i]
    return v
  }

  private setScalar(pa: number, n: number, v: number): boolean {
    const b = new Uint8Array(n)
    for (let i = 0; i < n; i++, v = Math.floor(v / 256)) b[i] = v & 0xff
    return this.write(pa, b)
  }

  u8(pa: number): number { return this.scalar(pa, 1) }
  u16(pa: number): number { return this.scalar(pa, 2) }
  u32(pa: number): number { return this.scalar(pa, 4) }
  u64(pa: number): number { return this.scalar(pa, 8) }
  setU16(pa: number, v: number): boolean { return this.setScalar(pa, 2, v) }
  setU32(pa: number, v: number): boolean { return this.setScalar(pa, 4, v) }
  setU64(pa: number, v: number): boolean { return this.setScalar(pa, 8, v) }
}
