/**
 * The split virtqueue (virtio 1.2, 2.7) from the device's side: take the
 * descriptor chains the driver made available, give them back through the
 * used ring, and decide whether the driver wants to hear of it.
 *
 * Everything in the three ring parts is written by a guest that may be
 * buggy or hostile. A chain is walked with a bound (at most `maxSize`
 * buffers, which is the most a queue can hold, so a loop ends there), every
 * index is checked against the table it indexes, and every load goes through
 * DmaMemory, which answers "not RAM" instead of faulting. A rule broken
 * means the queue `fail`s: it stops touching guest memory and tells its
 * events sink once, and the transport turns that into DEVICE_NEEDS_RESET
 * (2.1.2). Nothing here throws on guest input.
 *
 * Buffers are not checked against RAM when a chain is popped: the device
 * finds out when it copies (DescriptorChain.read / write), which fails the
 * queue the same way. That keeps pop cheap and stays right for RAM made of
 * separate frames, where the two ends of a buffer being RAM says nothing
 * about its middle.
 *
 * pop() and push() allocate nothing: the one DescriptorChain a queue has is
 * reused, so a chain is valid until the next pop().
 */
import type { DmaMemory } from './memory'
import {
  CHAIN_BYTES_LIMIT, DESC_SIZE, QUEUE_SIZE_LIMIT, RING_HEADER, USED_ELEM_SIZE, VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC,
  VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE,
} from './spec'

/** What a queue tells its transport. */
export interface QueueEvents {
  /** Used buffers the driver wants to hear of: send a used buffer notification. */
  usedBuffers(queue: number): void
  /** The driver broke a rule of the queue (one line, no trailing period): the device needs a reset. */
  broken(queue: number, reason: string): void
}

const ZEROES = new Uint8Array(4096)

/**
 * One descriptor chain: its device-readable buffers, then its device-writable
 * ones (2.7.4.2 requires that order and pop() enforces it), each seen as one
 * stream of bytes so a device need not care how the driver cut it up
 * (2.7.4, "Message Framing").
 */
export class DescriptorChain {
  /** The head's index in the descriptor table: what goes back in the used ring. */
  head = 0
  /** Number of buffers; buffers [0, firstWritable) are device-readable, the rest device-writable. */
  count = 0
  firstWritable = 0
  readableBytes = 0
  writableBytes = 0
  private readonly addr: Float64Array
  private readonly len: Float64Array

  constructor(
    readonly capacity: number,
    private readonly mem: DmaMemory,
    private readonly queue: Virtqueue,
  ) {
    this.addr = new Float64Array(capacity)
    this.len = new Float64Array(capacity)
  }

  /** Copies readable bytes [offset, offset + dst.length) into dst; false (the queue failed, or past the end) when it cannot. */
  read(offset: number, dst: Uint8Array): boolean {
    if (offset < 0 || offset + dst.length > this.readableBytes) return false
    let at = 0
    for (let i = 0; i < this.firstWritable && at < dst.length; i++) {
      const len = this.len[i]
      if (offset >= len) {
        offset -= len
        continue
      }
      const n = Math.min(len - offset, dst.length - at)
      const bytes = this.mem.read(this.addr[i] + offset, n)
      if (bytes === null) return this.notRam(i)
      dst.set(bytes, at)
      at += n
      offset = 0
    }
    return true
  }

