/**
 * A bounded byte history of console output, so that a terminal attaching
 * late (a reloaded browser tab, a second window) sees what scrolled by.
 * Keeps the newest `capacity` bytes in a ring; `snapshot` copies them out.
 */
export class Scrollback {
  private readonly ring: Uint8Array
  private start = 0
  private length = 0

  constructor(readonly capacity = 256 * 1024) {
    this.ring = new Uint8Array(capacity)
  }

  append(data: Uint8Array): void {
    const cap = this.capacity
    if (data.length >= cap) {
      this.ring.set(data.subarray(data.length - cap))
      this.start = 0
      this.length = cap
      return
    }
    let end = (this.start + this.length) % cap
    const first = Math.min(data.length, cap - end)
    this.ring.set(data.subarray(0, first), end)
    this.ring.set(data.subarray(first), 0)
    end = (end + data.length) % cap
    const overflow = this.length + data.length - cap
    if (overflow > 0) {
      this.start = (this.start + overflow) % cap
      this.length = cap
    } else {
      this.length += data.length
    }
  }

  snapshot(): Uint8Array {
    const out = new Uint8Array(this.length)
    const first = Math.min(this.length, this.capacity - this.start)
    out.set(this.ring.subarray(this.start, this.start + first))
    out.set(this.ring.subarray(0, this.length - first), first)
    return out
  }

  clear(): void {
    this.start = 0
    this.length = 0
  }
}
