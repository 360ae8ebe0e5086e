/**
 * Scheduler: CPU time as a kernel object. Protocol SCHEDULER:
 *   info (0): MR0 ← highest priority, MR1 ← CPUs, MR2 ← bitmap of online CPUs
 *   run_thread (1, needs W): MR1 = thread index, MR2 = priority (1..255),
 *       MR3 = CPU, MR4 = timeslice in µs (0: the default). Sets the thread's
 *       scheduling parameters and makes a started thread ready.
 *   idle_time (2): MR1 = CPU; MR0 ← idle virtual time in µs
 */
import { CapRight, Err, Proto, SchedulerOp } from '../abi'
import type { Capability } from '../cap-space'
import { KObject } from '../kobject'
import type { Kernel } from '../kernel'
import { lacks, mrIndex, mrObject, reply, replyError } from '../invoke'
import { TState, type Thread } from './thread'

export class SchedulerObject extends KObject {
  readonly kind = 'scheduler'
  protected destroy(): void {}
}

export function invokeScheduler(k: Kernel, t: Thread, cap: Capability, _obj: SchedulerObject, _tag: number, label: number): number {
  if (label !== Proto.Scheduler) return replyError(Err.EBadProto)
  switch (t.utcb[0]) {
    case SchedulerOp.Info: {
      let online = 0
      k.cpus.forEach((c, i) => (online += c.online ? 2 ** i : 0))
      t.utcb[0] = 255
      t.utcb[1] = k.cpus.length
      t.utcb[2] = online
      return reply(3)
    }
    case SchedulerOp.RunThread: {
      const denied = lacks(cap, CapRight.W)
      if (denied) return denied
      const thread = mrObject(t, 1, 'thread')
      if (!thread) return replyError(Err.EInval)
      const prio = t.utcb[2]
      const cpu = t.utcb[3]
      const sliceUs = t.utcb[4]
      if (!Number.isInteger(prio) || prio < 1 || prio > 255) return replyError(Err.EInval)
      if (!Number.isInteger(cpu) || cpu < 0 || cpu >= k.cpus.length) return replyError(Err.EInval)
      if (!Number.isInteger(sliceUs) || sliceUs < 0) return replyError(Err.EInval)
      k.setSchedParams(thread, prio, cpu, sliceUs ? sliceUs * 1000 : k.timesliceNs)
      return reply()
    }
    case SchedulerOp.IdleTime: {
      const cpu = mrIndex(t, 1)
      if (cpu < 0 || cpu >= k.cpus.length) return replyError(Err.EInval)
      t.utcb[0] = Math.floor(k.cpus[cpu].idleNs / 1000)
      return reply(1)
    }
    default:
      return replyError(Err.ENoSys)
  }
}
export { TState }
