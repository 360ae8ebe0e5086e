/**
 * The session behind `l4lab exec`: on the arm-ve-exec board, the base
 * system without cons (sigma0 and moe) and one lx whose init is the program
 * to run, with the host's files and standard streams lent through ports.
 * The host's stdin reaches lx through the board's host-input device: each
 * delivery raises its interrupt line, which lx has bound an Irq to. The
 * session ends when init exits; its wait status is the result, or when
 * init cannot start, with the reason (lx then says nothing). It ends too
 * when lx itself ends first (bad arguments, a crash: lx has said why on the
 * log), so that nothing waits for an init that will never run.
 */
import type { BootedKernel } from '../kernel/boot'
import { Vcon } from '../kernel/objects/vcon'
import { lxProgram, type LxHostPorts } from '../apps/lx/program'
import type { Lx } from '../apps/lx/lx'
import type { ExecFailure } from '../apps/lx/core/exec-failure'
import { Errno } from '../apps/lx/uapi'
import { ARM_VE_EXEC } from '../boards/arm-ve'
import { PC_EXEC } from '../boards/pc-exec'
import type { CoreArch } from '../cpu/core'
import { buildBoard } from '../boards/builder'
import { HostInput } from '../devices/host-input'
import { bootstrap } from './bootstrap'

export interface ExecSessionOptions {
  /** lx's arguments after "lx" (e.g. ["--init", "/bin/echo", "--", "hi"]). */
  lxArgs: string[]
  ports: LxHostPorts
  modules?: Record<string, Uint8Array>
  ramMiB?: number
  /** The programs' architecture: the board's core (arm-ve-exec or pc-exec); aarch64 when absent. */
  arch?: CoreArch
  /** Where lx's own messages go (kernel log lines). */
  log?: (text: string) => void
}

export interface ExecOutcome {
  /** A wait status: init's, or as a shell reports a program it cannot start (127 not found, 126 otherwise). */
  status: number
  lx: Lx
  /** Why the program did not start, when it did not. */
  failure: ExecFailure | null
}

export class ExecSession {
  readonly booted: BootedKernel
  outcome: ExecOutcome | null = null
  /** Why lx ended before its init exited, if it did. */
  ended: string | null = null
  private readonly dec = new TextDecoder()

  constructor(opts: ExecSessionOptions) {
    let kernel: BootedKernel['kernel'] | null = null
    const built = buildBoard(opts.arch === 'x86_64' ? PC_EXEC : ARM_VE_EXEC, { ramBytes: (opts.ramMiB ?? 160) * 2 ** 20, cpus: 1, translate: (asid, va, access) => kernel!.translate(asid, va, access) })
    if (!built.ok) throw new Error(built.error)
    const board = built.board
    const input = board.devices.get('host-input')
    if (!(input instanceof HostInput)) throw new Error(`board ${board.descriptor.name}: no host-input device`)
    // Host input (stdin) raises the device's interrupt; the next delivery re-arms the forwarder.
    opts.ports.stdin?.waitq.add(function forward() {
      input.raise()
      opts.ports.stdin?.waitq.add(forward)
    })
    const ports: LxHostPorts = {
      ...opts.ports,
      inputLine: board.descriptor.irqmap.hostInput,
      onExit: (status, lx) => {
        this.outcome = { status, lx, failure: null }
        opts.ports.onExit?.(status, lx)
      },
      onStartFailed: (path, failure, lx) => {
        this.outcome = { status: (failure.errno === -Errno.ENOENT ? 127 : 126) << 8, lx, failure }
        opts.ports.onStartFailed?.(path, failure, lx)
      },
    }
    const system = bootstrap({
      board,
      programs: [lxProgram(ports)],
      modules: new Map(Object.entries(opts.modules ?? {})),
      cons: false,
      prepare: (b) => {
        const k = b.kernel
        k.vcons.observer = { output: (_v, bytes) => opts.log?.(this.dec.decode(bytes)) }
        k.hooks.nativeCrashed = (_t, e) => opts.log?.(`l4lab: µApp error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
        return { log: k.register(new Vcon(k, 'exec', 'w'), null, 0)! }
      },
      root: { name: 'lx', args: ['lx', ...opts.lxArgs], prio: 100, caps: ['rom', 'mem'] },
    })
    this.booted = system.booted
    kernel = this.booted.kernel
    kernel.hooks.taskEnded = (task, reason) => {
      if (task === system.root.task && !this.outcome) this.ended = reason
    }
  }

  /**
   * Runs up to `maxNs` of virtual time; true until the program has exited.
   * An idle session (see `idle`) is waiting for host input or a timer.
   */
  run(maxNs: number): boolean {
    if (this.outcome || this.ended !== null) return false
    this.booted.kernel.run(maxNs)
    return this.outcome === null && this.ended === null
  }

  /** Whether the engine waits for host input (nothing runnable, no timer due). */
  get idle(): boolean {
    const k = this.booted.kernel
    return !k.anyReady() && k.timers.next() === Infinity
  }
}
