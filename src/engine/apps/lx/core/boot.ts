/**
 * lx's start: its thread becomes a vCPU (with registers of the board's
 * architecture, which must be lx's), its IRQs are created and bound (the
 * timer thread's, the console's, the host's input), and init is exec'ed as
 * process 1 with the console as its standard streams.
 */
import { BaseCap, Proto } from '../../../kernel/uapi'
import { factoryCreate, icuBind, invoke, irqAttach, vconBindIrq, vcpuControl } from '../../../l4/l4sys'
import type { Lx } from '../lx'
import { LinuxThread, Process } from './process'
import { IrqLabel } from './loop'
import { exec } from './exec'
import { execFailure, type ExecFailure } from './exec-failure'
import { newTask, PROCESS_PAGES, THREAD_PAGES } from './tasks'
import { FdTable } from '../fs/fdtable'
import { Mm } from '../mm/mm'
import { WaitQueue, type Inode } from '../fs/vfs/types'
import { Errno } from '../uapi'

export interface InitSpec {
  path: string
  argv: string[]
  envp: string[]
}

/** Sets lx up on its vCPU and starts init; its pid, or why not. */
export function* boot(lx: Lx, init: InitSpec, root: Inode): Generator<unknown, number | ExecFailure, number> {
  const sys = lx.sys
  lx.bootNs = lx.now()
  lx.realtimeBaseNs = (lx.opts.epochNs ?? 1_767_225_600e9) - lx.bootNs
  // The vCPU: its state area, and a register context from the kernel.
  let r = yield* vcpuControl(sys, BaseCap.Thread, lx.vcpu)
  if (r < 0) return execFailure(-Errno.EIO, `no vCPU (L4 error ${r})`)
  // lx runs programs of one architecture: the board's vCPU registers must be that architecture's.
  const cpu = lx.arch.bind(lx.vcpu.regs)
  if (!cpu) return execFailure(-Errno.ENOEXEC, `the vCPU has no ${lx.arch.name} registers (a board of another architecture?)`)
  lx.cpu = cpu
  // The timer: a thread of ours that sleeps until lx's next deadline and then triggers our IRQ.
  const timerIrq = (lx.timers.irq = lx.env.slots.alloc())
  r = yield* factoryCreate(sys, BaseCap.Factory, Proto.Irq, timerIrq)
  if (r >= 0) r = yield* irqAttach(sys, timerIrq, IrqLabel.Timer, BaseCap.Thread)
  if (r < 0) return execFailure(-Errno.EIO, `no timer interrupt (L4 error ${r})`)
  yield* lx.timers.startThread()
  // Console input: an IRQ that cons triggers when keys arrive.
  const consIrq = (lx.console.irq = lx.env.slots.alloc())
  r = yield* factoryCreate(sys, BaseCap.Factory, Proto.Irq, consIrq)
  if (r >= 0) r = yield* irqAttach(sys, consIrq, IrqLabel.Console, BaseCap.Thread)
  if (r < 0) return execFailure(-Errno.EIO, `no console interrupt (L4 error ${r})`)
  // Our log is a kernel Vcon (a board's own terminal: the Irq by index) or a cons
  // client (the Irq as a map item); a Vcon's bind comes first, as cons refuses it
  // without an item, where the item form could name a wrong cap to a Vcon.
  r = yield* vconBindIrq(sys, BaseCap.Log, consIrq)
  if (r < 0) {
    sys.utcb[0] = 0 // ICU bind
    sys.utcb[1] = 0
    sys.utcb[2] = 8 // map item
    sys.utcb[3] = consIrq * 4096 + (3 << 4) + 0xf
    r = yield* invoke(sys, BaseCap.Log, Proto.Irq, 2, 1)
  }
  if (r < 0) lx.log(`lx: no console input (error ${r})`)
  lx.log(`lx: ${(lx.memory.frames * 4096) / 1048576} MiB of memory, init ${init.path}`)
  return yield* spawnInit(lx, init, root)
}

/** Binds an Irq of ours to the board's host-input ICU line: host input then wakes lx. */
export function* bindHostInput(lx: Lx, line: number): Generator<unknown, number, number> {
  const sys = lx.sys
  const slot = (lx.hostIrq = lx.env.slots.alloc())
  let r = yield* factoryCreate(sys, BaseCap.Factory, Proto.Irq, slot)
  if (r >= 0) r = yield* irqAttach(sys, slot, IrqLabel.Host, BaseCap.Thread)
  if (r >= 0) r = yield* icuBind(sys, BaseCap.Icu, line, slot)
  return r
}

/** An Irq for display input, attached to lx's thread; the lab triggers it (lab/displays.ts). */
export function* bindInputIrq(lx: Lx): Generator<unknown, number, number> {
  const sys = lx.sys
  const slot = (lx.inputIrq = lx.env.slots.alloc())
  const r = yield* factoryCreate(sys, BaseCap.Factory, Proto.Irq, slot)
  return r < 0 ? r : yield* irqAttach(sys, slot, IrqLabel.Input, BaseCap.Thread)
}

/** Process 1: a task, the console as fds 0–2, and `init` exec'ed in it. */
function* spawnInit(lx: Lx, init: InitSpec, root: Inode): Generator<unknown, number | ExecFailure, number> {
  if (!lx.memory.charge(THREAD_PAGES + PROCESS_PAGES)) return execFailure(-Errno.ENOMEM, 'no memory for process 1')
  const task = yield* newTask(lx)
  if (task < 0) return execFailure(task, 'cannot create an L4 task for process 1')
  const mm = new Mm(lx.memory, task, lx.arch.layout)
  const files = new FdTable()
  lx.files.openConsole(files)
  const p = new Process(lx.nextPid++, mm, files, root, 'init', new WaitQueue())
  p.startNs = lx.now()
  const t = new LinuxThread(p.pid, p, new Uint8Array(1024))
  p.threads.push(t)
  lx.procs.set(p.pid, p)
  lx.threads.set(t.tid, t)
  lx.sched.switchTo(t)
  const failure = yield* exec(lx, t, init.path, init.argv, init.envp)
  if (failure) return failure
  t.regs = lx.cpu.snapshot()
  return p.pid
}
