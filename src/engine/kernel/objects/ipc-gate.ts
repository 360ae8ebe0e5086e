/**
 * Ipc_gate: an IPC endpoint bound to a receiver thread, with a label the
 * kernel delivers to the receiver with every message (the receiver learns
 * which gate — which client — a message came through; clients cannot forge
 * it). Unbound gates block their senders until a thread is bound.
 * Operations (protocol KOBJECT, needs the server right N): bind 0x10,
 * get_info 0x11.
 */
import { KObject } from '../kobject'
import type { Thread } from './thread'
import type { Kernel } from '../kernel'
import { gateDestroyed } from '../lifecycle'

export class IpcGate extends KObject {
  readonly kind = 'ipc_gate'
  thread: Thread | null = null
  label = 0
  /** Senders blocked on the gate while it is unbound. */
  readonly waiting: Thread[] = []

  constructor(readonly kernel: Kernel) {
    super()
  }

  protected destroy(): void {
    gateDestroyed(this.kernel, this)
  }
}
