/**
 * The board behind `l4lab exec`: the kernel on an AArch64 core, sigma0 and
 * moe, and one lx whose init is the program to run, with the host's files
 * and standard streams lent through ports. It ends when init exits; its
 * wait status is the result.
 */
import { BaseCap, CapRight } from '../kernel/abi'
import { bootKernel, createInitialTask, type BootedKernel } from '../kernel/boot'
import { PhysicalMemory } from '../kernel/physical-memory'
import { Vcon } from '../kernel/objects/vcon'
import type { KObject } from '../kernel/kobject'
import { Aarch64ExecCore } from '../cpu/aarch64/exec-core'
import { makeEnv, type Firmware, type NativeProgram } from '../apps/runtime/program'
import { sigma0Program } from '../apps/sigma0/sigma0'
import { moeProgram, MOE_ROM, MOE_ROOT_ALLOC } from '../apps/moe/moe'
import { lxProgram, type LxHostPorts } from '../apps/lx/program'
import type { Lx } from '../apps/lx/lx'

export interface ExecBoardOptions {
  /** lx's arguments after "lx" (e.g. ["--init", "/bin/echo", "--", "hi"]). */
  lxArgs: string[]
  ports: LxHostPorts
  modules?: Record<string, Uint8Array>
  ramMiB?: number
  /** Where lx's own messages go (kernel log lines). */
  log?: (text: string) => void
}

export interface ExecOutcome {
  status: number
  lx: Lx
}

const RAM_BASE = 0x4000_0000
/** The ICU line of the host-input device (exec's stdin). */
const HOST_INPUT_LINE = 1

export class ExecBoard {
  readonly booted: BootedKernel
  outcome: ExecOutcome | null = null
  private readonly dec = new TextDecoder()

  constructor(opts: ExecBoardOptions) {
    const ramBytes = (opts.ramMiB ?? 160) << 20
    let kernelRef: BootedKernel['kernel'] | null = null
    const core = Aarch64ExecCore.create(ramBytes, 1, (asid, va, access) => kernelRef!.translate(asid, va, access))
    const ram = new PhysicalMemory(core.ram, RAM_BASE, (off, n) => core.invalidateCode(off, n))
    this.booted = bootKernel({ cpus: 1, ram, core, kernelMemory: 64 << 20 })
    const k = this.booted.kernel
    kernelRef = k
    const log = k.register(new Vcon(k, 'exec', 'w'), null, 0)!
    k.hooks.vconOutput = (_v, bytes) => opts.log?.(this.dec.decode(bytes))
    k.hooks.nativeCrashed = (_t, e) => opts.log?.(`l4lab: µApp error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)

    // Host input (stdin) raises an ICU line, as a device would.
    const icu = this.booted.objects.icu
    opts.ports.stdin?.waitq.add(function forward() {
      icu.raise(HOST_INPUT_LINE)
      opts.ports.stdin?.waitq.add(forward)
    })
    const ports: LxHostPorts = {
      ...opts.ports,
      inputLine: HOST_INPUT_LINE,
      onExit: (status, lx) => {
        this.outcome = { status, lx }
        opts.ports.onExit?.(status, lx)
      },
    }
    const programs = new Map<string, NativeProgram>()
    for (const p of [sigma0Program({ base: RAM_BASE, frames: k.ram.frames }), moeProgram(), lxProgram(ports)]) programs.set(p.name, p)
    const firmware: Firmware = { programs, modules: new Map(Object.entries(opts.modules ?? {})) }
    const start = (program: NativeProgram, args: string[], prio: number, caps: Record<string, number>, extra: [number, KObject, number][] = [], firstFree: number = BaseCap.FirstFree) =>
      createInitialTask(this.booted, program.name, (sys) => program.main(makeEnv(sys, args, caps, firstFree, firmware)), { prio, log, extra })
    const sigma0 = start(programs.get('sigma0')!, ['sigma0'], 255, {})
    sigma0.task.space.identity = { firstVpn: RAM_BASE / 4096, frames: k.ram.frames }
    const moe = start(programs.get('moe')!, ['moe'], 250, {}, [[BaseCap.Pager, sigma0.thread, CapRight.RWS]])
    const alloc = k.newGate(null, moe.thread, MOE_ROOT_ALLOC)!
    const rom = k.newGate(null, moe.thread, MOE_ROM)!
    const first = BaseCap.FirstFree
    start(programs.get('lx')!, ['lx', ...opts.lxArgs], 100, { rom: first, mem: first + 1 }, [
      [first, rom, CapRight.R | CapRight.S],
      [first + 1, alloc, CapRight.RWS],
    ], first + 2)
  }

  /**
   * Runs up to `maxNs` of virtual time; true until the program has exited.
   * An idle board (see `idle`) is waiting for host input or a timer.
   */
  run(maxNs: number): boolean {
    if (this.outcome) return false
    this.booted.kernel.run(maxNs)
    return this.outcome === null
  }

  /** Whether the engine waits for host input (nothing runnable, no timer due). */
  get idle(): boolean {
    const k = this.booted.kernel
    return !k.anyReady() && k.timers.next() === Infinity
  }
}
