/**
 * Synchronous IPC: the send and receive phases of Fiasco's do_ipc, message
 * transfer over UTCBs, and typed items (map and grant of memory and object
 * flexpages). A send finds its receiver waiting or blocks in the receiver's
 * sender queue; a call atomically turns into a closed wait for the reply; a
 * receive takes the first queued sender (threads and Irqs, in order) or
 * blocks. Errors are L4 error codes in the error TCR with the tag's error
 * flag set — never exceptions.
 */
import {
  CapRight,
  decodeFpage,
  FpageType,
  IPC_POLL,
  IpcErr,
  MapItem,
  PAGE_SHIFT,
  Proto,
  TagFlag,
  Utcb,
  VcpuF,
  VcpuSticky,
  msgtag,
  tagItems,
  tagWords,
  timeoutNs,
} from './abi'
import { mapPages, MapResult } from './mem-space'
import { TState, type Thread } from './objects/thread'
import type { Irq } from './objects/irq'
import type { IpcGate } from './objects/ipc-gate'
import type { Kernel } from './kernel'
import { upcallForPending } from './user-mode'

/** The tag a failed IPC returns; the code goes to the error TCR. */
export function ipcError(t: Thread, code: IpcErr): number {
  t.utcb[Utcb.TcrError] = code
  return TagFlag.Error
}

/**
 * The send phase to `dst` (a thread, reached directly or through `gate`).
 * Returns the result tag when the sender does not block, or -1 when it blocked.
 */
export function send(k: Kernel, t: Thread, dst: Thread | null, gate: IpcGate | null, tag: number, timeout: number, thenRecv: boolean): number {
  if (dst === null || dst.state === TState.Dead) {
    if (gate && !gate.dead && dst === null) {
      // An unbound gate: wait until a thread is bound (or time out).
      return blockSender(k, t, null, gate, gate.waiting, timeout, thenRecv)
    }
    return ipcError(t, IpcErr.ENotExistent)
  }
  if (dst.state === TState.RecvWait && (dst.partner === null || dst.partner === t)) {
    const err = transfer(k, t, dst, tag, gate)
    k.stats.ipcs++
    if (err !== IpcErr.None) {
      k.wake(dst, ipcError(dst, err | 1))
      return ipcError(t, err & ~1)
    }
    dst.rcvLabel = gate ? gate.label : 0
    if (thenRecv) {
      dst.replyTo = t
      k.wake(dst, tag)
      return blockReceiver(k, t, dst, timeout)
    }
    k.wake(dst, tag)
    return 0
  }
  const r = blockSender(k, t, dst, gate, dst.senders, timeout, thenRecv)
  if (r === -1) senderQueued(k, dst)
  return r
}

/** Queue `t` as a sender (on a partner or on an unbound gate) until its send timeout. */
function blockSender(k: Kernel, t: Thread, dst: Thread | null, gate: IpcGate | null, queue: { push(t: Thread): unknown }, timeout: number, thenRecv: boolean): number {
  const ns = timeoutNs(timeout >>> 16)
  if (ns === 0) return ipcError(t, IpcErr.SeTimeout)
  if (ns < 0) return ipcError(t, IpcErr.SeAborted)
  t.state = TState.SendWait
  t.partner = dst
  t.sendGate = gate
  t.sendThenRecv = thenRecv
  queue.push(t)
  k.block(t, ns)
  return -1
}

/** Blocks `t` receiving from `from` (null: anyone) until its receive timeout. */
function blockReceiver(k: Kernel, t: Thread, from: Thread | null, timeout: number): number {
  const ns = (timeout & 0xffff) === 0 ? Infinity : timeoutNs(timeout & 0xffff)
  if (ns === 0) return ipcError(t, IpcErr.ReTimeout)
  if (ns < 0) return ipcError(t, IpcErr.ReAborted)
  t.state = TState.RecvWait
  t.partner = from
  k.block(t, ns)
  return -1
}

/**
 * The receive phase. Open: from whoever sent first. Closed: from `from` only.
 * Returns the result tag, or -1 when the thread blocked.
 */
export function receive(k: Kernel, t: Thread, from: Thread | null, timeout: number): number {
  const q = t.senders
  for (let i = 0; i < q.length; i++) {
    const s = q[i]
    if (from !== null && s !== from) continue
    q.splice(i, 1)
    if (s.kind === 'irq') return deliverIrq(t, s)
    const sender = s
    const tag = sender.sys.tag
    const err = transfer(k, sender, t, tag, sender.sendGate)
    k.stats.ipcs++
    t.rcvLabel = sender.sendGate ? sender.sendGate.label : 0
    sender.sendGate = null
    sender.partner = null
    if (err !== IpcErr.None) {
      k.wake(sender, ipcError(sender, err & ~1))
      return ipcError(t, err | 1)
    }
    if (sender.sendThenRecv) {
      sender.sendThenRecv = false
      t.replyTo = sender
      // The caller now waits for our reply: still blocked, now receiving.
      k.unblockTimer(sender)
      const r = blockReceiver(k, sender, t, sender.sys.timeout)
      if (r !== -1) k.wake(sender, r)
    } else {
      k.wake(sender, 0)
    }
    return tag
  }
  return blockReceiver(k, t, from, timeout)
}

/** Hands a pending IRQ to its bound thread as a message (label = the Irq's label). */
export function deliverIrq(t: Thread, irq: Irq): number {
  irq.queued = false
  irq.masked = true
  irq.count++
  t.rcvLabel = irq.label
  t.stats.ipcReceived++
  return msgtag(Proto.Irq, 0, 0, 0)
}