  /** A little-endian u32 of the readable bytes at offset, or -1 (as read()). Allocates nothing when it lies in one buffer. */
  readU32(offset: number): number {
    const i = this.readableAt(offset, 4)
    if (i >= 0) {
      const v = this.mem.u32(this.addr[i] + this.at)
      return v < 0 ? (this.notRam(i), -1) : v
    }
    const b = new Uint8Array(4)
    return this.read(offset, b) ? (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0 : -1
  }

  /** A little-endian u64 of the readable bytes at offset (a number, rounded above 2^53), or -1. */
  readU64(offset: number): number {
    const lo = this.readU32(offset)
    const hi = lo < 0 ? -1 : this.readU32(offset + 4)
    return hi < 0 ? -1 : hi * 2 ** 32 + lo
  }

  /** Copies src to writable bytes [offset, offset + src.length); false (the queue failed, or past the end) when it cannot. */
  write(offset: number, src: Uint8Array): boolean {
    if (offset < 0 || offset + src.length > this.writableBytes) return false
    let at = 0
    for (let i = this.firstWritable; i < this.count && at < src.length; i++) {
      const len = this.len[i]
      if (offset >= len) {
        offset -= len
        continue
      }
      const n = Math.min(len - offset, src.length - at)
      const part = at === 0 && n === src.length ? src : src.subarray(at, at + n)
      if (!this.mem.write(this.addr[i] + offset, part)) return this.notRam(i)
      at += n
      offset = 0
    }
    return true
  }

  /** Writes zeroes to writable bytes [offset, offset + length). */
  zero(offset: number, length: number): boolean {
    for (let done = 0; done < length; ) {
      const n = Math.min(ZEROES.length, length - done)
      if (!this.write(offset + done, n === ZEROES.length ? ZEROES : ZEROES.subarray(0, n))) return false
      done += n
    }
    return true
  }

  /** Starts an empty chain (pop only). */
  clear(head: number): void {
    this.head = head
    this.count = this.firstWritable = this.readableBytes = this.writableBytes = 0
  }

  /** Appends a buffer (pop only: it has checked the order and the capacity). */
  add(addr: number, len: number, writable: boolean): void {
    this.addr[this.count] = addr
    this.len[this.count] = len
    this.count++
    if (writable) this.writableBytes += len
    else {
      this.firstWritable = this.count
      this.readableBytes += len
    }
  }

  /** Offset within the buffer found by readableAt. */
  private at = 0

  /** The readable buffer holding all of [offset, offset + n), with the offset in it left in `at`; -1 when none does. */
  private readableAt(offset: number, n: number): number {
    for (let i = 0; i < this.firstWritable; i++) {
      const len = this.len[i]
      if (offset < len) {
        this.at = offset
        return offset + n <= len ? i : -1
      }
      offset -= len
    }
    return -1
  }

  private notRam(i: number): false {
    this.queue.fail(`buffer at ${hex(this.addr[i])} length ${this.len[i]} of the chain at head ${this.head} is not RAM`)
    return false
  }
}

export class Virtqueue {
  /** Queue Size (QueueNum): the driver's choice, at most maxSize. */
  size: number
  /** Guest-physical addresses of the Descriptor Area, Driver Area (available ring), Device Area (used ring), 2.7. */
  descTable = 0
  availRing = 0
  usedRing = 0
  private isReady = false
  private halted = false
  private eventIdx = false
  private indirectDesc = false
  private lastAvailIdx = 0
  private usedIdx = 0
  /** used.idx when the device last decided whether to notify (the "old" of 2.7.10's test). */
  private signalledUsed = 0
  private readonly chain: DescriptorChain

  constructor(
    readonly index: number,
    /** QueueNumMax: a power of two up to 32768. */
    readonly maxSize: number,
    private readonly mem: DmaMemory,
    private readonly events: QueueEvents,
  ) {
    if (!isPowerOfTwo(maxSize) || maxSize > QUEUE_SIZE_LIMIT) throw new RangeError(`queue size maximum ${maxSize} is not a power of two up to ${QUEUE_SIZE_LIMIT}`)
    this.size = maxSize
    this.chain = new DescriptorChain(maxSize, mem, this)
  }

  /** QueueReady: the device may use the queue. */
  get ready(): boolean {
    return this.isReady
  }

