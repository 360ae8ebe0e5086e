/**
 * The microkernel: owns the CPUs (scheduling and virtual time), the objects,
 * physical memory and the emulated execution core; performs system calls for
 * native threads and handles the exits of emulated code (page faults and
 * exceptions become IPC to pagers and exception handlers, or vCPU upcalls).
 *
 * Time is virtual: an emulated instruction costs 1 ns, a native kernel entry
 * SYSCALL_NS plus 1 ns for every NATIVE_BYTES_PER_NS bytes the native thread
 * moved through its memory since its last entry (a µApp that copies — lx
 * moving pipe data — spends time as it does on the host, so it cannot take
 * the host from other VMs for free, and its programs' clocks stay plausible). CPUs run in rounds of at most ROUND_NS, one after the other in
 * index order, and a round never passes a timer's deadline, so that timeouts
 * fire at exactly the virtual time they name and runs are reproducible.
 */
import { Err, IpcErr, PAGE_SIZE } from './abi'
import { Cpu } from './sched'
import { TimerQueue } from './timers'
import type { PhysicalMemory } from '../hw/physical-memory'
import type { MemorySpace } from './mem-space'
import { OBJECT_COST, Quota } from './quota'
import { KernelIpc, Thread, TState, type ThreadBody } from './objects/thread'
import { Task } from './objects/task'
import { IpcGate } from './objects/ipc-gate'
import { Irq } from './objects/irq'
import type { Factory } from './objects/factory'
import type { KernelObject } from './objects'
import { ipcError, removeSender, sendersArrived } from './ipc'
import { syscall } from './syscall'
import { kernelIpcAnswered, runUser, startEmulated, translate } from './user-mode'
import { nativeCrash, threadExited } from './lifecycle'
import { VconRegistry } from './vcon-registry'
import { kernelArch, type KernelArch } from './arch'
import type { Access } from '../cpu/core-abi'
import type { Core } from '../cpu/core'
import { Sys, type NativeEntry } from './native'
import { TaskMemory, type CopyMeter } from './task-memory'
import type { IpcTrace } from './ipc-trace'
import type { WallMeter } from './wall-meter'

export const SYSCALL_NS = 100
/**
 * What native copies cost: about the rate lx's copy paths reach on the build
 * machine (a 64 KiB pipe transfer is four copies), fixed so runs stay reproducible.
 */
export const NATIVE_BYTES_PER_NS = 2
export const ROUND_NS = 1_000_000
export const DEFAULT_TIMESLICE_NS = 10_000_000

export { VCPU_UPCALL } from './user-mode'

export interface KernelOptions {
  cpus: number
  ram: PhysicalMemory
  core?: Core
  /** Kernel memory available to the root factory, in bytes. */
  kernelMemory: number
  timesliceNs?: number
}

export interface KernelStats {
  ipcs: number
  maps: number
  pageFaults: number
  exceptions: number
  upcalls: number
  instructions: number
  syscalls: number
}

/** Observers the board and the debugger attach to. */
export interface KernelHooks {
  /** A task died; `reason` says why (an exception message, "deleted"…). */
  taskEnded?(task: Task, reason: string): void
  /** A native µApp threw: the message and where. */
  nativeCrashed?(thread: Thread, error: unknown): void
}

