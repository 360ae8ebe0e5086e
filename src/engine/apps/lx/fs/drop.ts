/**
 * A file the lab's user dropped on a VM's console, copied into that VM's
 * /tmp (issue 15, item 6): written as root, mode 0644, in pieces (`offset`
 * 0 creates or empties it, later pieces follow on). The lab calls this
 * between slices, while lx waits in a kernel call: the VFS is then between
 * operations (none of its operations yields in the middle), so the write is
 * what a process on another CPU writing the file would do. The data is
 * charged to the VM's memory like any tmpfs file: a VM out of memory
 * answers ENOSPC.
 */
import type { Lx } from '../lx'
import { Errno, errnoText } from './vfs/errno'
import { O_CREAT, O_TRUNC, O_WRONLY, ROOT_CRED } from './vfs/types'

/** The longest name a dropped file may have, and what it may not contain. */
const NAME = /^[^/\0]{1,255}$/

/** Writes `data` at `offset` of /tmp/`name`; the file's path, or why not. */
export function dropIntoTmp(lx: Lx, name: string, offset: number, data: Uint8Array): { ok: true; path: string } | { ok: false; error: string } {
  if (!NAME.test(name) || name === '.' || name === '..') return { ok: false, error: `cannot name a file ${JSON.stringify(name)} in /tmp` }
  if (!Number.isSafeInteger(offset) || offset < 0) return { ok: false, error: `bad offset ${offset}` }
  const path = `/tmp/${name}`
  const vfs = lx.files.vfs
  const f = vfs.open(vfs.root, path, O_WRONLY | O_CREAT | (offset === 0 ? O_TRUNC : 0), 0o644, ROOT_CRED)
  if (typeof f === 'number') return { ok: false, error: `${path}: ${errnoText(f)}` }
  try {
    const n = f.pwrite(data, offset)
    if (typeof n !== 'number') return { ok: false, error: `${path}: the file system would block` }
    if (n < 0) return { ok: false, error: `${path}: ${errnoText(n)}` }
    if (n < data.length) return { ok: false, error: `${path}: only ${offset + n} bytes fit (${errnoText(Errno.ENOSPC)})` }
    return { ok: true, path }
  } finally {
    f.close()
  }
}
