/**
 * The kernel's IPC trace: the most recent message transfers, kept in a ring
 * buffer for the lab's IPC timeline (the role Fiasco's trace buffer plays
 * for its JDB `tb` view). It exists only while someone looks: the kernel
 * holds `ipcTrace = null` otherwise, and the IPC path pays one null check.
 *
 * The buffer is preallocated columns (typed arrays) so that recording, which
 * runs on every transfer while tracing, allocates nothing; records are
 * turned into objects only when they are read. Threads and tasks are kept
 * by object id, and the objects behind the ids in `seen`, so that a record
 * names a task that has ended since (a map lookup per end; a new object
 * adds an entry once).
 *
 * What is recorded is the transfer as the kernel performs it: sender and
 * receiver, the tag's protocol label, the gate's label, the untyped words,
 * and the typed items (object flexpages count as capabilities transferred,
 * memory flexpages as pages). Kernel-synthesized page-fault and exception
 * messages are recorded as faults, their replies as replies.
 */
import { FpageType, MapItem, PAGE_SIZE, Sysf, tagItems, tagLabel, tagWords } from './abi'
import { KernelIpc, type Thread } from './objects/thread'
import type { IpcGate } from './objects/ipc-gate'
import type { KObject } from './kobject'

export const enum IpcTraceKind {
  Call = 0,
  Reply = 1,
  Send = 2,
  PageFault = 3,
  Exception = 4,
}

const KIND_NAMES = ['call', 'reply', 'send', 'page-fault', 'exception'] as const
export type IpcTraceKindName = (typeof KIND_NAMES)[number]

/** Records kept by default: some seconds of a busy board's IPC, 4096 × 60 bytes. */
export const IPC_TRACE_CAPACITY = 4096

/** One end of a traced IPC: the thread, and its task (null for a thread without one). */
export interface IpcEnd {
  thread: number
  threadName: string
  task: number | null
  taskName: string
}

/** A recorded transfer as the reader gets it. */
export interface IpcTraceRecord {
  /** Position in the trace since it was started; consecutive records differ by one. */
  seq: number
  /** Virtual time of the transfer, in nanoseconds. */
  atNs: number
  kind: IpcTraceKindName
  sender: IpcEnd
  receiver: IpcEnd
  /** The message tag's label (protocol; negative for kernel protocols such as page faults, -2). */
  label: number
  /** The label of the IPC gate the message went through (0 when sent to a thread or as a reply). */
  gateLabel: number
  words: number
  /** Object flexpages sent (capabilities mapped or granted), and pages of memory flexpages. */
  caps: number
  pages: number
  /** The typed items were granted (the sender gave them up), not mapped. */
  grant: boolean
}

export interface IpcTraceRead {
  records: IpcTraceRecord[]
  /** The seq to read after next time. */
  next: number
  /** Records that were overwritten before this reader saw them. */
  dropped: number
}

export class IpcTrace {
  /** Records written since the trace started; the newest has seq `count - 1`. */
  private count = 0
  private readonly atNs: Float64Array
  private readonly gateLabel: Float64Array
  /** Per record: sender thread, sender task, receiver thread, receiver task (0: none). */
  private readonly ends: Int32Array
  /** Per record: kind, tag label, words, caps, pages, grant. */
  private readonly shape: Int32Array
  /** The threads and tasks the records name, by id (pruned to those in the ring when it grows). */
  private readonly seen = new Map<number, KObject>()

