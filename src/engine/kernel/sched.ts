/**
 * Per-CPU scheduling: fixed priorities 0..255, round-robin within a
 * priority, timeslices in virtual time. A thread is "ready" while it is in
 * its CPU's queue; the running thread stays at the head of its queue until
 * it blocks or its timeslice ends (then it goes to the tail, which gives
 * round-robin). The order is fully determined by the sequence of events, so
 * runs are reproducible.
 *
 * Finding the highest ready priority is two bit scans, as in Fiasco's
 * ready queue: a word per 32 priorities with a bit per non-empty queue, and
 * a summary with a bit per non-empty word. (A "highest maybe-ready" hint that
 * scanned down queue by queue cost up to 200 steps each time a server at a
 * high priority blocked and left a client at a low one: on every IPC.)
 */
import type { Thread } from './objects/thread'

export const PRIORITIES = 256

export class Cpu {
  /** Intrusive FIFO per priority: head and tail threads. */
  private readonly heads: (Thread | null)[] = new Array(PRIORITIES).fill(null)
  private readonly tails: (Thread | null)[] = new Array(PRIORITIES).fill(null)
  /** Bit p % 32 of word p >> 5: queue p is not empty. */
  private readonly nonEmpty = new Int32Array(PRIORITIES >> 5)
  /** Bit w: nonEmpty[w] is not 0. */
  private summary = 0
  /** Virtual time this CPU has consumed within the current round. */
  busyNs = 0
  idleNs = 0
  online = true
  current: Thread | null = null

  constructor(readonly index: number) {}

  enqueue(t: Thread): void {
    if (t.queued) return
    const p = t.prio
    t.queued = true
    t.rqNext = null
    t.rqPrev = this.tails[p]
    if (this.tails[p]) this.tails[p]!.rqNext = t
    else {
      this.heads[p] = t
      this.nonEmpty[p >> 5] |= 1 << (p & 31)
      this.summary |= 1 << (p >> 5)
    }
    this.tails[p] = t
  }

  dequeue(t: Thread): void {
    if (!t.queued) return
    const p = t.prio
    if (t.rqPrev) t.rqPrev.rqNext = t.rqNext
    else if ((this.heads[p] = t.rqNext) === null) {
      const w = p >> 5
      if ((this.nonEmpty[w] &= ~(1 << (p & 31))) === 0) this.summary &= ~(1 << w)
    }
    if (t.rqNext) t.rqNext.rqPrev = t.rqPrev
    else this.tails[p] = t.rqPrev
    t.rqNext = t.rqPrev = null
    t.queued = false
  }

  /**
   * `from` leaves the ready queue and `to` joins it at the tail of its
   * priority: dequeue(from) and enqueue(to) in one step. When `from` is alone
   * in a queue that `to` joins, that is a swap of the queue's only member and
   * the bitmaps stay as they are: the common shape of a client/server IPC
   * exchange, which takes this path twice per round trip.
   */
  handoff(from: Thread, to: Thread): void {
    const p = from.prio
    if (this.heads[p] === from && this.tails[p] === from && !to.queued && to.prio === p) {
      // INVARIANT: a thread alone in its queue and a thread in no queue both have null links.
      from.queued = false
      to.queued = true
      this.heads[p] = to
      this.tails[p] = to
      return
    }
    this.enqueue(to)
    this.dequeue(from)
  }

  /** Moves a thread to the tail of its priority (its timeslice ended). */
  rotate(t: Thread): void {
    if (!t.queued || this.tails[t.prio] === t) return
    this.dequeue(t)
    this.enqueue(t)
  }

  /** The highest-priority ready thread, or null when the CPU is idle. */
  pick(): Thread | null {
    return this.summary === 0 ? null : this.heads[this.topPriority()]
  }

  /** The highest priority with a ready thread; only when there is one (summary ≠ 0). */
  private topPriority(): number {
    const w = 31 - Math.clz32(this.summary)
    return (w << 5) + 31 - Math.clz32(this.nonEmpty[w])
  }

  /** Whether a ready thread has a higher priority than `prio`. */
  hasHigherThan(prio: number): boolean {
    return this.summary !== 0 && this.topPriority() > prio
  }

  readyThreads(): Thread[] {
    const out: Thread[] = []
    for (let p = PRIORITIES - 1; p >= 0; p--) for (let t = this.heads[p]; t; t = t.rqNext) out.push(t)
    return out
  }
}
