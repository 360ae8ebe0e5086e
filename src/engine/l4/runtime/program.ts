/**
 * Native programs: the µApps a board can start, by name, the way L4Re
 * programs are found as "rom/<name>" modules. A program's main is a thread
 * body; it gets the environment the loader built for it (L4Re's l4re_env:
 * its capabilities, arguments, and the named capabilities of `caps = {…}`).
 */
import { BaseCap, type Sys, type ThreadBody } from '../../kernel/uapi'
import { CapAlloc } from './cap-alloc'

export interface ProgramEnv {
  sys: Sys
  /** argv, with the program's name first. */
  args: string[]
  /** Named capabilities (ned's `caps = { name = … }`): slot numbers in our task. */
  caps: Record<string, number>
  readonly task: BaseCap.Task
  readonly thread: BaseCap.Thread
  readonly factory: BaseCap.Factory
  readonly log: BaseCap.Log
  readonly scheduler: BaseCap.Scheduler
  readonly icu: BaseCap.Icu
  readonly debugger: BaseCap.Debugger
  /** Free capability slots of our task. */
  slots: CapAlloc
  /** Host services a board lends to its system programs (ROM contents, the program list); null for ordinary programs. */
  firmware: Firmware | null
}

export interface NativeProgram {
  name: string
  /** One line for `help`-like listings and the debugger. */
  summary: string
  main(env: ProgramEnv): ThreadBody
}

/**
 * What a board's boot image holds and its system µApps (moe, ned) need from
 * the host: the native programs and the data modules of "rom/".
 */
export interface Firmware {
  programs: ReadonlyMap<string, NativeProgram>
  modules: ReadonlyMap<string, Uint8Array>
}

export function makeEnv(sys: Sys, args: string[], caps: Record<string, number>, firstFree: number, firmware: Firmware | null = null): ProgramEnv {
  const slots = new CapAlloc(firstFree)
  return {
    sys,
    args,
    caps,
    task: BaseCap.Task,
    thread: BaseCap.Thread,
    factory: BaseCap.Factory,
    log: BaseCap.Log,
    scheduler: BaseCap.Scheduler,
    icu: BaseCap.Icu,
    debugger: BaseCap.Debugger,
    slots,
    firmware,
  }
}
