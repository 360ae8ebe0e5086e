/**
 * Where a board's host time goes, by task: the wall time the kernel's loop
 * spends stepping each task's native threads (a µApp's own code: ned's Lua,
 * lx unpacking its root or serving a system call) and running emulated code
 * for it (guest instructions, with the page walks and exits they take).
 * Virtual time cannot say this: a native step costs a fixed 100 ns of it
 * whatever the host spent, which keeps runs reproducible.
 *
 * Off unless a host asks for it (`l4lab bench boot`): then the loop reads the
 * clock twice per step, which costs what a clock read costs and nothing else.
 */
import type { Thread } from './objects/thread'

export interface TaskWallTime {
  /** Milliseconds in the task's native threads before the task first ran emulated code (a µApp's start). */
  nativeStart: number
  /** Milliseconds in its native threads since then. */
  native: number
  /** Milliseconds of emulated code run for it (in its threads, or by its vCPU in the tasks it resumes into). */
  user: number
}

export class WallMeter {
  /** By task name: tasks of one name (a VM started again) add up. */
  readonly byTask = new Map<string, TaskWallTime>()

  constructor(readonly now: () => number) {}

  /** `ms` of wall time went to one kernel step of `t` (native when `user` is false). */
  add(t: Thread, user: boolean, ms: number): void {
    const name = t.task?.name || `thread ${t.id}`
    let e = this.byTask.get(name)
    if (!e) this.byTask.set(name, (e = { nativeStart: 0, native: 0, user: 0 }))
    if (user) e.user += ms
    else if (e.user === 0) e.nativeStart += ms
    else e.native += ms
  }
}
