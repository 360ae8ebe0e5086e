/**
 * The engine host: one Node worker thread per board, all traffic through the
 * typed protocol in ./protocol. It implements every command of the UI
 * contract (the `handlers` table below must name them all, so a missing
 * handler is a compile error) and turns worker messages into contract events.
 *
 * A worker that dies — an exception out of the engine, killed, or over its
 * heap limit — marks its board "crashed" with the error; every other board
 * and the transports keep running, and `board.restart` brings it back. The
 * heap limit is what keeps a runaway engine (a script growing tables without
 * end) from taking the whole process down with it.
 *
 * A board's lifecycle steps (start, restart, kill) run one after another,
 * so that a board has at most one worker however fast restarts come, and
 * every call is answered. A worker that stays silent (it posts figures twice
 * a second) while a request waits is stuck inside one slice: its board is
 * "not responding" until it answers again.
 */
import { Worker } from 'node:worker_threads'
import { EventEmitter } from 'node:events'
import type {
  BoardInfo,
  CommandArgs,
  CommandName,
  CommandResult,
  EventName,
  Events,
  IpcTraceView,
  KernelInspection,
  LabSnapshot,
  MappingView,
  MemoryMap,
  BoardStats,
  VmInfo,
  VmStats,
} from '../shared/contract'
import { sharedCoreModule, useHostBase64, type SessionSpec, type SessionStatus, type SharedCoreModule, type VmDescriptor, type VmFigures } from '../engine'
import { InputFlow } from './input-flow'
import { ScenarioLibrary } from './scenario-library'
import type { FromWorker, ToWorker, WorkerRequest } from './protocol'

export interface BoardConfig {
  id: string
  name: string
  spec: SessionSpec
  scenario?: string
}

export interface EngineHostOptions {
  /** The built engine worker (out/engine/worker.mjs). */
  workerUrl: URL
  boards: BoardConfig[]
  version: string
  /** Milliseconds between `stats` events. */
  statsIntervalMs?: number
  /** Each worker's JavaScript heap limit in MiB (old generation). */
  workerHeapMiB?: number
  /** How long a worker may stay silent, with a request unanswered, before its board is not responding. */
  unresponsiveMs?: number
  /** The scenario library the editor's commands use (default: the shipped scenarios and the user's folder). */
  scenarios?: ScenarioLibrary
}

/**
 * Room for the scenarios we run many times over (default.lua with a shell
 * session and busybox.lua run in a 16 MiB heap; guest RAM is wasm memory,
 * outside the heap), and far below what takes V8 down with the host (a
 * runaway scenario reached 4.3 GB).
 */
const WORKER_HEAP_MIB = 512
const YOUNG_GENERATION_MIB = 64
const UNRESPONSIVE_MS = 3000
const WATCH_INTERVAL_MS = 250

/** States in which the worker runs a session and should answer. */
const LIVE: ReadonlySet<BoardInfo['state']> = new Set(['booting', 'running', 'failed', 'not-responding'])

interface BoardSlot {
  config: BoardConfig
  info: BoardInfo
  worker: Worker | null
  /** Set while the host itself stops the worker, so its exit is no crash. */
  stopping: boolean
  nextRequest: number
  requests: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>
  figures: Map<string, VmFigures>
  /** Each VM's counters at the last figures, for the rates of the next. */
  previous: Map<string, { at: number; f: VmFigures; exits: number | null }>
  stats: Map<string, VmStats>
  /** The kernel's figures as a whole (null for boards without a kernel). */
  boardStats: BoardStats | null
  /** What the session last said of itself: its scenario booting, running or failed. */
  status: SessionStatus
  /** When the worker last sent anything (performance.now()). */
  heardAt: number
  /** When the host asked the silent worker for a ping (null: not since it last heard from it). */
  pingedAt: number | null
  /** The end of the board's queue of lifecycle steps; it never rejects. */
  lifecycle: Promise<void>
  /** A restart queued and not yet begun: restarts asked for meanwhile are answered by it. */
  queuedRestart: Promise<void> | null
  /** Console input on its way to each VM (by name), with back-pressure. */
  input: Map<string, InputFlow>
}

type Handlers = { [K in CommandName]: (args: CommandArgs<K>) => Promise<CommandResult<K>> }

