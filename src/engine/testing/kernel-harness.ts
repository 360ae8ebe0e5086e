/**
 * A kernel with native test µApps, for unit tests: boots a kernel without a
 * CPU core, starts tasks whose threads are generators the test writes, and
 * runs virtual time. Each task gets the base capabilities (see boot.ts);
 * tests connect tasks by inserting capabilities directly — the harness plays
 * the boot loader's part.
 */
import { bootKernel, createInitialTask, type BootedKernel, type InitialTask } from '../kernel/boot'
import { PhysicalMemory } from '../hw/physical-memory'
import type { Sys } from '../kernel/native'
import type { ThreadBody } from '../kernel/objects/thread'
import type { KernelObject } from '../kernel/objects'

export interface HarnessOptions {
  cpus?: number
  ramPages?: number
  kernelMemory?: number
}

export class KernelHarness {
  readonly booted: BootedKernel
  readonly tasks = new Map<string, InitialTask>()

  constructor(opts: HarnessOptions = {}) {
    const ram = new PhysicalMemory(new Uint8Array((opts.ramPages ?? 256) * 4096), 0x4000_0000)
    this.booted = bootKernel({ cpus: opts.cpus ?? 1, ram, kernelMemory: opts.kernelMemory ?? 64 << 20 })
  }

  get kernel() {
    return this.booted.kernel
  }

  /** Starts a task named `name` running `body`. `extra`: capabilities to give it up front. */
  spawn(name: string, body: (sys: Sys) => ThreadBody, opts: { prio?: number; extra?: [number, KernelObject, number][] } = {}): InitialTask {
    const t = createInitialTask(this.booted, name, body, opts)
    this.tasks.set(name, t)
    return t
  }

  /** Runs until nothing is ready and no timer is due within `maxNs` of virtual time. */
  run(maxNs = 1e9): void {
    this.kernel.run(maxNs)
  }
}
