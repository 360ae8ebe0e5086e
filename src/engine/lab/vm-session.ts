/**
 * The session behind `l4lab vm`: on the arm-ve board, the base system
 * without cons (sigma0 and moe) and one uvmm whose VM boots the kernel the
 * user gave, as `qemu-system-aarch64 -kernel` would. The VM's console (its
 * PL011 and hvc0) is a kernel Vcon whose output goes to the host and whose
 * input the host pushes. The session ends when the guest powers off or
 * resets, when it crashes, or when uvmm cannot start it (with the reason).
 */
import type { BootedKernel } from '../kernel/boot'
import { Vcon } from '../kernel/objects/vcon'
import { uvmmProgram, type UvmmHostPorts } from '../apps/uvmm/program'
import type { StopReason, UvmmVm } from '../apps/uvmm/vm'
import type { RomFile } from '../apps/uvmm/devices'
import { ARM_VE } from '../boards/arm-ve'
import { buildBoard } from '../boards/builder'
import { bootstrap } from './bootstrap'

export interface VmSessionOptions {
  /** uvmm's arguments after "uvmm" (e.g. ["--kernel", "rom/Image", "--", "console=ttyAMA0"]). */
  uvmmArgs: string[]
  /** rom modules by name (the kernel, initrd, device tree, disks). */
  modules: Record<string, Uint8Array>
  /** Disks the host backs (files), by the name uvmm's --disk gives. */
  disks?: Record<string, RomFile>
  /** Board RAM; the guest's memory comes out of it (default: the guest's plus 64 MiB). */
  ramMiB: number
  /** The guest's console output. */
  output: (bytes: Uint8Array) => void
}

export type VmOutcome = StopReason | { kind: 'failed'; detail: string }

export class VmSession {
  readonly booted: BootedKernel
  outcome: VmOutcome | null = null
  vm: UvmmVm | null = null
  private readonly console: Vcon
  /** Input the console had no room for yet, in order. */
  private readonly pending: Uint8Array[] = []

  constructor(opts: VmSessionOptions) {
    let kernel: BootedKernel['kernel'] | null = null
    const built = buildBoard(ARM_VE, { ramBytes: opts.ramMiB * 2 ** 20, cpus: 1, translate: (asid, va, access) => kernel!.translate(asid, va, access) })
    if (!built.ok) throw new Error(built.error)
    let console: Vcon | null = null
    const ports: UvmmHostPorts = {
      onStop: (why, vm) => {
        this.outcome = why
        this.vm = vm
      },
      disk: (name) => opts.disks?.[name] ?? null,
    }
    const system = bootstrap({
      board: built.board,
      programs: [uvmmProgram(ports)],
      modules: new Map(Object.entries(opts.modules)),
      cons: false,
      prepare: (b) => {
        const k = b.kernel
        console = k.register(new Vcon(k, 'vm', 'w'), null, 0)!
        k.vcons.observer = { output: (_v, bytes) => opts.output(bytes) }
        k.hooks.nativeCrashed = (_t, e) => {
          this.outcome = { kind: 'crash', detail: `uvmm failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` }
        }
        return { log: console }
      },
      root: { name: 'uvmm', args: ['uvmm', ...opts.uvmmArgs], prio: 100, caps: ['rom', 'mem'] },
    })
    this.console = console!
    this.booted = system.booted
    kernel = this.booted.kernel
    kernel.hooks.taskEnded = (task, reason) => {
      if (task === system.root.task && !this.outcome) this.outcome = { kind: 'crash', detail: `uvmm ended: ${reason}` }
    }
  }

  /** Keyboard input for the guest's console (kept in order while the console is full). */
  input(bytes: Uint8Array): void {
    this.pending.push(bytes)
    this.feed()
  }

  private feed(): void {
    while (this.pending.length > 0) {
      const b = this.pending[0]
      const n = this.console.pushInput(b)
      if (n < b.length) {
        this.pending[0] = b.subarray(n)
        return
      }
      this.pending.shift()
    }
  }

  /** Runs up to `maxNs` of virtual time; true until the VM has stopped. */
  run(maxNs: number): boolean {
    if (this.outcome) return false
    this.feed()
    this.booted.kernel.run(maxNs)
    return this.outcome === null
  }

  /** Whether nothing runs and no timer is due: the guest waits for input. */
  get idle(): boolean {
    const k = this.booted.kernel
    return !k.anyReady() && k.timers.next() === Infinity
  }

  /** The time of the next event, for pacing a session that waits (Infinity: input only). */
  get nextEventNs(): number {
    return this.booted.kernel.nextEvent()
  }
}
