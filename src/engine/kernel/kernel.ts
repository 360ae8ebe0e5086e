/**
 * The microkernel: owns the CPUs (scheduling and virtual time), the objects,
 * physical memory and the emulated execution core; performs system calls for
 * native threads and handles the exits of emulated code (page faults and
 * exceptions become IPC to pagers and exception handlers, or vCPU upcalls).
 *
 * Time is virtual: an emulated instruction costs 1 ns, a native kernel entry
 * SYSCALL_NS. CPUs run in rounds of at most ROUND_NS, one after the other in
 * index order, and a round never passes a timer's deadline, so that timeouts
 * fire at exactly the virtual time they name and runs are reproducible.
 */
import {
  CapRight,
  Err,
  IpcErr,
  PAGE_SIZE,
  PfFlag,
  Proto,
  Sysf,
  TagFlag,
  Utcb,
  VcpuF,
  VcpuSticky,
  msgtag,
  memFpage,
  tagLabel,
  WHOLE_SPACE_ORDER,
  IPC_POLL,
} from './abi'
import { Cpu } from './sched'
import { TimerQueue } from './timers'
import { PhysicalMemory } from './physical-memory'
import { flushSpace, type MemorySpace } from './mem-space'
import { OBJECT_COST, Quota } from './quota'
import { KernelIpc, Thread, TState, type ThreadBody } from './objects/thread'
import { Task } from './objects/task'
import { IpcGate } from './objects/ipc-gate'
import { Irq } from './objects/irq'
import { ipcError, receive, send, deliverIrq, transfer } from './ipc'
import { invokeObject } from './invoke'
import type { KObject } from './kobject'
import { CpuExit, PERMISSION_FAULT, TRANSLATION_FAULT, type ExecCore } from './exec-core'
import { ExcClass, TrapKind } from './vcpu'
import type { Factory } from './objects/factory'
import type { Vcon } from './objects/vcon'
import { Sys, type NativeEntry } from './native'
import { TaskMemory } from './task-memory'

export const SYSCALL_NS = 100
export const ROUND_NS = 1_000_000
export const DEFAULT_TIMESLICE_NS = 10_000_000

/** The result a native vCPU thread's pending call returns with when an upcall happens. */
export const VCPU_UPCALL = msgtag(0, 0, 0, 0)

export interface KernelOptions {
  cpus: number
  ram: PhysicalMemory
  core?: ExecCore
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
  /** A terminal wrote bytes. */
  vconOutput?(vcon: Vcon, bytes: Uint8Array): void
  /** A terminal appeared or went away. */
  vconsChanged?(): void
}

export class Kernel {
  readonly cpus: Cpu[]
  readonly ram: PhysicalMemory
  readonly core: ExecCore | null
  readonly timers = new TimerQueue()
  readonly rootQuota: Quota
  readonly objects = new Set<KObject>()
  readonly spaces = new Map<number, MemorySpace>()
  readonly stats: KernelStats = { ipcs: 0, maps: 0, pageFaults: 0, exceptions: 0, upcalls: 0, instructions: 0, syscalls: 0 }
  hooks: KernelHooks = {}
  /** Virtual time at the start of the current round. */
  now = 0
  /** Virtual time of the CPU that is running now. */
  clock = 0
  private roundEnd = 0
  private nextAsid = 1
  readonly timesliceNs: number
  /** Set by Platform_control shutdown. */
  halted: string | null = null
  rootFactory!: Factory

  constructor(opts: KernelOptions) {
    this.cpus = Array.from({ length: opts.cpus }, (_, i) => new Cpu(i))
    this.ram = opts.ram
    this.core = opts.core ?? null
    this.rootQuota = new Quota(opts.kernelMemory)
    this.timesliceNs = opts.timesliceNs ?? DEFAULT_TIMESLICE_NS
  }

  // ---------------------------------------------------------------- objects

