/**
 * lx's vCPU loop, as L4Linux's: pick a Linux thread, load its registers,
 * `vcpu_resume` into its process's task with pending page mappings as send
 * items, and handle what comes back as an upcall — a system call, a page
 * fault, an exception, or an IRQ (lx's timer, the console's input, the
 * exec board's host input). Between upcalls lx does what needs IPC:
 * console input and output, IRQ acknowledgements, deleting dead tasks,
 * moving the timer thread's deadline.
 */
import { BaseCap, ExcClass, IpcErr, TrapKind, VcpuF } from '../../../kernel/uapi'
import { ipcErrorOf, irqTrigger, irqUnmask, mem, taskMap, vcpuResume } from '../../../l4/l4sys'
import type { Lx } from '../lx'
import type { Mm } from '../mm/mm'
import { signaledStatus, type LinuxThread } from './process'
import { syscall } from './syscall'
import { deliverSignals, force } from './signals'
import { exitGroup } from './exit'
import { reapTasks } from './tasks'
import { chargeCpu } from './itimer'
import { Sig } from '../uapi'

/** The labels lx's Irqs are attached with: what an IRQ upcall is about. */
export const enum IrqLabel {
  Timer = 1,
  Console = 2,
  /** Input from the host (exec's stdin), through an ICU line of the board. */
  Host = 3,
  /** Display input (keys, pointer) the lab delivered to lx's event devices. */
  Input = 4,
}

export function* run(lx: Lx): Generator<unknown, void, number> {
  const sys = lx.sys
  const v = lx.vcpu
  const sched = lx.sched
  for (;;) {
    yield* lx.memory.reserve()
    if (lx.memory.trimDue) yield* lx.memory.trim()
    yield* housekeeping(lx)
    if (lx.initExit !== null) return
    const t = sched.pick()
    if (!t) {
      // Idle: wait for an IRQ (timer, console) as a message.
      const tag = yield sys.wait()
      if (!(tag & 0x8000)) irq(lx, sys.label)
      continue
    }
    sched.switchTo(t)
    if (t.blockedOn === null && t.wakeResult === null && lx.restartPending.has(t)) {
      lx.restartPending.delete(t)
      yield* syscall(lx, t)
      continue
    }
    if (t.wakeResult !== null) {
      lx.cpu.setReturn(t.wakeResult)
      t.wakeResult = null
    }
    if (deliverSignals(lx, t)) continue
    const mm = t.process.mm
    if (mm.staleMappings.length > 0) {
      const stale = mm.staleMappings
      mm.staleMappings = []
      yield* mm.revoke(sys, stale)
    }
    // Up to 30 page mappings ride along with the resume; more go by Task::map first.
    const pend = mm.pendingMaps
    mm.pendingMaps = []
    let mapped = 0
    for (let i = pend.length - 1; i >= 30 && mapped === 0; i--) {
      const [vpn, frame, rights] = pend[i]
      mapped = yield* taskMap(sys, mm.task, BaseCap.Task, mem(lx.memory.addr(frame), 12, rights), vpn * 4096)
    }
    if (mapped < 0) {
      yield* pageTablesExhausted(lx, t, pend)
      continue
    }
    const maps = pend.slice(0, 30).map(([vpn, frame, rights]) => [mem(lx.memory.addr(frame), 12, rights), vpn * 4096] as const)
    v.userTask = mm.task
    v.state = VcpuF.Irq | VcpuF.PageFaults | VcpuF.Exceptions | VcpuF.FpuEnabled
    const before = lx.now()
    const r = yield* vcpuResume(sys, BaseCap.Thread, maps)
    const ran = lx.now() - before
    t.utimeNs += ran
    lx.busyNs += ran
    if (t.process.itimers[1].expiry !== 0 || t.process.itimers[2].expiry !== 0) chargeCpu(lx, t.process)
    if (r < 0 && ipcErrorOf(r) === IpcErr.SeMapFailed) {
      yield* pageTablesExhausted(lx, t, pend)
      continue
    }
    if (r < 0) {
      lx.log(`lx: vcpu_resume failed (${r}); killing pid ${t.process.pid}`)
      yield* exitGroup(lx, t, signaledStatus(Sig.KILL))
      continue
    }
    yield* upcall(lx, t)
  }
}

/**
 * What needs IPC between upcalls: console in and out, IRQ acknowledgements,
 * dead tasks, the timer. It runs between every two upcalls, so each part
 * is entered (a generator made) only when it has work.
 */
