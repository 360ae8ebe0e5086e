/**
 * The Debugger's view for the lab's UI (jdb's task and object lists): every
 * task with its capabilities and threads, every thread with its state and
 * statistics, a task's memory map, and the mapping tree of a frame. Plain
 * data, made on request from the kernel's own structures (nothing is kept up
 * to date for it, and asking changes nothing).
 */
import type { Kernel } from './kernel'
import type { Task } from './objects/task'
import type { Mapping, MemorySpace } from './mem-space'
import { MemRight, PAGE_SIZE } from './abi'
import type { KernelInspection, MappingView, MemoryMap, MemoryRun, TaskView, ThreadView } from '../../shared/contract'

/** The view types are the contract's: the UI receives exactly this data. */
export type { CapView, MappingView, MemoryMap, MemoryRun, TaskView, ThreadView } from '../../shared/contract'
export type KernelView = KernelInspection

/** A memory map gives at most this many runs, so that a big guest's map stays cheap to send and show. */
export const MEMORY_MAP_MAX_RUNS = 512
/** A mapping tree gives at most this many nodes (a frame shared by every process of a guest could have thousands). */
export const MAPPING_TREE_MAX_NODES = 256

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
      const t = o
      tasks.push({
        id: t.id,
        name: t.name,
        asid: t.space.asid,
        mappedPages: t.space.mappedPages,
        caps: t.caps.entries().map((c) => ({ slot: c.index, kind: c.object.kind, object: c.object.id, name: c.object.name, rights: capRights(c.rights) })),
        threads: [...t.threads].map((th) => th.id),
      })
    } else if (o.kind === 'thread') {
      const th = o
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

function findTask(k: Kernel, id: number): Task | undefined {
  for (const o of k.objects) if (o.id === id && (o.kind === 'task' || o.kind === 'vm')) return o
  return undefined
}

/**
 * Task names by address-space id: a mapping knows its space, the UI wants the
 * task. A task nobody named (a Linux process of lx) is "task #id", as the
 * UI's task list calls it.
 */
function spaceNames(k: Kernel): Map<number, string> {
  const names = new Map<number, string>()
  for (const o of k.objects) if (o.kind === 'task' || o.kind === 'vm') names.set(o.space.asid, o.name || `task #${o.id}`)
  return names
}

/**
 * The memory map of a task: its pages as runs, lowest address first, each
 * run one stretch of pages with the same rights whose parent mappings lie in
 * one task at consecutive addresses (what one map operation of a flexpage
 * makes). sigma0's space is the identity of RAM — Fiasco gives it all memory
 * at boot — so its map shows that whole range, touched or not.
 */
export function memoryMap(k: Kernel, taskId: number, maxRuns = MEMORY_MAP_MAX_RUNS): MemoryMap | null {
  const space = findTask(k, taskId)?.space
  if (!space) return null
  const names = spaceNames(k)
  const identity = space.identity
  const idFirst = identity?.firstVpn ?? 0
  const idEnd = identity ? idFirst + identity.frames : 0
  // The page table is a hash map in insertion order; sorting its page
  // numbers (a typed array sorts numerically) is the whole cost.
  const vpns = new Float64Array(space.pages.size)
  let n = 0
  for (const vpn of space.pages.keys()) if (vpn < idFirst || vpn >= idEnd) vpns[n++] = vpn
  const sorted = vpns.subarray(0, n).sort()

  const runs: MemoryRun[] = []
  // The current run's parent space and next parent page, to see whether a page continues it.
  let fromSpace: MemorySpace | null = null
  let fromNext = 0
  let truncated = false
  const add = (vpn: number, pages: number, rights: number, parent: Mapping | null): boolean => {
    const last = runs[runs.length - 1]
    const r = memRights(rights)
    if (
      last &&
      last.address + last.pages * PAGE_SIZE === vpn * PAGE_SIZE &&
      last.rights === r &&
      (parent ? parent.space === fromSpace && parent.vpn === fromNext : last.from === null)
    ) {
      last.pages += pages
      fromNext += pages
      return true
    }
    if (runs.length === maxRuns) {
      truncated = true
      return false
    }
    runs.push({ address: vpn * PAGE_SIZE, pages, rights: r, from: parent ? { task: names.get(parent.space.asid) ?? parent.space.label, address: parent.vpn * PAGE_SIZE } : null })
    fromSpace = parent?.space ?? null
    fromNext = (parent?.vpn ?? 0) + pages
    return true
  }
  let identityDone = identity === null
  for (const vpn of sorted) {
    if (!identityDone && vpn >= idEnd) {
      identityDone = true
      if (!add(idFirst, identity!.frames, MemRight.RWX, null)) break
    }
    const m = space.pages.get(vpn)!
    if (!add(vpn, 1, m.rights, m.parent)) break
  }
  if (!identityDone && !truncated) add(idFirst, identity!.frames, MemRight.RWX, null)
  return { runs, truncated }
}

/**
 * The mapping tree of the frame `task` maps at `address`: from its root
 * (sigma0) down; null when nothing is mapped there. At most `maxNodes`
 * nodes, breadth first, so that the levels nearest the root are the ones
 * shown; a node whose children were left out says how many.
 */
export function mappingTree(k: Kernel, taskId: number, address: number, maxNodes = MAPPING_TREE_MAX_NODES): MappingView | null {
  const space = findTask(k, taskId)?.space
  if (!space) return null
  const vpn = Math.floor(address / PAGE_SIZE)
  const names = spaceNames(k)
  const name = (s: MemorySpace) => names.get(s.asid) ?? s.label
  const m = space.pages.get(vpn)
  if (!m) {
    // A page of sigma0's identity that was never handed out has no node yet
    // (MemorySpace.lookup makes roots lazily); it is a root without children.
    const id = space.identity
    if (!id || vpn < id.firstVpn || vpn >= id.firstVpn + id.frames) return null
    return { asid: space.asid, taskName: name(space), address: vpn * PAGE_SIZE, rights: memRights(MemRight.RWX), children: [] }
  }
  let root: Mapping = m
  while (root.parent) root = root.parent
  const view = (n: Mapping): MappingView => ({ asid: n.space.asid, taskName: name(n.space), address: n.vpn * PAGE_SIZE, rights: memRights(n.rights), children: [] })
  const top = view(root)
  const queue: [Mapping, MappingView][] = [[root, top]]
  let nodes = 1
  for (let i = 0; i < queue.length; i++) {
    const [node, v] = queue[i]
    for (const c of node.children ?? []) {
      if (nodes === maxNodes) {
        v.omitted = (v.omitted ?? 0) + 1
        continue
      }
      const cv = view(c)
      v.children.push(cv)
      queue.push([c, cv])
      nodes++
    }
  }
  return top
}