  register<T extends KObject>(o: T, quota: Quota | null, cost: number): T | null {
    if (quota && !quota.alloc(cost)) return null
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

  // ------------------------------------------------------------- terminals

  readonly vcons = new Set<Vcon>()

  vconCreated(v: Vcon): void {
    this.vcons.add(v)
    this.hooks.vconsChanged?.()
  }

  vconDestroyed(v: Vcon): void {
    this.vcons.delete(v)
    this.objects.delete(v)
    this.hooks.vconsChanged?.()
  }

  vconOutput(v: Vcon, bytes: Uint8Array): void {
    this.hooks.vconOutput?.(v, bytes)
  }

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

  /** Aborts a thread's IPC (ex_regs with CANCEL, deletion of partners). */
  cancelIpc(t: Thread, code: IpcErr): void {
    if (t.state === TState.SendWait) {
      this.removeSender(t)
      t.sendThenRecv = false
    }
    this.wake(t, ipcError(t, code))
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
    if (waiting.length > 0) this.sendersArrived(th)
  }

  /** Senders were queued for `th` outside of a send: a waiting receiver takes the first now. */
  sendersArrived(th: Thread): void {
    if (th.state === TState.RecvWait && th.partner === null && !th.executingUser && th.senders.length > 0) {
      const r = receive(this, th, null, IPC_POLL)
      if (r !== -1) this.wake(th, r)
    } else this.senderQueued(th)
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
    this.startNative(th, entry(new Sys(th.sys, th.utcb, th.utcbBytes, new TaskMemory(th.task!.space, this.ram), () => this.clock)))
  }

  /** Starts a thread executing emulated code in its task at `pc` with stack `sp`. */
  startEmulated(th: Thread, pc: number, sp: number): Err {
    if (!this.core) return Err.ENoSys
    if (!th.task) return Err.EInval
    if (!th.context) th.context = this.core.allocContext()
    const c = th.context as { setPc(v: bigint): void; setSp(v: bigint): void }
    c.setPc(BigInt(pc))
    c.setSp(BigInt(sp))
    th.body = null
    th.state = TState.Ready
    this.cpus[th.cpu].enqueue(th)
    return Err.Ok
  }

  // ------------------------------------------------------- blocking, waking

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
    if (t.kernelIpc !== KernelIpc.None) this.kernelIpcAnswered(t, result)
  }

  private timeout(t: Thread, state: TState): void {
    t.timer = null
    if (t.state !== state) return
    if (state === TState.SendWait) {
      this.removeSender(t)
      t.sendThenRecv = false
      this.resumeAfterIpc(t, ipcError(t, IpcErr.SeTimeout))
    } else if (state === TState.RecvWait) {
      this.resumeAfterIpc(t, ipcError(t, IpcErr.ReTimeout))
    }
  }

  /** Wakes a thread whose IPC ended, by error or timeout. */
  private resumeAfterIpc(t: Thread, result: number): void {
    this.wake(t, result)
  }

  private removeSender(t: Thread): void {
    const p = t.partner
    if (p) {
      const i = p.senders.indexOf(t)
      if (i >= 0) p.senders.splice(i, 1)
    }
    if (t.sendGate) {
      const i = t.sendGate.waiting.indexOf(t)
      if (i >= 0) t.sendGate.waiting.splice(i, 1)
    }
    t.partner = null
    t.sendGate = null
  }

  /**
   * A sender (thread or Irq) was queued for `dst`. A vCPU that runs user code
   * with IRQs enabled is interrupted for it (an upcall); with IRQs disabled it
   * notes IRQ_PENDING.
   */
  senderQueued(dst: Thread): void {
    const v = dst.vcpu
    if (!v) return
    if (dst.executingUser) {
      if (v.state & VcpuF.Irq) this.upcallForPending(dst)
      else v.sticky |= VcpuSticky.IrqPending
    } else if (!(v.state & VcpuF.Irq)) v.sticky |= VcpuSticky.IrqPending
  }

  // ------------------------------------------------------------ IRQ objects

