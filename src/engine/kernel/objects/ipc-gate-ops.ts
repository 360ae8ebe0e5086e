/**
 * Ipc_gate operations (label KOBJECT, on a capability with the server right
 * N): bind (0x10: MR1 = index of the thread to bind, MR2 = label) and
 * get_info (0x11: MR0 ← the gate's label). Everything else sent to a gate is
 * IPC to its bound thread.
 */
import { Err, GateOp } from '../abi'
import type { Capability } from '../cap-space'
import type { Kernel } from '../kernel'
import { mrObject, reply, replyError } from '../invoke'
import type { IpcGate } from './ipc-gate'
import type { Thread } from './thread'

export function invokeGate(k: Kernel, t: Thread, cap: Capability, gate: IpcGate, _tag: number, _label: number): number {
  switch (t.utcb[0]) {
    case GateOp.Bind: {
      const thread = mrObject(t, 1, 'thread')
      if (!thread) return replyError(Err.EInval)
      const label = t.utcb[2]
      if (!Number.isInteger(label)) return replyError(Err.EInval)
      k.bindGate(gate, thread, label)
      return reply()
    }
    case GateOp.GetInfo:
      t.utcb[0] = gate.label
      return reply(1)
    default:
      return replyError(Err.ENoSys)
  }
}
