/**
 * Virtual-time timers: a binary min-heap of (deadline, sequence) entries.
 * Equal deadlines fire in the order they were set, which keeps runs
 * deterministic. Cancelling marks an entry dead; it is dropped when it
 * reaches the top.
 */
export interface TimerEntry {
  at: number
  seq: number
  fire: () => void
  dead: boolean
}

export class TimerQueue {
  private heap: TimerEntry[] = []
  private seq = 0

  add(at: number, fire: () => void): TimerEntry {
    const e: TimerEntry = { at, seq: this.seq++, fire, dead: false }
    const h = this.heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!less(h[i], h[p])) break
      ;[h[i], h[p]] = [h[p], h[i]]
      i = p
    }
    return e
  }

  /** The earliest live deadline, or Infinity. */
  next(): number {
    this.drop()
    return this.heap.length > 0 ? this.heap[0].at : Infinity
  }

  /** Fires every live timer due at or before `now`, in order. */
  fireDue(now: number): void {
    for (;;) {
      this.drop()
      const top = this.heap[0]
      if (!top || top.at > now) return
      this.pop()
      top.dead = true
      top.fire()
    }
  }

  get size(): number {
    return this.heap.length
  }

  private drop(): void {
    while (this.heap.length > 0 && this.heap[0].dead) this.pop()
  }

  private pop(): void {
    const h = this.heap
    const last = h.pop()!
    if (h.length === 0) return
    h[0] = last
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < h.length && less(h[l], h[m])) m = l
      if (r < h.length && less(h[r], h[m])) m = r
      if (m === i) return
      ;[h[i], h[m]] = [h[m], h[i]]
      i = m
    }
  }
}

function less(a: TimerEntry, b: TimerEntry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}
