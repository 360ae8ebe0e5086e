/**
 * Emulated code under the kernel: a thread that runs guest instructions on
 * the board's core (a vCPU in user mode, or a plain emulated thread), and
 * what happens when the core stops. For a vCPU, page faults, exceptions,
 * IRQs and IPC arrive as upcalls (the vCPU thread's pending call returns,
 * with the reason in its state area); for a plain thread, page faults and
 * exceptions become IPC to its pager and exception handler, which the
 * kernel sends on the thread's behalf (Fiasco's page-fault and exception
 * protocols), resuming the code when they reply.
 */
import { Err, IpcErr, PAGE_SIZE, PfFlag, Proto, Sysf, TagFlag, Utcb, VcpuF, WHOLE_SPACE_ORDER, memFpage, msgtag } from './abi'
import { Access, CoreExit, TranslateFault } from '../cpu/core-abi'
import { deliverIrq, ipcError, receive, send } from './ipc'
import { kill } from './lifecycle'
import { KernelIpc, TState, type Thread } from './objects/thread'
import type { Task } from './objects/task'
import type { Cpu } from './sched'
import { ExcClass, TrapKind } from './vcpu'
import type { Kernel } from './kernel'

/** The result a native vCPU thread's pending call returns with when an upcall happens. */
export const VCPU_UPCALL = msgtag(0, 0, 0, 0)

/** Starts a thread executing emulated code in its task at `pc` with stack `sp`. */
export function startEmulated(k: Kernel, th: Thread, pc: number, sp: number): Err {
  if (!k.core) return Err.ENoSys
  if (!th.task) return Err.EInval
  if (!th.context) th.context = k.core.allocContext()
  th.context.setPc(BigInt(pc))
  th.context.setSp(BigInt(sp))
  th.body = null
  th.state = TState.Ready
  k.cpus[th.cpu].enqueue(th)
  return Err.Ok
}

/** Runs emulated code (a vCPU's user task, or a plain emulated thread) for the rest of the slice. */
export function runUser(k: Kernel, cpu: Cpu, t: Thread): void {
  const core = k.core
  if (!core) {
    kill(k, t, 'no CPU core on this board')
    return
  }
  const v = t.vcpu
  const task = v ? userTaskOf(t) : t.task
  const ctx = v ? v.regs : t.context
  if (!task || !ctx) {
    if (v) upcall(k, t, TrapKind.Exception, ExcClass.Undefined, 0, 0, 0, 0)
    else kill(k, t, task ? 'thread has no register context' : 'thread has no task')
    return
  }
  const budget = Math.max(1, Math.min(k.roundLeftNs(), t.sliceLeftNs))
  // The core's counter is the kernel's clock (CNTFRQ says 1 GHz: docs/vm.md).
  core.setCounter?.(cpu.index, k.clock)
  const exit = core.run(cpu.index, ctx, task.space.asid, budget)
  const d = core.details(cpu.index)
  k.clock += Math.max(1, d.retired)
  t.stats.instructions += d.retired
  k.stats.instructions += d.retired
  if (exit === CoreExit.Budget) return
  if (v?.ext) {
    // A VM exit: everything that ends a guest's run goes to its VMM, with the syndrome and the IPA.
    t.stats.exceptions++
    k.stats.exceptions++
    k.arch.leaveVm(ctx, v.ext)
    const abort = exit === CoreExit.Stage2Abort
    upcall(k, t, TrapKind.VmExit, 0, exit, d.syndrome, abort ? d.ipa : 0, abort ? d.access : 0, d.pc)
    return
  }
  if (exit === CoreExit.DataAbort || exit === CoreExit.InstructionAbort) {
    t.stats.pageFaults++
    k.stats.pageFaults++
    const access = exit === CoreExit.InstructionAbort ? Access.Execute : d.access
    if (v && v.state & VcpuF.PageFaults) upcall(k, t, TrapKind.PageFault, 0, 0, 0, d.faultAddress, access, d.pc)
    else pageFaultIpc(k, t, d.faultAddress, access, d.pc)
    return
  }
  t.stats.exceptions++
  k.stats.exceptions++
  const cls = k.arch.excClass(exit, d.imm)
  if (v) upcall(k, t, TrapKind.Exception, cls, d.imm, d.syndrome, d.faultAddress, d.access, d.pc)
  else exceptionIpc(k, t, cls, d.imm, d.syndrome, d.faultAddress, d.pc)
}

/** The task a vCPU's user mode runs in (its state area names it by capability). */
function userTaskOf(t: Thread): Task | null {
  const cap = t.task?.caps.get(t.vcpu!.userTask)
  if (!cap || cap.object.dead) return null
  const o = cap.object
  return o.kind === 'task' || o.kind === 'vm' ? o : null
}

/** Switches a vCPU thread back to its native "kernel mode" with an upcall. */
export function upcall(k: Kernel, t: Thread, kind: TrapKind, excClass: ExcClass | 0, imm: number, syndrome: number, pfa: number, access: number, pc = 0): void {
  const v = t.vcpu!
  v.savedState = v.state
  v.state &= ~(VcpuF.UserMode | VcpuF.Irq)
  const trap = v.trap
  trap.kind = kind
  trap.excClass = excClass
  trap.imm = imm
  trap.syndrome = syndrome
  trap.pfa = pfa
  trap.access = access
  trap.pc = pc
  t.executingUser = false
  t.stats.upcalls++
  k.stats.upcalls++
  t.result = VCPU_UPCALL
}

