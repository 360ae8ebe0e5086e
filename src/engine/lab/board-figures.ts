/**
 * A board's kernel as a whole, for the lab's board-wide graphs: the kernel
 * memory its objects hold, by factory quota (Fiasco's Ram_quota: a VM's
 * child factory is what stops its fork bomb), and its live objects by kind.
 *
 * Read twice a second by the worker: one walk over the kernel's objects, no
 * capability tables or threads (board.inspect gives those, on demand).
 */
import type { Kernel } from '../kernel/kernel'
import type { Quota } from '../kernel/quota'
import type { BoardFigures } from './session'

export function boardFigures(k: Kernel): BoardFigures {
  const objects: Record<string, number> = {}
  const factories: BoardFigures['factories'] = []
  // Whose a quota is: the first named task it paid for (a VM's factory pays for the VM's tasks).
  const owner = new Map<Quota, string>()
  for (const o of k.objects) {
    if (o.dead) continue
    objects[o.kind] = (objects[o.kind] ?? 0) + 1
    if ((o.kind === 'task' || o.kind === 'vm') && o.name && o.quota && !owner.has(o.quota)) owner.set(o.quota, o.name)
  }
  const root = k.rootFactory?.quota_
  for (const o of k.objects) {
    if (o.dead || o.kind !== 'factory') continue
    const q = o.quota_
    const name = q === root ? 'root' : (owner.get(q) ?? `factory #${o.id}`)
    factories.push({ id: o.id, name, used: q.current, max: q.max })
  }
  factories.sort((a, b) => a.id - b.id)
  // What the objects of the system use: the root factory's quota (the rest of the kernel's memory is its reserve), as the Debugger says.
  const kernelMemory = root ? { used: root.current, max: root.max } : { used: k.rootQuota.current, max: k.rootQuota.max }
  return { kernelMemory, factories, objects }
}
