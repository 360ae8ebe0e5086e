/**
 * lx's timers, in virtual nanoseconds: sleeps, timeouts, ITIMER_REAL and the
 * scheduler's tick. A thread of lx's own (the timer thread) sleeps until
 * the next deadline and then triggers lx's timer IRQ, whose upcall fires
 * what is due; when a closer deadline appears while it sleeps, lx kicks it
 * (an Irq bound to it) to sleep again for the new one.
 */
import { BaseCap, IPC_NEVER, Proto, TIMEOUT_NEVER, timeoutPair, timeoutUs, type Sys } from '../../../kernel/uapi'
import { factoryCreate, irqAttach, irqTrigger, irqUnmask, runThread, startNativeThread, threadControl } from '../../../l4/l4sys'
import type { Lx } from '../lx'
import { TICK_NS } from './sched'
import { cpuTimerWake } from './itimer'

/** A timer of lx's own (sleeps, timeouts), in virtual nanoseconds. */
export interface LxTimer {
  at: number
  fire: () => void
  dead: boolean
}

export class LxTimers {
  /** Pending timers, earliest first (dead ones are skipped). */
  private readonly list: LxTimer[] = []
  /** When the timer thread will wake us next; a closer deadline needs a kick. */
  sleepsUntil = Infinity
  /** The Irq the timer thread triggers (lx's timer IRQ) and the one lx kicks it with. */
  irq = 0
  kick = 0

  constructor(private readonly lx: Lx) {}

  add(at: number, fire: () => void): LxTimer {
    const t: LxTimer = { at, fire, dead: false }
    this.list.push(t)
    this.list.sort((a, b) => a.at - b.at)
    return t
  }

  /** Fires every timer that is due. */
  fire(): void {
    const now = this.lx.now()
    while (this.list.length > 0 && this.list[0].at <= now) {
      const t = this.list.shift()!
      if (!t.dead) t.fire()
    }
    while (this.list.length > 0 && this.list[0].dead) this.list.shift()
  }

  /** When the timer thread should next wake us: the next timer, or the tick while something runs. */
  nextWake(): number {
    const lx = this.lx
    const t = this.list.find((x) => !x.dead)?.at ?? Infinity
    // The tick only matters while some thread can run (it preempts); a sleeping system is tickless.
    const busy = lx.sched.busy
    const c = lx.sched.current
    const cpuTimer = c && c.state === 'runnable' ? cpuTimerWake(lx, c.process) : Infinity
    return Math.min(busy ? Math.min(t, lx.now() + TICK_NS) : t, cpuTimer)
  }

  /**
   * Is the next deadline closer than the one the timer thread sleeps for?
   * Then it is taken as the new one, and the thread must be kicked (a
   * check without a generator: it runs between every two upcalls).
   */
  kickDue(): boolean {
    if (!(this.nextWake() < this.sleepsUntil && this.kick)) return false
    this.sleepsUntil = this.nextWake()
    return true
  }

  /** Starts the timer thread, which triggers `irq` (lx's timer IRQ, attached to its vCPU thread) at each deadline. */
  *startThread(): Generator<unknown, void, number> {
    const lx = this.lx
    const sys = lx.sys
    const irq = this.irq
    const slot = lx.env.slots.alloc()
    let r = yield* factoryCreate(sys, BaseCap.Factory, Proto.Thread, slot)
    if (r >= 0) r = yield* threadControl(sys, slot, { bindTask: BaseCap.Task })
    // The timer thread's body is a generator function of its own; it reads lx's deadlines.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const timers = this
    if (r >= 0)
      r = yield* startNativeThread(sys, slot, function* (ts: Sys) {
        // Sleeps until lx's next deadline (at most a tick while anything runs), then raises lx's IRQ.
        for (;;) {
          const wake = timers.nextWake()
          const now = ts.clock()
          // Until the next deadline; forever when nothing is due (lx kicks us when that changes).
          const timeout = Number.isFinite(wake) ? timeoutPair(TIMEOUT_NEVER, timeoutUs(Math.max(1, Math.ceil((wake - now) / 1000)))) : IPC_NEVER
          timers.sleepsUntil = wake
          const tag = yield ts.wait(timeout)
          if (!(tag & 0x8000)) {
            // Kicked: an earlier deadline appeared.
            yield* irqUnmask(ts, timers.kick)
            continue
          }
          // The deadline we slept for, not a new one: a tick or a CPU-time timer is "now + something"
          // again when computed now, and would never come (a process that never makes a system call
          // then kept the CPU from every other process of the VM).
          if (wake <= ts.clock()) yield* irqTrigger(ts, irq)
        }
      })
    // The kick: an Irq bound to the timer thread, which lx triggers when a deadline moves closer.
    this.kick = lx.env.slots.alloc()
    if (r >= 0) r = yield* factoryCreate(sys, BaseCap.Factory, Proto.Irq, this.kick)
    if (r >= 0) r = yield* irqAttach(sys, this.kick, 1, slot)
    if (r >= 0) r = yield* runThread(sys, BaseCap.Scheduler, slot, 250)
    if (r < 0) lx.log(`lx: no timer thread (error ${r})`)
  }
}