/** An event is pending for a vCPU in user mode with IRQs on: take the first sender as the upcall's message. */
export function upcallForPending(k: Kernel, t: Thread): void {
  const v = t.vcpu!
  const s = t.senders[0]
  if (!s) return
  if (s.kind === 'irq') {
    t.senders.shift()
    deliverIrq(t, s)
    v.ipc.label = s.label
    v.ipc.tag = msgtag(Proto.Irq, 0, 0, 0)
    upcall(k, t, TrapKind.Irq, 0, 0, 0, 0, 0)
  } else {
    const r = receive(k, t, null, 0x04000400)
    v.ipc.label = t.rcvLabel
    v.ipc.tag = r
    upcall(k, t, TrapKind.Ipc, 0, 0, 0, 0, 0)
  }
  t.result = VCPU_UPCALL
  // The thread is ready (it was running user code); it resumes natively.
  if (!t.queued && t.alive) {
    t.state = TState.Ready
    k.cpus[t.cpu].enqueue(t)
  }
}

/**
 * vcpu_resume: the calling vCPU thread switches to user mode, unless an
 * event is pending with IRQs enabled, which is then delivered at once.
 */
export function vcpuResume(k: Kernel, t: Thread): number {
  const v = t.vcpu
  if (!v) return ipcError(t, IpcErr.ENotExistent)
  const user = userTaskOf(t)
  // Extended state runs a Vm (guest EL1 under stage 2), and only extended state does.
  if (!user || (user.kind === 'vm') !== (v.ext !== null)) return msgtag(-Err.EInval, 0, 0, 0)
  if (v.state & VcpuF.Irq && t.senders.length > 0) {
    upcallForPending(k, t)
    return VCPU_UPCALL
  }
  if (v.ext && (!v.regs || !k.arch.enterVm(v.regs, v.ext))) return msgtag(-Err.EInval, 0, 0, 0)
  v.state |= VcpuF.UserMode
  t.executingUser = true
  return -1
}

// ------------------------------------------------ kernel-synthesized IPC

function pageFaultIpc(k: Kernel, t: Thread, addr: number, access: number, pc: number): void {
  const u = t.utcb
  const flags = access & Access.Write ? PfFlag.Write : access & Access.Execute ? PfFlag.Exec : 0
  u[0] = Math.floor(addr / 8) * 8 + flags
  u[1] = pc
  // The receive window for the pager's map item: the whole address space.
  u[Utcb.Bdr] = 0
  u[Utcb.BrFirst] = memFpage(0, WHOLE_SPACE_ORDER, 0)
  kernelCall(k, t, t.pager, msgtag(Proto.PageFault, 2, 0, 0), KernelIpc.PageFault)
}

function exceptionIpc(k: Kernel, t: Thread, cls: ExcClass, imm: number, syndrome: number, pfa: number, pc: number): void {
  const u = t.utcb
  u[0] = cls
  u[1] = imm
  u[2] = syndrome
  u[3] = pfa
  u[4] = pc
  kernelCall(k, t, t.excHandler, msgtag(Proto.Exception, 5, 0, 0), KernelIpc.Exception)
}

/** Sends a fault or exception message as a call on the thread's behalf; emulation stops until the reply. */
function kernelCall(k: Kernel, t: Thread, capIndex: number, tag: number, kind: KernelIpc): void {
  t.executingUser = false
  const cap = t.task?.caps.get(capIndex)
  const o = cap && !cap.object.dead ? cap.object : null
  if (!o || (o.kind !== 'thread' && o.kind !== 'ipc_gate')) {
    kill(k, t, kind === KernelIpc.PageFault ? 'page fault with no pager' : 'exception with no exception handler')
    return
  }
  t.kernelIpc = kind
  t.sys.flags = Sysf.Call
  t.sys.cap = capIndex
  t.sys.tag = tag
  t.sys.timeout = 0
  const r = o.kind === 'ipc_gate' ? send(k, t, o.thread, o, tag, 0, true) : send(k, t, o, null, tag, 0, true)
  if (r !== -1) {
    t.result = r
    kernelIpcAnswered(k, t, r)
  }
}

/** The pager or exception handler answered (or the IPC failed): resume emulation or give up. */
export function kernelIpcAnswered(k: Kernel, t: Thread, tag: number): void {
  const kind = t.kernelIpc
  t.kernelIpc = KernelIpc.None
  if (tag & TagFlag.Error) {
    kill(k, t, `${kind === KernelIpc.PageFault ? 'page-fault' : 'exception'} IPC failed (error ${t.utcb[Utcb.TcrError]})`)
    return
  }
  // The handler may have changed the PC (e.g. to skip an svc): MR4 holds it.
  if (kind === KernelIpc.Exception && t.context && (tag & 0x3f) >= 5) t.context.setPc(BigInt(t.utcb[4]))
  // The faulting code was user code: continue it.
  t.executingUser = true
}

/** The CPU core's TLB-miss callback: the RAM offset of the page, or a fault code. */
export function translate(k: Kernel, asid: number, vaddr: number, access: Access): number {
  const space = k.spaces.get(asid)
  if (!space) return TranslateFault.Translation
  const m = space.lookup(Math.floor(vaddr / PAGE_SIZE))
  if (!m) return TranslateFault.Translation
  const need = access === Access.Read ? 4 : access === Access.Write ? 2 : 1
  if ((m.rights & need) === 0) return TranslateFault.Permission
  return m.frame * PAGE_SIZE
}
