/**
 * NativeMemory for a task: its memory space's mappings over board RAM.
 * Page by page: each page is looked up in the space, its rights checked,
 * then the bytes copied to or from its frame. Writes keep decoded code
 * coherent (PhysicalMemory.write tells the CPU core). Every byte moved is
 * counted on the meter: the kernel charges it to the thread as virtual time.
 */
import { MemRight, PAGE_SIZE } from './abi'
import type { MemorySpace } from './mem-space'
import type { NativeMemory } from './native'
import type { PhysicalMemory } from '../hw/physical-memory'
import { forEachPiece } from '../util/paged'

/** Bytes native threads moved through their memory since the kernel last looked. */
export interface CopyMeter {
  bytes: number
}

export class TaskMemory implements NativeMemory {
  constructor(
    private readonly space: MemorySpace,
    private readonly ram: PhysicalMemory,
    private readonly meter: CopyMeter = { bytes: 0 },
  ) {}

  mapped(va: number, length: number, rights: number): boolean {
    if (!Number.isInteger(va) || va < 0 || !Number.isInteger(length) || length < 0) return false
    for (let p = Math.floor(va / PAGE_SIZE), end = Math.ceil((va + length) / PAGE_SIZE); p < end; p++) {
      const m = this.space.lookup(p)
      if (!m || (m.rights & rights) !== rights) return false
    }
    return true
  }

  read(va: number, length: number): Uint8Array | null {
    if (!this.mapped(va, length, MemRight.R)) return null
    this.meter.bytes += length
    const out = new Uint8Array(length)
    forEachPiece(va, length, PAGE_SIZE, (a, done, n) => {
      const base = this.ramOffset(a)
      out.set(this.ram.bytes.subarray(base, base + n), done)
      return true
    })
    return out
  }

  write(va: number, data: Uint8Array): boolean {
    if (!this.mapped(va, data.length, MemRight.W)) return false
    this.meter.bytes += data.length
    return forEachPiece(va, data.length, PAGE_SIZE, (a, done, n) => {
      this.ram.write(this.ramOffset(a), data.subarray(done, done + n))
      return true
    })
  }

  /** The RAM offset of a mapped address (checked by `mapped` first). */
  private ramOffset(va: number): number {
    return this.space.lookup(Math.floor(va / PAGE_SIZE))!.frame * PAGE_SIZE + (va % PAGE_SIZE)
  }
}
