/**
 * A process's file descriptor table (files_struct): descriptors → open file
 * descriptions, with close-on-exec. Tables are shared by CLONE_FILES and
 * copied by fork; open file descriptions are shared by dup and fork, and
 * closed when the last descriptor of them goes.
 */
import type { OpenFile } from './vfs/types'

export class FdTable {
  readonly fds = new Map<number, { file: OpenFile; cloexec: boolean }>()
  /** How many tables share this one (CLONE_FILES). */
  users = 1

  get(fd: number): OpenFile | undefined {
    return this.fds.get(fd)?.file
  }

  /** The lowest free descriptor ≥ `from`, or -1 past the limit. */
  lowest(from = 0, limit = 1024): number {
    for (let fd = from; fd < limit; fd++) if (!this.fds.has(fd)) return fd
    return -1
  }

  install(fd: number, file: OpenFile, cloexec: boolean): void {
    const old = this.fds.get(fd)
    this.fds.set(fd, { file, cloexec })
    ref(file)
    if (old) unref(old.file)
  }

  close(fd: number): boolean {
    const e = this.fds.get(fd)
    if (!e) return false
    this.fds.delete(fd)
    unref(e.file)
    return true
  }

  clone(): FdTable {
    const t = new FdTable()
    for (const [fd, e] of this.fds) t.install(fd, e.file, e.cloexec)
    return t
  }

  closeOnExec(): void {
    for (const [fd, e] of [...this.fds]) if (e.cloexec) this.close(fd)
  }

  closeAll(): void {
    for (const fd of [...this.fds.keys()]) this.close(fd)
  }
}

/** Open file descriptions are shared by dup and fork; the last close closes. */
const openCount = new WeakMap<OpenFile, number>()
export function ref(f: OpenFile): void {
  openCount.set(f, (openCount.get(f) ?? 0) + 1)
}
export function unref(f: OpenFile): void {
  const n = (openCount.get(f) ?? 1) - 1
  if (n <= 0) {
    openCount.delete(f)
    f.close()
  } else openCount.set(f, n)
}