  /** Why the driver's configuration cannot be used, or null (checked when the driver sets QueueReady). */
  problem(): string | null {
    const n = this.size
    if (!isPowerOfTwo(n) || n > this.maxSize) return `queue size ${n} is not a power of two from 1 to ${this.maxSize} (2.7)`
    // Alignments and sizes: the table in 2.7.
    const parts: [string, number, number, number][] = [
      ['descriptor table', this.descTable, 16, DESC_SIZE * n],
      ['available ring', this.availRing, 2, RING_HEADER + 2 * n + 2],
      ['used ring', this.usedRing, 4, RING_HEADER + USED_ELEM_SIZE * n + 2],
    ]
    for (const [name, pa, align, bytes] of parts) {
      if (pa % align !== 0) return `${name} at ${hex(pa)} is not ${align}-byte aligned (2.7)`
      if (this.mem.read(pa, bytes) === null) return `${name} at ${hex(pa)} length ${bytes} is not RAM`
    }
    return null
  }

  /** QueueReady = 1, after problem() said null: start from index 0 (2.7.6, 2.7.8) with the negotiated ring features. */
  enable(features: bigint): void {
    this.eventIdx = (features & VIRTIO_F_EVENT_IDX) !== 0n
    this.indirectDesc = (features & VIRTIO_F_INDIRECT_DESC) !== 0n
    this.lastAvailIdx = this.usedIdx = this.signalledUsed = 0
    this.halted = false
    this.isReady = true
  }

  /** QueueReady = 0: the device lets go of the queue. */
  disable(): void {
    this.isReady = false
  }

  /** Device reset: back to the state after construction. */
  reset(): void {
    this.isReady = this.halted = false
    this.size = this.maxSize
    this.descTable = this.availRing = this.usedRing = 0
  }

  /** Stops all access to guest memory until reset (the device needs a reset, or the driver failed). */
  halt(): void {
    this.halted = true
  }

  /** The driver broke a rule: halt and report it once. */
  fail(reason: string): void {
    if (this.halted) return
    this.halted = true
    this.events.broken(this.index, reason)
  }

  /** Whether the device may use the queue now. */
  get usable(): boolean {
    return this.isReady && !this.halted
  }

  /** The next available chain, or null when there is none (or the queue is unusable, or it just failed). */
  pop(): DescriptorChain | null {
    if (!this.isReady || this.halted) return null
    const availIdx = this.mem.u16(this.availRing + 2)
    if (availIdx < 0) return this.failed(`available ring at ${hex(this.availRing)} is not RAM`)
    const pending = (availIdx - this.lastAvailIdx) & 0xffff
    if (pending === 0) {
      // Ask for a notification when the driver makes the next entry available (2.7.10).
      if (this.eventIdx && !this.mem.setU16(this.usedRing + RING_HEADER + USED_ELEM_SIZE * this.size, this.lastAvailIdx)) {
        return this.failed(`used ring at ${hex(this.usedRing)} is not RAM`)
      }
      return null
    }
    // The driver cannot have more chains outstanding than the ring holds (2.7.13).
    if (pending > this.size) return this.failed(`available idx ${availIdx} is ${pending} entries ahead of the device (${this.lastAvailIdx}), more than the queue size ${this.size}`)
    // INVARIANT: size is a power of two (problem() checked it), so & (size - 1) is % size.
    const head = this.mem.u16(this.availRing + RING_HEADER + 2 * (this.lastAvailIdx & (this.size - 1)))
    if (head < 0) return this.failed(`available ring at ${hex(this.availRing)} is not RAM`)
    if (head >= this.size) return this.failed(`available ring entry ${head} is beyond the queue size ${this.size}`)
    if (!this.walk(head)) return null
    this.lastAvailIdx = (this.lastAvailIdx + 1) & 0xffff
    return this.chain
  }

  /** Returns the chain at `head` to the driver, `written` bytes of it written (2.7.8: len before idx). */
  push(head: number, written: number): void {
    if (!this.isReady || this.halted) return
    const slot = this.usedRing + RING_HEADER + USED_ELEM_SIZE * (this.usedIdx & (this.size - 1))
    const next = (this.usedIdx + 1) & 0xffff
    if (!this.mem.setU32(slot, head) || !this.mem.setU32(slot + 4, written) || !this.mem.setU16(this.usedRing + 2, next)) {
      this.fail(`used ring at ${hex(this.usedRing)} is not RAM`)
      return
    }
    this.usedIdx = next
  }

