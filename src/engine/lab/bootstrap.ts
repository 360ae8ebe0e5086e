/**
 * The one bootstrap: boots the kernel on a board and starts the L4Re base
 * system the way Fiasco and L4Re's bootstrap do — sigma0 (the root pager,
 * owner of all RAM), moe (the root task: memory allocator and rom
 * namespace), cons when asked for (the console multiplexer), and then the
 * root program of the session with its named capabilities: ned with a
 * scenario for a lab board, or lx itself for `l4lab exec`.
 *
 * The board's interrupt lines reach the kernel through its ICU: every line a
 * device raises is an ICU line a µApp may bind an Irq to.
 */
import { BaseCap, CapRight } from '../kernel/abi'
import { bootKernel, createInitialTask, type BootedKernel, type InitialTask } from '../kernel/boot'
import type { KernelObject } from '../kernel/objects'
import type { Vcon } from '../kernel/objects/vcon'
import { makeEnv, type Firmware, type NativeProgram } from '../l4/runtime/program'
import { sigma0Program } from '../apps/sigma0/sigma0'
import { moeProgram, MOE_ROM, MOE_ROOT_ALLOC } from '../apps/moe/moe'
import { consProgram, CONS_LOG_FACTORY } from '../apps/cons/cons'
import type { Board } from '../boards/builder'

/** Kernel memory of a lab board (object and page-table quota of the root factory). */
export const KERNEL_MEMORY = 64 << 20

export interface RootProgram {
  /** A program of `programs`, by name. */
  name: string
  /** argv, the program's name first. */
  args: string[]
  prio: number
  /**
   * Named capabilities from the base system (rom: moe's namespace, read-only;
   * mem: moe's root allocator; log_fab: cons's log factory), in this order,
   * followed by those the session's `prepare` adds.
   */
  caps: ('rom' | 'mem' | 'log_fab')[]
}

/** What a session sets up on the booted kernel before the first program runs. */
export interface Prepared {
  /** The log the base programs write to (a kernel Vcon the session shows, or keeps to itself). */
  log: Vcon
  /** Further named capabilities for the root program (a control console, …). */
  rootCaps?: { name: string; object: KernelObject; rights: number }[]
}

export interface BootstrapSpec {
  board: Board
  /** The native programs in the boot image besides sigma0, moe and cons (ned, lx, demos …). */
  programs: NativeProgram[]
  /** The data modules of "rom/" (scenarios, root file systems, guest binaries). */
  modules: Map<string, Uint8Array>
  /** Called once the kernel is up: the session's observers, its log and objects for the root program. */
  prepare: (booted: BootedKernel) => Prepared
  /** Start cons, and hand its log factory to the root program as `log_fab`. */
  cons: boolean
  root: RootProgram
}

export interface BaseSystem {
  booted: BootedKernel
  log: Vcon
  sigma0: InitialTask
  moe: InitialTask
  cons: InitialTask | null
  root: InitialTask
}

export function bootstrap(spec: BootstrapSpec): BaseSystem {
  const { board } = spec
  const booted = bootKernel({ cpus: Math.max(1, board.cpus), ram: board.ram, core: board.core ?? undefined, kernelMemory: KERNEL_MEMORY, irqLines: board.irqs.count })
  const k = booted.kernel
  // The board's interrupt controller lines are the ICU's: a rising line triggers the Irq bound to it.
  board.irqs.attach((line, level) => {
    if (level) booted.objects.icu.raise(line)
  })
  const prepared = spec.prepare(booted)
  const log = prepared.log
  const ramBase = board.ram.base
  const programs = new Map<string, NativeProgram>()
  for (const p of [sigma0Program({ base: ramBase, frames: k.ram.frames }), moeProgram(), consProgram(), ...spec.programs]) programs.set(p.name, p)
  const firmware: Firmware = { programs, modules: spec.modules }
  const start = (name: string, args: string[], prio: number, caps: Record<string, number>, extra: [number, KernelObject, number][] = [], firstFree: number = BaseCap.FirstFree) => {
    const program = programs.get(name)
    if (!program) throw new Error(`bootstrap: no program ${name} in the boot image`)
    return createInitialTask(booted, program.name, (sys) => program.main(makeEnv(sys, args, caps, firstFree, firmware)), { prio, log, extra })
  }

  const sigma0 = start('sigma0', ['sigma0'], 255, {})
  sigma0.task.space.identity = { firstVpn: ramBase / 4096, frames: k.ram.frames }
  const moe = start('moe', ['moe'], 250, {}, [[BaseCap.Pager, sigma0.thread, CapRight.RWS]])
  const rootAlloc = k.newGate(null, moe.thread, MOE_ROOT_ALLOC)!
  const rom = k.newGate(null, moe.thread, MOE_ROM)!
  let cons: InitialTask | null = null
  let logFactory: KernelObject | null = null
  if (spec.cons) {
    cons = start('cons', ['cons'], 240, {})
    logFactory = k.newGate(null, cons.thread, CONS_LOG_FACTORY)!
  }
  const base: Record<RootProgram['caps'][number], [KernelObject | null, number]> = {
    rom: [rom, CapRight.R | CapRight.S],
    mem: [rootAlloc, CapRight.RWS],
    log_fab: [logFactory, CapRight.RWS],
  }
  const caps: Record<string, number> = {}
  const extra: [number, KernelObject, number][] = []
  let slot: number = BaseCap.FirstFree
  const give = (name: string, object: KernelObject | null, rights: number) => {
    if (!object) throw new Error(`bootstrap: ${spec.root.name} asks for ${name}, which this system does not start`)
    caps[name] = slot
    extra.push([slot, object, rights])
    slot++
  }
  for (const name of spec.root.caps) give(name, ...base[name])
  for (const e of prepared.rootCaps ?? []) give(e.name, e.object, e.rights)
  const root = start(spec.root.name, spec.root.args, spec.root.prio, caps, extra, slot)
  return { booted, log, sigma0, moe, cons, root }
}
