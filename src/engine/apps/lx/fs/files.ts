/**
 * lx's file layer over the VFS (vfs/): the Vfs and the console tty of one
 * lx, and what the rest of lx needs from files — init's standard streams,
 * an executable's bytes for exec, a file's pages for mmap, an fd's path for
 * /proc. The file system calls are in the *-calls.ts files beside this one;
 * every user pointer goes through the process's Mm (bad pointers are
 * EFAULT), and an operation that would block sleeps the thread on the
 * file's wait queue and is retried.
 */
import type { Lx } from '../lx'
import type { LinuxThread, Process } from '../core/process'
import { BLOCKED } from '../core/syscall'
import { ref, unref, type FdTable } from './fdtable'
import type { FileBacking } from '../mm/mm'
import { Errno } from '../uapi'
import type { Vfs } from './vfs/vfs'
import { AT_FDCWD, O_ACCMODE, O_RDONLY, O_RDWR, S_IFDIR, S_IFMT, S_IFREG, X_OK, type Cred, type Inode, type IoResult, type OpenFile, type UserMemory } from './vfs/types'
import type { Tty } from './vfs/tty'
import { RamFile } from './vfs/ramfs'
import { BINPRM_BUF_SIZE } from '../core/script'
import { execFailure, type ExecFailure } from '../core/exec-failure'

/** lx reads a program whole; a larger one is ENOMEM. */
const MAX_PROGRAM_BYTES = 64 * 1024 * 1024

export class LxFiles {
  constructor(
    readonly lx: Lx,
    readonly vfs: Vfs,
    /** The console tty, when lx has one (a VM's console); `l4lab exec` has host streams instead. */
    readonly console: Tty | null,
  ) {}

  cred(p: Process): Cred {
    return { uid: p.uid, gid: p.gid }
  }

  /** fds 0, 1 and 2 of init: the console, which becomes init's controlling terminal. */
  openConsole(files: FdTable): void {
    const f = this.vfs.open(this.vfs.root, '/dev/console', O_RDWR, 0, { uid: 0, gid: 0 })
    if (typeof f === 'number') return
    files.install(0, f, false)
    files.install(1, f, false)
    files.install(2, f, false)
    if (this.console) {
      this.console.sid = 1
      this.console.pgrp = 1
    }
  }

  consoleInput(data: Uint8Array): void {
    this.console?.input(data)
  }

  /** How much console input the tty takes now. */
  consoleRoom(): number {
    return this.console ? this.console.receiveRoom() : Infinity
  }

  consoleSize(cols: number, rows: number): void {
    if (this.console && (cols !== this.console.cols || rows !== this.console.rows) && cols > 0 && rows > 0) this.console.resize(cols, rows)
  }

  /** setsid: the process leaves its controlling terminal. */
  detachTty(p: Process): void {
    if (this.console && this.console.sid === p.sid) this.console.sid = 0
  }

  /**
   * An executable's bytes, with execute permission checked: the whole file,
   * or for a `#!` script only the first BINPRM_BUF_SIZE bytes (its line).
   * Failures say why, for a user (execve's errno stays Linux's).
   */
  readExecutable(p: Process, path: string): { ok: true; bytes: Uint8Array; path: string } | ExecFailure {
    const cred = this.cred(p)
    const ino = this.vfs.resolve(p.cwd, path, cred)
    if (typeof ino === 'number') return execFailure(ino)
    const type = ino.mode & S_IFMT
    if (type === S_IFDIR) return execFailure(-Errno.EACCES, 'a directory, not a program')
    if (type !== S_IFREG) return execFailure(-Errno.EACCES, 'not a regular file')
    const perm = this.vfs.permission(ino, cred, X_OK)
    if (perm < 0 || (ino.mode & 0o111) === 0) return execFailure(-Errno.EACCES, `no permission to execute it (mode ${(ino.mode & 0o7777).toString(8).padStart(4, '0')})`)
    const f = ino.open(O_RDONLY, cred)
    if (typeof f === 'number') return execFailure(f)
    const size = ino.stat().size
    const head = new Uint8Array(Math.min(size, BINPRM_BUF_SIZE))
    let done = preadAll(f, head, 0)
    if (done >= 2 && head[0] === 0x23 && head[1] === 0x21) {
      f.close()
      return { ok: true, bytes: head.subarray(0, done), path: this.canonical(p, path) }
    }
    if (size > MAX_PROGRAM_BYTES) {
      f.close()
      return execFailure(-Errno.ENOMEM, `${size} bytes, larger than the ${MAX_PROGRAM_BYTES >> 20} MiB lx loads`)
    }
    // A program from the initramfs, not written since: its image as it is, without a copy.
    const view = ino instanceof RamFile && done === head.length ? ino.adoptedView() : null
    if (view && view.length === size) {
      f.close()
      return { ok: true, bytes: view, path: this.canonical(p, path) }
    }
    const bytes = new Uint8Array(size)
    bytes.set(head.subarray(0, done))
    if (done === head.length) done += preadAll(f, bytes.subarray(done), done)
    f.close()
    return { ok: true, bytes: bytes.subarray(0, done), path: this.canonical(p, path) }
  }