  triggerIrq(irq: Irq): void {
    const t = irq.thread
    if (!t || !t.alive) return
    if (irq.masked) {
      irq.pendingWhileMasked = true
      return
    }
    if (irq.queued) return
    if (t.state === TState.RecvWait && t.partner === null && !t.executingUser) {
      this.wake(t, deliverIrq(t, irq))
      return
    }
    irq.queued = true
    t.senders.push(irq)
    this.senderQueued(t)
  }

  unmaskIrq(irq: Irq): void {
    irq.masked = false
    if (irq.pendingWhileMasked) {
      irq.pendingWhileMasked = false
      this.triggerIrq(irq)
    }
  }

  detachIrq(irq: Irq): void {
    const t = irq.thread
    if (t) {
      const i = t.senders.indexOf(irq)
      if (i >= 0) t.senders.splice(i, 1)
      t.unref()
    }
    irq.thread = null
    irq.queued = false
  }

  // ------------------------------------------------------------ system calls

  /**
   * Performs the system call a native thread prepared in `t.sys`. Leaves the
   * result in t.result when the thread stays ready; a blocked thread gets its
   * result when it is woken.
   */
  syscall(t: Thread): void {
    t.stats.syscalls++
    this.stats.syscalls++
    const sys = t.sys
    const flags = sys.flags
    const tag = sys.tag
    // The two shapes of a client/server exchange, when they meet a waiting
    // partner and carry only words: done here without the general machinery.
    if ((tag & 0xfc0) === 0 && (sys.timeout & 0xffff) === 0) {
      if (flags === Sysf.Call && this.fastCall(t, sys.cap, tag)) return
      if (flags === Sysf.ReplyAndWait && this.fastReplyAndWait(t, tag)) return
    }
    const timeout = sys.timeout
    const isCall = (flags & Sysf.Call) === Sysf.Call && !(flags & Sysf.OpenWait)
    if (flags & Sysf.Send) {
      let r: number
      if (flags & Sysf.Reply) {
        const caller = t.replyTo
        t.replyTo = null
        if (caller && caller.state === TState.RecvWait && caller.partner === t) r = this.replyTo(t, caller, tag)
        else r = ipcError(t, IpcErr.ENotExistent)
      } else {
        const cap = t.task?.caps.get(t.sys.cap)
        if (!cap || cap.object.dead) r = ipcError(t, IpcErr.ENotExistent)
        else {
          const o = cap.object
          if (o.kind === 'ipc_gate' && !(tagLabel(tag) === Proto.Kobject && cap.rights & CapRight.N)) {
            const g = o as IpcGate
            r = send(this, t, g.thread, g, tag, timeout, isCall)
          } else if (o.kind === 'thread' && tagLabel(tag) !== Proto.Thread) {
            r = send(this, t, o as Thread, null, tag, timeout, isCall)
          } else {
            // A kernel object: the invocation is performed now and its reply is the result.
            r = invokeObject(this, t, cap, tag)
            if (r === -1) return // the thread switched (vcpu_resume)
            if (flags & Sysf.OpenWait) r = r & TagFlag.Error ? r : 0
            else {
              t.result = r
              return
            }
          }
        }
      }
      if (r === -1) return // blocked: the result comes with the wakeup
      if (r & TagFlag.Error || isCall || !(flags & Sysf.Recv)) {
        t.result = r
        return
      }
    }
    if (flags & Sysf.Recv) {
      let from: Thread | null = null
      if (!(flags & Sysf.OpenWait)) {
        // A closed receive names its partner thread.
        const cap = t.task?.caps.get(t.sys.cap)
        if (!cap || cap.object.kind !== 'thread' || cap.object.dead) {
          t.result = ipcError(t, IpcErr.ENotExistent | 1)
          return
        }
        from = cap.object as Thread
      }
      const r = receive(this, t, from, timeout)
      if (r !== -1) t.result = r
      return
    }
    t.result = 0
  }

