/**
 * How kernel objects end: a thread killed by a fault nobody handles or by
 * an exception in its µApp code, a thread whose body returned, a task that
 * ends (its program is over, or it was stopped), and the teardown each
 * object kind does when its last reference goes or it is deleted (called
 * from the objects' destroy()). Deleting an object releases whoever waits on
 * it with an error, as Fiasco does; nothing here throws.
 */
import { IpcErr } from './abi'
import { flushSpace } from './mem-space'
import { ipcError, removeSender } from './ipc'
import { triggerIrq, detachIrq } from './objects/irq'
import { TState, type Thread } from './objects/thread'
import type { Task } from './objects/task'
import type { IpcGate } from './objects/ipc-gate'
import type { Irq } from './objects/irq'
import type { Kernel } from './kernel'

/** Kills a thread (a fault nobody handles, an exception in native code…). */
export function kill(k: Kernel, t: Thread, reason: string): void {
  t.exitReason = reason
  const task = t.task
  if (task && t.body) {
    // A µApp thread that fails takes its task down, as a faulting program would.
    endTask(k, task, reason)
  } else {
    threadExited(k, t, reason)
  }
}

/** A native µApp's body threw: the board hears of it, and the thread dies of it. */
export function nativeCrash(k: Kernel, t: Thread, e: unknown): void {
  k.hooks.nativeCrashed?.(t, e)
  const msg = e instanceof Error ? e.message : String(e)
  kill(k, t, `µApp exception: ${msg}`)
}

export function threadExited(k: Kernel, t: Thread, reason: string): void {
  t.exitReason ||= reason
  const task = t.task
  terminate(k, t)
  // The last thread of a task ends the task (its program is over).
  if (task && !task.dead && [...task.threads].every((x) => x.state === TState.Dead)) endTask(k, task, t.exitReason)
}

export function endTask(_k: Kernel, task: Task, reason: string): void {
  if (task.dead) return
  task.exitReason ||= reason
  task.kill()
}

/**
 * Ends a thread's execution for good: it leaves the run queue and its
 * task, its IPC partners are released with errors, its delete-IRQ fires.
 * The object itself lives on while capabilities name it (its exit reason
 * stays readable), as a dead thread does in Fiasco.
 */
export function terminate(k: Kernel, t: Thread): void {
  if (t.state === TState.Dead) return
  const cpu = k.cpus[t.cpu]
  cpu.dequeue(t)
  if (cpu.current === t) cpu.current = null
  k.unblockTimer(t)
  if (t.state === TState.SendWait) removeSender(t)
  t.state = TState.Dead
  t.executingUser = false
  t.body = null
  // Senders blocked on us: the partner no longer exists.
  for (const s of t.senders.splice(0)) {
    if (s.kind === 'irq') s.queued = false
    else k.wake(s, ipcError(s, IpcErr.ENotExistent))
  }
  // Callers waiting for our reply, and closed waits for us: canceled.
  for (const o of k.objects) {
    if (o.kind !== 'thread') continue
    if (o.state === TState.RecvWait && o.partner === t) k.wake(o, ipcError(o, IpcErr.ReCanceled))
    if (o.replyTo === t) o.replyTo = null
  }
  t.replyTo = null
  if (t.deleteIrq) {
    const irq = t.deleteIrq
    t.deleteIrq = null
    triggerIrq(k, irq)
    irq.unref()
  }
  if (t.context && k.core) k.core.freeContext(t.context)
  t.context = null
  // A vCPU's user-mode registers are the kernel's too (vcpu_control made them).
  if (t.vcpu?.regs && k.core) k.core.freeContext(t.vcpu.regs)
  if (t.vcpu) t.vcpu.regs = null
  if (t.task) {
    const task = t.task
    t.task = null
    task.threads.delete(t)
    task.unref()
  }
}

/** The last reference to a thread went away, or it was deleted. */
export function threadDestroyed(k: Kernel, t: Thread): void {
  terminate(k, t)
  k.objects.delete(t)
}

export function taskDestroyed(k: Kernel, task: Task): void {
  for (const th of [...task.threads]) {
    th.exitReason ||= task.exitReason
    terminate(k, th)
  }
  flushSpace(task.space)
  task.caps.clear()
  k.spaces.delete(task.space.asid)
  k.core?.flushTlb(task.space.asid)
  k.objects.delete(task)
  k.hooks.taskEnded?.(task, task.exitReason || 'deleted')
}

export function gateDestroyed(k: Kernel, g: IpcGate): void {
  for (const s of g.waiting.splice(0)) k.wake(s, ipcError(s, IpcErr.ENotExistent))
  const th = g.thread
  if (th) {
    for (let i = th.senders.length - 1; i >= 0; i--) {
      const s = th.senders[i]
      if (s.kind === 'thread' && s.sendGate === g) {
        th.senders.splice(i, 1)
        s.sendGate = null
        k.wake(s, ipcError(s, IpcErr.ENotExistent))
      }
    }
    g.thread = null
    th.unref()
  }
  k.objects.delete(g)
}

export function irqDestroyed(k: Kernel, irq: Irq): void {
  detachIrq(irq)
  k.irqLineUnbound?.(irq)
  k.objects.delete(irq)
}