/**
 * The AArch64 core, compiled once in this process and posted to every
 * worker: a worker then neither decodes nor compiles it, and its boards run
 * the code that earlier boards had V8 compile and tier up (a board added
 * from the scenario editor starts warm). Null when it cannot be made here:
 * each worker then compiles its own, as it does when the worker's build
 * embeds another core (adoptCoreModule checks).
 */
function coreForWorkers(): SharedCoreModule | null {
  try {
    useHostBase64((text) => new Uint8Array(Buffer.from(text, 'base64')))
    return sharedCoreModule()
  } catch {
    return null
  }
}

export class EngineHost {
  private readonly boards = new Map<string, BoardSlot>()
  private readonly emitter = new EventEmitter()
  private statsTimer: ReturnType<typeof setInterval> | null = null
  private watchTimer: ReturnType<typeof setInterval> | null = null
  private disposed = false
  /** Workers spawned and not yet exited, over all boards. */
  private live = 0
  private readonly scenarios: ScenarioLibrary

  constructor(private readonly options: EngineHostOptions) {
    this.emitter.setMaxListeners(0)
    this.scenarios = options.scenarios ?? new ScenarioLibrary()
    const seen = new Set<string>()
    for (const config of options.boards) {
      if (seen.has(config.id)) throw new Error(`board id ${config.id} given twice`)
      seen.add(config.id)
    }
  }

  /** Starts every board's worker. Resolves when all are ready or crashed. */
  async start(): Promise<void> {
    const starting: Promise<void>[] = []
    for (const config of this.options.boards) {
      const slot = this.addSlot(config)
      starting.push(this.lifecycle(slot, () => this.spawn(slot)))
    }
    this.statsTimer = setInterval(() => this.emitStats(), this.options.statsIntervalMs ?? 500)
    this.statsTimer.unref()
    this.watchTimer = setInterval(() => this.watch(), WATCH_INTERVAL_MS)
    this.watchTimer.unref()
    await Promise.all(starting)
  }

  /**
   * Adds a board to the running lab and starts it (scenario.run): the other
   * boards run on. Resolves when it is ready or has crashed.
   */
  async addBoard(config: BoardConfig): Promise<void> {
    if (this.disposed) throw new Error('the lab is shutting down')
    if (this.boards.has(config.id)) throw new Error(`board id ${config.id} given twice`)
    const slot = this.addSlot(config, true)
    this.changed()
    await this.lifecycle(slot, () => this.spawn(slot))
  }

  /**
   * Stops a board added by Run and takes it out of the lab: its worker ends
   * (with it the engine's memory for the board), requests and input waiting
   * for it fail, and the lab's snapshot no longer lists it. After the
   * board's earlier lifecycle steps, so a start under way ends first.
   */
  private remove(slot: BoardSlot): Promise<void> {
    if (!slot.info.removable) return Promise.reject(new Error(`board ${slot.config.id} is one the lab started with: only boards started by Run are removed`))
    return this.lifecycle(slot, async () => {
      if (this.boards.get(slot.config.id) !== slot) return
      await this.stopWorker(slot)
      for (const flow of slot.input.values()) flow.fail(`board ${slot.config.id} was removed`)
      slot.input.clear()
      this.boards.delete(slot.config.id)
      this.changed()
    })
  }

  private addSlot(config: BoardConfig, removable = false): BoardSlot {
    const slot: BoardSlot = {
      config,
      info: { id: config.id, name: config.name, kind: config.spec.kind, scenario: config.scenario, ...(removable ? { removable } : {}), state: 'starting', vms: [] },
      worker: null,
      stopping: false,
      nextRequest: 1,
      requests: new Map(),
      figures: new Map(),
      previous: new Map(),
      stats: new Map(),
      boardStats: null,
      status: { state: 'booting' },
      heardAt: 0,
      pingedAt: null,
      lifecycle: Promise.resolve(),
      queuedRestart: null,
      input: new Map(),
    }
    this.boards.set(config.id, slot)
    return slot
  }

  /** Engine workers alive now (spawned, not yet exited), for tests: at most one per board. */
  liveWorkers(): number {
    return this.live
  }

  on<K extends EventName>(name: K, listener: (payload: Events[K]) => void): () => void {
    this.emitter.on(name, listener)
    return () => this.emitter.off(name, listener)
  }