  /** call to a gate whose thread waits for anyone: transfer, then wait for the reply. */
  private fastCall(t: Thread, capIndex: number, tag: number): boolean {
    const cap = t.task!.caps.get(capIndex)
    if (cap === undefined) return false
    const o = cap.object
    if (o.kind !== 'ipc_gate' || tagLabel(tag) === Proto.Kobject) return false
    const g = o as IpcGate
    const dst = g.thread
    if (dst === null || dst.state !== TState.RecvWait || dst.partner !== null || dst.executingUser) return false
    copyWords(t, dst, tag & 0x3f)
    this.stats.ipcs++
    dst.sys.label = g.label
    dst.replyTo = t
    this.wake(dst, tag)
    t.state = TState.RecvWait
    t.partner = dst
    this.block(t, Infinity)
    return true
  }

  /** reply_and_wait to a caller that waits, with nobody queued for us: transfer, then wait. */
  private fastReplyAndWait(t: Thread, tag: number): boolean {
    const caller = t.replyTo
    if (caller === null || caller.state !== TState.RecvWait || caller.partner !== t || caller.kernelIpc !== KernelIpc.None) return false
    if (t.senders.length !== 0) return false
    t.replyTo = null
    copyWords(t, caller, tag & 0x3f)
    this.stats.ipcs++
    caller.sys.label = 0
    this.wake(caller, tag)
    t.state = TState.RecvWait
    t.partner = null
    this.block(t, Infinity)
    return true
  }

  /** Reply phase: `t` answers `caller`, who waits in a closed receive. */
  private replyTo(t: Thread, caller: Thread, tag: number): number {
    // A reply must not block: the caller is known to wait.
    const err = this.transferReply(t, caller, tag)
    if (err !== IpcErr.None) {
      this.wake(caller, ipcError(caller, err | 1))
      return ipcError(t, err & ~1)
    }
    caller.rcvLabel = 0
    this.wake(caller, tag)
    return 0
  }

  private transferReply(t: Thread, caller: Thread, tag: number): IpcErr {
    // Kernel-synthesized messages (page faults, exceptions) receive into the
    // faulting task's whole address space; transfer() reads the receiver's BRs.
    return transfer(this, t, caller, tag, null)
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

  /**
   * Runs one CPU until the round ends. Native threads are stepped right here,
   * one kernel entry at a time, with their time accounted per step: when an
   * IPC blocks the caller and readies its partner, the loop continues with
   * the partner at once (Fiasco's direct switch), without leaving the loop.
   */
  private runCpu(cpu: Cpu): void {
    this.clock = this.now
    const core = this.core
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
        try {
          r = body.next(t.result)
        } catch (e) {
          this.account(cpu, t, SYSCALL_NS)
          this.nativeCrash(t, e)
          continue
        }
        this.account(cpu, t, SYSCALL_NS)
        if (r.done === true) this.threadExited(t, 'exited')
        else this.syscall(t)
        continue
      }
      const before = this.clock
      t.executingUser = true
      this.runUser(cpu, t)
      const used = this.clock - before
      this.clock = before
      this.account(cpu, t, used)
    }
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

