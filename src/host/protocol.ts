/**
 * The typed message protocol between the engine host (main thread) and one
 * engine worker (one board). Console bytes travel as Uint8Array (structured
 * clone, no JSON); everything else is plain data.
 */
import type { BoardFigures, BootPhase, DisplayInputEvent, SessionSpec, SessionStatus, VmAction, VmDescriptor, VmFigures } from '../engine'

export type ToWorker =
  | { type: 'start'; spec: SessionSpec }
  | { type: 'input'; vm: string; data: Uint8Array }
  | { type: 'request'; id: number; request: WorkerRequest }

export type WorkerRequest =
  | { op: 'control'; vm: string; action: VmAction }
  | { op: 'resize'; vm: string; cols: number; rows: number }
  | { op: 'history'; vm: string }
  | { op: 'inspect' }
  | { op: 'memoryMap'; task: number }
  | { op: 'mappingTree'; task: number; address: number }
  | { op: 'putFile'; vm: string; name: string; offset: number; data: Uint8Array }
  | { op: 'watchDisplay'; vm: string; full: boolean }
  | { op: 'displayInput'; vm: string; events: DisplayInputEvent[] }
  | { op: 'ipcTrace'; on: boolean }
  | { op: 'readIpcTrace'; after: number }
  /** Answered at once: the host asks when it has heard nothing for a while (is the worker stuck?). */
  | { op: 'ping' }

export type FromWorker =
  | { type: 'ready'; kind: string; vms: VmDescriptor[]; status: SessionStatus }
  | { type: 'status'; status: SessionStatus }
  /** The boot's phases changed (scenario boards, while they boot). */
  | { type: 'boot'; phases: BootPhase[] }
  | { type: 'vms'; vms: VmDescriptor[] }
  | { type: 'console'; vm: string; data: Uint8Array }
  /** A watched display's changes (devices/display.ts's encoding), its buffer transferred. */
  | { type: 'display'; vm: string; frame: Uint8Array }
  /** The board has taken `bytes` of console input for `vm` (queued or refused): the host's count of input on its way goes down. */
  | { type: 'inputTaken'; vm: string; bytes: number }
  /** Twice a second: each VM's counters since start, and the kernel's as a whole (sessions with a kernel). */
  | { type: 'figures'; figures: VmFigures[]; board: BoardFigures | null; at: number }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string }
  | { type: 'fatal'; error: string }
