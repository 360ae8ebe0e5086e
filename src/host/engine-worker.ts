/**
 * The engine worker: one board per worker thread. It owns the board, runs it
 * in slices so that messages from the host are never kept waiting, coalesces
 * console output, and reports figures twice a second — the host takes their
 * silence as a sign that a slice never ended (the board is not responding).
 * An exception out of the engine ends the worker; the host reports the board
 * as crashed.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { adoptCoreModule, createSession, useHostBase64, type Session } from '../engine'
import type { FromWorker, ToWorker, WorkerRequest } from './protocol'
import { IPC_TRACE_LEASE_MS } from '../shared/contract'

const port = parentPort
if (!port) throw new Error('engine-worker must run in a worker thread')
// Node's native decoder for the core's embedded wasm: the engine's own loop runs cold in every new worker.
useHostBase64((text) => new Uint8Array(Buffer.from(text, 'base64')))
// The core the host compiled (engine-host.ts coreForWorkers), when it is this build's.
adoptCoreModule((workerData as { core?: unknown } | null)?.core)

const SLICE_MS = 10
const FLUSH_MS = 8
const FIGURES_MS = 500
/** Watched displays are sampled at most this often (≤ 60 Hz); nothing runs while none is watched. */
const DISPLAY_MS = 16
/**
 * Sampling (compare, encode, post) takes at most this share of the worker's
 * time: after a sample that took d ms the next waits d / share, so on a busy
 * machine the frame rate drops before the guests' share of the CPU does.
 */
const DISPLAY_SHARE = 0.15

/** The board's engine: the session it runs. */
let board: Session | null = null
/**
 * Console output not yet posted, per VM: one buffer that grows by doubling,
 * so that a guest's burst (a 500-byte Vcon write at a time) costs a copy into
 * it and no allocation; a flush posts one exact copy and transfers it.
 */
const pending = new Map<string, { buf: Uint8Array; used: number }>()
let flushTimer: ReturnType<typeof setTimeout> | null = null
let runTimer: ReturnType<typeof setTimeout> | null = null
let displayTimer: ReturnType<typeof setTimeout> | null = null

/** Posts what changed on watched displays; stops when a sample finds none watched (a watch starts it again). */
function sampleDisplays(): void {
  displayTimer = null
  if (!board?.displayFrames) return
  const t0 = performance.now()
  const frames = board.displayFrames()
  for (const { vm, frame } of frames) port!.postMessage({ type: 'display', vm, frame } satisfies FromWorker, [frame.buffer as ArrayBuffer])
  if (frames.length === 0 && !board.watchingDisplays?.()) return
  displayTimer = setTimeout(sampleDisplays, Math.max(DISPLAY_MS, (performance.now() - t0) / DISPLAY_SHARE))
}
/** When the IPC trace was last started or read: a trace nobody reads is stopped (IPC_TRACE_LEASE_MS). */
let traceReadAt = 0

function post(msg: FromWorker): void {
  port!.postMessage(msg)
}

function flush(): void {
  flushTimer = null
  for (const [vm, p] of pending) {
    if (p.used === 0) continue
    const data = p.buf.slice(0, p.used)
    p.used = 0
    // Transferred, not cloned: the bytes cross to the host without a second copy.
    port!.postMessage({ type: 'console', vm, data } satisfies FromWorker, [data.buffer])
  }
}

function queueOutput(vm: string, data: Uint8Array): void {
  let p = pending.get(vm)
  if (!p) pending.set(vm, (p = { buf: new Uint8Array(Math.max(4096, data.length)), used: 0 }))
  if (p.used + data.length > p.buf.length) {
    const grown = new Uint8Array(Math.max(p.buf.length * 2, p.used + data.length))
    grown.set(p.buf.subarray(0, p.used))
    p.buf = grown
  }
  // A copy: the board may reuse its buffer.
  p.buf.set(data, p.used)
  p.used += data.length
  if (flushTimer === null) flushTimer = setTimeout(flush, FLUSH_MS)
}

