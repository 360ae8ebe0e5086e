/**
 * NativeMemory for a task: its memory space's mappings over board RAM.
 * Page by page: each page is looked up in the space, its rights checked,
 * then the bytes copied to or from its frame. Writes keep decoded code
 * coherent (PhysicalMemory.write tells the CPU core).
 */
import { MemRight, PAGE_SIZE } from './abi'
import type { MemorySpace } from './mem-space'
import type { NativeMemory } from './native'
import type { PhysicalMemory } from './physical-memory'

export class TaskMemory implements NativeMemory {
  constructor(
    private readonly space: MemorySpace,
    private readonly ram: PhysicalMemory,
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
    const out = new Uint8Array(length)
    let done = 0
    while (done < length) {
      const a = va + done
      const off = a % PAGE_SIZE
      const n = Math.min(PAGE_SIZE - off, length - done)
      const frame = this.space.lookup(Math.floor(a / PAGE_SIZE))!.frame
      const base = frame * PAGE_SIZE + off
      out.set(this.ram.bytes.subarray(base, base + n), done)
      done += n
    }
    return out
  }

  write(va: number, data: Uint8Array): boolean {
    if (!this.mapped(va, data.length, MemRight.W)) return false
    let done = 0
    while (done < data.length) {
      const a = va + done
      const off = a % PAGE_SIZE
      const n = Math.min(PAGE_SIZE - off, data.length - done)
      const frame = this.space.lookup(Math.floor(a / PAGE_SIZE))!.frame
      this.ram.write(frame * PAGE_SIZE + off, data.subarray(done, done + n))
      done += n
    }
    return true
  }
}
