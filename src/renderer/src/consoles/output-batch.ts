/**
 * Console output goes into the terminal at most once per animation frame:
 * what arrives between two frames is written as one piece (issue 15: the
 * page, not the engine, limits a console's throughput, and each write costs
 * xterm a parse pass and the page a task). The first piece after a quiet
 * frame is written at once instead of waiting for the next frame, so a
 * keystroke's echo is never behind a frame of bulk output: it is either
 * written at once or joins the piece the frame writes, whichever is first.
 *
 * Order is kept: a piece is never written before one that arrived earlier.
 * A page without frames (a hidden tab has none) still writes, once
 * BATCH_LIMIT bytes wait. Joining copies into pooled buffers, handed back
 * when xterm has parsed them (its write callback), so a steady stream
 * allocates nothing after the first frames.
 */

/** Bytes waiting that are written without waiting for a frame. */
export const BATCH_LIMIT = 1 << 20
/** Join buffers kept for reuse (one being parsed, one being filled, one spare). */
const POOL_SIZE = 3

export interface FrameClock {
  /** Calls `run` before the next frame is painted. */
  request(run: () => void): number
  cancel(id: number): void
}

/** The page's animation frames. */
export const animationFrames: FrameClock = {
  request: (run) => requestAnimationFrame(run),
  cancel: (id) => cancelAnimationFrame(id),
}

export class OutputBatch {
  private readonly waiting: Uint8Array[] = []
  private waitingBytes = 0
  /** A frame has been asked for: something was written since the last one, or is waiting for it. */
  private frame: number | null = null
  private readonly pool: Uint8Array<ArrayBuffer>[] = []

  constructor(
    /** Writes into the terminal; `parsed` is called once the terminal is done with `data`. */
    private readonly write: (data: Uint8Array, parsed?: () => void) => void,
    private readonly clock: FrameClock = animationFrames,
  ) {}

  push(data: Uint8Array): void {
    if (data.length === 0) return
    if (this.frame === null) {
      // Quiet until now: write at once, and hold what follows until the frame.
      this.write(data)
      this.frame = this.clock.request(this.onFrame)
      return
    }
    this.waiting.push(data)
    this.waitingBytes += data.length
    if (this.waitingBytes >= BATCH_LIMIT) this.flush()
  }

  /** Writes what waits now (before the terminal is cleared or disposed of, say). */
  flush(): void {
    const n = this.waiting.length
    if (n === 0) return
    if (n === 1) this.write(this.waiting[0])
    else {
      const joined = this.take(this.waitingBytes)
      let at = 0
      for (let i = 0; i < n; i++) {
        joined.set(this.waiting[i], at)
        at += this.waiting[i].length
      }
      this.write(joined.subarray(0, at), () => this.give(joined))
    }
    this.waiting.length = 0
    this.waitingBytes = 0
  }

  dispose(): void {
    if (this.frame !== null) this.clock.cancel(this.frame)
    this.frame = null
    this.waiting.length = 0
    this.waitingBytes = 0
  }

  private readonly onFrame = (): void => {
    const wrote = this.waiting.length > 0
    this.flush()
    // Keep holding while output flows; after a quiet frame the next piece goes at once.
    this.frame = wrote ? this.clock.request(this.onFrame) : null
  }

  /** A pooled buffer of at least `bytes`; a new one (a power of two, at least 64 KiB) when none fits. */
  private take(bytes: number): Uint8Array<ArrayBuffer> {
    for (let i = 0; i < this.pool.length; i++) {
      if (this.pool[i].length >= bytes) {
        const b = this.pool[i]
        this.pool[i] = this.pool[this.pool.length - 1]
        this.pool.pop()
        return b
      }
    }
    let size = 1 << 16
    while (size < bytes) size *= 2
    return new Uint8Array(size)
  }

  /** Back into the pool; a full pool keeps its larger buffers (the next join may need as much). */
  private give(b: Uint8Array<ArrayBuffer>): void {
    if (this.pool.length < POOL_SIZE) {
      this.pool.push(b)
      return
    }
    let smallest = 0
    for (let i = 1; i < this.pool.length; i++) if (this.pool[i].length < this.pool[smallest].length) smallest = i
    if (this.pool[smallest].length < b.length) this.pool[smallest] = b
  }
}
