/**
 * Per-CPU scheduling: fixed priorities 0..255, round-robin within a
 * priority, timeslices in virtual time. A thread is "ready" while it is in
 * its CPU's queue; the running thread stays at the head of its queue until
 * it blocks or its timeslice ends (then it goes to the tail, which gives
 * round-robin). The order is fully determined by the sequence of events, so
 * runs are reproducible.
 */
import type { Thread } from './objects/thread'

export const PRIORITIES = 256

export class Cpu {
  /** Intrusive FIFO per priority: head and tail threads. */
  private readonly heads: (Thread | null)[] = new Array(PRIORITIES).fill(null)
  private readonly tails: (Thread | null)[] = new Array(PRIORITIES).fill(null)
  /** Highest priority that may have a ready thread (a hint; scans down from here). */
  private top = -1
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
    else this.heads[p] = t
    this.tails[p] = t
    if (p > this.top) this.top = p
  }

  dequeue(t: Thread): void {
    if (!t.queued) return
    const p = t.prio
    if (t.rqPrev) t.rqPrev.rqNext = t.rqNext
    else this.heads[p] = t.rqNext
    if (t.rqNext) t.rqNext.rqPrev = t.rqPrev
    else this.tails[p] = t.rqPrev
    t.rqNext = t.rqPrev = null
    t.queued = false
  }

  /** Moves a thread to the tail of its priority (its timeslice ended). */
  rotate(t: Thread): void {
    if (!t.queued || this.tails[t.prio] === t) return
    this.dequeue(t)
    this.enqueue(t)
  }

  /** The highest-priority ready thread, or null when the CPU is idle. */
  pick(): Thread | null {
    while (this.top >= 0) {
      const h = this.heads[this.top]
      if (h) return h
      this.top--
    }
    return null
  }

  /** Whether a ready thread has a higher priority than `t`. */
  hasHigherThan(prio: number): boolean {
    for (let p = this.top; p > prio; p--) if (this.heads[p]) return true
    return false
  }

  readyThreads(): Thread[] {
    const out: Thread[] = []
    for (let p = PRIORITIES - 1; p >= 0; p--) for (let t = this.heads[p]; t; t = t.rqNext) out.push(t)
    return out
  }
}
