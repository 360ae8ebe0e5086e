/**
 * Kernel bring-up: the kernel, its singleton objects (root factory,
 * scheduler, ICU, debugger, platform control) and the way the first tasks
 * are made. Fiasco starts sigma0 and the root task (moe) itself, with their
 * base capabilities (L4_BASE_*_CAP) already in place; `createInitialTask`
 * does the same for the programs a board boots.
 */
import { BaseCap, CapRight } from './abi'
import { Kernel, type KernelOptions } from './kernel'
import { newFactory, type Factory } from './objects/factory'
import { SchedulerObject } from './objects/scheduler'
import { Icu } from './objects/icu'
import { DebuggerObject } from './objects/debugger'
import { PlatformControl } from './objects/platform-control'
import type { Task } from './objects/task'
import type { Thread } from './objects/thread'
import type { NativeEntry } from './native'
import type { KernelObject } from './objects'

export interface KernelSingletons {
  factory: Factory
  scheduler: SchedulerObject
  icu: Icu
  debugger: DebuggerObject
  platform: PlatformControl
}

export interface BootedKernel {
  kernel: Kernel
  objects: KernelSingletons
}

export function bootKernel(opts: KernelOptions & { irqLines?: number }): BootedKernel {
  const kernel = new Kernel(opts)
  const factory = newFactory(kernel, kernel.rootQuota, opts.kernelMemory * 0.95)!
  factory.name = 'root factory'
  kernel.rootFactory = factory
  const scheduler = kernel.register(new SchedulerObject(), null, 0)!
  const icu = kernel.register(new Icu(kernel, opts.irqLines ?? 256), null, 0)!
  const dbg = kernel.register(new DebuggerObject(), null, 0)!
  const platform = kernel.register(new PlatformControl(), null, 0)!
  scheduler.name = 'scheduler'
  icu.name = 'icu'
  dbg.name = 'debugger'
  platform.name = 'platform control'
  return { kernel, objects: { factory, scheduler, icu, debugger: dbg, platform } }
}

export interface InitialTask {
  task: Task
  thread: Thread
}

/**
 * Creates a task with its base capabilities and a started native thread:
 * TASK (itself), THREAD (its thread), FACTORY, SCHEDULER, ICU, DEBUGGER, and
 * whatever `extra` adds (index → object, rights).
 */
export function createInitialTask(
  booted: BootedKernel,
  name: string,
  entry: NativeEntry,
  opts: { prio?: number; factory?: Factory; log?: KernelObject; extra?: [number, KernelObject, number][] } = {},
): InitialTask {
  const { kernel, objects } = booted
  const factory = opts.factory ?? objects.factory
  const task = kernel.newTask(factory.quota_, name)
  const thread = kernel.newThread(factory.quota_, name)
  if (!task || !thread) throw new Error(`kernel memory exhausted while creating ${name}`)
  task.caps.insert(BaseCap.Task, task, CapRight.All)
  task.caps.insert(BaseCap.Thread, thread, CapRight.All)
  task.caps.insert(BaseCap.Factory, factory, CapRight.All)
  task.caps.insert(BaseCap.Scheduler, objects.scheduler, CapRight.All)
  task.caps.insert(BaseCap.Icu, objects.icu, CapRight.All)
  task.caps.insert(BaseCap.Debugger, objects.debugger, CapRight.All)
  if (opts.log) task.caps.insert(BaseCap.Log, opts.log, CapRight.All)
  for (const [index, object, rights] of opts.extra ?? []) task.caps.insert(index, object, rights)
  kernel.bindThread(thread, task)
  thread.prio = opts.prio ?? 1
  kernel.startNativeEntry(thread, entry)
  return { task, thread }
}