function schedule(delayMs: number): void {
  if (runTimer !== null || !Number.isFinite(delayMs)) return
  runTimer = setTimeout(runSlice, Math.max(0, delayMs))
}

function runSlice(): void {
  runTimer = null
  if (!board) return
  schedule(board.run(SLICE_MS))
}

async function handle(req: WorkerRequest): Promise<unknown> {
  if (req.op === 'ping') return null
  if (!board) throw new Error('board not started')
  switch (req.op) {
    case 'control': {
      const answer = board.control(req.vm, req.action)
      // The board may need to run before it can answer (a guest starts the VM).
      schedule(0)
      const r = await answer
      if (!r.ok) throw new Error(r.error)
      return null
    }
    case 'resize': {
      const r = board.resize(req.vm, req.cols, req.rows)
      if (!r.ok) throw new Error(r.error)
      return null
    }
    case 'history':
      flush()
      return board.history(req.vm)
    case 'inspect':
      return board.inspect ? board.inspect() : null
    case 'memoryMap':
      return board.memoryMap ? board.memoryMap(req.task) : null
    case 'mappingTree':
      return board.mappingTree ? board.mappingTree(req.task, req.address) : null
    case 'watchDisplay': {
      if (!board.watchDisplay) throw new Error(`a ${board.kind} board has no displays`)
      const r = board.watchDisplay(req.vm, req.full)
      if (!r.ok) throw new Error(r.error)
      if (displayTimer === null) displayTimer = setTimeout(sampleDisplays, DISPLAY_MS)
      return null
    }
    case 'displayInput': {
      if (!board.displayInput) throw new Error(`a ${board.kind} board has no displays`)
      const r = board.displayInput(req.vm, req.events)
      if (!r.ok) throw new Error(r.error)
      schedule(0)
      return null
    }
    case 'ipcTrace':
      if (!board.ipcTrace) throw new Error(`a ${board.kind} board has no kernel to trace`)
      board.ipcTrace(req.on)
      traceReadAt = performance.now()
      return null
    case 'readIpcTrace':
      traceReadAt = performance.now()
      return board.readIpcTrace ? board.readIpcTrace(req.after) : null
    case 'putFile': {
      if (!board.putFile) throw new Error(`a ${board.kind} board has no VM that takes files`)
      const r = board.putFile(req.vm, req.name, req.offset, req.data)
      if (!r.ok) throw new Error(r.error)
      return { path: r.path }
    }
  }
}

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'start': {
      board = createSession(
        msg.spec,
        {
          consoleOutput: queueOutput,
          vmsChanged(vms) {
            if (board) post({ type: 'vms', vms: [...vms] })
          },
          statusChanged(status) {
            post({ type: 'status', status })
          },
          bootProgress(phases) {
            post({ type: 'boot', phases })
          },
        },
        { now: () => performance.now() },
      )
      post({ type: 'ready', kind: board.kind, vms: [...board.vms()], status: board.status() })
      setInterval(() => {
        if (board) post({ type: 'figures', figures: board.figures(), board: board.boardFigures?.() ?? null, at: performance.now() })
        // A view that went away without stopping its trace (a closed tab, a lost connection) leaves it unread.
        if (board?.ipcTrace && performance.now() - traceReadAt > IPC_TRACE_LEASE_MS) board.ipcTrace(false)
      }, FIGURES_MS).unref()
      schedule(0)
      break
    }
    case 'input': {
      if (!board) return
      const r = board.input(msg.vm, msg.data)
      post({ type: 'inputTaken', vm: msg.vm, bytes: msg.data.length })
      if (!r.ok) post({ type: 'console', vm: msg.vm, data: new TextEncoder().encode(`\r\n[l4lab: ${r.error}]\r\n`) })
      schedule(0)
      break
    }
    case 'request': {
      handle(msg.request).then(
        (value) => post({ type: 'reply', id: msg.id, ok: true, value }),
        (e: unknown) => post({ type: 'reply', id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
      )
      break
    }
  }
})
