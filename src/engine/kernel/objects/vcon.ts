/**
 * Vcon: a virtual console — one of the lab's terminals (the UI shows each as
 * an xterm; `l4lab run` prints its lines as "name| text"). Protocol LOG:
 *   write (0, needs W): MR1 = length, bytes from MR2 (8 per word)
 *   read (1, needs R): MR1 = most bytes wanted; MR0 ← count, bytes from MR1;
 *       MR0 has bit 31 set when more input is waiting
 *   set_attr (2) / get_attr (3): MR1..3 = i_flags, o_flags, l_flags; get_attr
 *       also returns MR4 = columns, MR5 = rows of the terminal (a lab
 *       extension: the UI's size, for TIOCGWINSZ)
 * and the ICU protocol for its input interrupt: bind (0: MR1 = 0, MR2 = Irq
 * index), unbind (1). Input from the host is queued (at most INPUT_LIMIT
 * bytes; the host keeps what does not fit, lab/input-queue.ts) and the
 * bound Irq triggered.
 */
import { CapRight, Err, IcuOp, Proto, VconOp } from '../abi'
import type { Capability } from '../cap-space'
import { KObject } from '../kobject'
import type { Kernel } from '../kernel'
import { lacks, mrObject, reply, replyError } from '../invoke'
import { triggerIrq, type Irq } from './irq'
import type { Thread } from './thread'

const INPUT_LIMIT = 64 * 1024
const WRITE_MAX = (63 - 2) * 8
const READ_MAX = (63 - 1) * 8

export class Vcon extends KObject {
  readonly kind = 'vcon'
  private input = new Uint8Array(INPUT_LIMIT)
  private head = 0
  private length = 0
  irq: Irq | null = null
  iflags = 0
  oflags = 0
  lflags = 0
  cols = 80
  rows = 24
  bytesOut = 0

  constructor(
    readonly kernel: Kernel,
    override name: string,
    readonly colour: string,
  ) {
    super()
  }

  /**
   * Host side: keyboard input for this terminal, as much as the queue has
   * room for; returns the bytes taken (the caller keeps the rest for later).
   */
  pushInput(data: Uint8Array): number {
    const n = Math.min(data.length, INPUT_LIMIT - this.length)
    for (let i = 0; i < n; i++) this.input[(this.head + this.length + i) % INPUT_LIMIT] = data[i]
    this.length += n
    if (n > 0 && this.irq) triggerIrq(this.kernel, this.irq)
    return n
  }

  /** Host side: the terminal's new size; the input IRQ tells the client to read the attributes again. */
  resize(cols: number, rows: number): void {
    if (cols === this.cols && rows === this.rows) return
    this.cols = cols
    this.rows = rows
    if (this.irq) triggerIrq(this.kernel, this.irq)
  }

  get pending(): number {
    return this.length
  }

  read(dst: Uint8Array, max: number): number {
    const n = Math.min(max, this.length, dst.length)
    for (let i = 0; i < n; i++) dst[i] = this.input[(this.head + i) % INPUT_LIMIT]
    this.head = (this.head + n) % INPUT_LIMIT
    this.length -= n
    return n
  }

  protected destroy(): void {
    if (this.irq) this.irq.unref()
    this.irq = null
    this.kernel.vcons.destroyed(this)
    this.kernel.objects.delete(this)
  }
}

export function invokeVcon(k: Kernel, t: Thread, cap: Capability, vcon: Vcon, _tag: number, label: number): number {
  const op = t.utcb[0]
  if (label === Proto.Log) {
    switch (op) {
      case VconOp.Write: {
        const denied = lacks(cap, CapRight.W)
        if (denied) return denied
        const len = t.utcb[1]
        if (!Number.isInteger(len) || len < 0 || len > WRITE_MAX) return replyError(Err.EInval)
        vcon.bytesOut += len
        k.vcons.output(vcon, t.utcbBytes.subarray(16, 16 + len))
        return reply()
      }
      case VconOp.Read: {
        const denied = lacks(cap, CapRight.R)
        if (denied) return denied
        const max = Math.min(READ_MAX, Math.max(0, t.utcb[1] | 0))
        const n = vcon.read(t.utcbBytes.subarray(8, 8 + max), max)
        t.utcb[0] = n + (vcon.pending > 0 ? 0x80000000 : 0)
        return reply(1 + Math.ceil(n / 8))
      }
      case VconOp.SetAttr:
        vcon.iflags = t.utcb[1] >>> 0
        vcon.oflags = t.utcb[2] >>> 0
        vcon.lflags = t.utcb[3] >>> 0
        return reply()
      case VconOp.GetAttr:
        t.utcb[0] = 0
        t.utcb[1] = vcon.iflags
        t.utcb[2] = vcon.oflags
        t.utcb[3] = vcon.lflags
        t.utcb[4] = vcon.cols
        t.utcb[5] = vcon.rows
        return reply(6)
      default:
        return replyError(Err.ENoSys)
    }
  }
  if (label === Proto.Irq) {
    if (op === IcuOp.Bind) {
      const irq = mrObject(t, 2, 'irq')
      if (!irq) return replyError(Err.EInval)
      if (vcon.irq) vcon.irq.unref()
      vcon.irq = irq
      vcon.irq.ref()
      if (vcon.pending > 0) triggerIrq(k, vcon.irq)
      return reply()
    }
    if (op === IcuOp.Unbind) {
      if (vcon.irq) vcon.irq.unref()
      vcon.irq = null
      return reply()
    }
    if (op === IcuOp.Info) {
      t.utcb[0] = 0
      t.utcb[1] = 1
      t.utcb[2] = 0
      return reply(3)
    }
    if (op === IcuOp.Unmask) return reply()
    return replyError(Err.ENoSys)
  }
  return replyError(Err.EBadProto)
}