  /** Runs emulated code (a vCPU's user task, or a plain emulated thread) for the rest of the slice. */
  private runUser(cpu: Cpu, t: Thread): void {
    const core = this.core
    if (!core) {
      this.kill(t, 'no CPU core on this board')
      return
    }
    const v = t.vcpu
    const task = v ? this.userTaskOf(t) : t.task
    if (!task) {
      if (v) this.upcall(t, TrapKind.Exception, ExcClass.Undefined, 0, 0, 0, 0)
      else this.kill(t, 'thread has no task')
      return
    }
    const ctx = v ? v.regs : t.context
    const budget = Math.max(1, Math.min(this.roundEnd - this.clock, t.sliceLeftNs))
    const exit = core.run(cpu.index, ctx, task.space.asid, budget)
    const d = core.details(cpu.index)
    this.clock += Math.max(1, d.retired)
    t.stats.instructions += d.retired
    this.stats.instructions += d.retired
    if (exit === CpuExit.Budget) return
    if (exit === CpuExit.DataAbort || exit === CpuExit.InstructionAbort) {
      t.stats.pageFaults++
      this.stats.pageFaults++
      const access = exit === CpuExit.InstructionAbort ? 4 : d.access
      if (v && v.state & VcpuF.PageFaults) this.upcall(t, TrapKind.PageFault, 0, 0, 0, d.faultAddress, access, d.pc)
      else this.pageFaultIpc(t, d.faultAddress, access, d.pc)
      return
    }
    t.stats.exceptions++
    this.stats.exceptions++
    const cls = exit === CpuExit.Svc ? ExcClass.Svc : exit === CpuExit.Brk ? ExcClass.Brk : exit === CpuExit.Alignment ? ExcClass.Alignment : ExcClass.Undefined
    if (v) this.upcall(t, TrapKind.Exception, cls, d.svcImm, d.syndrome, d.faultAddress, d.access, d.pc)
    else this.exceptionIpc(t, cls, d.svcImm, d.syndrome, d.faultAddress, d.pc)
  }

  private userTaskOf(t: Thread): Task | null {
    const cap = t.task?.caps.get(t.vcpu!.userTask)
    return cap && cap.object.kind === 'task' && !cap.object.dead ? (cap.object as Task) : null
  }

  /** Switches a vCPU thread back to its native "kernel mode" with an upcall. */
  upcall(t: Thread, kind: TrapKind, excClass: number, svcImm: number, syndrome: number, pfa: number, access: number, pc = 0): void {
    const v = t.vcpu!
    v.savedState = v.state
    v.state &= ~(VcpuF.UserMode | VcpuF.Irq)
    const trap = v.trap
    trap.kind = kind
    trap.excClass = excClass
    trap.svcImm = svcImm
    trap.syndrome = syndrome
    trap.pfa = pfa
    trap.access = access
    trap.pc = pc
    t.executingUser = false
    t.stats.upcalls++
    this.stats.upcalls++
    t.result = VCPU_UPCALL
  }

  /** An event is pending for a vCPU in user mode with IRQs on: take the first sender as the upcall's message. */
  private upcallForPending(t: Thread): void {
    const v = t.vcpu!
    const s = t.senders[0]
    if (!s) return
    if (s.kind === 'irq') {
      t.senders.shift()
      const irq = s as Irq
      deliverIrq(t, irq)
      v.ipc.label = irq.label
      v.ipc.tag = msgtag(Proto.Irq, 0, 0, 0)
      this.upcall(t, TrapKind.Irq, 0, 0, 0, 0, 0)
    } else {
      const r = receive(this, t, null, 0x04000400)
      v.ipc.label = t.rcvLabel
      v.ipc.tag = r
      this.upcall(t, TrapKind.Ipc, 0, 0, 0, 0, 0)
    }
    t.result = VCPU_UPCALL
    // The thread is ready (it was running user code); it resumes natively.
    if (!t.queued && t.alive) {
      t.state = TState.Ready
      this.cpus[t.cpu].enqueue(t)
    }
  }

  /**
   * vcpu_resume: the calling vCPU thread switches to user mode, unless an
   * event is pending with IRQs enabled, which is then delivered at once.
   */
  vcpuResume(t: Thread): number {
    const v = t.vcpu
    if (!v) return ipcError(t, IpcErr.ENotExistent)
    if (!this.userTaskOf(t)) return msgtag(-Err.EInval, 0, 0, 0)
    if (v.state & VcpuF.Irq && t.senders.length > 0) {
      this.upcallForPending(t)
      return VCPU_UPCALL
    }
    v.state |= VcpuF.UserMode
    t.executingUser = true
    return -1
  }

  // ------------------------------------------------ kernel-synthesized IPC

