/**
 * Thread operations (protocol THREAD). Messages to a thread with any other
 * label are IPC to it (see Kernel.syscall).
 *
 * control (needs W): MR0 = CONTROL | flags; MR1 = pager index, MR2 =
 *   exception handler index, MR5 = index of the task to bind to (BIND_TASK).
 * ex_regs (needs W): MR0 = EX_REGS | flags; MR1 = ip, MR2 = sp (-1: keep).
 *   Starts an emulated thread; CANCEL aborts an ongoing IPC.
 * switch: gives up the rest of the caller's timeslice.
 * stats (needs R): MR0 ← consumed virtual time in µs.
 * vcpu_control (needs W): MR0 = VCPU_CONTROL | EXT; the state area object is
 *   passed by the native runtime in `sys.payload` (the stand-in for the
 *   state area's address).
 * register_delete_irq (needs W): MR1 = Irq index, triggered when the thread
 *   is deleted — how a loader learns that a program ended.
 * vcpu_resume (on one's own thread): items map into the user task; then the
 *   thread runs user code until an upcall. When the user task's quota cannot
 *   hold a page table for an item, the call fails with the IPC error
 *   SEMAPFAILED and nothing runs: resuming would only fault on the same page
 *   again (how a pager learns it must free kernel memory or give up).
 */
import { CapRight, Err, ExRegs, IpcErr, Proto, ThreadCtl, ThreadOp, VCPU_CONTROL_EXT, decodeFpage, FpageType, PAGE_SIZE, MapItem, tagItems, tagWords } from '../abi'
import type { Capability } from '../cap-space'
import type { Kernel } from '../kernel'
import { lacks, mrIndex, mrObject, reply, replyError } from '../invoke'
import { cancelIpc, ipcError } from '../ipc'
import { MapResult, mapPages } from '../mem-space'
import { TState, type Thread } from './thread'
import { VcpuState } from '../vcpu'
import type { NativeEntry } from '../native'
import { vcpuResume as resumeVcpu } from '../user-mode'

export function invokeThread(k: Kernel, t: Thread, cap: Capability, target: Thread, tag: number, label: number): number {
  if (label !== Proto.Thread) return replyError(Err.EBadProto)
  const mr0 = t.utcb[0]
  const op = mr0 % 65536
  const flags = mr0 - op
  switch (op) {
    case ThreadOp.Control:
      return lacks(cap, CapRight.W) ?? control(k, t, target, flags)
    case ThreadOp.ExRegs:
      return lacks(cap, CapRight.W) ?? exRegs(k, t, target, flags)
    case ThreadOp.Switch:
      t.sliceLeftNs = 0
      return reply()
    case ThreadOp.Stats:
      if (lacks(cap, CapRight.R)) return replyError(Err.EPerm)
      t.utcb[0] = Math.floor(target.stats.consumedNs / 1000)
      return reply(1)
    case ThreadOp.VcpuControl:
      return lacks(cap, CapRight.W) ?? vcpuControl(k, t, target, flags)
    case ThreadOp.RegisterDeleteIrq: {
      const denied = lacks(cap, CapRight.W)
      if (denied) return denied
      const irq = mrObject(t, 1, 'irq')
      if (!irq) return replyError(Err.EInval)
      if (target.deleteIrq) target.deleteIrq.unref()
      target.deleteIrq = irq
      target.deleteIrq.ref()
      return reply()
    }
    case ThreadOp.VcpuResume:
      if (target !== t) return replyError(Err.EInval)
      return vcpuResume(k, t, tag)
    default:
      return replyError(Err.ENoSys)
  }
}

function control(k: Kernel, t: Thread, target: Thread, flags: number): number {
  if (flags & ThreadCtl.SetPager) target.pager = mrIndex(t, 1)
  if (flags & ThreadCtl.SetExcHandler) target.excHandler = mrIndex(t, 2)
  if (flags & ThreadCtl.BindTask) {
    const task = mrObject(t, 5, 'task', 'vm')
    if (!task) return replyError(Err.EInval)
    if (target.state !== TState.Inactive) return replyError(Err.EBusy)
    k.bindThread(target, task)
  }
  return reply()
}

function exRegs(k: Kernel, t: Thread, target: Thread, flags: number): number {
  if (flags & ExRegs.Cancel) {
    if (target.state === TState.SendWait || target.state === TState.RecvWait) {
      const code = target.state === TState.SendWait ? IpcErr.SeCanceled : IpcErr.ReCanceled
      cancelIpc(k, target, code)
    }
  }
  const entry = t.sys.payload
  if (typeof entry === 'function') {
    // A native entry point in place of an instruction pointer.
    if (!target.task) return replyError(Err.EInval)
    if (target.state !== TState.Inactive) return replyError(Err.EBusy)
    k.startNativeEntry(target, entry as NativeEntry)
    return reply()
  }
  const ip = t.utcb[1]
  const sp = t.utcb[2]
  if (ip === -1 || target.body) {
    // Native threads keep their generator; ex_regs only cancels their IPC.
    return reply()
  }
  if (!target.task) return replyError(Err.EInval)
  if (!Number.isInteger(ip) || ip < 0 || !Number.isInteger(sp) || sp < 0) return replyError(Err.EInval)
  const r = k.startEmulated(target, ip, sp)
  return r === Err.Ok ? reply() : replyError(r)
}

function vcpuControl(k: Kernel, t: Thread, target: Thread, flags: number): number {
  const state = t.sys.payload
  if (!(state instanceof VcpuState)) return replyError(Err.EInval)
  if (state.regs === null && k.core) state.regs = k.core.allocContext()
  state.extended = (flags & VCPU_CONTROL_EXT) !== 0
  state.ext = state.extended ? (state.ext ?? k.arch.newVcpuExt()) : null
  target.vcpu = state
  return reply()
}

function vcpuResume(k: Kernel, t: Thread, tag: number): number {
  const v = t.vcpu
  if (!v) return ipcError(t, IpcErr.ENotExistent)
  const items = tagItems(tag)
  if (items > 0) {
    // Send items map into the user task (how L4Linux maps process pages lazily).
    const user = t.task!.caps.get(v.userTask)?.object
    if (!user || user.dead || (user.kind !== 'task' && user.kind !== 'vm')) return replyError(Err.EInval)
    const words = tagWords(tag)
    for (let i = 0; i < items; i++) {
      const control = t.utcb[words + 2 * i]
      const fp = decodeFpage(t.utcb[words + 2 * i + 1])
      if (!(control & MapItem.Map) || fp.type !== FpageType.Memory || fp.order < 12) continue
      const dst = Math.floor(control / PAGE_SIZE) * PAGE_SIZE
      const dstBase = Math.floor(dst / 2 ** fp.order) * 2 ** fp.order
      const r = mapPages(t.task!.space, fp.base / PAGE_SIZE, user.space, dstBase / PAGE_SIZE, 2 ** (fp.order - 12), fp.rights, (control & MapItem.Grant) !== 0)
      if (r === MapResult.NoMemory) return ipcError(t, IpcErr.SeMapFailed)
    }
  }
  return resumeVcpu(k, t)
}