export class Kernel {
  readonly cpus: Cpu[]
  readonly ram: PhysicalMemory
  readonly core: Core | null
  /** The architecture parts for the board's core (aarch64 when there is none: native µApps only). */
  readonly arch: KernelArch
  readonly timers = new TimerQueue()
  readonly rootQuota: Quota
  readonly objects = new Set<KernelObject>()
  readonly spaces = new Map<number, MemorySpace>()
  /** The terminals (Vcons) and who shows them. */
  readonly vcons = new VconRegistry()
  readonly stats: KernelStats = { ipcs: 0, maps: 0, pageFaults: 0, exceptions: 0, upcalls: 0, instructions: 0, syscalls: 0 }
  hooks: KernelHooks = {}
  /**
   * The IPC trace while the lab's IPC view is open (ipc-trace.ts), null
   * otherwise: then the IPC path costs one check and records nothing.
   */
  ipcTrace: IpcTrace | null = null
  /** Virtual time at the start of the current round. */
  now = 0
  /** Virtual time of the CPU that is running now. */
  clock = 0
  private roundEnd = 0
  /** Bytes the native thread now stepping has copied (TaskMemory counts them). */
  private readonly copied: CopyMeter = { bytes: 0 }
  private nextAsid = 1
  /** Object ids count per kernel, so that two runs of a board number their objects alike. */
  private nextObjectId = 1
  readonly timesliceNs: number
  /** Set by Platform_control shutdown. */
  halted: string | null = null
  rootFactory!: Factory
  /** Set by the Icu: forget an Irq object bound to a board line. */
  irqLineUnbound: ((irq: Irq) => void) | null = null
  /** Where host time goes, by task, when a host measures it (wall-meter.ts); null: not measured. */
  wallMeter: WallMeter | null = null

  constructor(opts: KernelOptions) {
    this.cpus = Array.from({ length: opts.cpus }, (_, i) => new Cpu(i))
    this.ram = opts.ram
    this.core = opts.core ?? null
    this.arch = kernelArch(this.core?.arch ?? 'aarch64')
    this.rootQuota = new Quota(opts.kernelMemory)
    this.timesliceNs = opts.timesliceNs ?? DEFAULT_TIMESLICE_NS
  }

  // ---------------------------------------------------------------- objects

  register<T extends KernelObject>(o: T, quota: Quota | null, cost: number): T | null {
    if (quota && !quota.alloc(cost)) return null
    o.id = this.nextObjectId++
    o.quota = quota
    o.cost = quota ? cost : 0
    this.objects.add(o)
    return o
  }

  allocAsid(): number {
    return this.nextAsid++
  }

  newTask(quota: Quota | null, name = ''): Task | null {
    const t = new Task(this, this.allocAsid(), quota, name)
    if (!this.register(t, quota, OBJECT_COST.task)) return null
    t.name = name
    this.spaceCreated(t)
    return t
  }

  /** Makes a task's memory space known to translation and TLB shootdown. */
  spaceCreated(t: Task): void {
    t.space.onUnmap = (space, vpn) => this.core?.flushTlbPage(space.asid, vpn * PAGE_SIZE)
    this.spaces.set(t.space.asid, t.space)
  }

  newThread(quota: Quota | null, name = ''): Thread | null {
    const th = new Thread(this, this.timesliceNs)
    if (!this.register(th, quota, OBJECT_COST.thread)) return null
    th.name = name
    return th
  }

  newGate(quota: Quota | null, thread: Thread | null, label: number): IpcGate | null {
    const g = new IpcGate(this)
    if (!this.register(g, quota, OBJECT_COST.ipc_gate)) return null
    if (thread) this.bindGate(g, thread, label)
    return g
  }

  newIrq(quota: Quota | null): Irq | null {
    return this.register(new Irq(this), quota, OBJECT_COST.irq)
  }

  bindThread(th: Thread, task: Task): void {
    if (th.task === task) return
    if (th.task) {
      th.task.threads.delete(th)
      th.task.unref()
    }
    th.task = task
    task.threads.add(th)
    task.ref()
  }

  bindGate(g: IpcGate, th: Thread, label: number): void {
    if (g.thread) g.thread.unref()
    g.thread = th
    g.label = label
    th.ref()
    // Senders that waited for the gate to be bound now become senders to the thread.
    const waiting = g.waiting.splice(0)
    for (const s of waiting) {
      if (s.state !== TState.SendWait) continue
      s.partner = th
      th.senders.push(s)
    }
    if (waiting.length > 0) sendersArrived(this, th)
  }

