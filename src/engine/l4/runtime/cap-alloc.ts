/**
 * Capability slot allocation within a task (L4Re's cap allocator): a
 * counter from the first free slot, and a free list of returned slots.
 */
import { BaseCap } from '../../kernel/uapi'

export class CapAlloc {
  private next: number
  private readonly free: number[] = []

  constructor(first: number = BaseCap.FirstFree) {
    this.next = first
  }

  alloc(): number {
    return this.free.pop() ?? this.next++
  }

  release(slot: number): void {
    this.free.push(slot)
  }

  /** Reserves a slot that something else (the loader) already filled. */
  skipTo(slot: number): void {
    if (slot >= this.next) this.next = slot + 1
  }
}
