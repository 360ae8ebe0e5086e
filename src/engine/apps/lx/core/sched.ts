/**
 * lx's scheduler: Linux threads share lx's one vCPU round-robin. The run
 * queue holds runnable threads other than the current one; the current
 * thread keeps the vCPU until it sleeps, stops or dies, or until its slice
 * of ticks is used up while others wait (preemption by lx's timer IRQ). A
 * switch saves the vCPU's registers into the thread leaving and loads the
 * thread coming.
 */
import type { Lx } from '../lx'
import type { LxTimer } from './timers'
import type { LinuxThread, Restart } from './process'
import type { WaitQueue } from '../fs/vfs/types'

/** The timer IRQ's period while threads wait for the CPU. */
export const TICK_NS = 10_000_000
/** Ticks a thread runs before another runnable one gets the vCPU. */
const SLICE_TICKS = 1

export class Scheduler {
  readonly runq: LinuxThread[] = []
  /** The thread whose registers are on the vCPU. */
  current: LinuxThread | null = null
  ticksLeft = SLICE_TICKS
  /** The current thread yields the vCPU at the next pick (a used-up slice, sched_yield). */
  needResched = false

  constructor(private readonly lx: Lx) {}

  /** Is some thread able to run (the tick then preempts; a system where all sleep is tickless)? */
  get busy(): boolean {
    return this.runq.length > 0 || this.current?.state === 'runnable'
  }

  makeRunnable(t: LinuxThread): void {
    if (t.state === 'zombie') return
    t.state = 'runnable'
    if (t.blockedOn) {
      t.blockedOn.release()
      t.blockedOn = null
    }
    if (t !== this.current && !this.runq.includes(t)) this.runq.push(t)
  }

  /**
   * Puts the current thread to sleep until `queues` wake it, `deadline`
   * passes or a signal comes; its system call is made again then.
   */
  sleepOn(t: LinuxThread, queues: WaitQueue[], deadline = Infinity, restart: Restart = 'sys'): void {
    const releases = queues.map((q) => q.add(() => this.makeRunnable(t)))
    let timer: LxTimer | null = null
    if (Number.isFinite(deadline)) timer = this.lx.timers.add(deadline, () => this.makeRunnable(t))
    t.state = 'sleeping'
    t.blockedOn = {
      restart,
      deadline,
      release: () => {
        for (const r of releases) r()
        if (timer) timer.dead = true
      },
    }
  }

  /** Takes a thread off the run queue (it stopped or died). */
  dequeue(t: LinuxThread): void {
    const i = this.runq.indexOf(t)
    if (i >= 0) this.runq.splice(i, 1)
  }

  /** The thread to run next: the current one until its slice is up, then the run queue's head. */
  pick(): LinuxThread | null {
    if (this.current && this.current.state === 'runnable' && !this.needResched) return this.current
    if (this.current && this.current.state === 'runnable') this.runq.push(this.current)
    this.needResched = false
    while (this.runq.length > 0) {
      const t = this.runq.shift()!
      if (t.state === 'runnable' && !t.process.stopped) return t
    }
    return this.current && this.current.state === 'runnable' ? this.current : null
  }

  /** Makes `t` the thread whose registers are on the vCPU. */
  switchTo(t: LinuxThread): void {
    if (this.current === t) return
    const cpu = this.lx.cpu
    if (this.current && this.current.state !== 'zombie') this.current.regs = cpu.snapshot()
    cpu.restore(t.regs)
    this.current = t
    this.ticksLeft = SLICE_TICKS
  }

  /** A timer tick: the slice of the current thread shrinks; when it is used up and others wait, they get the vCPU. */
  tick(): void {
    if (--this.ticksLeft <= 0) {
      this.ticksLeft = SLICE_TICKS
      if (this.runq.length > 0) this.needResched = true
    }
  }
}