  /**
   * After a batch of push(): sends a used buffer notification if the driver
   * wants one (2.7.7). With VIRTIO_F_EVENT_IDX, when used.idx passed
   * used_event since the last decision; without, unless the driver set
   * VIRTQ_AVAIL_F_NO_INTERRUPT.
   */
  notifyDriver(): void {
    if (!this.isReady || this.halted || this.usedIdx === this.signalledUsed) return
    const old = this.signalledUsed
    const now = (this.signalledUsed = this.usedIdx)
    let wanted: boolean
    if (this.eventIdx) {
      const usedEvent = this.mem.u16(this.availRing + RING_HEADER + 2 * this.size)
      if (usedEvent < 0) return this.fail(`available ring at ${hex(this.availRing)} is not RAM`)
      // The entry written at index used_event lies in [old, now) (vring_need_event of the spec's virtio_ring.h).
      wanted = ((now - usedEvent - 1) & 0xffff) < ((now - old) & 0xffff)
    } else {
      const flags = this.mem.u16(this.availRing)
      if (flags < 0) return this.fail(`available ring at ${hex(this.availRing)} is not RAM`)
      wanted = (flags & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0
    }
    if (wanted) this.events.usedBuffers(this.index)
  }

  /** Reads the chain at `head` into this.chain; false when a rule is broken (the queue has failed). */
  private walk(head: number): boolean {
    const c = this.chain
    c.clear(head)
    let table = this.descTable
    let entries = this.size
    let i = head
    let indirect = false
    for (;;) {
      const d = table + DESC_SIZE * i
      const addr = this.mem.u64(d)
      const len = this.mem.u32(d + 8)
      const flags = this.mem.u16(d + 12)
      const next = this.mem.u16(d + 14)
      if (addr < 0 || len < 0 || flags < 0 || next < 0) return this.broke(`descriptor ${i} at ${hex(d)} is not RAM`)
      if (flags & VIRTQ_DESC_F_INDIRECT) {
        // 2.7.5.3.1: only with the feature, one table per descriptor, never with NEXT.
        if (!this.indirectDesc) return this.broke(`descriptor ${i} is indirect but VIRTIO_F_INDIRECT_DESC was not negotiated`)
        if (indirect) return this.broke(`indirect table of head ${head} holds another indirect descriptor`)
        if (flags & VIRTQ_DESC_F_NEXT) return this.broke(`indirect descriptor ${i} has VIRTQ_DESC_F_NEXT set`)
        if (len === 0 || len % DESC_SIZE !== 0 || len / DESC_SIZE > this.maxSize) {
          return this.broke(`indirect table of head ${head} has length ${len}, not a multiple of ${DESC_SIZE} up to ${DESC_SIZE * this.maxSize}`)
        }
        table = addr
        entries = len / DESC_SIZE
        i = 0
        indirect = true
        continue
      }
      const writable = (flags & VIRTQ_DESC_F_WRITE) !== 0
      if (!writable && c.firstWritable < c.count) return this.broke(`chain at head ${head} has a device-readable buffer after a device-writable one`)
      // Each table has at most maxSize entries and a chain visits each at most once, so more is a loop.
      if (c.count === c.capacity) return this.broke(`chain at head ${head} is longer than ${c.capacity} descriptors (a loop?)`)
      c.add(addr, len, writable)
      if (c.readableBytes + c.writableBytes > CHAIN_BYTES_LIMIT) return this.broke(`chain at head ${head} is longer than 2^32 bytes`)
      if (!(flags & VIRTQ_DESC_F_NEXT)) return true
      if (next >= entries) return this.broke(`descriptor ${i} of head ${head} has next ${next}, beyond its table of ${entries}`)
      i = next
    }
  }

  private broke(reason: string): false {
    this.fail(reason)
    return false
  }

  private failed(reason: string): null {
    this.fail(reason)
    return null
  }
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0
}

export const hex = (v: number): string => '0x' + v.toString(16)