  snapshot(): LabSnapshot {
    return {
      version: this.options.version,
      boards: [...this.boards.values()].map((b) => ({ ...b.info, vms: b.info.vms.map((v) => ({ ...v })) })),
    }
  }

  /** Runs one contract command. Throws an Error with a readable message on failure. */
  command<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>> {
    const handler = this.handlers[name] as (a: CommandArgs<K>) => Promise<CommandResult<K>>
    return handler(args)
  }

  private readonly handlers: Handlers = {
    'lab.snapshot': async () => this.snapshot(),
    'board.restart': async ({ board }) => {
      await this.restart(this.board(board))
      return null
    },
    'board.remove': async ({ board }) => {
      await this.remove(this.board(board))
      return null
    },
    'board.inspect': async ({ board }) => {
      const slot = this.board(board)
      return (await this.request(slot, { op: 'inspect' })) as KernelInspection | null
    },
    'board.memoryMap': async ({ board, task }) => {
      const slot = this.board(board)
      return (await this.request(slot, { op: 'memoryMap', task })) as MemoryMap | null
    },
    'board.mappingTree': async ({ board, task, address }) => {
      const slot = this.board(board)
      return (await this.request(slot, { op: 'mappingTree', task, address })) as MappingView | null
    },
    'board.ipcTrace.start': async ({ board }) => {
      await this.request(this.board(board), { op: 'ipcTrace', on: true })
      return null
    },
    'board.ipcTrace.stop': async ({ board }) => {
      await this.request(this.board(board), { op: 'ipcTrace', on: false })
      return null
    },
    'board.ipcTrace.read': async ({ board, after }) => (await this.request(this.board(board), { op: 'readIpcTrace', after })) as IpcTraceView | null,
    'vm.start': async ({ vm }) => this.control(vm, 'start'),
    'vm.stop': async ({ vm }) => this.control(vm, 'stop'),
    'vm.restart': async ({ vm }) => this.control(vm, 'restart'),
    'console.input': async ({ vm, data }) => {
      const { slot, name } = this.vm(vm)
      let flow = slot.input.get(name)
      if (!flow) slot.input.set(name, (flow = new InputFlow(vm, (data) => this.send(slot, { type: 'input', vm: name, data }))))
      await flow.offer(new TextEncoder().encode(data), slot.info.state !== 'not-responding')
      return null
    },
    'console.resize': async ({ vm, cols, rows }) => {
      const { slot, name } = this.vm(vm)
      await this.request(slot, { op: 'resize', vm: name, cols, rows })
      return null
    },
    'console.history': async ({ vm }) => {
      const { slot, name } = this.vm(vm)
      return (await this.request(slot, { op: 'history', vm: name })) as Uint8Array
    },
    'display.watch': async ({ vm, full }) => {
      const { slot, name } = this.vm(vm)
      await this.request(slot, { op: 'watchDisplay', vm: name, full })
      return null
    },
    'display.input': async ({ vm, events }) => {
      const { slot, name } = this.vm(vm)
      await this.request(slot, { op: 'displayInput', vm: name, events })
      return null
    },
    'vm.putFile': async ({ vm, name: file, offset, data }) => {
      const { slot, name } = this.vm(vm)
      const bytes = new Uint8Array(Buffer.from(data, 'base64'))
      return (await this.request(slot, { op: 'putFile', vm: name, name: file, offset, data: bytes })) as { path: string }
    },
    'scenario.list': async () => this.scenarios.list(),
    'scenario.read': async ({ id }) => this.scenarios.read(id),
    'scenario.check': async ({ name, source }) => this.scenarios.check(name, source),
    'scenario.save': async ({ name, source }) => this.scenarios.save(name, source),
    'scenario.run': async ({ name, source }) => {
      const config = this.scenarios.boardFor(name, source, (id) => this.boards.has(id))
      await this.addBoard(config)
      return { board: config.id }
    },
  }

  /**
   * Ends a board's worker abruptly, as a crash would: the board is reported
   * crashed. Used by tests and by the UI's fault injection; not a stop.
   */
  kill(boardId: string): Promise<void> {
    const slot = this.board(boardId)
    return this.lifecycle(slot, async () => {
      await slot.worker?.terminate()
    })
  }

