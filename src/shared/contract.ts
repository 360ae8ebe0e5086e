/**
 * The one contract between the lab's UI and its back end (the Electron main
 * process or the lab server). Both transports carry exactly these commands
 * (request → result) and events (back end → UI); nothing else crosses.
 *
 * Terms: a *board* is one emulated machine running in its own engine worker;
 * a *VM* is a guest on a board (a µApp client of the board's console
 * multiplexer), addressed as "board/vm".
 */

/**
 * A board's state as the lab shows it:
 * - starting: its engine worker is being started;
 * - booting: the kernel and base system are up and the scenario's script runs;
 * - running: the script has run to its end (boards without a script: from the start);
 * - failed: the script stopped with an error (`error`, with file:line); what it
 *   started before runs on;
 * - not-responding: the worker has answered nothing for a few seconds (a script
 *   or guest runs on inside one slice); it returns to its state when the worker
 *   answers again;
 * - crashed: the worker died (`error`); restart the board.
 */
export type BoardState = 'starting' | 'booting' | 'running' | 'failed' | 'not-responding' | 'stopped' | 'crashed'
export type VmState = 'starting' | 'running' | 'stopped' | 'exited' | 'crashed'

export interface VmInfo {
  /** "board/vm", unique in the lab. */
  id: string
  board: string
  name: string
  state: VmState
  /** Console colour as ned's log option gives it (n r g y b m c w; upper case = bright). */
  color: string
  /** A line saying why the VM stopped or crashed, if it did. */
  detail?: string
  /** The board's system log (the base programs' console), not a guest. */
  system?: boolean
  /** Its display's size in pixels, when it has a display (an lx VM started with --fb). */
  display?: { width: number; height: number }
}

/**
 * Input for a VM's display, in Linux input event codes (input-event-codes.h:
 * KEY_*, BTN_LEFT 0x110 …), which evdev and virtio-input speak alike.
 * Motion is relative, position absolute (the pointer's pixel, which the VM
 * clamps to its display), both in display pixels; wheel steps are positive away from the user.
 */
export type DisplayInputEvent =
  | { kind: 'key'; code: number; down: boolean }
  | { kind: 'motion'; dx: number; dy: number }
  | { kind: 'position'; x: number; y: number }
  | { kind: 'wheel'; steps: number }

/** The most events one `display.input` carries. */
export const DISPLAY_INPUT_MAX = 256

export interface BoardInfo {
  id: string
  name: string
  /** The board description it runs, e.g. "loopback" or "arm-virt". */
  kind: string
  /** The scenario the board was started with, if any. */
  scenario?: string
  /** Started by Run (scenario.run): board.remove takes it out of the lab. */
  removable?: boolean
  state: BoardState
  /** Why the board crashed (the worker's error), failed (the scenario's error) or is not responding. */
  error?: string
  vms: VmInfo[]
  /** How far its boot got (scenario boards): the kernel, the base programs and ned, then each VM ned started, in order. */
  boot?: BootPhaseView[]
}

/**
 * A phase of a board's boot. A base program is active once it runs and done
 * once it serves; ned is done when the script has run to its end (failed
 * when it stopped with an error); a VM is active once started and done once
 * its guest has written to its console.
 */
export interface BootPhaseView {
  name: string
  kind: 'kernel' | 'program' | 'vm'
  state: 'pending' | 'active' | 'done' | 'failed'
  /** Virtual time of its last change, in milliseconds since the board started. */
  atMs: number
}

export interface LabSnapshot {
  version: string
  boards: BoardInfo[]
}

