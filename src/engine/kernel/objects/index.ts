/**
 * Every kind of kernel object, as one union: a capability names one of
 * these, and code that needs a particular kind narrows by `kind` (a literal
 * each class declares), so no cast is needed; tables keyed by kind (the
 * invocation table in invoke.ts) do not compile with a kind missing.
 */
import type { ObjectKind } from '../abi'
import type { Task } from './task'
import type { Vm } from './vm'
import type { Thread } from './thread'
import type { IpcGate } from './ipc-gate'
import type { Irq } from './irq'
import type { Icu } from './icu'
import type { Factory } from './factory'
import type { SchedulerObject } from './scheduler'
import type { Vcon } from './vcon'
import type { PlatformControl } from './platform-control'
import type { DebuggerObject } from './debugger'

/** The object class of each kind (a Vm is a Task whose kind is 'vm'). */
export interface ObjectKinds {
  task: Task
  vm: Vm
  thread: Thread
  ipc_gate: IpcGate
  irq: Irq
  icu: Icu
  factory: Factory
  scheduler: SchedulerObject
  vcon: Vcon
  platform_control: PlatformControl
  debugger: DebuggerObject
}

export type KernelObject = ObjectKinds[keyof ObjectKinds]

/** The kinds the user ABI names (abi.ts ObjectKind) are exactly these: a difference does not compile. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
export const OBJECT_KINDS_MATCH_ABI: Same<ObjectKind, keyof ObjectKinds> = true
