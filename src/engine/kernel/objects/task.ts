/**
 * Task: a protection domain — an object space (capabilities) and a memory
 * space (pages), plus the threads bound to it. Deleting a task kills its
 * threads, revokes every mapping it holds (and every mapping derived from
 * them) and drops its capabilities.
 */
import { KObject } from '../kobject'
import { ObjectSpace } from '../cap-space'
import { MemorySpace } from '../mem-space'
import type { Quota } from '../quota'
import type { Thread } from './thread'
import type { Kernel } from '../kernel'
import { taskDestroyed } from '../lifecycle'

export class Task extends KObject {
  readonly kind: 'task' | 'vm' = 'task'
  readonly caps = new ObjectSpace()
  readonly space: MemorySpace
  readonly threads = new Set<Thread>()
  /** Why the task ended (set before it is destroyed). */
  exitReason = ''

  constructor(
    readonly kernel: Kernel,
    asid: number,
    quota: Quota | null,
    label: string,
  ) {
    super()
    this.space = new MemorySpace(asid, quota, label)
  }

  protected destroy(): void {
    taskDestroyed(this.kernel, this)
  }
}
