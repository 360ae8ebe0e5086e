/**
 * Which host files `l4lab exec` shows its program, as lx's host ports: the
 * host's "/" (read-only unless writable), under lx's private in-memory
 * /tmp, with the host directories the program cannot do without mounted
 * over it at their own paths. Those are the directory it runs in and the
 * one it is in: for each that lies in /tmp, the whole top directory
 * /tmp/NAME (a project checked out there keeps its neighbours, as the
 * test suite does); when either is /tmp itself, the host's /tmp is shown
 * entire, since nothing smaller would hold them. The CLI and tests that
 * run a program as exec does take their trees from here.
 */
import { dirname } from 'node:path'
import { HostFs } from '../engine/exec'
import { NodeHostFs } from './host-fs'

export interface ExecTrees {
  /** For ExecSession's `ports`. */
  rootFs: () => HostFs
  binds: { path: string; fs: () => HostFs }[]
  /** Closes every host descriptor the trees hold. */
  close(): void
}

/** The directories to show from the host over the private /tmp, for a program at `program` run in `cwd` (absolute paths). */
export function execBinds(cwd: string, program: string): string[] {
  const binds = new Set<string>()
  for (const dir of [cwd, dirname(program)]) {
    if (dir === '/tmp') return ['/tmp']
    const m = /^\/tmp\/[^/]+/.exec(dir)
    if (m) binds.add(m[0])
  }
  return [...binds]
}

/** The host trees for a program at `program` run in `cwd`, or why they cannot be had (one line). */
export function execTrees(o: { cwd: string; program: string; writable: boolean; notice?: (line: string) => void }): ExecTrees | string {
  const ports: { path: string; port: NodeHostFs }[] = []
  for (const root of ['/', ...execBinds(o.cwd, o.program)]) {
    const port = NodeHostFs.open({ root, writable: o.writable, notice: o.notice })
    if (typeof port !== 'string') ports.push({ path: root, port })
    else if (root === '/') return port
    // A directory in /tmp that is not there (a program path that names nothing) is not shown: lx then says ENOENT.
  }
  const opts = { writable: o.writable }
  return {
    rootFs: () => new HostFs(ports[0].port, opts),
    binds: ports.slice(1).map((t) => ({ path: t.path, fs: () => new HostFs(t.port, opts) })),
    close: () => {
      for (const t of ports) t.port.close()
    },
  }
}