  private pageFaultIpc(t: Thread, addr: number, access: number, pc: number): void {
    const u = t.utcb
    const flags = access & 2 ? PfFlag.Write : access & 4 ? PfFlag.Exec : 0
    u[0] = Math.floor(addr / 8) * 8 + flags
    u[1] = pc
    // The receive window for the pager's map item: the whole address space.
    u[Utcb.Bdr] = 0
    u[Utcb.BrFirst] = memFpage(0, WHOLE_SPACE_ORDER, 0)
    this.kernelCall(t, t.pager, msgtag(Proto.PageFault, 2, 0, 0), KernelIpc.PageFault)
  }

  private exceptionIpc(t: Thread, cls: number, svcImm: number, syndrome: number, pfa: number, pc: number): void {
    const u = t.utcb
    u[0] = cls
    u[1] = svcImm
    u[2] = syndrome
    u[3] = pfa
    u[4] = pc
    this.kernelCall(t, t.excHandler, msgtag(Proto.Exception, 5, 0, 0), KernelIpc.Exception)
  }

  /** Sends a fault or exception message as a call on the thread's behalf; emulation stops until the reply. */
  private kernelCall(t: Thread, capIndex: number, tag: number, kind: KernelIpc): void {
    t.executingUser = false
    const cap = t.task?.caps.get(capIndex)
    if (!cap || cap.object.dead || (cap.object.kind !== 'thread' && cap.object.kind !== 'ipc_gate')) {
      this.kill(t, kind === KernelIpc.PageFault ? 'page fault with no pager' : 'exception with no exception handler')
      return
    }
    t.kernelIpc = kind
    t.sys.flags = Sysf.Call
    t.sys.cap = capIndex
    t.sys.tag = tag
    t.sys.timeout = 0
    const o = cap.object
    const dst = o.kind === 'ipc_gate' ? (o as IpcGate).thread : (o as Thread)
    const r = send(this, t, dst, o.kind === 'ipc_gate' ? (o as IpcGate) : null, tag, 0, true)
    if (r !== -1) {
      t.result = r
      this.kernelIpcAnswered(t, r)
    }
  }

  /** The pager or exception handler answered (or the IPC failed): resume emulation or give up. */
  private kernelIpcAnswered(t: Thread, tag: number): void {
    const kind = t.kernelIpc
    t.kernelIpc = KernelIpc.None
    if (tag & TagFlag.Error) {
      this.kill(t, `${kind === KernelIpc.PageFault ? 'page-fault' : 'exception'} IPC failed (error ${t.utcb[Utcb.TcrError]})`)
      return
    }
    if (kind === KernelIpc.Exception && t.context) {
      // The handler may have changed the PC (e.g. to skip an svc): MR4 holds it.
      const c = t.context as { setPc(v: bigint): void }
      if ((tag & 0x3f) >= 5) c.setPc(BigInt(t.utcb[4]))
    }
    // The faulting code was user code: continue it.
    t.executingUser = true
  }

  // ------------------------------------------------------------- translation

  /** The CPU core's TLB-miss callback: the RAM offset of the page, or a fault code. */
  translate(asid: number, vaddr: number, access: number): number {
    const space = this.spaces.get(asid)
    if (!space) return TRANSLATION_FAULT
    const m = space.lookup(Math.floor(vaddr / PAGE_SIZE))
    if (!m) return TRANSLATION_FAULT
    const need = access === 1 ? 4 : access === 2 ? 2 : 1
    if ((m.rights & need) === 0) return PERMISSION_FAULT
    return m.frame * PAGE_SIZE
  }

  // ------------------------------------------------------------- lifecycles

  /** Kills a thread (a fault nobody handles, an exception in native code…). */
  kill(t: Thread, reason: string): void {
    t.exitReason = reason
    const task = t.task
    if (task && t.body) {
      // A µApp thread that fails takes its task down, as a faulting program would.
      this.endTask(task, reason)
    } else {
      this.threadExited(t, reason)
    }
  }

  private nativeCrash(t: Thread, e: unknown): void {
    this.hooks.nativeCrashed?.(t, e)
    const msg = e instanceof Error ? e.message : String(e)
    this.kill(t, `µApp exception: ${msg}`)
  }

