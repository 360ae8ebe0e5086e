/**
 * The engine's face towards its host: one Session per engine worker — the
 * software a board runs (a scenario on the base system, a program under lx,
 * or loopback consoles), which the lab shows as one board with its VMs. The
 * host (src/host) drives it with `run`, feeds it console input and forwards
 * what it reports. Nothing here knows about workers, Electron or the DOM.
 */
import type { KernelView, MappingView, MemoryMap } from '../kernel/introspect'

export type VmRunState = 'starting' | 'running' | 'stopped' | 'exited' | 'crashed'

export interface VmDescriptor {
  name: string
  color: string
  state: VmRunState
  detail?: string
  /** A console of the base system (its log), not a guest. */
  system?: boolean
}

export interface VmFigures {
  name: string
  /** Virtual milliseconds since the VM was (re)started. */
  uptimeMs: number
  /** Guest instructions retired since the VM started; null when it runs no emulated code. */
  instructions: number | null
  /** Virtual nanoseconds of CPU time consumed since start; null when not known. */
  cpuTimeNs: number | null
  memoryBytes: number | null
  /** A hardware-assisted VM's exits to its VMM since start, by kind (mmio, wfi, hvc, timer …); absent for other VMs. */
  vmExits?: Record<string, number>
  /** Interrupts its VMM injected into the guest since start; absent for other VMs. */
  interrupts?: number
}

/**
 * How far the session's software has got. A scenario session is `booting`
 * while the kernel and base system are up and ned runs the script, `running`
 * once the script has run to its end (its programs run on), and `failed`
 * when the script stopped with an error (`error`: ned's "file:line:
 * message"); what it started before the error runs on. Sessions without a
 * script are running from the start.
 */
export type SessionStatus = { state: 'booting' } | { state: 'running' } | { state: 'failed'; error: string }

/** What a session tells its host. */
export interface SessionSink {
  consoleOutput(vm: string, data: Uint8Array): void
  vmsChanged(vms: readonly VmDescriptor[]): void
  statusChanged(status: SessionStatus): void
}

export type VmAction = 'start' | 'stop' | 'restart'

/** An error a session returns to the UI instead of throwing. */
export type SessionResult = { ok: true } | { ok: false; error: string }

export interface Session {
  readonly kind: string
  status(): SessionStatus
  vms(): readonly VmDescriptor[]
  /**
   * Runs the board for at most `sliceMs` of wall time. Returns the number of
   * milliseconds after which it wants to run again: 0 when it has work now,
   * Infinity when it waits for input only.
   */
  run(sliceMs: number): number
  input(vm: string, data: Uint8Array): SessionResult
  resize(vm: string, cols: number, rows: number): SessionResult
  /** Starts, stops or restarts one VM; a session may answer later (a promise) when a guest must act first. */
  control(vm: string, action: VmAction): SessionResult | Promise<SessionResult>
  history(vm: string): Uint8Array
  figures(): VmFigures[]
  /** What the kernel's Debugger shows (sessions with a kernel). */
  inspect?(): KernelView
  /** A task's memory map as the Debugger shows it; null when there is no such task. */
  memoryMap?(task: number): MemoryMap | null
  /** The mapping tree of the page at `address` in `task`; null when nothing is mapped there. */
  mappingTree?(task: number, address: number): MappingView | null
}
