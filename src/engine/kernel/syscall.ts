/**
 * The system-call entry of native threads (Fiasco's sys_ipc): the send
 * phase to a gate or thread, the invocation of a kernel object, the reply
 * to the implicit reply capability, and the receive phase, as the syscall
 * flags combine them. The two shapes of a client/server exchange (call to
 * a waiting server, reply_and_wait to a waiting caller) that carry only
 * words take a fast path that does the same without the general machinery.
 */
import { CapRight, IpcErr, Proto, Sysf, TagFlag, tagLabel } from './abi'
import { ipcError, receive, send, transfer } from './ipc'
import { invokeObject } from './invoke'
import { KernelIpc, TState, type Thread } from './objects/thread'
import type { Kernel } from './kernel'
import type { IpcGate } from './objects/ipc-gate'

/**
 * Performs the system call a native thread prepared in `t.sys`. Leaves the
 * result in t.result when the thread stays ready; a blocked thread gets its
 * result when it is woken.
 */
export function syscall(k: Kernel, t: Thread): void {
  t.stats.syscalls++
  k.stats.syscalls++
  const sys = t.sys
  const flags = sys.flags
  const tag = sys.tag
  // While the IPC trace is on, every IPC takes the general path, whose transfer() records it.
  if ((tag & 0xfc0) === 0 && (sys.timeout & 0xffff) === 0 && k.ipcTrace === null) {
    if (flags === Sysf.Call && fastCall(k, t, sys.cap, tag)) return
    if (flags === Sysf.ReplyAndWait && fastReplyAndWait(k, t, tag)) return
  }
  generalSyscall(k, t, flags, tag)
}

/** Everything the fast paths do not take; kept apart so that syscall() stays small enough to inline. */
function generalSyscall(k: Kernel, t: Thread, flags: number, tag: number): void {
  const timeout = t.sys.timeout
  const isCall = (flags & Sysf.Call) === Sysf.Call && !(flags & Sysf.OpenWait)
  if (flags & Sysf.Send) {
    let r: number
    if (flags & Sysf.Reply) {
      const caller = t.replyTo
      t.replyTo = null
      if (caller && caller.state === TState.RecvWait && caller.partner === t) r = replyTo(k, t, caller, tag)
      else r = ipcError(t, IpcErr.ENotExistent)
    } else {
      const cap = t.task?.caps.get(t.sys.cap)
      if (!cap || cap.object.dead) r = ipcError(t, IpcErr.ENotExistent)
      else {
        const o = cap.object
        if (o.kind === 'ipc_gate' && !(tagLabel(tag) === Proto.Kobject && cap.rights & CapRight.N)) {
          r = send(k, t, o.thread, o, tag, timeout, isCall)
        } else if (o.kind === 'thread' && tagLabel(tag) !== Proto.Thread) {
          r = send(k, t, o, null, tag, timeout, isCall)
        } else {
          // A kernel object: the invocation is performed now and its reply is the result.
          r = invokeObject(k, t, cap, tag)
          if (r === -1) return // the thread switched (vcpu_resume)
          if (flags & Sysf.OpenWait) r = r & TagFlag.Error ? r : 0
          else {
            t.result = r
            return
          }
        }
      }
    }
    if (r === -1) return // blocked: the result comes with the wakeup
    if (r & TagFlag.Error || isCall || !(flags & Sysf.Recv)) {
      t.result = r
      return
    }
  }
  if (flags & Sysf.Recv) {
    let from: Thread | null = null
    if (!(flags & Sysf.OpenWait)) {
      // A closed receive names its partner thread.
      const cap = t.task?.caps.get(t.sys.cap)
      if (!cap || cap.object.kind !== 'thread' || cap.object.dead) {
        t.result = ipcError(t, IpcErr.ENotExistent | 1)
        return
      }
      from = cap.object
    }
    const r = receive(k, t, from, timeout)
    if (r !== -1) t.result = r
    return
  }
  t.result = 0
}

/** call to a gate whose thread waits for anyone: transfer, then wait for the reply. */
function fastCall(k: Kernel, t: Thread, capIndex: number, tag: number): boolean {
  const cap = t.task!.caps.get(capIndex)
  if (cap === undefined || cap.kind !== 'ipc_gate' || tagLabel(tag) === Proto.Kobject) return false
  const g = cap.object as IpcGate
  const dst = g.thread
  if (dst === null || dst.state !== TState.RecvWait || dst.partner !== null || dst.executingUser || dst.kernelIpc !== KernelIpc.None) return false
  copyWords(t, dst, tag & 0x3f)
  k.stats.ipcs++
  dst.sys.label = g.label
  dst.replyTo = t
  t.state = TState.RecvWait
  t.partner = dst
  k.switchTo(t, dst, tag)
  return true
}

/** reply_and_wait to a caller that waits, with nobody queued for us: transfer, then wait. */
function fastReplyAndWait(k: Kernel, t: Thread, tag: number): boolean {
  const caller = t.replyTo
  if (caller === null || caller.state !== TState.RecvWait || caller.partner !== t || caller.kernelIpc !== KernelIpc.None) return false
  if (t.senders.length !== 0) return false
  t.replyTo = null
  copyWords(t, caller, tag & 0x3f)
  k.stats.ipcs++
  caller.sys.label = 0
  t.state = TState.RecvWait
  t.partner = null
  k.switchTo(t, caller, tag)
  return true
}

/** Reply phase: `t` answers `caller`, who waits in a closed receive. A reply never blocks. */
function replyTo(k: Kernel, t: Thread, caller: Thread, tag: number): number {
  // Kernel-synthesized messages (page faults, exceptions) receive into the
  // faulting task's whole address space; transfer() reads the receiver's BRs.
  const err = transfer(k, t, caller, tag, null)
  if (err !== IpcErr.None) {
    k.wake(caller, ipcError(caller, err | 1))
    return ipcError(t, err & ~1)
  }
  caller.rcvLabel = 0
  k.wake(caller, tag)
  return 0
}

/** Copies `words` message registers, bit for bit. */
function copyWords(src: Thread, dst: Thread, words: number): void {
  const s = src.utcbRaw
  const d = dst.utcbRaw
  // Two halves per word: copying as doubles could quieten a signalling NaN's bits.
  for (let i = 0, n = 2 * words; i < n; i += 2) {
    d[i] = s[i]
    d[i + 1] = s[i + 1]
  }
  src.stats.ipcSent++
  dst.stats.ipcReceived++
}
