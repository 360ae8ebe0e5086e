/**
 * Debugger (jdb's user interface): names for objects, and what a capability
 * names. Protocol DEBUGGER:
 *   set_name (0): MR1 = capability index, MR2 = length, name from MR3
 *   get_name (1): MR1 = capability index; MR0 ← length, name from MR1
 *   object_info (2): MR1 = capability index; MR0 ← kernel object id,
 *       MR1 ← rights, MR2 ← kind length, kind from MR3
 *   exit_reason (3, a lab extension): MR1 = index of a thread or task;
 *       MR0 ← length, why it ended (empty while it runs) from MR1
 * The lab's UI inspects the kernel through ../introspect.ts, not by IPC.
 */
import { Err, Proto } from '../abi'
import type { Capability } from '../cap-space'
import { KObject } from '../kobject'
import type { Kernel } from '../kernel'
import { mrIndex, reply, replyError } from '../invoke'
import type { Thread } from './thread'

export class DebuggerObject extends KObject {
  readonly kind = 'debugger'
  protected destroy(): void {}
}

const enc = new TextEncoder()
const dec = new TextDecoder()

export function invokeDebugger(_k: Kernel, t: Thread, _cap: Capability, _obj: DebuggerObject, _tag: number, label: number): number {
  if (label !== Proto.Debugger) return replyError(Err.EBadProto)
  const idx = mrIndex(t, 1)
  const c = idx >= 0 ? t.task!.caps.get(idx) : undefined
  if (!c) return replyError(Err.ENoEnt)
  switch (t.utcb[0]) {
    case 0: {
      const len = t.utcb[2]
      if (!Number.isInteger(len) || len < 0 || len > 64) return replyError(Err.EInval)
      c.object.name = dec.decode(t.utcbBytes.subarray(24, 24 + len))
      return reply()
    }
    case 1: {
      const b = enc.encode(c.object.name).subarray(0, 64)
      t.utcb[0] = b.length
      t.utcbBytes.set(b, 8)
      return reply(1 + Math.ceil(b.length / 8))
    }
    case 2: {
      const kind = enc.encode(c.object.kind)
      t.utcb[0] = c.object.id
      t.utcb[1] = c.rights
      t.utcb[2] = kind.length
      t.utcbBytes.set(kind, 24)
      return reply(3 + Math.ceil(kind.length / 8))
    }
    case 3: {
      const o = c.object as { exitReason?: string }
      const b = enc.encode(o.exitReason ?? '').subarray(0, 400)
      t.utcb[0] = b.length
      t.utcbBytes.set(b, 8)
      return reply(1 + Math.ceil(b.length / 8))
    }
    default:
      return replyError(Err.ENoSys)
  }
}
