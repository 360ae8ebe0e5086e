/**
 * The engine's face towards its host: one Session per engine worker — the
 * software a board runs (a scenario on the base system, a program under lx,
 * or loopback consoles), which the lab shows as one board with its VMs. The
 * host (src/host) drives it with `run`, feeds it console input and forwards
 * what it reports. Nothing here knows about workers, Electron or the DOM.
 */
import type { KernelView, MappingView, MemoryMap } from '../kernel/introspect'
import type { IpcTraceState } from './ipc-trace-control'
import type { TaskWallTime } from '../kernel/wall-meter'

export type { TaskWallTime }

/** Where a session's host time went since it was made (sessions made with `measureWall`). */
export interface SessionWallTime {
  /** Making the board: its CPU core (compiling the core's wasm module, the first time in a process, and instantiating it), RAM and devices. */
  boardMs: number
  /** The kernel and the base system's first tasks set up, before anything runs. */
  bootstrapMs: number
  /** The kernel loop's time by task name (kernel/wall-meter.ts). */
  byTask: ReadonlyMap<string, TaskWallTime>
}

export type VmRunState = 'starting' | 'running' | 'stopped' | 'exited' | 'crashed'

export interface VmDescriptor {
  name: string
  color: string
  state: VmRunState
  detail?: string
  /** A console of the base system (its log), not a guest. */
  system?: boolean
  /** Its display's size, when it has one (lx --fb). */
  display?: { width: number; height: number }
}

/** Input for a VM's display, in Linux input codes (KEY_*, BTN_*), as devices/display.ts takes it. */
export type DisplayInputEvent =
  | { kind: 'key'; code: number; down: boolean }
  | { kind: 'motion'; dx: number; dy: number }
  | { kind: 'position'; x: number; y: number }
  | { kind: 'wheel'; steps: number }

export interface VmFigures {
  name: string
  /** Virtual milliseconds since the VM was (re)started. */
  uptimeMs: number
  /** Guest instructions retired since the VM started; null when it runs no emulated code. */
  instructions: number | null
  /** Virtual nanoseconds of CPU time consumed since start; null when not known. */
  cpuTimeNs: number | null
  /** Resident memory: the pages its task has mapped now (lx's memory, a Linux VM's guest RAM it touched); null when not known. */
  memoryBytes: number | null
  /** The most memory it may hold: lx's --mem, a Linux VM's RAM; null when not known. */
  memoryLimitBytes: number | null
  /** Kernel memory its task's factory quota holds and allows (what its tasks, threads, page tables cost); null when not known. */
  kernelMemory: { used: number; max: number } | null
  /** IPCs its threads sent since start; null when it has no task. */
  ipcs: number | null
  /** Page faults the VM's pager resolved since start: lx's for its processes, a Linux VM's stage-2 faults on RAM; absent when neither. */
  pageFaults?: number
  /** Linux system calls its processes made since start (lx VMs only). */
  syscalls?: number
  /** Bytes its console carried since the VM was first seen: guest output, and input the guest read. */
  consoleBytes: { out: number; in: number }
  /** Bytes its disks moved since start (Linux VMs with disks). */
  diskBytes?: { read: number; written: number }
  /** A hardware-assisted VM's exits to its VMM since start, by kind (mmio, wfi, hvc, timer …); absent for other VMs. */
  vmExits?: Record<string, number>
  /** Interrupts delivered to the guest since start: those its VMM injected, or the IRQ upcalls lx took. */
  interrupts?: number
}

/** What a board's kernel holds as a whole: its memory, by factory, and its objects by kind. */
export interface BoardFigures {
  kernelMemory: { used: number; max: number }
  /** Every live factory with a quota of its own, root first: whose it is (the task that holds it, if named) and its quota. */
  factories: { id: number; name: string; used: number; max: number }[]
  /** Live kernel objects by kind (task, thread, ipc_gate, irq, factory, vcon, vm). */
  objects: Record<string, number>
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

/**
 * A phase of a board's boot (boot-progress.ts): the kernel, a program of the
 * base system, ned, or a VM ned started. `atMs`: virtual time of its last
 * change of state.
 */
export interface BootPhase {
  name: string
  kind: 'kernel' | 'program' | 'vm'
  state: 'pending' | 'active' | 'done' | 'failed'
  atMs: number
}

/** What a session tells its host. */
export interface SessionSink {
  consoleOutput(vm: string, data: Uint8Array): void
  vmsChanged(vms: readonly VmDescriptor[]): void
  statusChanged(status: SessionStatus): void
  /** The boot's phases, when they changed (sessions that boot a base system). */
  bootProgress?(phases: BootPhase[]): void
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
  /** Where host time went (sessions with a kernel, made with `measureWall`; null otherwise). */
  wallTime?(): SessionWallTime | null
  /** The kernel's figures as a whole (sessions with a kernel). */
  boardFigures?(): BoardFigures
  /** Writes `data` at `offset` of /tmp/`name` in the VM (a file dropped on its console; lx VMs). */
  putFile?(vm: string, name: string, offset: number, data: Uint8Array): { ok: true; path: string } | { ok: false; error: string }
  /**
   * A viewer watches `vm`'s display: its frames are sampled for the next
   * few seconds (lab/displays.ts), the whole picture first when `full`.
   */
  watchDisplay?(vm: string, full: boolean): SessionResult
  /** The frames of watched displays that changed since the last call (copies the caller may keep). */
  displayFrames?(): { vm: string; frame: Uint8Array }[]
  /** Whether any display is watched now (its lease has not run out). */
  watchingDisplays?(): boolean
  displayInput?(vm: string, events: readonly DisplayInputEvent[]): SessionResult
  /** What the kernel's Debugger shows (sessions with a kernel). */
  inspect?(): KernelView
  /** A task's memory map as the Debugger shows it; null when there is no such task. */
  memoryMap?(task: number): MemoryMap | null
  /** The mapping tree of the page at `address` in `task`; null when nothing is mapped there. */
  mappingTree?(task: number, address: number): MappingView | null
  /** Starts or stops the kernel's IPC trace (sessions with a kernel). */
  ipcTrace?(on: boolean): void
  /** The IPC trace's records from `after` on (`on` false: tracing is off). */
  readIpcTrace?(after: number): IpcTraceState
}
