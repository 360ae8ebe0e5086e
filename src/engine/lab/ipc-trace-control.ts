/**
 * The lab's switch for a board's IPC trace (kernel/ipc-trace.ts): on while
 * the UI's IPC view is open, off (no buffer, nothing recorded) otherwise.
 */
import { IpcTrace, type IpcTraceRead } from '../kernel/ipc-trace'
import type { Kernel } from '../kernel/kernel'

/** What a read hands the UI at most: the newest of them when more are new (the view shows fewer). */
export const IPC_TRACE_READ_MAX = 2000

export interface IpcTraceState extends IpcTraceRead {
  on: boolean
}

/** Starts the trace (a fresh ring: the buffer is allocated here, never on the IPC path) or stops it. */
export function setIpcTrace(k: Kernel, on: boolean): void {
  if (on && k.ipcTrace === null) k.ipcTrace = new IpcTrace()
  else if (!on) k.ipcTrace = null
}

export function readIpcTrace(k: Kernel, after: number): IpcTraceState {
  const t = k.ipcTrace
  return t ? { on: true, ...t.read(after, IPC_TRACE_READ_MAX) } : { on: false, records: [], next: 0, dropped: 0 }
}
