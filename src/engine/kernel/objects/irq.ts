/**
 * Irq: an interrupt source as a kernel object. Bound to a thread with a
 * label (or to a vCPU), a trigger sends the thread an IRQ message; a
 * trigger while the thread is not receiving is kept pending (once — level
 * semantics: repeated triggers before delivery count as one) and delivered
 * at its next open wait. After delivery the line is masked until the
 * receiver unmasks it (EOI), as Fiasco's Irq_sender does for hardware IRQs.
 */
import { KObject } from '../kobject'
import type { Thread } from './thread'
import type { Kernel } from '../kernel'

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
    this.kernel.irqDestroyed(this)
  }
}