function* housekeeping(lx: Lx): Generator<unknown, void, number> {
  if (lx.console.inputPending) yield* lx.console.drain()
  while (lx.pendingIrqAck.length > 0) {
    const label = lx.pendingIrqAck.pop()!
    yield* irqUnmask(lx.sys, label === IrqLabel.Timer ? lx.timers.irq : label === IrqLabel.Host ? lx.hostIrq : label === IrqLabel.Input ? lx.inputIrq : lx.console.irq)
  }
  if (lx.deadTasks.length > 0) yield* reapTasks(lx)
  if (lx.console.hasOutput) yield* lx.console.flush()
  if (lx.timers.kickDue()) yield* irqTrigger(lx.sys, lx.timers.kick)
}

/** What the thread's last run ended with. */
function* upcall(lx: Lx, t: LinuxThread): Generator<unknown, void, number> {
  const trap = lx.vcpu.trap
  switch (trap.kind) {
    case TrapKind.Exception:
      if (trap.excClass === ExcClass.Syscall) {
        yield* syscall(lx, t)
        return
      }
      exception(lx, t, trap.excClass, trap.pc)
      return
    case TrapKind.PageFault: {
      lx.pageFaults++
      const mm = t.process.mm
      const res = mm.fault(trap.pfa, (trap.access & 2) !== 0, (trap.access & 4) !== 0)
      if (!res.ok) force(t, res.signal, res.code, trap.pfa)
      return
    }
    case TrapKind.Irq:
    case TrapKind.Ipc:
      irq(lx, lx.vcpu.ipc.label)
      return
    default:
      return
  }
}

/**
 * An exception of user code as the signal Linux's trap handlers send:
 * BRK/INT3 SIGTRAP, alignment SIGBUS, x86's #DE SIGFPE (FPE_INTDIV) and #GP
 * SIGSEGV (SI_KERNEL, no address), an undefined instruction SIGILL (the
 * codes of those two are the architecture's).
 */
function exception(lx: Lx, t: LinuxThread, cls: number, pc: number): void {
  switch (cls) {
    case ExcClass.Breakpoint:
      return force(t, Sig.TRAP, lx.arch.trapCodes.breakpoint, pc)
    case ExcClass.Alignment:
      return force(t, Sig.BUS, 0, pc)
    case ExcClass.Arithmetic:
      return force(t, Sig.FPE, 1, pc)
    case ExcClass.Protection:
      return force(t, Sig.SEGV, 0x80, 0)
    default:
      return force(t, Sig.ILL, lx.arch.trapCodes.undefined, pc)
  }
}

/** Timer, console and host-input IRQs; each is acknowledged (unmasked) in the next housekeeping. */
function irq(lx: Lx, label: number): void {
  lx.irqs++
  if (label === IrqLabel.Timer) {
    lx.timers.fire()
    lx.sched.tick()
    lx.pendingIrqAck.push(label)
  } else if (label === IrqLabel.Console) {
    lx.console.inputPending = true
    lx.pendingIrqAck.push(label)
  } else if (label === IrqLabel.Host || label === IrqLabel.Input) {
    // The waiting readers were woken when the host or the lab delivered; the IRQ only woke us.
    lx.pendingIrqAck.push(label)
  }
}

/**
 * The kernel could not map a page into `t`'s task: the VM's kernel-memory
 * quota holds no page table for it (many processes, each with its own page
 * tables). Like a kernel reclaiming under memory pressure, lx takes back the
 * mappings of every other process (their page tables return to the quota;
 * they fault their pages in again when they run) and lets `t` try again.
 * When no other process holds a mapping, `t` alone needs more than the VM
 * has: it is killed, as Linux's OOM killer does, and the kernel log says so.
 */
function* pageTablesExhausted(lx: Lx, t: LinuxThread, pend: Mm['pendingMaps']): Generator<unknown, void, number> {
  const mine = t.process.mm
  const seen = new Set<Mm>([mine])
  let freed = 0
  for (const p of lx.procs.values()) {
    if (seen.has(p.mm)) continue
    seen.add(p.mm)
    freed += yield* p.mm.dropMappings(lx.sys)
  }
  if (freed > 0) {
    mine.pendingMaps.push(...pend)
    return
  }
  lx.log(`lx: out of kernel memory for page tables: killed process ${t.process.pid} (${t.process.comm})`)
  yield* exitGroup(lx, t, signaledStatus(Sig.KILL))
}