  /** Starts a native thread with a generator body (the µApp runtime's entry). */
  startNative(th: Thread, body: ThreadBody, cpu = th.cpu): void {
    th.body = body
    th.cpu = Math.min(Math.max(0, cpu), this.cpus.length - 1)
    th.result = 0
    th.state = TState.Ready
    this.cpus[th.cpu].enqueue(th)
  }

  /** Starts a native thread at an entry point: the kernel gives it its Sys. */
  startNativeEntry(th: Thread, entry: NativeEntry): void {
    this.startNative(th, entry(new Sys(th.sys, th.utcb, th.utcbBytes, new TaskMemory(th.task!.space, this.ram, this.copied), () => this.clock, this.core?.arch)))
  }

  /** Starts a thread executing emulated code in its task at `pc` with stack `sp`. */
  startEmulated(th: Thread, pc: number, sp: number): Err {
    return startEmulated(this, th, pc, sp)
  }

  /** The CPU core's TLB-miss callback (see user-mode.ts). */
  translate(asid: number, vaddr: number, access: Access): number {
    return translate(this, asid, vaddr, access)
  }

  // ------------------------------------------------------------ scheduling

  /** Scheduler::run_thread: new parameters; a started, ready thread moves to its new queue. */
  setSchedParams(th: Thread, prio: number, cpu: number, sliceNs: number): void {
    const wasQueued = th.queued
    if (wasQueued) this.cpus[th.cpu].dequeue(th)
    th.prio = prio
    th.cpu = cpu
    th.timesliceNs = sliceNs
    th.sliceLeftNs = Math.min(th.sliceLeftNs, sliceNs)
    if (wasQueued || th.state === TState.Ready) this.cpus[cpu].enqueue(th)
  }

  block(t: Thread, timeoutNs: number): void {
    this.cpus[t.cpu].dequeue(t)
    if (t.timer !== null) {
      t.timer.dead = true
      t.timer = null
    }
    if (timeoutNs !== Infinity) {
      const at = this.clock + timeoutNs
      const state = t.state
      t.timer = this.timers.add(at, () => this.timeout(t, state))
      if (at < this.roundEnd) this.roundEnd = at
    }
  }

  /**
   * wake(to, result) and block(from, Infinity) in one: the switch of the IPC
   * fast paths, where the sender blocks without a timeout as its partner
   * becomes ready. The caller has set `from`'s blocked state and checked that
   * `to` is alive and carries no kernel-synthesized IPC.
   */
  switchTo(from: Thread, to: Thread, result: number): void {
    if (to.timer !== null) {
      to.timer.dead = true
      to.timer = null
    }
    if (from.timer !== null) {
      from.timer.dead = true
      from.timer = null
    }
    to.state = TState.Ready
    to.partner = null
    to.result = result
    if (to.cpu === from.cpu) this.cpus[from.cpu].handoff(from, to)
    else {
      this.cpus[to.cpu].enqueue(to)
      this.cpus[from.cpu].dequeue(from)
    }
  }

  unblockTimer(t: Thread): void {
    if (t.timer) t.timer.dead = true
    t.timer = null
  }

  wake(t: Thread, result: number): void {
    if (t.timer !== null) {
      t.timer.dead = true
      t.timer = null
    }
    if (t.state === TState.Dead) return
    t.state = TState.Ready
    t.partner = null
    t.result = result
    this.cpus[t.cpu].enqueue(t)
    if (t.kernelIpc !== KernelIpc.None) kernelIpcAnswered(this, t, result)
  }

  /** A blocked IPC's timeout passed: it ends with the phase's timeout error. */
  private timeout(t: Thread, state: TState): void {
    t.timer = null
    if (t.state !== state) return
    if (state === TState.SendWait) {
      removeSender(t)
      t.sendThenRecv = false
      this.wake(t, ipcError(t, IpcErr.SeTimeout))
    } else if (state === TState.RecvWait) {
      this.wake(t, ipcError(t, IpcErr.ReTimeout))
    }
  }

  // ---------------------------------------------------------------- the loop