  /** The path of a file with every symlink resolved (what /proc/<pid>/exe shows). */
  canonical(p: Process, path: string): string {
    const cred = this.cred(p)
    let cur = path.startsWith('/') ? path : `${p.cwdPath === '/' ? '' : p.cwdPath}/${path}`
    for (let hops = 0; hops < 40; hops++) {
      const slash = cur.lastIndexOf('/')
      const dirPath = cur.slice(0, slash) || '/'
      const name = cur.slice(slash + 1)
      const dir = this.vfs.resolveDir(this.vfs.root, dirPath, cred)
      if (typeof dir === 'number') return cur
      const dirName = this.vfs.getcwd(dir)
      const base = typeof dirName === 'string' ? dirName : dirPath
      const target = this.vfs.readlink(dir, name, cred)
      const full = `${base === '/' ? '' : base}/${name}`
      if (typeof target !== 'string') return full
      cur = target.startsWith('/') ? target : `${base === '/' ? '' : base}/${target}`
    }
    return cur
  }

  /** The backing of a file mapping (private: pages are copied from the file when first touched). */
  mappable(p: Process, fd: number): FileBacking | number {
    const f = p.files.get(fd)
    if (!f) return -Errno.EBADF
    if ((f.flags & O_ACCMODE) === 1) return -Errno.EACCES
    const name = this.vfs.openedPath(f) ?? ''
    return {
      name,
      writable: (f.flags & O_ACCMODE) !== O_RDONLY,
      pread(dst: Uint8Array, off: number): number {
        const r = f.pread(dst, off)
        return typeof r === 'number' ? r : 0
      },
      ...(f.mmapFrame && { sharedFrame: (off: number) => f.mmapFrame!(off) }),
      // Each VMA is a reference to the open file, as a descriptor is.
      retain: () => ref(f),
      release: () => unref(f),
    }
  }

  fdPath(f: OpenFile): string {
    return this.vfs.openedPath(f) ?? `anon_inode:[${f.inode.ino}]`
  }
}

/** Reads into all of `buf` from `off` on, as far as the file goes; the count read. */
function preadAll(f: OpenFile, buf: Uint8Array, off: number): number {
  let done = 0
  while (done < buf.length) {
    const n = f.pread(buf.subarray(done), off + done)
    if (typeof n !== 'number' || n <= 0) break
    done += n
  }
  return done
}

/** The directory an *at call starts from: the cwd or an open directory. */
export function dirOf(p: Process, dirfd: number): Inode | number {
  if (dirfd === AT_FDCWD) return p.cwd
  const f = p.files.get(dirfd)
  if (!f) return -Errno.EBADF
  return f.inode
}

/** The process's memory as the VFS sees it (ioctl arguments). */
export function userMem(p: Process): UserMemory {
  return { read: (a, n) => p.mm.read(a, n), write: (a, d) => p.mm.write(a, d) }
}

/**
 * Runs a read-like operation; blocks the thread on the file's queue when it
 * would block, until a wake-up or, for a tty read under VTIME, its timer
 * (the retry then finds the time up and returns what there is).
 */
export function blocking(lx: Lx, t: LinuxThread, r: IoResult): number | typeof BLOCKED {
  if (typeof r === 'number') return r
  lx.sched.sleepOn(t, [r.block], r.timeoutMs === undefined ? Infinity : lx.now() + Math.max(0, r.timeoutMs) * 1e6)
  return BLOCKED
}
