/**
 * Invocation of kernel objects: a message whose label names the object's
 * protocol, opcode in MR0, arguments in the following MRs. Each object type
 * decodes its operations in its own file; this table picks the file. The
 * result is the reply tag (label 0 or a negative error number, words in the
 * caller's UTCB), or -1 when the invocation switched the calling thread
 * (vcpu_resume).
 *
 * Rights: every operation names the capability rights it needs; a missing
 * right is -EPERM, a protocol the object does not speak is -EBADPROTO.
 */
import { Err, msgtag, tagLabel } from './abi'
import type { Capability } from './cap-space'
import type { Kernel } from './kernel'
import type { Thread } from './objects/thread'
import type { ObjectKinds } from './objects'
import { invokeTask } from './objects/task-ops'
import { invokeThread } from './objects/thread-ops'
import { invokeGate } from './objects/ipc-gate-ops'
import { invokeIrq } from './objects/irq-ops'
import { invokeFactory } from './objects/factory'
import { invokeScheduler } from './objects/scheduler'
import { invokeVcon } from './objects/vcon'
import { invokeIcu } from './objects/icu'
import { invokePlatformControl } from './objects/platform-control'
import { invokeDebugger } from './objects/debugger'

/** A reply with `words` result words (already in the UTCB) and label 0, or an error label. */
export function reply(words = 0): number {
  return msgtag(0, words, 0, 0)
}
export function replyError(e: Err): number {
  return msgtag(-e, 0, 0, 0)
}

/** Checks rights: the error reply when `cap` lacks any of `needed`, else null. */
export function lacks(cap: Capability, needed: number): number | null {
  return (cap.rights & needed) === needed ? null : replyError(Err.EPerm)
}

/** Decodes and performs one invocation of an object of one kind (the object is `cap.object`, narrowed). */
export type Invoke<O> = (k: Kernel, t: Thread, cap: Capability, obj: O, tag: number, label: number) => number

type InvokeTable = { [K in keyof ObjectKinds]: Invoke<ObjectKinds[K]> }

const table: InvokeTable = {
  task: invokeTask,
  vm: invokeTask,
  thread: invokeThread,
  ipc_gate: invokeGate,
  irq: invokeIrq,
  factory: invokeFactory,
  scheduler: invokeScheduler,
  vcon: invokeVcon,
  icu: invokeIcu,
  platform_control: invokePlatformControl,
  debugger: invokeDebugger,
}

export function invokeObject(k: Kernel, t: Thread, cap: Capability, tag: number): number {
  const o = cap.object
  return dispatch(o.kind, o, k, t, cap, tag)
}

/** The table entry for the object's kind, called with the object typed as that kind. */
function dispatch<K extends keyof ObjectKinds>(kind: K, obj: ObjectKinds[K], k: Kernel, t: Thread, cap: Capability, tag: number): number {
  return table[kind](k, t, cap, obj, tag, tagLabel(tag))
}

/**
 * The object MR `i` names by capability index in the caller's task, when it
 * is alive and of one of `kinds`; null otherwise (the decoder answers
 * -EINVAL). How every operation that takes an object argument decodes it.
 */
export function mrObject<K extends keyof ObjectKinds>(t: Thread, i: number, ...kinds: K[]): ObjectKinds[K] | null {
  const idx = mrIndex(t, i)
  const o = idx >= 0 ? t.task?.caps.get(idx)?.object : undefined
  if (!o || o.dead || !(kinds as readonly string[]).includes(o.kind)) return null
  // INVARIANT: o.kind is one of `kinds`, which is what the type says (includes() does not narrow).
  return o as ObjectKinds[K]
}

/** Reads MR `i` as an unsigned integer (a word the caller wrote), or -1 when it is not one. */
export function mrIndex(t: Thread, i: number): number {
  const v = t.utcb[i]
  return Number.isInteger(v) && v >= 0 ? v : -1
}