  /**
   * Runs all CPUs for up to `maxNs` of virtual time. Returns the virtual time
   * actually advanced. Stops early when nothing is ready on any CPU (then the
   * caller may wait for input or jump to `nextEvent()`).
   */
  run(maxNs: number): number {
    const start = this.now
    const horizon = start + maxNs
    while (this.now < horizon && !this.halted) {
      if (!this.anyReady()) {
        const next = this.timers.next()
        if (next > horizon) {
          // Idle until the horizon: time passes on every CPU.
          if (Number.isFinite(horizon)) {
            for (const c of this.cpus) if (c.online) c.idleNs += horizon - this.now
            this.now = horizon
          }
          break
        }
        this.now = Math.max(this.now, next)
        this.timers.fireDue(this.now)
        continue
      }
      this.roundEnd = Math.min(this.now + ROUND_NS, this.timers.next(), horizon)
      if (this.roundEnd <= this.now) this.roundEnd = this.now + 1
      for (const cpu of this.cpus) if (cpu.online) this.runCpu(cpu)
      this.now = this.roundEnd
      this.timers.fireDue(this.now)
    }
    return this.now - start
  }

  /** The next virtual time something is due (Infinity: only input can wake us). */
  nextEvent(): number {
    return this.anyReady() ? this.now : this.timers.next()
  }

  anyReady(): boolean {
    for (const c of this.cpus) if (c.online && c.pick()) return true
    return false
  }

  /** Virtual time left in the current round for the CPU that runs now. */
  roundLeftNs(): number {
    return this.roundEnd - this.clock
  }

  /**
   * Runs one CPU until the round ends. Native threads are stepped right here,
   * one kernel entry at a time, with their time accounted per step: when an
   * IPC blocks the caller and readies its partner, the loop continues with
   * the partner at once (Fiasco's direct switch), without leaving the loop.
   */
  private runCpu(cpu: Cpu): void {
    this.clock = this.now
    const core = this.core
    const meter = this.wallMeter
    while (this.clock < this.roundEnd) {
      const t = cpu.pick()
      if (t === null) {
        cpu.idleNs += this.roundEnd - this.clock
        this.clock = this.roundEnd
        return
      }
      if (cpu.current !== t) {
        cpu.current = t
        if (core !== null) core.clearExclusive(cpu.index)
      }
      const body = t.body
      if (body !== null && !t.executingUser) {
        let r: IteratorResult<unknown, void>
        this.copied.bytes = 0
        const w0 = meter === null ? 0 : meter.now()
        try {
          r = body.next(t.result)
        } catch (e) {
          this.account(cpu, t, this.nativeStepNs())
          nativeCrash(this, t, e)
          continue
        }
        if (meter !== null) meter.add(t, false, meter.now() - w0)
        this.account(cpu, t, this.nativeStepNs())
        if (r.done === true) threadExited(this, t, 'exited')
        else syscall(this, t)
        continue
      }
      const before = this.clock
      t.executingUser = true
      const w0 = meter === null ? 0 : meter.now()
      runUser(this, cpu, t)
      if (meter !== null) meter.add(t, true, meter.now() - w0)
      const used = this.clock - before
      this.clock = before
      this.account(cpu, t, used)
    }
  }

  /** What the native step just taken costs: the kernel entry and the bytes it copied. */
  private nativeStepNs(): number {
    const bytes = this.copied.bytes
    // Most steps copy nothing (an IPC moves words through UTCBs); V8 turns the
    // division into an integer divide, a measurable part of an IPC round trip.
    return bytes === 0 ? SYSCALL_NS : SYSCALL_NS + Math.ceil(bytes / NATIVE_BYTES_PER_NS)
  }

  /** Charges `ns` of virtual time to a thread on a CPU; its timeslice ending rotates it. */
  private account(cpu: Cpu, t: Thread, ns: number): void {
    this.clock += ns
    t.stats.consumedNs += ns
    cpu.busyNs += ns
    if ((t.sliceLeftNs -= ns) <= 0) {
      t.sliceLeftNs = t.timesliceNs
      cpu.rotate(t)
    }
  }
}
