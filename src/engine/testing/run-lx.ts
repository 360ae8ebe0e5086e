/**
 * Test driver: runs a program under lx on an exec board with our root
 * file system image, collecting its stdout, stderr and exit status.
 */
import { ExecSession } from '../lab/exec-session'
import { StdinBuffer } from '../apps/lx/fs/host-stdio'
import { writeCpio } from '../formats/cpio'

/**
 * A root file system image with more files: a second archive after it (at a
 * 4-byte boundary), as initramfs allows. A mode without file-type bits is a
 * regular file's.
 */
export function withFiles(rootfs: Uint8Array, files: Record<string, [string | Uint8Array, number]>): Uint8Array {
  const enc = new TextEncoder()
  const extra = writeCpio(Object.entries(files).map(([name, [data, mode]]) => ({ name, mode: mode & 0o170000 ? mode : 0o100000 | mode, data: typeof data === 'string' ? enc.encode(data) : data })))
  const at = Math.ceil(rootfs.length / 4) * 4
  const all = new Uint8Array(at + extra.length)
  all.set(rootfs)
  all.set(extra, at)
  return all
}

export interface LxRun {
  stdout: string
  stderr: string
  status: number | null
  log: string
  board: ExecSession
}

const dec = new TextDecoder()

export function runLx(rootfs: Uint8Array, argv: string[], opts: { stdin?: string; maxNs?: number; env?: string[]; cwd?: string } = {}): LxRun {
  let stdout = ''
  let stderr = ''
  let log = ''
  const stdin = new StdinBuffer()
  if (opts.stdin !== undefined) {
    stdin.push(new TextEncoder().encode(opts.stdin))
    stdin.end()
  } else stdin.end()
  const lxArgs = ['--initrd', 'rom/rootfs.cpio.gz', '--init', argv[0]]
  for (const e of opts.env ?? []) lxArgs.push('--env', e)
  if (opts.cwd) lxArgs.push('--cwd', opts.cwd)
  lxArgs.push('--', ...argv.slice(1))
  const board = new ExecSession({
    lxArgs,
    modules: { 'rootfs.cpio.gz': rootfs },
    ports: {
      stdio: { write: (fd, d) => (fd === 1 ? (stdout += dec.decode(d)) : (stderr += dec.decode(d))) },
      stdin,
    },
    log: (t) => (log += t),
  })
  const limit = opts.maxNs ?? 20e9
  let spent = 0
  while (board.run(50e6) && spent < limit && !(board.idle && stdin.eof)) spent += 50e6
  return { stdout, stderr, status: board.outcome?.status ?? null, log, board }
}