export interface VmStats {
  vm: string
  /** Milliseconds since the VM was (re)started, in the board's virtual time. */
  uptimeMs: number
  /** Retired guest instructions per second of wall time; null until the VM runs emulated code. */
  instructionsPerSecond: number | null
  /** Share of the board's CPU time this VM received in the last period (0..1); null when not known. */
  cpuShare: number | null
  /** Guest memory resident now, in bytes (the pages the VM's task has mapped: it drops when lx gives freed frames back); null when not known. */
  memoryBytes: number | null
  /** The most memory the VM may hold (an lx VM's --mem, a Linux VM's RAM); null when not known. */
  memoryLimitBytes: number | null
  /** Kernel memory the VM's factory quota holds and allows, in bytes; null when not known. */
  kernelMemory: { used: number; max: number } | null
  /** IPCs the VM's threads sent per second of wall time; null when it has no task. */
  ipcsPerSecond: number | null
  /** Page faults its pager resolved per second (lx: its processes'; a Linux VM: stage-2 faults on RAM); absent for other VMs. */
  pageFaultsPerSecond?: number
  /** Linux system calls per second (lx VMs only; a Linux VM's are inside its kernel, which we do not see). */
  syscallsPerSecond?: number
  /** Console bytes per second: guest output, and typed input the guest's terminal took. */
  consoleBytesPerSecond: { out: number; in: number }
  /** Disk bytes per second read and written (Linux VMs with disks). */
  diskBytesPerSecond?: { read: number; written: number }
  /** A hardware-assisted VM's exits to its VMM per second of wall time, all kinds; absent for other VMs. */
  exitsPerSecond?: number
  /** Its exits since start, by kind (mmio, wfi, hvc, timer …). */
  exitsByKind?: Record<string, number>
  /** Interrupts delivered to the guest per second of wall time (a Linux VM: injected by its VMM; lx: IRQ upcalls it took). */
  interruptsPerSecond?: number
}

/** A board's kernel as a whole, with each period's `stats`: its memory by factory quota and its objects. */
export interface BoardStats {
  board: string
  /** What the kernel's objects hold of its memory (the root factory's quota). */
  kernelMemory: { used: number; max: number }
  /** Each live factory: whose it is (the first named task it paid for; "root" for the root factory) and its quota. */
  factories: { id: number; name: string; used: number; max: number }[]
  /** Live kernel objects by kind. */
  objects: Record<string, number>
}

/** A capability slot of a task, as the Debugger shows it. */
export interface CapView {
  slot: number
  kind: string
  object: number
  name: string
  rights: string
}

export interface TaskView {
  id: number
  name: string
  asid: number
  mappedPages: number
  caps: CapView[]
  threads: number[]
}

/** What the kernel counts per thread (the engine's Thread keeps exactly this). */
export interface ThreadStats {
  syscalls: number
  ipcSent: number
  ipcReceived: number
  pageFaults: number
  exceptions: number
  upcalls: number
  instructions: number
  /** Virtual nanoseconds this thread ran. */
  consumedNs: number
}

export interface ThreadView extends ThreadStats {
  id: number
  name: string
  task: number | null
  state: string
  prio: number
  cpu: number
  vcpu: boolean
  userMode: boolean
}

/** What the Debugger shows of a board's kernel (board.inspect): its tasks with their capabilities, its threads. */
export interface KernelInspection {
  nowNs: number
  objects: Record<string, number>
  kernelMemory: { used: number; max: number }
  stats: Record<string, number>
  cpus: { index: number; online: boolean; busyNs: number; idleNs: number }[]
  tasks: TaskView[]
  threads: ThreadView[]
}

/**
 * A run of consecutive pages of one task's memory space (board.memoryMap):
 * same rights, and frames from the same place — the parent mappings lie in
 * one task at consecutive addresses too.
 */
export interface MemoryRun {
  /** Virtual address of the first page (guest-physical for a VM). */
  address: number
  pages: number
  /** "rwx", a '-' for each right the mapping lacks. */
  rights: string
  /** The parent mapping of the first page: its task and address; null for roots (sigma0's identity of RAM). */
  from: { task: string; address: number } | null
}

/** A task's memory map, lowest address first; only its first runs when it has many (the engine caps them). */
export interface MemoryMap {
  runs: MemoryRun[]
  /** More runs follow the ones given. */
  truncated: boolean
}

/** A node of a frame's mapping tree (board.mappingTree): the root is sigma0's mapping of the frame. */
export interface MappingView {
  /** Address-space id of the mapping's task (TaskView.asid). */
  asid: number
  taskName: string
  address: number
  rights: string
  children: MappingView[]
  /** Children left out because the tree is larger than the UI is given. */
  omitted?: number
}

/** One end of a traced IPC: a thread and its task (task null: a thread without one). */
export interface IpcEndView {
  thread: number
  threadName: string
  task: number | null
  /** The task's name, or "#id" when it has none. */
  taskName: string
}

/** What the sender did: its own call, reply or send, or a fault the kernel sent on its behalf to its pager or exception handler. */
export type IpcKind = 'call' | 'reply' | 'send' | 'page-fault' | 'exception'

