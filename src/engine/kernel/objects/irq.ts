/**
 * Irq: an interrupt source as a kernel object. Bound to a thread with a
 * label (or to a vCPU), a trigger sends the thread an IRQ message; a
 * trigger while the thread is not receiving is kept pending (once — level
 * semantics: repeated triggers before delivery count as one) and delivered
 * at its next open wait. After delivery the line is masked until the
 * receiver unmasks it (EOI), as Fiasco's Irq_sender does for hardware IRQs.
 */
import { KObject } from '../kobject'
import { TState, type Thread } from './thread'
import type { Kernel } from '../kernel'
import { deliverIrq, senderQueued } from '../ipc'
import { irqDestroyed } from '../lifecycle'

export class Irq extends KObject {
  readonly kind = 'irq'
  thread: Thread | null = null
  label = 0
  /** Queued in the bound thread's sender queue. */
  queued = false
  /** Delivered and not yet acknowledged. */
  masked = false
  /** Triggered while masked: deliver again on unmask. */
  pendingWhileMasked = false
  /** Times delivered (for the debugger). */
  count = 0
  /** For hardware IRQs: the board line this object is bound to through the Icu. */
  line = -1

  constructor(readonly kernel: Kernel) {
    super()
  }

  protected destroy(): void {
    irqDestroyed(this.kernel, this)
  }
}

/** The Irq fires: its thread gets the message now if it waits for anyone, else it is queued (once). */
export function triggerIrq(k: Kernel, irq: Irq): void {
  const t = irq.thread
  if (!t || !t.alive) return
  if (irq.masked) {
    irq.pendingWhileMasked = true
    return
  }
  if (irq.queued) return
  if (t.state === TState.RecvWait && t.partner === null && !t.executingUser) {
    k.wake(t, deliverIrq(t, irq))
    return
  }
  irq.queued = true
  t.senders.push(irq)
  senderQueued(k, t)
}

/** EOI: the next trigger gets through; one that came while masked is delivered now. */
export function unmaskIrq(k: Kernel, irq: Irq): void {
  irq.masked = false
  if (irq.pendingWhileMasked) {
    irq.pendingWhileMasked = false
    triggerIrq(k, irq)
  }
}

/** Unbinds the Irq from its thread (a pending delivery is dropped). */
export function detachIrq(irq: Irq): void {
  const t = irq.thread
  if (t) {
    const i = t.senders.indexOf(irq)
    if (i >= 0) t.senders.splice(i, 1)
    t.unref()
  }
  irq.thread = null
  irq.queued = false
}