  constructor(readonly capacity = IPC_TRACE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`IPC trace capacity must be a positive integer, not ${capacity}`)
    this.atNs = new Float64Array(capacity)
    this.gateLabel = new Float64Array(capacity)
    this.ends = new Int32Array(capacity * 4)
    this.shape = new Int32Array(capacity * 6)
  }

  /** Records a transfer from `src` to `dst` with `tag`, before it is performed (the sender's UTCB still holds its items). */
  record(atNs: number, src: Thread, dst: Thread, tag: number, gate: IpcGate | null): void {
    const slot = this.count % this.capacity
    this.count++
    this.atNs[slot] = atNs
    this.gateLabel[slot] = gate ? gate.label : 0
    const e = slot * 4
    this.ends[e] = this.see(src)
    this.ends[e + 1] = src.task ? this.see(src.task) : 0
    this.ends[e + 2] = this.see(dst)
    this.ends[e + 3] = dst.task ? this.see(dst.task) : 0
    const words = tagWords(tag)
    const items = tagItems(tag)
    let caps = 0
    let pages = 0
    let grant = 0
    const u = src.utcb
    for (let i = 0; i < items; i++) {
      const control = u[words + 2 * i]
      if ((control & MapItem.Map) === 0) continue
      if (control & MapItem.Grant) grant = 1
      const fp = u[words + 2 * i + 1]
      const low = fp % PAGE_SIZE
      const order = (low >>> 6) & 0x3f
      // Fiasco caps an object flexpage at 2^16 capabilities as transfer() does; memory below a page maps nothing.
      if (((low >>> 4) & 3) === FpageType.Obj) caps += 2 ** Math.min(order, 16)
      else if (((low >>> 4) & 3) === FpageType.Memory && order >= 12) pages += 2 ** (order - 12)
    }
    const s = slot * 6
    this.shape[s] = kindOf(src)
    this.shape[s + 1] = tagLabel(tag)
    this.shape[s + 2] = words
    this.shape[s + 3] = caps
    this.shape[s + 4] = pages
    this.shape[s + 5] = grant
  }

  /**
   * The records from `after` on (a `next` from an earlier read; 0 for all
   * that are kept), oldest first, at most `max` of the newest.
   */
  read(after: number, max: number): IpcTraceRead {
    const objects = this.seen
    // A reader of an earlier trace (stopped and started again since) reads this one from its start.
    const since = after > this.count ? 0 : after
    let from = Math.max(since, this.count - this.capacity)
    if (this.count - from > max) from = this.count - max
    const dropped = since > 0 ? from - since : 0
    const records: IpcTraceRecord[] = []
    for (let seq = from; seq < this.count; seq++) {
      const slot = seq % this.capacity
      const e = slot * 4
      const s = slot * 6
      records.push({
        seq,
        atNs: this.atNs[slot],
        kind: KIND_NAMES[this.shape[s]],
        sender: end(this.ends[e], this.ends[e + 1], objects),
        receiver: end(this.ends[e + 2], this.ends[e + 3], objects),
        label: this.shape[s + 1],
        gateLabel: this.gateLabel[slot],
        words: this.shape[s + 2],
        caps: this.shape[s + 3],
        pages: this.shape[s + 4],
        grant: this.shape[s + 5] === 1,
      })
    }
    if (this.seen.size > 4 * this.capacity) this.prune()
    return { records, next: this.count, dropped }
  }

  private see(o: KObject): number {
    if (this.seen.get(o.id) !== o) this.seen.set(o.id, o)
    return o.id
  }

  /** Forgets the objects no record in the ring names any more. */
  private prune(): void {
    const named = new Set<number>()
    const kept = Math.min(this.count, this.capacity) * 4
    for (let i = 0; i < kept; i++) named.add(this.ends[i])
    for (const id of this.seen.keys()) if (!named.has(id)) this.seen.delete(id)
  }
}

/** What the sender is doing: a fault the kernel sends on its behalf, or its own system call. */
function kindOf(src: Thread): IpcTraceKind {
  if (src.kernelIpc === KernelIpc.PageFault) return IpcTraceKind.PageFault
  if (src.kernelIpc === KernelIpc.Exception) return IpcTraceKind.Exception
  const flags = src.sys.flags
  if (flags & Sysf.Reply) return IpcTraceKind.Reply
  if ((flags & Sysf.Call) === Sysf.Call && !(flags & Sysf.OpenWait)) return IpcTraceKind.Call
  return IpcTraceKind.Send
}

function end(thread: number, task: number, objects: ReadonlyMap<number, KObject>): IpcEnd {
  const th = objects.get(thread)
  const tk = task === 0 ? undefined : objects.get(task)
  return {
    thread,
    threadName: th?.name || `#${thread}`,
    task: task === 0 ? null : task,
    taskName: task === 0 ? '' : tk?.name || `#${task}`,
  }
}
