/**
 * Factory: creates kernel objects and charges their kernel memory to its
 * quota (Fiasco's Factory with Ram_quota). create (needs S): MR0 = the
 * protocol of the object wanted, arguments in MR1..; the new capability goes
 * to the slot named by the caller's first buffer register (an object
 * flexpage), with all rights.
 *
 *   TASK                      a task
 *   THREAD                    a thread (bind it with Thread::control)
 *   FACTORY   MR1 = limit     a child factory whose quota is taken from ours
 *   KOBJECT   MR1 = thread index or 0, MR2 = label     an Ipc_gate
 *   IRQ / IRQ_SENDER          an Irq
 *   LOG       MR1 = colour (char code), MR2 = name length, name from MR3    a Vcon (a lab terminal)
 *   VM                        a Vm (a task whose memory space is guest-physical)
 *
 * Costs per object type are OBJECT_COST in ../quota.ts. Out of quota: -ENOMEM,
 * and nothing is created.
 */
import { CapRight, decodeFpage, Err, FpageType, Proto, Utcb } from '../abi'
import type { Capability } from '../cap-space'
import { KObject } from '../kobject'
import type { Kernel } from '../kernel'
import { lacks, mrIndex, mrObject, reply, replyError } from '../invoke'
import { OBJECT_COST, Quota } from '../quota'
import type { Thread } from './thread'
import type { KernelObject } from '.'
import { Vcon } from './vcon'
import { Vm } from './vm'

export class Factory extends KObject {
  readonly kind = 'factory'

  constructor(readonly quota_: Quota) {
    super()
  }

  protected destroy(): void {
    // A child factory's limit returns to its parent (our own cost is refunded by KObject.kill).
    this.quota_.parent?.free(this.quota_.max)
  }
}

export function newFactory(k: Kernel, parent: Quota | null, limit: number): Factory | null {
  if (parent && !parent.alloc(limit)) return null
  const f = new Factory(new Quota(limit, parent))
  if (parent && !k.register(f, parent, OBJECT_COST.factory)) {
    parent.free(limit)
    return null
  }
  if (!parent) k.register(f, null, 0)
  return f
}

export function invokeFactory(k: Kernel, t: Thread, cap: Capability, factory: Factory, _tag: number, label: number): number {
  if (label !== Proto.Factory) return replyError(Err.EBadProto)
  const denied = lacks(cap, CapRight.S)
  if (denied) return denied
  const q = factory.quota_
  const target = decodeFpage(t.utcb[Utcb.BrFirst])
  if (target.type !== FpageType.Obj || target.base === 0) return replyError(Err.EInval)
  let obj: KernelObject | null
  switch (t.utcb[0]) {
    case Proto.Task:
      obj = k.newTask(q)
      break
    case Proto.Thread:
      obj = k.newThread(q)
      break
    case Proto.Factory: {
      const limit = t.utcb[1]
      if (!Number.isInteger(limit) || limit < 0) return replyError(Err.EInval)
      obj = newFactory(k, q, limit)
      break
    }
    case Proto.Kobject: {
      // MR1: the thread to bind the new gate to, or 0 for an unbound gate.
      const thread = mrIndex(t, 1) > 0 ? mrObject(t, 1, 'thread') : null
      if (mrIndex(t, 1) > 0 && !thread) return replyError(Err.EInval)
      const lbl = t.utcb[2]
      if (!Number.isInteger(lbl)) return replyError(Err.EInval)
      obj = k.newGate(q, thread, lbl)
      break
    }
    case Proto.Irq:
    case Proto.IrqSender:
      obj = k.newIrq(q)
      break
    case Proto.Log: {
      const colour = String.fromCharCode(t.utcb[1] & 0x7f)
      const len = t.utcb[2]
      if (!Number.isInteger(len) || len < 0 || len > 64) return replyError(Err.EInval)
      const name = new TextDecoder().decode(t.utcbBytes.subarray(24, 24 + len))
      if (!/^[A-Za-z0-9_.-]+$/.test(name)) return replyError(Err.EInval)
      obj = k.register(new Vcon(k, name, /[nrgybmcw]/i.test(colour) ? colour : 'w'), q, OBJECT_COST.vcon)
      if (obj) k.vcons.created(obj)
      break
    }
    case Proto.Vm:
      obj = k.register(new Vm(k, k.allocAsid(), q, ''), q, OBJECT_COST.vm)
      if (obj) k.spaceCreated(obj)
      break
    default:
      return replyError(Err.ENoSys)
  }
  if (!obj) return replyError(Err.ENoMem)
  t.task!.caps.insert(target.base, obj, CapRight.All)
  return reply()
}
