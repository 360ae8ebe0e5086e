/**
 * lx's file layer, in two parts:
 *
 * - vfs/ — the VFS as a library: the mount table and path walk (vfs.ts),
 *   the file systems (ramfs/tmpfs, devfs, procfs, hostfs, initramfs),
 *   pipes, the N_TTY line discipline, errno. It knows nothing of lx: no
 *   processes, no system calls, no registers, so it is tested on its own
 *   against Linux (vfs-linux, tty-linux) and used by the host's hostfs port
 *   and its tests. It stays a folder of its own, below this one, so that
 *   the rule "vfs/ imports nothing from fs/, core/ or arch/" is one
 *   directory boundary, visible in every import path.
 * - this folder — lx's side of files: the system calls on descriptors,
 *   paths, attributes, reads and writes, polling (*-calls.ts, rw.ts,
 *   poll.ts), the descriptor table, the console's link to lx's log, and
 *   the host's standard streams for `l4lab exec`.
 *
 * What the rest of lx and the engine's face (src/engine/index.ts) take from
 * here is re-exported below.
 */
export { LxFiles } from './files'
export { FdTable } from './fdtable'
export { LogConsole } from './console'
export { HostInput, HostOutput, StdinBuffer, StreamFs, type HostStreamInfo, type StdioPort } from './host-stdio'
export { HostFs, type HostDirEntry, type HostFsPort, type HostStat } from './vfs/hostfs'
export type { StatFs } from './vfs/types'
export { errnoFromName } from './vfs/errno'
