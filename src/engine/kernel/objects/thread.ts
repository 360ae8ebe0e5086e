/**
 * Thread: the unit of execution (Fiasco's Thread). A thread is bound to a
 * task, owns a UTCB, has a priority and a CPU, and takes part in IPC as a
 * sender and a receiver. It executes either native µApp code (a generator
 * that yields kernel invocations) or emulated guest code in its task; a
 * thread in vCPU mode executes native code in "kernel mode" and its user
 * task's emulated code in "user mode", switching by vcpu_resume and upcalls.
 */
import { Utcb } from '../abi'
import { KObject } from '../kobject'
import type { TimerEntry } from '../timers'
import type { Task } from './task'
import type { Irq } from './irq'
import type { IpcGate } from './ipc-gate'
import type { VcpuState } from '../vcpu'
import type { Kernel } from '../kernel'
import { threadDestroyed } from '../lifecycle'
import type { ThreadStats } from '../../../shared/contract'
import type { CoreContext } from '../../cpu/core'
import type { SyscallRegs, ThreadBody } from '../native'

export const enum TState {
  /** Created, not yet started (no body, no ex_regs). */
  Inactive = 0,
  Ready = 1,
  /** Blocked sending to `partner`. */
  SendWait = 2,
  /** Blocked receiving: from `partner` (closed wait) or from anyone (open wait, partner null). */
  RecvWait = 3,
  Dead = 4,
}

/** A message the kernel sends on an emulated thread's behalf, in flight. */
export const enum KernelIpc {
  None = 0,
  PageFault = 1,
  Exception = 2,
}

export type { ThreadStats, ThreadBody }

export class Thread extends KObject {
  readonly kind = 'thread'
  task: Task | null = null
  /**
   * The UTCB: 128 words. `utcb` reads and writes words as numbers; the byte
   * view carries raw payloads (console text) 8 bytes per word as L4Re does;
   * IPC copies through the 32-bit view so that bits travel unchanged.
   */
  readonly utcb = new Float64Array(Utcb.Words)
  readonly utcbBytes = new Uint8Array(this.utcb.buffer)
  readonly utcbRaw = new Int32Array(this.utcb.buffer)
  state = TState.Inactive
  prio = 1
  cpu = 0
  /** Run-queue links (owned by Cpu). */
  queued = false
  rqNext: Thread | null = null
  rqPrev: Thread | null = null
  timesliceNs: number
  sliceLeftNs: number

  // --- IPC ---
  partner: Thread | null = null
  /** When blocked in SendWait: the gate the message goes through (null: sent to the thread directly). */
  sendGate: IpcGate | null = null
  /** When blocked in SendWait: whether a receive from the partner follows (call). */
  sendThenRecv = false
  /** The caller waiting for this thread's reply (the implicit reply capability). */
  replyTo: Thread | null = null
  /** Threads and Irqs waiting to deliver a message to this thread, in order. */
  readonly senders: (Thread | Irq)[] = []
  timer: TimerEntry | null = null
  /** What a native thread is resumed with: the result tag of its last system call. */
  result = 0

  // --- execution ---
  body: ThreadBody | null = null
  readonly sys: SyscallRegs = { flags: 0, cap: 0, tag: 0, timeout: 0, label: 0 }

  /** The label the last received message carried (what L4's wait returns in a register). */
  get rcvLabel(): number {
    return this.sys.label
  }
  set rcvLabel(v: number) {
    this.sys.label = v
  }
  /** Pager and exception handler: capability indices in the thread's task (Thread::control). */
  pager = 4
  excHandler = 4
  vcpu: VcpuState | null = null
  /** Emulated register state, for a thread that executes guest code (allocated by the kernel). */
  context: CoreContext | null = null
  /** True while the thread executes emulated code (vCPU user mode, or a plain emulated thread). */
  executingUser = false
  /** True while a fault or exception message is in flight for this thread's emulated code. */
  kernelIpc = KernelIpc.None

  readonly stats: ThreadStats = {
    syscalls: 0,
    ipcSent: 0,
    ipcReceived: 0,
    pageFaults: 0,
    exceptions: 0,
    upcalls: 0,
    instructions: 0,
    consumedNs: 0,
  }
  /** Triggered when the thread is deleted (Thread::register_delete_irq): how a parent learns of an exit. */
  deleteIrq: Irq | null = null
  /** Why the thread ended, when it did ("exited", an exception message…). */
  exitReason = ''

  constructor(
    readonly kernel: Kernel,
    timesliceNs: number,
  ) {
    super()
    this.timesliceNs = timesliceNs
    this.sliceLeftNs = timesliceNs
  }

  get alive(): boolean {
    return this.state !== TState.Dead
  }

  protected destroy(): void {
    threadDestroyed(this.kernel, this)
  }
}