/** Takes `t` out of the sender queue it waits in (its partner's, or an unbound gate's). */
export function removeSender(t: Thread): void {
  const p = t.partner
  if (p) {
    const i = p.senders.indexOf(t)
    if (i >= 0) p.senders.splice(i, 1)
  }
  if (t.sendGate) {
    const i = t.sendGate.waiting.indexOf(t)
    if (i >= 0) t.sendGate.waiting.splice(i, 1)
  }
  t.partner = null
  t.sendGate = null
}

/** Aborts a thread's IPC (ex_regs with CANCEL, deletion of partners). */
export function cancelIpc(k: Kernel, t: Thread, code: IpcErr): void {
  if (t.state === TState.SendWait) {
    removeSender(t)
    t.sendThenRecv = false
  }
  k.wake(t, ipcError(t, code))
}

/**
 * A sender (thread or Irq) was queued for `dst`. A vCPU that runs user code
 * with IRQs enabled is interrupted for it (an upcall); with IRQs disabled it
 * notes IRQ_PENDING.
 */
export function senderQueued(k: Kernel, dst: Thread): void {
  const v = dst.vcpu
  if (!v) return
  if (dst.executingUser) {
    if (v.state & VcpuF.Irq) upcallForPending(k, dst)
    else v.sticky |= VcpuSticky.IrqPending
  } else if (!(v.state & VcpuF.Irq)) v.sticky |= VcpuSticky.IrqPending
}

/** Senders were queued for `th` outside of a send: a waiting receiver takes the first now. */
export function sendersArrived(k: Kernel, th: Thread): void {
  if (th.state === TState.RecvWait && th.partner === null && !th.executingUser && th.senders.length > 0) {
    const r = receive(k, th, null, IPC_POLL)
    if (r !== -1) k.wake(th, r)
  } else senderQueued(k, th)
}

/**
 * Copies a message from `src`'s UTCB to `dst`'s: untyped words, then typed
 * items, which map or grant pages or capabilities into the receiver within
 * its buffer registers' receive windows. Returns an IPC error code (with the
 * receive-phase bit meaningless; callers set it per side).
 */
export function transfer(k: Kernel, src: Thread, dst: Thread, tag: number, gate: IpcGate | null): IpcErr {
  const words = tagWords(tag)
  const items = tagItems(tag)
  const total = words + 2 * items
  if (total > Utcb.MrCount) return IpcErr.SeMsgCut
  // The one place every traced IPC passes: syscall() leaves the fast path while a trace is on.
  if (k.ipcTrace !== null) k.ipcTrace.record(k.clock, src, dst, tag, gate)
  const s = src.utcbRaw
  const d = dst.utcbRaw
  for (let i = 0, n = 2 * total; i < n; i++) d[i] = s[i]
  src.stats.ipcSent++
  dst.stats.ipcReceived++
  if (items === 0) return IpcErr.None
  return transferItems(k, src, dst, words, items, gate)
}

function transferItems(k: Kernel, src: Thread, dst: Thread, words: number, items: number, gate: IpcGate | null): IpcErr {
  const srcTask = src.task
  const dstTask = dst.task
  if (!srcTask || !dstTask) return IpcErr.SeMapFailed
  // Sending capabilities or pages through a gate needs the S right on the sender's capability.
  if (gate) {
    const capIdx = src.sys.cap
    const cap = srcTask.caps.get(capIdx)
    if (!cap || (cap.rights & CapRight.S) === 0) return IpcErr.SeMapFailed
  }
  const bdr = dst.utcb[Utcb.Bdr]
  let br = 0
  for (let i = 0; i < items; i++) {
    const control = src.utcb[words + 2 * i]
    const fpWord = src.utcb[words + 2 * i + 1]
    if ((control & MapItem.Map) === 0) continue // a void item
    if (br >= Utcb.BrCount || br >= (bdr & 0x3f) + Utcb.BrCount) return IpcErr.SeMsgCut
    const window = decodeFpage(dst.utcb[Utcb.BrFirst + br])
    const fp = decodeFpage(fpWord)
    const grant = (control & MapItem.Grant) !== 0
    // Compound items share one receive window (L4_ITEM_CONT).
    if ((control & MapItem.Compound) === 0) br++
    if (fp.type === FpageType.Memory) {
      if (window.type !== FpageType.Memory) return IpcErr.SeMsgCut
      if (fp.order < PAGE_SHIFT || window.order < PAGE_SHIFT) continue
      const hot = Math.floor(control / 4096) * 4096
      const order = Math.min(fp.order, window.order)
      const size = 2 ** order
      // Fiasco's rule: a send flexpage larger than the receive window is cut to
      // the part around the hotspot; a smaller one lands at the hotspot's offset.
      const srcBase = fp.order > window.order ? fp.base + (hot % 2 ** fp.order) - (hot % size) : fp.base
      const dstBase = fp.order > window.order ? window.base : window.base + ((hot % 2 ** window.order) - (hot % 2 ** window.order) % size)
      const r = mapPages(srcTask.space, srcBase / 4096, dstTask.space, dstBase / 4096, size / 4096, fp.rights, grant)
      k.stats.maps++
      if (r === MapResult.NoMemory) return IpcErr.SeMapFailed
    } else if (fp.type === FpageType.Obj) {
      if (window.type !== FpageType.Obj) return IpcErr.SeMsgCut
      const count = 2 ** Math.min(fp.order, window.order, 16)
      const extra = control & (CapRight.N | CapRight.C)
      for (let c = 0; c < count; c++) {
        const cap = srcTask.caps.get(fp.base + c)
        if (!cap) continue
        const rights = cap.rights & (fp.rights | extra)
        dstTask.caps.insert(window.base + c, cap.object, rights)
        if (grant) srcTask.caps.remove(fp.base + c)
      }
    }
  }
  return IpcErr.None
}
