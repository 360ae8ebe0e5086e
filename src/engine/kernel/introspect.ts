/**
 * The Debugger's view for the lab's UI (jdb's task and object lists): every
 * task with its capabilities and threads, every thread with its state and
 * statistics, and the mapping tree of a frame. Plain data, made on request
 * from the kernel's own structures (nothing is kept up to date for it).
 */
import type { Kernel } from './kernel'
import type { Task } from './objects/task'
import type { Thread } from './objects/thread'
import type { Mapping } from './mem-space'
import type { KernelInspection, TaskView, ThreadView } from '../../shared/contract'

/** The view types are the contract's: the UI receives exactly this data. */
export type { CapView, TaskView, ThreadView } from '../../shared/contract'
export type KernelView = KernelInspection

export interface MappingView {
  asid: number
  taskName: string
  address: number
  rights: string
  children: MappingView[]
}

const STATES = ['inactive', 'ready', 'send-wait', 'recv-wait', 'dead']

function capRights(r: number): string {
  return ['r', 'w', 's', 'd', 'n', 'c'].filter((_, i) => r & [4, 1, 2, 8, 16, 32][i]).join('')
}

function memRights(r: number): string {
  return `${r & 4 ? 'r' : '-'}${r & 2 ? 'w' : '-'}${r & 1 ? 'x' : '-'}`
}

export function inspectKernel(k: Kernel): KernelView {
  const objects: Record<string, number> = {}
  const tasks: TaskView[] = []
  const threads: ThreadView[] = []
  for (const o of k.objects) {
    objects[o.kind] = (objects[o.kind] ?? 0) + 1
    if (o.kind === 'task' || o.kind === 'vm') {
      const t = o as Task
      tasks.push({
        id: t.id,
        name: t.name,
        asid: t.space.asid,
        mappedPages: t.space.mappedPages,
        caps: t.caps.entries().map((c) => ({ slot: c.index, kind: c.object.kind, object: c.object.id, name: c.object.name, rights: capRights(c.rights) })),
        threads: [...t.threads].map((th) => th.id),
      })
    } else if (o.kind === 'thread') {
      const th = o as Thread
      threads.push({
        id: th.id,
        name: th.name,
        task: th.task?.id ?? null,
        state: STATES[th.state] ?? String(th.state),
        prio: th.prio,
        cpu: th.cpu,
        vcpu: th.vcpu !== null,
        userMode: th.executingUser,
        ...th.stats,
      })
    }
  }
  return {
    nowNs: k.now,
    objects,
    // What the objects of the system use: the root factory's quota (the rest of the kernel's memory is its reserve).
    kernelMemory: k.rootFactory ? { used: k.rootFactory.quota_.current, max: k.rootFactory.quota_.max } : { used: k.rootQuota.current, max: k.rootQuota.max },
    stats: { ...k.stats },
    cpus: k.cpus.map((c) => ({ index: c.index, online: c.online, busyNs: c.busyNs, idleNs: c.idleNs })),
    tasks: tasks.sort((a, b) => a.id - b.id),
    threads: threads.sort((a, b) => a.id - b.id),
  }
}

/** The mapping tree of the frame `task` maps at `address`: from its root (sigma0) down. */
export function mappingTree(k: Kernel, taskId: number, address: number): MappingView | null {
  let task: Task | undefined
  for (const o of k.objects) if (o.id === taskId && (o.kind === 'task' || o.kind === 'vm')) task = o as Task
  const m = task?.space.lookup(Math.floor(address / 4096))
  if (!m) return null
  let root: Mapping = m
  while (root.parent) root = root.parent
  const names = new Map<number, string>()
  for (const o of k.objects) if (o.kind === 'task' || o.kind === 'vm') names.set((o as Task).space.asid, o.name)
  const view = (n: Mapping): MappingView => ({
    asid: n.space.asid,
    taskName: names.get(n.space.asid) ?? n.space.label,
    address: n.vpn * 4096,
    rights: memRights(n.rights),
    children: (n.children ?? []).map(view),
  })
  return view(root)
}