  /** Queues a restart; one that is queued and not yet begun answers the calls that come meanwhile. */
  private restart(slot: BoardSlot): Promise<void> {
    if (slot.queuedRestart) return slot.queuedRestart
    const restart = this.lifecycle(slot, async () => {
      slot.queuedRestart = null
      await this.stopWorker(slot)
      slot.info = { ...slot.info, state: 'starting', error: undefined, vms: [], boot: undefined }
      this.changed()
      await this.spawn(slot)
    })
    slot.queuedRestart = restart
    return restart
  }

  /** Runs `step` after the board's earlier lifecycle steps have ended, however they ended. */
  private lifecycle(slot: BoardSlot, step: () => Promise<void>): Promise<void> {
    const run = slot.lifecycle.then(step)
    slot.lifecycle = run.catch(() => {})
    return run
  }

  async dispose(): Promise<void> {
    this.disposed = true
    if (this.statsTimer) clearInterval(this.statsTimer)
    if (this.watchTimer) clearInterval(this.watchTimer)
    await Promise.all([...this.boards.values()].map((b) => this.stopWorker(b)))
    // A step under way ends with the worker it waited for; queued ones refuse to spawn.
    await Promise.all([...this.boards.values()].map((b) => b.lifecycle))
    this.emitter.removeAllListeners()
  }

