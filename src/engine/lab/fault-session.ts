/**
 * Fault-injection sessions: boards that misbehave the way a runaway engine
 * does, so that the host's defences are tested against the real engine
 * worker (src/host/engine-host.test.ts) rather than a stand-in.
 *
 * - `stall`: a start, stop or restart of its one VM blocks the worker's
 *   thread for `ms`, as a scenario script or a guest that runs on inside one
 *   slice does; the request stays unanswered meanwhile (a request, so that a
 *   test knows the worker is stuck before it asks anything more). The host
 *   should show the board as not responding, and running again after.
 * - `allocate`: every slice keeps more memory on the JavaScript heap and
 *   never lets go — what a scenario that grows Lua tables without end does.
 *   The worker's heap limit should end the worker, not the host.
 *
 * No lab configuration starts these; only tests do.
 */
import type { Session, SessionResult, SessionSink, SessionStatus, VmDescriptor, VmFigures } from './session'

export interface FaultSessionSpec {
  kind: 'fault'
  fault: 'stall' | 'allocate'
  /** How long `stall` blocks (default 3000). */
  ms?: number
}

/** What `allocate` adds per slice: small objects, so the heap (not ArrayBuffer memory) grows. */
const OBJECTS_PER_SLICE = 100_000

export class FaultSession implements Session {
  readonly kind = 'fault'
  private readonly hoard: { n: number; next: unknown }[][] = []

  constructor(
    private readonly spec: FaultSessionSpec,
    sink: SessionSink,
  ) {
    if (spec.fault !== 'stall' && spec.fault !== 'allocate') throw new Error(`fault session: unknown fault ${JSON.stringify(spec.fault)}`)
    void sink
  }

  status(): SessionStatus {
    return { state: 'running' }
  }

  vms(): readonly VmDescriptor[] {
    return [{ name: 'fault', color: 'r', state: 'running' }]
  }

  run(): number {
    if (this.spec.fault === 'stall') return Infinity
    const batch: { n: number; next: unknown }[] = []
    for (let i = 0; i < OBJECTS_PER_SLICE; i++) batch.push({ n: i, next: batch[i - 1] ?? null })
    this.hoard.push(batch)
    return 0
  }

  input(): SessionResult {
    return { ok: true }
  }

  resize(): SessionResult {
    return { ok: true }
  }

  control(): SessionResult {
    if (this.spec.fault !== 'stall') return { ok: false, error: 'this fault session does nothing on request' }
    // Blocks the thread as a slice that never ends would, without burning a CPU for it.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, this.spec.ms ?? 3000)
    return { ok: true }
  }

  history(): Uint8Array {
    return new Uint8Array(0)
  }

  figures(): VmFigures[] {
    return []
  }
}