/** One IPC the kernel's trace recorded (board.ipcTrace.read). */
export interface IpcRecordView {
  /** Position in the trace since it was started; consecutive records differ by one. */
  seq: number
  /** Virtual time of the transfer, in nanoseconds. */
  atNs: number
  kind: IpcKind
  sender: IpcEndView
  receiver: IpcEndView
  /** The message tag's protocol label (negative for the kernel's protocols: -2 page fault, -5 exception). */
  label: number
  /** The label of the IPC gate it went through (0: sent to a thread, or a reply). */
  gateLabel: number
  words: number
  /** Capabilities transferred (object flexpages), and pages of memory flexpages. */
  caps: number
  pages: number
  /** Granted (the sender gave up what it sent) rather than mapped. */
  grant: boolean
}

/**
 * What the trace holds after the reader's last position. `on` is false when
 * tracing is off (never started, stopped, or ended by its lease: the board
 * stops a trace nobody has read for IPC_TRACE_LEASE_MS).
 */
export interface IpcTraceView {
  on: boolean
  records: IpcRecordView[]
  /** Give this as `after` next time. */
  next: number
  /** Records overwritten before this reader saw them. */
  dropped: number
}

/** A trace is stopped when nobody has read it for this long (a closed tab, a lost connection): it costs nothing unwatched. */
export type IpcTraceLeaseMs = 10_000
export const IPC_TRACE_LEASE_MS: IpcTraceLeaseMs = 10_000

/** A problem the scenario check found (scenario.check), at a 1-based line and column of the source. */
export interface ScenarioDiagnostic {
  line: number
  column: number
  severity: 'error' | 'warning'
  message: string
}

/**
 * A file of the library: a scenario (NAME.lua) or a board file (NAME.json),
 * shipped with the lab (read-only; resources/scenarios, resources/boards) or
 * the user's own (their scenario and boards folders). For a scenario `board`
 * is what its `-- l4lab board:` line asks of the board it runs on; for a
 * board file, the board's RAM, CPUs and summary.
 */
export interface ScenarioEntry {
  /** "shipped/NAME.lua", "user/NAME.lua", "shipped/NAME.json", "user/NAME.json". */
  id: string
  name: string
  origin: 'shipped' | 'user'
  kind: 'scenario' | 'board'
  board: { ramMiB?: number; cpus?: number; file?: string; summary?: string }
}

export interface ScenarioFile extends ScenarioEntry {
  source: string
}

/** What scenario.save did: a file with errors is not saved (the last good one stays), and says why. */
export interface ScenarioSaved {
  saved: boolean
  /** The user's file as it is now (null when nothing was saved). */
  entry: ScenarioEntry | null
  diagnostics: ScenarioDiagnostic[]
}

/** The longest scenario source the commands take, in characters. */
export const SCENARIO_SOURCE_LIMIT = 256 * 1024

