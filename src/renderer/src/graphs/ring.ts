/**
 * A fixed-size history of samples: a time and a few values each, the oldest
 * overwritten once it is full, so that however long the lab runs a VM's
 * graphs hold the same memory.
 *
 * Every column lives twice in one Float64Array of 2 × capacity (sample k at
 * k mod capacity and again capacity further on): the last n samples are then
 * always one contiguous run, `head − n … head`, read without wrapping. A
 * value not known is NaN here and null in what `read` gives the chart
 * (uPlot draws a gap for null).
 */
export class SampleRing {
  private readonly times: Float64Array
  private readonly columns: Float64Array[]
  /** Samples pushed so far, all told; the newest sits at (count − 1) mod capacity. */
  private count = 0

  constructor(
    readonly capacity: number,
    columnCount: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`SampleRing: capacity must be a positive integer, not ${capacity}`)
    this.times = new Float64Array(capacity * 2)
    this.columns = Array.from({ length: columnCount }, () => new Float64Array(capacity * 2))
  }

  get length(): number {
    return Math.min(this.count, this.capacity)
  }

  get columnCount(): number {
    return this.columns.length
  }

  /** Appends a sample at time `t` (seconds); `values[i]` is column i's value, NaN when not known. Allocates nothing. */
  push(t: number, values: ArrayLike<number>): void {
    const i = this.count % this.capacity
    const j = i + this.capacity
    this.times[i] = this.times[j] = t
    for (let c = 0; c < this.columns.length; c++) {
      const v = c < values.length ? values[c] : NaN
      this.columns[c][i] = this.columns[c][j] = v
    }
    this.count++
  }

  /** The oldest index of the contiguous run that holds the last `n` samples (n ≤ length). */
  private start(n: number): number {
    const head = ((this.count - 1) % this.capacity) + 1
    // The newest sample is at head − 1 and at head − 1 + capacity: take the run that ends there without going below 0.
    return head - n >= 0 ? head - n : head - n + this.capacity
  }

  /** The times of the samples since `since` (seconds), oldest first: a view, not a copy. */
  timesSince(since: number): Float64Array {
    const n = this.countSince(since)
    const s = this.start(n)
    return this.times.subarray(s, s + n)
  }

  /** How many of the samples kept are at or after `since`. */
  countSince(since: number): number {
    let n = this.length
    if (n === 0) return 0
    const s = this.start(n)
    // Times rise, so a binary search finds the first at or after `since`.
    let lo = 0
    let hi = n
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.times[s + mid] < since) lo = mid + 1
      else hi = mid
    }
    n -= lo
    return n
  }

  /** Column `c`'s last `n` values into `out` (resized to n), NaN as null; returns `out`. */
  read(c: number, n: number, out: (number | null)[]): (number | null)[] {
    const col = this.columns[c]
    const s = this.start(n)
    out.length = n
    for (let k = 0; k < n; k++) {
      const v = col[s + k]
      out[k] = Number.isNaN(v) ? null : v
    }
    return out
  }

  /** The newest sample's time (NaN when there is none). */
  get newestTime(): number {
    return this.count === 0 ? NaN : this.times[(this.count - 1) % this.capacity]
  }

  /** Column `c`'s newest value (NaN when none or not known). */
  latest(c: number): number {
    if (this.count === 0) return NaN
    return this.columns[c][(this.count - 1) % this.capacity]
  }
}
