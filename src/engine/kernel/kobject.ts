/**
 * The base of every kernel object: identity, a name for the debugger,
 * reference counting, and the list of capabilities that name it (so that
 * deleting an object can remove every capability to it, as Fiasco's object
 * mapping tree does).
 */
import type { ObjectKind } from './abi'
import type { Capability } from './cap-space'
import type { Quota } from './quota'

export abstract class KObject {
  /** Set by Kernel.register: ids count per kernel, from 1. */
  id = 0
  name = ''
  /** Kernel-internal references (a thread bound to its task, a gate's bound thread…) plus one per capability. */
  refs = 0
  readonly holders = new Set<Capability>()
  dead = false
  /** The quota that paid for this object, refunded on destruction. */
  quota: Quota | null = null
  cost = 0

  abstract readonly kind: ObjectKind

  /** Called once when the last reference goes away or the object is deleted. Must not throw. */
  protected abstract destroy(): void

  ref(): void {
    this.refs++
  }

  unref(): void {
    if (--this.refs <= 0 && !this.dead) this.kill()
  }

  /** Deletes the object now: removes every capability to it and tears it down. */
  kill(): void {
    if (this.dead) return
    this.dead = true
    for (const cap of [...this.holders]) cap.space.remove(cap.index)
    this.destroy()
    if (this.quota) this.quota.free(this.cost)
    this.quota = null
  }

  describe(): string {
    return this.name ? `${this.kind} "${this.name}"` : `${this.kind} #${this.id}`
  }
}
