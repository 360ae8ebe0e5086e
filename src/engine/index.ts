/**
 * The engine's public entry: everything a shell (the engine worker, the CLI,
 * the Electron main process) may use of the engine, and nothing else (lint
 * enforces it). Pure TypeScript; no Node, Electron or DOM.
 *
 * - Sessions: the software a board runs, one per engine worker — a scenario
 *   on the L4Re base system, or the loopback consoles — created from a spec.
 * - `l4lab exec`: the exec session, with the ports through which the host
 *   lends its files and standard streams to lx.
 * - The interface of a virtio block disk, which the host implements over a file.
 * - Formats and figures the host needs: cpio (the busybox rootfs image),
 *   Linux errno names (the host file system's errors), the benchmarks.
 */
import type { Session, SessionSink } from './lab/session'
import { LoopbackSession, type LoopbackSessionSpec } from './lab/loopback-session'
import { ScenarioSession, type ScenarioSessionSpec } from './lab/scenario-session'
import { FaultSession, type FaultSessionSpec } from './lab/fault-session'

export type { BoardFigures, BootPhase, Session, SessionSink, SessionStatus, VmDescriptor, VmFigures, VmAction, VmRunState, SessionResult, SessionWallTime, TaskWallTime, DisplayInputEvent } from './lab/session'
export { CONSOLE_INPUT_LIMIT } from './lab/input-queue'
export type { LoopbackSessionSpec, ScenarioSessionSpec, FaultSessionSpec }

/** What a board runs; `fault` sessions misbehave on purpose, for the host's tests. */
export type SessionSpec = LoopbackSessionSpec | ScenarioSessionSpec | FaultSessionSpec

export interface EngineEnv {
  /** Milliseconds of wall time, for pacing and uptime of sessions without virtual time. */
  now(): number
  /** Measure where the session's host time goes, by task (`l4lab bench boot`): a clock read per kernel step. */
  measureWall?: boolean
}

export function createSession(spec: SessionSpec, sink: SessionSink, env: EngineEnv): Session {
  switch (spec?.kind) {
    case 'loopback':
      return new LoopbackSession(spec, sink, env.now)
    case 'scenario':
      return new ScenarioSession(spec, sink, env.now, env.measureWall ?? false)
    case 'fault':
      return new FaultSession(spec, sink)
    default:
      throw new Error(`unknown session kind ${JSON.stringify((spec as { kind?: unknown })?.kind)}`)
  }
}

// The scenario editor's check (src/host/scenario-library.ts).
export { checkScenarioForBoard, type ScenarioDiagnostic } from './lab/scenario-check'
// Board files (src/host/board-files.ts): their check, and the shipped boards they may extend.
export { checkBoardFile, boardFileError, BOARD_FILE_NAME, BOARD_LIMITS, type BoardDiagnostic, type BoardFileResult } from './boards/board-file'
export { shippedBoard } from './boards/shipped'
export type { BoardDescriptor } from './boards/descriptor'

// `l4lab exec` and the host's files for lx (also the face of their own, ./exec.ts, that leaves ned out).
export * from './exec'
export { VmSession, type VmSessionOptions, type VmOutcome } from './lab/vm-session'
export type { RomFile } from './apps/uvmm/devices'
export type UvmmVmFigures = ReturnType<import('./apps/uvmm/vm').UvmmVm['figures']>

// virtio block disks the host provides (src/host/file-backend.ts).
export type { BlockBackend } from './virtio/block-backend'

// The compiled AArch64 core, shared by the engine host with its workers.
export { adoptCoreModule, sharedCoreModule, type SharedCoreModule } from './cpu/aarch64/aarch64-core'

// Formats the host builds guest images with.
export { writeCpio, type CpioEntry } from './formats/cpio'

// Benchmarks (`l4lab bench`).
export { runIpcBench } from './bench/ipc-bench'
export { runCpuBench, type CpuBenchResult } from './bench/cpu-bench'
export { runCpuBenchX86 } from './bench/cpu-bench-x86'
