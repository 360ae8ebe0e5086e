/**
 * Irq operations. Protocol IRQ_SENDER: attach (0: MR1 = label, MR2 = index
 * of the thread to deliver to; needs W) and detach (1). Protocol IRQ:
 * trigger (2; needs W — a software IRQ, the way µApps signal each other),
 * and unmask/EOI (4), which lets the next trigger through.
 */
import { CapRight, Err, IrqOp, IrqSenderOp, Proto } from '../abi'
import type { Capability } from '../cap-space'
import type { Kernel } from '../kernel'
import { lacks, mrObject, reply, replyError } from '../invoke'
import { detachIrq, triggerIrq, unmaskIrq, type Irq } from './irq'
import type { Thread } from './thread'

export function invokeIrq(k: Kernel, t: Thread, cap: Capability, irq: Irq, _tag: number, label: number): number {
  const op = t.utcb[0]
  if (label === Proto.IrqSender) {
    if (op === IrqSenderOp.Attach) {
      const denied = lacks(cap, CapRight.W)
      if (denied) return denied
      const thread = mrObject(t, 2, 'thread')
      if (!thread) return replyError(Err.EInval)
      const lbl = t.utcb[1]
      if (!Number.isInteger(lbl)) return replyError(Err.EInval)
      detachIrq(irq)
      irq.thread = thread
      irq.thread.ref()
      irq.label = lbl
      irq.masked = false
      return reply()
    }
    if (op === IrqSenderOp.Detach) {
      detachIrq(irq)
      return reply()
    }
    return replyError(Err.ENoSys)
  }
  if (label === Proto.Irq) {
    if (op === IrqOp.Trigger) {
      const denied = lacks(cap, CapRight.W)
      if (denied) return denied
      triggerIrq(k, irq)
      return reply()
    }
    if (op === IrqOp.Eoi) {
      unmaskIrq(k, irq)
      return reply()
    }
    return replyError(Err.ENoSys)
  }
  return replyError(Err.EBadProto)
}