  /** Starts the board's worker; resolves when it is ready, or has failed or exited. */
  private spawn(slot: BoardSlot): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('the lab is shutting down'))
    const heapMiB = this.options.workerHeapMiB ?? WORKER_HEAP_MIB
    const worker = new Worker(this.options.workerUrl, {
      name: `board ${slot.config.id}`,
      workerData: { core: coreForWorkers() },
      resourceLimits: { maxOldGenerationSizeMb: heapMiB, maxYoungGenerationSizeMb: Math.min(YOUNG_GENERATION_MIB, heapMiB) },
    })
    this.live++
    slot.worker = worker
    slot.stopping = false
    slot.heardAt = performance.now()
    slot.pingedAt = null
    slot.figures.clear()
    slot.previous.clear()
    slot.stats.clear()
    slot.boardStats = null
    // Input for the worker before this one is not for this one.
    for (const flow of slot.input.values()) flow.fail(`board ${slot.config.id} started again`)
    slot.input.clear()
    let settle!: () => void
    const ready = new Promise<void>((resolve) => (settle = resolve))
    worker.on('message', (msg: FromWorker) => {
      if (slot.worker !== worker) return
      slot.heardAt = performance.now()
      slot.pingedAt = null
      this.onMessage(slot, msg)
      if (msg.type === 'ready') settle()
    })
    // Whoever waits for this worker hears of its end, even when the board has moved on to another.
    worker.on('error', (err) => {
      settle()
      if (slot.worker !== worker) return
      this.crashed(slot, workerError(err, heapMiB))
    })
    worker.on('exit', (code) => {
      this.live--
      settle()
      if (slot.worker !== worker) return
      slot.worker = null
      if (!slot.stopping && slot.info.state !== 'crashed') this.crashed(slot, `engine worker exited (code ${code})`)
    })
    this.send(slot, { type: 'start', spec: slot.config.spec })
    return ready
  }

  private async stopWorker(slot: BoardSlot): Promise<void> {
    const worker = slot.worker
    if (!worker) return
    slot.stopping = true
    slot.worker = null
    this.failRequests(slot, 'board stopped')
    await worker.terminate()
  }

  private onMessage(slot: BoardSlot, msg: FromWorker): void {
    if (slot.info.state === 'not-responding') {
      // It answers again: back to what its session last said.
      this.applyStatus(slot)
      this.changed()
    }
    switch (msg.type) {
      case 'ready':
        slot.status = msg.status
        slot.info = { ...slot.info, kind: msg.kind, vms: this.vmInfos(slot, msg.vms) }
        this.applyStatus(slot)
        this.changed()
        break
      case 'status':
        slot.status = msg.status
        if (LIVE.has(slot.info.state)) {
          this.applyStatus(slot)
          this.changed()
        }
        break
      case 'boot':
        slot.info = { ...slot.info, boot: msg.phases }
        this.changed()
        break
      case 'vms':
        slot.info = { ...slot.info, vms: this.vmInfos(slot, msg.vms) }
        this.changed()
        break
      case 'inputTaken':
        slot.input.get(msg.vm)?.taken(msg.bytes)
        break
      case 'display':
        this.emitter.emit('display.frame', { vm: `${slot.config.id}/${msg.vm}`, data: msg.frame })
        break
      case 'console':
        this.emitter.emit('console.output', { vm: `${slot.config.id}/${msg.vm}`, data: msg.data })
        break
      case 'figures':
        this.takeFigures(slot, msg.figures, msg.at)
        slot.boardStats = msg.board && { board: slot.config.id, ...msg.board }
        break
      case 'reply': {
        const r = slot.requests.get(msg.id)
        if (!r) break
        slot.requests.delete(msg.id)
        if (msg.ok) r.resolve(msg.value)
        else r.reject(new Error(msg.error))
        break
      }
      case 'fatal':
        this.crashed(slot, msg.error)
        break
    }
  }

  /** The board's state from its session's status (booting, running, failed with the script's error). */
  private applyStatus(slot: BoardSlot): void {
    const s = slot.status
    slot.info = { ...slot.info, state: s.state, error: s.state === 'failed' ? s.error : undefined }
  }

  /**
   * Looks for stuck workers: one silent for half the limit is asked for a
   * ping; one still silent at the limit, its ping unanswered for half the
   * limit, is stuck inside a slice. (The ping's age matters: after the host
   * itself was busy, the worker's messages wait in the port, and a ping sent
   * now is answered before the next look.) Its waiting requests fail, so no
   * caller hangs on it.
   */
  private watch(): void {
    const limit = this.options.unresponsiveMs ?? UNRESPONSIVE_MS
    const now = performance.now()
    for (const slot of this.boards.values()) {
      if (!slot.worker || !LIVE.has(slot.info.state)) continue
      const silent = now - slot.heardAt
      if (silent < limit / 2) continue
      if (slot.pingedAt === null) {
        slot.pingedAt = now
        this.request(slot, { op: 'ping' }).catch(() => {})
      } else if (silent >= limit && now - slot.pingedAt >= limit / 2 && slot.info.state !== 'not-responding') {
        this.failRequests(slot, `board ${slot.config.id} is not responding`)
        slot.info = { ...slot.info, state: 'not-responding', error: `its engine has not answered for ${Math.round(silent / 1000)} s: a script or a guest may be running without end` }
        this.changed()
      }
    }
  }

  private crashed(slot: BoardSlot, error: string): void {
    if (this.disposed) return
    this.failRequests(slot, `board ${slot.config.id} crashed: ${error}`)
    slot.info = {
      ...slot.info,
      state: 'crashed',
      error,
      vms: slot.info.vms.map((v) => ({ ...v, state: 'crashed', detail: 'the board crashed' })),
    }
    slot.stats.clear()
    slot.boardStats = null
    this.changed()
  }

  private failRequests(slot: BoardSlot, why: string): void {
    for (const r of slot.requests.values()) r.reject(new Error(why))
    slot.requests.clear()
    for (const flow of slot.input.values()) flow.fail(why)
  }

  private vmInfos(slot: BoardSlot, vms: VmDescriptor[]): VmInfo[] {
    return vms.map((v) => ({
      id: `${slot.config.id}/${v.name}`,
      board: slot.config.id,
      name: v.name,
      state: v.state,
      color: v.color,
      detail: v.detail,
      system: v.system,
      ...(v.display && { display: { ...v.display } }),
    }))
  }

  /**
   * Turns a board's counters into the figures the UI shows: rates over the
   * period since the last figures. A counter that went down (its VM was
   * started again) gives 0 for that period, not a negative rate.
   */
  private takeFigures(slot: BoardSlot, figures: VmFigures[], at: number): void {
    for (const f of figures) {
      const prev = slot.previous.get(f.name)
      const p = prev?.f
      const dt = prev ? (at - prev.at) / 1000 : 0
      const ips = p && dt > 0 && f.instructions !== null && p.instructions !== null ? (f.instructions - p.instructions) / dt : null
      const cpu = p && dt > 0 && f.cpuTimeNs !== null && p.cpuTimeNs !== null ? (f.cpuTimeNs - p.cpuTimeNs) / 1e9 / dt : null
      const exits = f.vmExits ? Object.values(f.vmExits).reduce((a, b) => a + b, 0) : null
      const rate = (now: number | null | undefined, before: number | null | undefined) =>
        dt > 0 && typeof now === 'number' && typeof before === 'number' ? Math.max(0, Math.round((now - before) / dt)) : undefined
      slot.previous.set(f.name, { at, f, exits })
      slot.stats.set(f.name, {
        vm: `${slot.config.id}/${f.name}`,
        uptimeMs: f.uptimeMs,
        instructionsPerSecond: ips === null ? null : Math.max(0, Math.round(ips)),
        cpuShare: cpu === null ? null : Math.min(1, Math.max(0, cpu)),
        memoryBytes: f.memoryBytes,
        memoryLimitBytes: f.memoryLimitBytes,
        kernelMemory: f.kernelMemory,
        ipcsPerSecond: f.ipcs === null ? null : (rate(f.ipcs, p?.ipcs) ?? 0),
        consoleBytesPerSecond: { out: rate(f.consoleBytes.out, p?.consoleBytes.out) ?? 0, in: rate(f.consoleBytes.in, p?.consoleBytes.in) ?? 0 },
        ...(f.pageFaults !== undefined && { pageFaultsPerSecond: rate(f.pageFaults, p?.pageFaults) ?? 0 }),
        ...(f.syscalls !== undefined && { syscallsPerSecond: rate(f.syscalls, p?.syscalls) ?? 0 }),
        ...(f.interrupts !== undefined && { interruptsPerSecond: rate(f.interrupts, p?.interrupts) ?? 0 }),
        ...(f.diskBytes && { diskBytesPerSecond: { read: rate(f.diskBytes.read, p?.diskBytes?.read) ?? 0, written: rate(f.diskBytes.written, p?.diskBytes?.written) ?? 0 } }),
        ...(f.vmExits && { exitsByKind: f.vmExits, exitsPerSecond: rate(exits, prev?.exits) ?? 0 }),
      })
    }
  }

  private emitStats(): void {
    const stats: VmStats[] = []
    const boards: BoardStats[] = []
    for (const b of this.boards.values()) {
      if (!LIVE.has(b.info.state) || b.info.state === 'not-responding') continue
      stats.push(...b.stats.values())
      if (b.boardStats) boards.push(b.boardStats)
    }
    this.emitter.emit('stats', { stats, boards })
  }

  private changed(): void {
    this.emitter.emit('lab.changed', this.snapshot())
  }

  private board(id: string): BoardSlot {
    const slot = this.boards.get(id)
    if (!slot) throw new Error(`no board named ${id}`)
    return slot
  }

  private vm(id: string): { slot: BoardSlot; name: string } {
    const slash = id.indexOf('/')
    if (slash < 0) throw new Error(`VM ids have the form board/vm, not ${JSON.stringify(id)}`)
    const slot = this.board(id.slice(0, slash))
    const name = id.slice(slash + 1)
    if (!slot.info.vms.some((v) => v.name === name)) throw new Error(`board ${slot.config.id} has no VM named ${name}`)
    return { slot, name }
  }

  private async control(vm: string, action: 'start' | 'stop' | 'restart'): Promise<null> {
    const { slot, name } = this.vm(vm)
    await this.request(slot, { op: 'control', vm: name, action })
    return null
  }

  private send(slot: BoardSlot, msg: ToWorker): void {
    // A crashed worker may not have exited yet; nothing sent to it would be answered.
    if (!slot.worker || slot.info.state === 'crashed') throw new Error(`board ${slot.config.id} is ${slot.info.state}`)
    slot.worker.postMessage(msg)
  }

  private request(slot: BoardSlot, request: WorkerRequest): Promise<unknown> {
    const id = slot.nextRequest++
    return new Promise((resolve, reject) => {
      if (slot.info.state === 'not-responding' && request.op !== 'ping') return reject(new Error(`board ${slot.config.id} is not responding`))
      slot.requests.set(id, { resolve, reject })
      try {
        this.send(slot, { type: 'request', id, request })
      } catch (e) {
        slot.requests.delete(id)
        reject(e as Error)
      }
    })
  }
}

/** A worker's error as the board shows it; the heap limit's own message says "out of memory". */
function workerError(err: unknown, heapMiB: number): string {
  if ((err as { code?: unknown })?.code === 'ERR_WORKER_OUT_OF_MEMORY') return `out of memory: the engine needed more than its ${heapMiB} MiB heap, and its worker was ended`
  return err instanceof Error ? err.message : String(err)
}
