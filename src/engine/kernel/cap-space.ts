/**
 * Object spaces: a task's sparse table of capabilities. A capability names a
 * kernel object with rights; invoking it checks both. Mapping a capability
 * copies it (object capabilities are not hierarchical in L4Re), with rights
 * masked by the sender's.
 */
import { CapRight, type ObjectKind } from './abi'
import type { KernelObject } from './objects'

export class Capability {
  /**
   * The object's kind, copied here: every kernel-object class has a shape of
   * its own, so reading `object.kind` on the IPC path is a megamorphic load;
   * the capability's is monomorphic.
   */
  readonly kind: ObjectKind

  constructor(
    readonly space: ObjectSpace,
    readonly index: number,
    readonly object: KernelObject,
    public rights: number,
  ) {
    this.kind = object.kind
  }
}

/** Slots below this index live in a dense array (the common case); the rest in a map. */
const DENSE = 4096

export class ObjectSpace {
  private readonly dense: (Capability | undefined)[] = []
  private readonly slots = new Map<number, Capability>()
  /** Called when a capability appears or disappears, for quota accounting of cap-table pages. */
  onChange: ((index: number, added: boolean) => void) | null = null

  get(index: number): Capability | undefined {
    if (index >= 0 && index < DENSE) return this.dense[index]
    return this.slots.get(index)
  }

  /** Installs `object` at `index` (replacing what was there) with `rights`. */
  insert(index: number, object: KernelObject, rights: number): Capability {
    this.remove(index)
    const cap = new Capability(this, index, object, rights & CapRight.All)
    if (index >= 0 && index < DENSE) {
      while (this.dense.length < index) this.dense.push(undefined)
      this.dense[index] = cap
    }
    this.slots.set(index, cap)
    object.holders.add(cap)
    object.ref()
    this.onChange?.(index, true)
    return cap
  }

  /** Removes the capability at `index`; the object dies when this was its last reference. */
  remove(index: number): boolean {
    const cap = this.slots.get(index)
    if (!cap) return false
    this.slots.delete(index)
    if (index >= 0 && index < DENSE) this.dense[index] = undefined
    cap.object.holders.delete(cap)
    this.onChange?.(index, false)
    cap.object.unref()
    return true
  }

  /** Every capability, in slot order (for the debugger and for teardown). */
  entries(): Capability[] {
    return [...this.slots.values()].sort((a, b) => a.index - b.index)
  }

  /** The lowest free slot at or above `from`. */
  freeSlot(from: number): number {
    let i = from
    while (this.slots.has(i)) i++
    return i
  }

  clear(): void {
    for (const index of [...this.slots.keys()]) this.remove(index)
  }

  get size(): number {
    return this.slots.size
  }
}
