/**
 * The engine's second public entry, for `l4lab exec` and the host's file
 * system port: lx on its exec board, without ned. A shell that imports only
 * this face is bundled without fengari (ned's Lua), whose modules cost an
 * exec process about 0.1 s of CPU to load before the program's first
 * instruction (esbuild cannot drop a package's import from a module it
 * bundles, so only a face that never reaches ned keeps it out). index.ts
 * re-exports all of this. Pure TypeScript; no Node, Electron or DOM.
 */
export { ExecSession, type ExecSessionOptions, type ExecOutcome } from './lab/exec-session'
export type { LxHostPorts } from './apps/lx/program'
export { describeExecFailure, type ExecFailure } from './apps/lx/core/exec-failure'
export { StdinBuffer, type HostStreamInfo, type StdioPort, HostFs, type HostDirEntry, type HostFsPort, type HostStat, type StatFs, errnoFromName } from './apps/lx/fs'

// The host's native base64 decoder for the binaries the build embeds as text (the cores, ned's prelude).
export { useHostBase64 } from './util/base64'
