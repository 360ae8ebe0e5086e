/**
 * The engine's public entry: what a host (the engine worker, a CLI command,
 * a test) may create. Pure TypeScript; no Node, Electron or DOM.
 */
import type { Board, BoardSink } from './lab/board'
import { LoopbackBoard, type LoopbackBoardSpec } from './lab/loopback-board'
import { ScenarioBoard, type ScenarioBoardSpec } from './lab/scenario-board'

export type { Board, BoardSink, VmDescriptor, VmFigures, VmAction, BoardResult } from './lab/board'

export type BoardSpec = LoopbackBoardSpec | ScenarioBoardSpec

export interface EngineEnv {
  /** Milliseconds of wall time, for pacing and uptime of boards without virtual time. */
  now(): number
}

export function createBoard(spec: BoardSpec, sink: BoardSink, env: EngineEnv): Board {
  switch (spec?.kind) {
    case 'loopback':
      return new LoopbackBoard(spec, sink, env.now)
    case 'scenario':
      return new ScenarioBoard(spec, sink, env.now)
    default:
      throw new Error(`unknown board kind ${JSON.stringify((spec as { kind?: unknown })?.kind)}`)
  }
}
