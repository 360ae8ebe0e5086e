/**
 * The program loader ned uses (L4Re's L4.Loader / libloader): starts a
 * native program in a new task with the capabilities a scenario gives it.
 *
 * For each start: create a task and a thread with the chosen factory (whose
 * kernel-memory quota pays for them), get a log from the log factory (cons)
 * when the scenario asks for `log = {tag, colour}`, map the base and named
 * capabilities (the debugger's among them, so that programs can name their
 * objects) into the new task, name task and thread after the log tag for
 * the debugger, register an Irq that fires when the thread ends, and start
 * the thread at the program's entry with its environment.
 */
import { BaseCap, CapRight, Err, Proto, type Sys } from '../../kernel/uapi'
import { factoryCreate, invoke, irqAttach, mapCap, runThread, setName, startNativeThread, threadControl, type L4Call } from '../../l4/l4sys'
import { logCreate } from '../../l4/l4re'
import { makeEnv, type NativeProgram, type ProgramEnv } from '../../l4/runtime/program'

export interface CapGrant {
  name: string
  /** Slot in the loader's task. */
  slot: number
  rights: number
}

export interface StartSpec {
  program: NativeProgram
  args: string[]
  caps: CapGrant[]
  /** A new console from the log factory, or an existing log capability of ours. */
  log: { tag: string; colour: string } | { slot: number } | null
  /** Factory paying for the task's kernel objects (its kernel-memory quota). */
  factory: number
  scheduler: number
  prio: number
  cpu: number
  /** Slot of the Irq (bound to us) that fires when the program's thread ends; 0 for none. */
  exitIrq: number
}

export interface Started {
  task: number
  thread: number
  log: number
  name: string
}

export interface LoaderContext {
  env: ProgramEnv
  /** The log factory (cons) used for `log = {tag, colour}`. */
  logFactory: number
}

/** Starts a program; returns what was created, or a negative error with a message. */
export function* startProgram(ctx: LoaderContext, spec: StartSpec): Generator<unknown, Started | { error: number; message: string }, number> {
  const { env } = ctx
  const sys = env.sys
  const fail = (error: number, message: string) => ({ error, message })
  const name = spec.log && 'tag' in spec.log ? spec.log.tag : spec.program.name

  // The log first: without a console the program could not say why it fails.
  let logSlot = 0
  if (spec.log && 'tag' in spec.log) {
    logSlot = env.slots.alloc()
    const r = yield* logCreate(sys, ctx.logFactory, spec.log.tag, spec.log.colour, logSlot)
    if (r < 0) return fail(r, `cannot create log "${spec.log.tag}" (error ${r})`)
  } else if (spec.log) logSlot = spec.log.slot

  const task = env.slots.alloc()
  const thread = env.slots.alloc()
  let r = yield* factoryCreate(sys, spec.factory, Proto.Task, task)
  if (r < 0) return fail(r, r === -Err.ENoMem ? 'out of kernel memory (factory quota) for a task' : `cannot create task (error ${r})`)
  r = yield* factoryCreate(sys, spec.factory, Proto.Thread, thread)
  if (r < 0) return fail(r, r === -Err.ENoMem ? 'out of kernel memory (factory quota) for a thread' : `cannot create thread (error ${r})`)
  r = yield* threadControl(sys, thread, { bindTask: task })
  if (r < 0) return fail(r, `cannot bind thread (error ${r})`)

  // Base capabilities, at the slots every L4Re program expects them.
  const base: [number, number, number][] = [
    [task, BaseCap.Task, CapRight.All],
    [thread, BaseCap.Thread, CapRight.All],
    [spec.factory, BaseCap.Factory, CapRight.RWS],
    [spec.scheduler, BaseCap.Scheduler, CapRight.RWS],
    // jdb's interface: it acts only on the caller's own capabilities (names for the inspector).
    [BaseCap.Debugger, BaseCap.Debugger, CapRight.RWS],
  ]
  if (logSlot) base.push([logSlot, BaseCap.Log, CapRight.RWS])
  for (const [src, dst, rights] of base) {
    r = yield* mapCap(sys, task, src, dst, rights)
    if (r < 0) return fail(r, `cannot map capability ${dst} (error ${r})`)
  }
  const named: Record<string, number> = {}
  let slot = BaseCap.FirstFree
  for (const g of spec.caps) {
    r = yield* mapCap(sys, task, g.slot, slot, g.rights)
    if (r < 0) return fail(r, `cannot map capability "${g.name}" (error ${r})`)
    named[g.name] = slot++
  }

  // Names for the debugger and the lab's VM list.
  yield* setName(sys, task, name)
  yield* setName(sys, thread, name)

  if (spec.exitIrq) {
    r = yield* registerDeleteIrq(sys, thread, spec.exitIrq)
    if (r < 0) return fail(r, `cannot watch the program (error ${r})`)
  }

  const program = spec.program
  const args = spec.args
  const firstFree = slot
  r = yield* startNativeThread(sys, thread, (childSys: Sys) => program.main(makeEnv(childSys, args, named, firstFree)))
  if (r < 0) return fail(r, `cannot start thread (error ${r})`)
  r = yield* runThread(sys, spec.scheduler, thread, spec.prio, spec.cpu)
  if (r < 0) return fail(r, `cannot schedule thread (error ${r})`)
  return { task, thread, log: logSlot, name }
}

/** Why the thread or task `slot` names ended ('' while it runs). */
export function* exitReason(sys: Sys, slot: number): Generator<unknown, string, number> {
  sys.utcb[0] = 3
  sys.utcb[1] = slot
  const r = yield* invoke(sys, BaseCap.Debugger, Proto.Debugger, 2)
  if (r < 0) return ''
  return new TextDecoder().decode(sys.bytes.subarray(8, 8 + sys.utcb[0]))
}

export function* registerDeleteIrq(sys: Sys, thread: number, irq: number): L4Call {
  sys.utcb[0] = 5
  sys.utcb[1] = irq
  return yield* invoke(sys, thread, Proto.Thread, 2)
}

/** A new Irq bound to our thread with `label`, in a fresh slot; returns the slot or a negative error. */
export function* newIrqFor(env: ProgramEnv, label: number): L4Call {
  const slot = env.slots.alloc()
  let r = yield* factoryCreate(env.sys, BaseCap.Factory, Proto.Irq, slot)
  if (r < 0) return r
  r = yield* irqAttach(env.sys, slot, label, BaseCap.Thread)
  return r < 0 ? r : slot
}
