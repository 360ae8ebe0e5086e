/**
 * The engine host: one Node worker thread per board, all traffic through the
 * typed protocol in ./protocol. It implements every command of the UI
 * contract (the `handlers` table below must name them all, so a missing
 * handler is a compile error) and turns worker messages into contract events.
 *
 * A worker that dies — an exception out of the engine, or killed — marks its
 * board "crashed" with the error; every other board and the transports keep
 * running, and `board.restart` brings it back.
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
  KernelInspection,
  LabSnapshot,
  MappingView,
  MemoryMap,
  VmInfo,
  VmStats,
} from '../shared/contract'
import type { SessionSpec, VmDescriptor, VmFigures } from '../engine'
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
}

interface BoardSlot {
  config: BoardConfig
  info: BoardInfo
  worker: Worker | null
  /** Set while the host itself stops the worker, so its exit is no crash. */
  stopping: boolean
  nextRequest: number
  requests: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>
  figures: Map<string, VmFigures>
  previous: Map<string, { instructions: number | null; cpuTimeNs: number | null; at: number }>
  stats: Map<string, VmStats>
  ready: Promise<void>
}

type Handlers = { [K in CommandName]: (args: CommandArgs<K>) => Promise<CommandResult<K>> }

export class EngineHost {
  private readonly boards = new Map<string, BoardSlot>()
  private readonly emitter = new EventEmitter()
  private statsTimer: ReturnType<typeof setInterval> | null = null
  private disposed = false

  constructor(private readonly options: EngineHostOptions) {
    this.emitter.setMaxListeners(0)
    const seen = new Set<string>()
    for (const config of options.boards) {
      if (seen.has(config.id)) throw new Error(`board id ${config.id} given twice`)
      seen.add(config.id)
    }
  }

  /** Starts every board's worker. Resolves when all are ready or crashed. */
  async start(): Promise<void> {
    for (const config of this.options.boards) {
      const slot: BoardSlot = {
        config,
        info: { id: config.id, name: config.name, kind: config.spec.kind, scenario: config.scenario, state: 'starting', vms: [] },
        worker: null,
        stopping: false,
        nextRequest: 1,
        requests: new Map(),
        figures: new Map(),
        previous: new Map(),
        stats: new Map(),
        ready: Promise.resolve(),
      }
      this.boards.set(config.id, slot)
      this.spawn(slot)
    }
    this.statsTimer = setInterval(() => this.emitStats(), this.options.statsIntervalMs ?? 500)
    this.statsTimer.unref()
    await Promise.all([...this.boards.values()].map((b) => b.ready))
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
      const slot = this.board(board)
      await this.restart(slot)
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
    'vm.start': async ({ vm }) => this.control(vm, 'start'),
    'vm.stop': async ({ vm }) => this.control(vm, 'stop'),
    'vm.restart': async ({ vm }) => this.control(vm, 'restart'),
    'console.input': async ({ vm, data }) => {
      const { slot, name } = this.vm(vm)
      this.send(slot, { type: 'input', vm: name, data: new TextEncoder().encode(data) })
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
  }

  /**
   * Ends a board's worker abruptly, as a crash would: the board is reported
   * crashed. Used by tests and by the UI's fault injection; not a stop.
   */
  async kill(boardId: string): Promise<void> {
    const slot = this.board(boardId)
    await slot.worker?.terminate()
  }

  async restart(slot: BoardSlot): Promise<void> {
    await this.stopWorker(slot)
    slot.info = { ...slot.info, state: 'starting', error: undefined, vms: [] }
    this.changed()
    this.spawn(slot)
    await slot.ready
  }

  async dispose(): Promise<void> {
    this.disposed = true
    if (this.statsTimer) clearInterval(this.statsTimer)
    await Promise.all([...this.boards.values()].map((b) => this.stopWorker(b)))
    this.emitter.removeAllListeners()
  }

  private spawn(slot: BoardSlot): void {
    const worker = new Worker(this.options.workerUrl, { name: `board ${slot.config.id}` })
    slot.worker = worker
    slot.stopping = false
    slot.figures.clear()
    slot.previous.clear()
    slot.stats.clear()
    let settle!: () => void
    slot.ready = new Promise((resolve) => (settle = resolve))
    worker.on('message', (msg: FromWorker) => {
      if (slot.worker !== worker) return
      this.onMessage(slot, msg, settle)
    })
    worker.on('error', (err) => {
      if (slot.worker !== worker) return
      this.crashed(slot, err instanceof Error ? err.message : String(err))
      settle()
    })
    worker.on('exit', (code) => {
      if (slot.worker !== worker) return
      slot.worker = null
      if (!slot.stopping && slot.info.state !== 'crashed') this.crashed(slot, `engine worker exited (code ${code})`)
      settle()
    })
    this.send(slot, { type: 'start', spec: slot.config.spec })
  }

  private async stopWorker(slot: BoardSlot): Promise<void> {
    const worker = slot.worker
    if (!worker) return
    slot.stopping = true
    slot.worker = null
    this.failRequests(slot, 'board stopped')
    await worker.terminate()
  }

  private onMessage(slot: BoardSlot, msg: FromWorker, settle: () => void): void {
    switch (msg.type) {
      case 'ready':
        slot.info = { ...slot.info, kind: msg.kind, state: 'running', error: undefined, vms: this.vmInfos(slot, msg.vms) }
        this.changed()
        settle()
        break
      case 'vms':
        slot.info = { ...slot.info, vms: this.vmInfos(slot, msg.vms) }
        this.changed()
        break
      case 'console':
        this.emitter.emit('console.output', { vm: `${slot.config.id}/${msg.vm}`, data: msg.data })
        break
      case 'figures':
        this.takeFigures(slot, msg.figures, msg.at)
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
    this.changed()
  }

  private failRequests(slot: BoardSlot, why: string): void {
    for (const r of slot.requests.values()) r.reject(new Error(why))
    slot.requests.clear()
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
    }))
  }

  private takeFigures(slot: BoardSlot, figures: VmFigures[], at: number): void {
    for (const f of figures) {
      const prev = slot.previous.get(f.name)
      const dt = prev ? (at - prev.at) / 1000 : 0
      const ips = prev && dt > 0 && f.instructions !== null && prev.instructions !== null ? (f.instructions - prev.instructions) / dt : null
      const cpu = prev && dt > 0 && f.cpuTimeNs !== null && prev.cpuTimeNs !== null ? (f.cpuTimeNs - prev.cpuTimeNs) / 1e9 / dt : null
      slot.previous.set(f.name, { instructions: f.instructions, cpuTimeNs: f.cpuTimeNs, at })
      slot.stats.set(f.name, {
        vm: `${slot.config.id}/${f.name}`,
        uptimeMs: f.uptimeMs,
        instructionsPerSecond: ips === null ? null : Math.max(0, Math.round(ips)),
        cpuShare: cpu === null ? null : Math.min(1, Math.max(0, cpu)),
        memoryBytes: f.memoryBytes,
      })
    }
  }

  private emitStats(): void {
    const stats: VmStats[] = []
    for (const b of this.boards.values()) if (b.info.state === 'running') stats.push(...b.stats.values())
    this.emitter.emit('stats', { stats })
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
    if (!slot.worker) throw new Error(`board ${slot.config.id} is ${slot.info.state}`)
    slot.worker.postMessage(msg)
  }

  private request(slot: BoardSlot, request: WorkerRequest): Promise<unknown> {
    const id = slot.nextRequest++
    return new Promise((resolve, reject) => {
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