/** Commands: the UI asks, the back end answers with the result or an error message. */
export interface Commands {
  'lab.snapshot': { args: Record<string, never>; result: LabSnapshot }
  'board.restart': { args: { board: string }; result: null }
  /** Stops a board started by Run and takes it out of the lab (its worker ends, its memory goes with it). */
  'board.remove': { args: { board: string }; result: null }
  /** The board's kernel as its Debugger sees it (null for boards without a kernel). */
  'board.inspect': { args: { board: string }; result: KernelInspection | null }
  /** One task's memory map (null for boards without a kernel, or when the board has no such task). */
  'board.memoryMap': { args: { board: string; task: number }; result: MemoryMap | null }
  /** The mapping tree of the page at `address` in `task` (null as for board.memoryMap, or when the page is not mapped). */
  'board.mappingTree': { args: { board: string; task: number; address: number }; result: MappingView | null }
  /** Starts the kernel's IPC trace (the kernel records IPCs into its ring buffer from now on); a no-op when it runs. */
  'board.ipcTrace.start': { args: { board: string }; result: null }
  /** Stops the IPC trace and drops its buffer. */
  'board.ipcTrace.stop': { args: { board: string }; result: null }
  /** The trace's records from `after` on (0: all it holds), oldest first; null for boards without a kernel. */
  'board.ipcTrace.read': { args: { board: string; after: number }; result: IpcTraceView | null }
  'vm.start': { args: { vm: string }; result: null }
  'vm.stop': { args: { vm: string }; result: null }
  'vm.restart': { args: { vm: string }; result: null }
  /** Keyboard input for one VM's console, as the terminal produced it (UTF-8 text, escape sequences included). */
  'console.input': { args: { vm: string; data: string }; result: null }
  /** The terminal's size changed; the guest's tty follows it (TIOCGWINSZ). */
  'console.resize': { args: { vm: string; cols: number; rows: number }; result: null }
  /** The console's scroll-back so far, for a terminal that attaches late. */
  'console.history': { args: { vm: string }; result: Uint8Array }
  /**
   * A piece of a file dropped on a VM's console: `data` (base64, at most
   * DROP_PIECE_BYTES decoded) goes at `offset` of /tmp/`name` in the VM;
   * offset 0 creates or empties the file (lx VMs). Answers the file's path.
   */
  'vm.putFile': { args: { vm: string; name: string; offset: number; data: string }; result: { path: string } }
  /**
   * A view shows `vm`'s display: its frames come as `display.frame` events
   * for the next few seconds (views renew every second or two); `full`
   * asks for the whole picture next (a new view, or one that lost a frame).
   */
  'display.watch': { args: { vm: string; full: boolean }; result: null }
  /** Keys and pointer for `vm`'s display, in order (at most DISPLAY_INPUT_MAX). */
  'display.input': { args: { vm: string; events: DisplayInputEvent[] }; result: null }
  /** The library: the shipped scenarios, then the user's, then the shipped board files and the user's, each by name. */
  'scenario.list': { args: Record<string, never>; result: ScenarioEntry[] }
  'scenario.read': { args: { id: string }; result: ScenarioFile }
  /** Checks a scenario's text as it would run (syntax, programs, rom files, quotas, its board line), or a board file's (NAME.json); `name` is its file name. */
  'scenario.check': { args: { name: string; source: string }; result: ScenarioDiagnostic[] }
  /** Saves to the user's scenario (or boards) folder, never over a shipped file; a text with errors is not saved. */
  'scenario.save': { args: { name: string; source: string }; result: ScenarioSaved }
  /** Starts the scenario as a new board (refused while the check finds errors); answers the board's id. */
  'scenario.run': { args: { name: string; source: string }; result: { board: string } }
}

/**
 * The most bytes one `vm.putFile` carries (base64 makes it 4/3 of that in
 * the frame, well under the server's 1 MiB). A type as well as a value: the
 * renderer, which imports only types from here, declares its constant with
 * this type, so the two cannot differ.
 */
export type DropPieceBytes = 262_144
export const DROP_PIECE_BYTES: DropPieceBytes = 262_144

/** Events: the back end tells, the UI listens. */
export interface Events {
  'lab.changed': LabSnapshot
  /** Console output of one VM, as raw bytes (the terminal decodes UTF-8). */
  'console.output': { vm: string; data: Uint8Array }
  /** Every half second: each live VM's figures, and the kernel figures of each board that has a kernel. */
  'stats': { stats: VmStats[]; boards: BoardStats[] }
  /**
   * What changed on a watched display (≤ 60 a second): little endian u16
   * width, height, rectangle count, flags (1: the whole display), u32
   * sequence number (consecutive per display; a gap is a lost frame), then
   * per rectangle u16 x, y, w, h and w×h RGBA pixels (what ImageData takes).
   */
  'display.frame': { vm: string; data: Uint8Array }
}

export type CommandName = keyof Commands
export type EventName = keyof Events
export type CommandArgs<K extends CommandName> = Commands[K]['args']
export type CommandResult<K extends CommandName> = Commands[K]['result']

/**
 * Every command name, as a value: transports check incoming names against
 * it. Typed as a record so that adding a command to `Commands` without
 * listing it here is a compile error.
 */
const commandTable: Record<CommandName, true> = {
  'lab.snapshot': true,
  'board.restart': true,
  'board.remove': true,
  'board.inspect': true,
  'board.memoryMap': true,
  'board.mappingTree': true,
  'board.ipcTrace.start': true,
  'board.ipcTrace.stop': true,
  'board.ipcTrace.read': true,
  'vm.start': true,
  'vm.stop': true,
  'vm.restart': true,
  'console.input': true,
  'console.resize': true,
  'console.history': true,
  'vm.putFile': true,
  'display.watch': true,
  'display.input': true,
  'scenario.list': true,
  'scenario.read': true,
  'scenario.check': true,
  'scenario.save': true,
  'scenario.run': true,
}
const eventTable: Record<EventName, true> = {
  'lab.changed': true,
  'console.output': true,
  stats: true,
  'display.frame': true,
}