  threadExited(t: Thread, reason: string): void {
    t.exitReason ||= reason
    const task = t.task
    this.terminate(t)
    // The last thread of a task ends the task (its program is over).
    if (task && !task.dead && [...task.threads].every((x) => x.state === TState.Dead)) this.endTask(task, t.exitReason)
  }

  endTask(task: Task, reason: string): void {
    if (task.dead) return
    task.exitReason ||= reason
    task.kill()
  }

  /** The last reference to a thread went away, or it was deleted. */
  threadDestroyed(t: Thread): void {
    this.terminate(t)
    this.objects.delete(t)
  }

  /**
   * Ends a thread's execution for good: it leaves the run queue and its
   * task, its IPC partners are released with errors, its delete-IRQ fires.
   * The object itself lives on while capabilities name it (its exit reason
   * stays readable), as a dead thread does in Fiasco.
   */
  terminate(t: Thread): void {
    if (t.state === TState.Dead) return
    const cpu = this.cpus[t.cpu]
    cpu.dequeue(t)
    if (cpu.current === t) cpu.current = null
    this.unblockTimer(t)
    if (t.state === TState.SendWait) this.removeSender(t)
    t.state = TState.Dead
    t.executingUser = false
    t.body = null
    // Senders blocked on us: the partner no longer exists.
    for (const s of t.senders.splice(0)) {
      if (s.kind === 'irq') (s as Irq).queued = false
      else this.wake(s as Thread, ipcError(s as Thread, IpcErr.ENotExistent))
    }
    // Callers waiting for our reply, and closed waits for us: canceled.
    for (const o of this.objects) {
      if (o.kind !== 'thread') continue
      const w = o as Thread
      if (w.state === TState.RecvWait && w.partner === t) this.wake(w, ipcError(w, IpcErr.ReCanceled))
      if (w.replyTo === t) w.replyTo = null
    }
    t.replyTo = null
    if (t.deleteIrq) {
      const irq = t.deleteIrq
      t.deleteIrq = null
      this.triggerIrq(irq)
      irq.unref()
    }
    if (t.context && this.core) this.core.freeContext(t.context)
    t.context = null
    if (t.task) {
      const task = t.task
      t.task = null
      task.threads.delete(t)
      task.unref()
    }
  }

  taskDestroyed(task: Task): void {
    for (const th of [...task.threads]) {
      th.exitReason ||= task.exitReason
      this.terminate(th)
    }
    flushSpace(task.space)
    task.caps.clear()
    this.spaces.delete(task.space.asid)
    this.core?.flushTlb(task.space.asid)
    this.objects.delete(task)
    this.hooks.taskEnded?.(task, task.exitReason || 'deleted')
  }

  gateDestroyed(g: IpcGate): void {
    for (const s of g.waiting.splice(0)) this.wake(s, ipcError(s, IpcErr.ENotExistent))
    const th = g.thread
    if (th) {
      for (let i = th.senders.length - 1; i >= 0; i--) {
        const s = th.senders[i]
        if (s.kind === 'thread' && (s as Thread).sendGate === g) {
          th.senders.splice(i, 1)
          ;(s as Thread).sendGate = null
          this.wake(s as Thread, ipcError(s as Thread, IpcErr.ENotExistent))
        }
      }
      g.thread = null
      th.unref()
    }
    this.objects.delete(g)
  }

  irqDestroyed(irq: Irq): void {
    this.detachIrq(irq)
    this.irqLineUnbound?.(irq)
    this.objects.delete(irq)
  }

  /** Set by the Icu: forget an Irq object bound to a board line. */
  irqLineUnbound: ((irq: Irq) => void) | null = null
}

/** Copies `words` message registers, bit for bit. */
function copyWords(src: Thread, dst: Thread, words: number): void {
  const s = src.utcbRaw
  const d = dst.utcbRaw
  for (let i = 0, n = 2 * words; i < n; i++) d[i] = s[i]
  src.stats.ipcSent++
  dst.stats.ipcReceived++
}
