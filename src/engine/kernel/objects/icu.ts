/**
 * Icu: the board's interrupt controller as a kernel object. Board devices
 * raise lines; a line bound to an Irq object triggers it. Protocol IRQ (as
 * L4Re's ICU uses): bind (0: MR1 = line, MR2 = Irq index; needs W), unbind
 * (1: MR1 = line), info (2: MR0 ← features, MR1 ← lines, MR2 ← MSIs),
 * unmask (4: MR1 = line), mask (5: MR1 = line), set_mode (6: accepted, lines
 * are level-triggered).
 */
import { CapRight, Err, IcuOp, Proto } from '../abi'
import type { Capability } from '../cap-space'
import { KObject } from '../kobject'
import type { Kernel } from '../kernel'
import { lacks, mrIndex, mrObject, reply, replyError } from '../invoke'
import { triggerIrq, type Irq } from './irq'
import type { Thread } from './thread'

export class Icu extends KObject {
  readonly kind = 'icu'
  readonly bound: (Irq | null)[]
  readonly masked: boolean[]

  constructor(
    readonly kernel: Kernel,
    readonly lines: number,
  ) {
    super()
    this.bound = new Array(lines).fill(null)
    this.masked = new Array(lines).fill(false)
    kernel.irqLineUnbound = (irq) => {
      if (irq.line >= 0 && this.bound[irq.line] === irq) this.bound[irq.line] = null
    }
  }

  /** A board device raises `line`. */
  raise(line: number): void {
    const irq = this.bound[line]
    if (irq && !this.masked[line]) triggerIrq(this.kernel, irq)
  }

  protected destroy(): void {
    this.bound.fill(null)
  }
}

export function invokeIcu(k: Kernel, t: Thread, cap: Capability, icu: Icu, _tag: number, label: number): number {
  if (label !== Proto.Irq) return replyError(Err.EBadProto)
  const op = t.utcb[0]
  const line = mrIndex(t, 1)
  if (op === IcuOp.Info) {
    t.utcb[0] = 0
    t.utcb[1] = icu.lines
    t.utcb[2] = 0
    return reply(3)
  }
  if (line < 0 || line >= icu.lines) return replyError(Err.EInval)
  switch (op) {
    case IcuOp.Bind: {
      const denied = lacks(cap, CapRight.W)
      if (denied) return denied
      const irq = mrObject(t, 2, 'irq')
      if (!irq) return replyError(Err.EInval)
      if (icu.bound[line] && icu.bound[line] !== irq) return replyError(Err.EBusy)
      icu.bound[line] = irq
      irq.line = line
      return reply()
    }
    case IcuOp.Unbind:
      if (icu.bound[line]) icu.bound[line]!.line = -1
      icu.bound[line] = null
      return reply()
    case IcuOp.Unmask:
      icu.masked[line] = false
      return reply()
    case IcuOp.Mask:
      icu.masked[line] = true
      return reply()
    case IcuOp.SetMode:
      return reply()
    default:
      return replyError(Err.ENoSys)
  }
}