export const COMMAND_NAMES: readonly CommandName[] = Object.keys(commandTable) as CommandName[]
export const EVENT_NAMES: readonly EventName[] = Object.keys(eventTable) as EventName[]

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commandTable, name)
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(eventTable, name)
}

/** The result of a command as it travels: a value or a readable error. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: string }

/**
 * Validation of command arguments at the trust boundary (a browser tab or a
 * renderer process may send anything). Returns a message saying what is wrong,
 * or null when the arguments have the contract's shape.
 */
export function checkArgs(name: CommandName, args: unknown): string | null {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return `${name}: arguments must be an object`
  const a = args as Record<string, unknown>
  const str = (k: string) => (typeof a[k] === 'string' && (a[k] as string).length <= 256 ? null : `${name}: '${k}' must be a string`)
  const int = (k: string, lo: number, hi: number) =>
    Number.isInteger(a[k]) && (a[k] as number) >= lo && (a[k] as number) <= hi ? null : `${name}: '${k}' must be an integer in ${lo}..${hi}`
  const nat = (k: string) => (Number.isSafeInteger(a[k]) && (a[k] as number) >= 0 ? null : `${name}: '${k}' must be a non-negative integer`)
  switch (name) {
    case 'lab.snapshot':
      return null
    case 'board.restart':
    case 'board.remove':
    case 'board.inspect':
    case 'board.ipcTrace.start':
    case 'board.ipcTrace.stop':
      return str('board')
    case 'board.ipcTrace.read':
      return str('board') ?? nat('after')
    case 'board.memoryMap':
      return str('board') ?? nat('task')
    case 'board.mappingTree':
      return str('board') ?? nat('task') ?? nat('address')
    case 'vm.start':
    case 'vm.stop':
    case 'vm.restart':
    case 'console.history':
      return str('vm')
    case 'console.input':
      if (typeof a.data !== 'string' || a.data.length > 65536) return `${name}: 'data' must be a string of at most 64 KiB`
      return str('vm')
    case 'console.resize':
      return str('vm') ?? int('cols', 1, 1000) ?? int('rows', 1, 1000)
    case 'vm.putFile':
      if (typeof a.data !== 'string' || a.data.length > Math.ceil(DROP_PIECE_BYTES / 3) * 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(a.data))
        return `${name}: 'data' must be base64 of at most ${DROP_PIECE_BYTES / 1024} KiB`
      return str('vm') ?? str('name') ?? nat('offset')
    case 'display.watch':
      return typeof a.full === 'boolean' ? str('vm') : `${name}: 'full' must be a boolean`
    case 'display.input':
      return str('vm') ?? checkInputEvents(name, a.events)
    case 'scenario.list':
      return null
    case 'scenario.read':
      return str('id')
    case 'scenario.check':
    case 'scenario.save':
    case 'scenario.run':
      if (typeof a.source !== 'string' || a.source.length > SCENARIO_SOURCE_LIMIT) return `${name}: 'source' must be a string of at most ${SCENARIO_SOURCE_LIMIT / 1024} Ki characters`
      return str('name')
  }
}

/** Each event of `display.input`: its kind's fields, integers in the ranges the devices take. */
function checkInputEvents(name: CommandName, events: unknown): string | null {
  if (!Array.isArray(events) || events.length > DISPLAY_INPUT_MAX) return `${name}: 'events' must be an array of at most ${DISPLAY_INPUT_MAX}`
  const within = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as Record<string, unknown> | null
    const ok =
      typeof e === 'object' && e !== null &&
      ((e.kind === 'key' && within(e.code, 1, 0x2ff) && typeof e.down === 'boolean') ||
        (e.kind === 'motion' && within(e.dx, -4096, 4096) && within(e.dy, -4096, 4096)) ||
        (e.kind === 'position' && within(e.x, 0, 4095) && within(e.y, 0, 4095)) ||
        (e.kind === 'wheel' && within(e.steps, -100, 100)))
    if (!ok) return `${name}: event ${i} must be a key (code 1..767, down), a motion (dx, dy within ±4096), a position (x, y in 0..4095) or a wheel (steps within ±100)`
  }
  return null
}

/** The application's channel names on Electron's IPC. */
export const IPC_COMMAND_CHANNEL = 'l4lab:command'
export const IPC_EVENT_CHANNEL = 'l4lab:event'

/**
 * The surface the Electron preload exposes as `window.l4lab`; the browser
 * transport implements the same interface over a WebSocket.
 */
export interface LabBridge {
  call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>>
  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void
}
