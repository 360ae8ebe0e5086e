/**
 * hostfs: the host's file system as a mount (the root of `l4lab exec`),
 * through a synchronous port the host implements (src/host/host-fs.ts with
 * node:fs). Paths given to the port are absolute within the mounted tree
 * ("/" is the port's root). Read-only unless created writable: then
 * EROFS comes from the Vfs before any port call.
 *
 * Inodes are looked up by path; directory inodes are kept so that their
 * identity is stable (mount points, getcwd), and follow renames made
 * through us. Attributes are re-read from the host on every stat. An open
 * regular file holds a port handle from open to its last close: reads,
 * writes, fstat, fchmod and ftruncate reach that file and no other, as on
 * Linux after it is unlinked, renamed or replaced. An inode whose path now
 * names another file (removed and recreated) reports itself gone.
 */
import { Errno } from './errno'
import { type HostRead, ReadAhead } from './read-ahead'
import { DirFile, FileBase } from './file'
import {
  type Cred, type DirEntry, type FileSystem, type Inode, type IoResult, type OpenFile, type Stat, type StatFs,
  type UserMemory, FIONREAD, InodeBase, O_ACCMODE, O_APPEND, RENAME_EXCHANGE, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, canRead, canWrite,
  seekPosition,
} from './types'

/** The host answers with the VFS's own stat record (host-fs.ts fills it from lstat). */
export type HostStat = Stat

export interface HostDirEntry {
  name: string
  ino: number
  /** DT_* */
  type: number
}

/**
 * Synchronous host file operations; every failure is a negative errno.
 * Paths name entries as the Vfs found them; the port must not follow a
 * host symlink in any component (the Vfs follows symlinks itself, in the
 * guest's namespace). An open file is a handle that holds its file until
 * released, whatever happens to its name.
 */
export interface HostFsPort {
  /** The entry at `path` itself (a symlink is not followed). */
  lstat(path: string): HostStat | number
  readdir(path: string): HostDirEntry[] | number
  readlink(path: string): string | number
  /** Statistics of the host file system holding `path` (optional). */
  statfs?(path: string): StatFs | number
  /** Opening the host FIFO at `path`: its errno (a port that cannot connect host FIFOs refuses). */
  fifo?(path: string, flags: number): number

  /** Opens the regular file at `path` with access mode O_RDONLY, O_WRONLY or O_RDWR: a handle (>= 0) or -errno. */
  open(path: string, access: number): number
  /** The file `handle` holds, opened again with another access mode (as /proc/self/fd/N): a new handle. */
  reopen(handle: number, access: number): number
  release(handle: number): void
  fstat(handle: number): HostStat | number
  /** Reads up to buf.length bytes at `offset`; the count, 0 at the end. */
  pread(handle: number, offset: number, buf: Uint8Array): number

  // Writable mounts (--rw):
  pwrite?(handle: number, offset: number, data: Uint8Array): number
  ftruncate?(handle: number, size: number): number
  fchmod?(handle: number, mode: number): number
  fchown?(handle: number, uid: number, gid: number): number
  futimes?(handle: number, atimeNs: number, mtimeNs: number): number
  /** Creates a regular file exclusively. */
  create?(path: string, mode: number): number
  mkdir?(path: string, mode: number): number
  unlink?(path: string): number
  rmdir?(path: string): number
  rename?(from: string, to: string, noReplace: boolean): number
  truncate?(path: string, size: number): number
  symlink?(target: string, path: string): number
  link?(existing: string, path: string): number
  chmod?(path: string, mode: number): number
  /** lchown: the host decides (EPERM unless the host process may). */
  chown?(path: string, uid: number, gid: number): number
  utimes?(path: string, atimeNs: number, mtimeNs: number): number
}

const HOSTFS_MAGIC = 0x486f5354
/** Directory and FIFO inodes kept by path. */
const MAX_KEPT = 20_000

const join = (dir: string, name: string): string => (dir === '/' ? '/' + name : dir + '/' + name)
const parentOf = (p: string): string => {
  const i = p.lastIndexOf('/')
  return i <= 0 ? '/' : p.slice(0, i)
}

export class HostFs implements FileSystem {
  readonly type = 'hostfs'
  /** Assigned when a Vfs mounts it (the CLI makes a HostFs before lx exists). */
  dev = 0
  readonly readOnly: boolean
  readonly root: HostInode
  private readonly dirs = new Map<string, HostInode>()

  constructor(readonly port: HostFsPort, opts: { writable?: boolean } = {}) {
    this.readOnly = !opts.writable
    const st = port.lstat('/')
    const s: HostStat = typeof st === 'number'
      ? { dev: 0, ino: 1, mode: S_IFDIR | 0o755, nlink: 2, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0, atimeNs: 0, mtimeNs: 0, ctimeNs: 0 }
      : st
    this.root = new HostInode(this, '/', s)
    this.dirs.set('/', this.root)
  }

  /** The inode at `path` (not following a final symlink), or -errno. (`dirs` holds FIFOs too.) */
  inodeAt(path: string): HostInode | number {
    const st = this.port.lstat(path)
    if (typeof st === 'number') {
      this.dirs.delete(path)
      return st
    }
    // Directories and FIFOs keep one inode object per path: mount points and getcwd compare
    // directories by identity, and the two ends of a FIFO meet on its inode.
    if ((st.mode & S_IFMT) === S_IFDIR || (st.mode & S_IFMT) === S_IFIFO) {
      const known = this.dirs.get(path)
      if (known && known.ino === identity(st)) {
        known.refresh(st)
        return known
      }
      const d = new HostInode(this, path, st)
      // A walk over a large host tree must not grow this without bound; the Vfs finds
      // mount points and names directories by inode number, so forgetting is safe.
      if (this.dirs.size >= MAX_KEPT) {
        this.dirs.clear()
        this.dirs.set('/', this.root)
      }
      this.dirs.set(path, d)
      return d
    }
    return new HostInode(this, path, st)
  }

  forget(path: string): void {
    for (const k of [...this.dirs.keys()]) if (k === path || k.startsWith(path + '/')) this.dirs.delete(k)
  }

  /** `from` was renamed to `to`: the inodes kept at and below it (someone's cwd) follow, as on Linux. */
  moved(from: string, to: string): void {
    this.forget(to)
    for (const [k, d] of [...this.dirs]) {
      if (k !== from && !k.startsWith(from + '/')) continue
      this.dirs.delete(k)
      d.path = to + k.slice(from.length)
      this.dirs.set(d.path, d)
    }
  }

  statfs(): StatFs {
    const s = this.port.statfs ? this.port.statfs('/') : -1
    if (typeof s !== 'number') return s
    return { type: HOSTFS_MAGIC, bsize: 4096, frsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, namelen: 255, flags: this.readOnly ? 1 : 0 }
  }
}

/**
 * The inode number the Vfs knows a host file by. The host's files live on
 * several devices (/dev and /proc are each inode 1 of their own file
 * system), while the Vfs tells inodes of one file system apart by number: so
 * the number mixes device and inode. stat() still reports the host's own.
 */
function identity(st: HostStat): number {
  return (st.dev * 1_000_003 + st.ino) % 2 ** 52
}

export class HostInode extends InodeBase {
  readonly ino: number
  mode = 0
  /** Open files of this inode; while there is one, its handle is how the inode reaches its file. */
  private readonly files = new Set<HostFileHandle>()
  constructor(readonly fs: HostFs, public path: string, st: HostStat) {
    super()
    this.ino = identity(st)
    this.refresh(st)
  }

  pathInFs(): string {
    return this.path
  }

  refresh(st: HostStat): void {
    this.mode = st.mode
    this.nlink = st.nlink
    this.uid = st.uid
    this.gid = st.gid
    this.rdev = st.rdev
    this.atimeNs = st.atimeNs
    this.mtimeNs = st.mtimeNs
    this.ctimeNs = st.ctimeNs
  }

  private get port(): HostFsPort {
    return this.fs.port
  }

  /** A handle on this very file, while an open file holds one. */
  private held(): number | null {
    for (const f of this.files) return f.handle
    return null
  }

  /** The host's attributes of this inode's file, or -errno when it is no longer at our path. */
  private hostStat(): HostStat | number {
    const h = this.held()
    if (h !== null) return this.port.fstat(h)
    const st = this.port.lstat(this.path)
    if (typeof st !== 'number' && identity(st) !== this.ino) return -Errno.ENOENT
    return st
  }

  stat(): Stat {
    const st = this.hostStat()
    if (typeof st === 'number') {
      // Gone on the host: what we knew (as an unlinked file still open).
      return { dev: this.fs.dev, ino: this.ino, mode: this.mode, nlink: 0, uid: this.uid, gid: this.gid, rdev: this.rdev, size: 0, blksize: 4096, blocks: 0, atimeNs: this.atimeNs, mtimeNs: this.mtimeNs, ctimeNs: this.ctimeNs }
    }
    this.refresh(st)
    return { ...st }
  }

  open(flags: number, _cred: Cred): OpenFile | number {
    const t = this.mode & S_IFMT
    if (t === S_IFDIR) return new DirFile(this, flags)
    if (t === S_IFIFO && this.port.fifo) return this.port.fifo(this.path, flags)
    if (t !== S_IFREG) return -Errno.ENXIO
    const access = flags & O_ACCMODE
    const held = this.held()
    const h = held !== null ? this.port.reopen(held, access) : this.port.open(this.path, access)
    if (h < 0) return h
    if (held === null) {
      // Whatever the name leads to now must be the file the Vfs looked up (a host process may have replaced it).
      const st = this.port.fstat(h)
      if (typeof st === 'number' || identity(st) !== this.ino) {
        this.port.release(h)
        return -Errno.ENOENT
      }
    }
    const f = new HostFileHandle(this, flags, h)
    this.files.add(f)
    return f
  }

  /** The last reference to `f` went: its handle is given back. */
  closed(f: HostFileHandle): void {
    if (this.files.delete(f)) this.port.release(f.handle)
  }

  parent(): Inode {
    if (this.path === '/') return this
    const p = this.fs.inodeAt(parentOf(this.path))
    return typeof p === 'number' ? this.fs.root : p
  }

  lookup(name: string): Inode | number {
    return this.fs.inodeAt(join(this.path, name))
  }

  readdir(): DirEntry[] | number {
    const r = this.port.readdir(this.path)
    if (typeof r === 'number') return r
    return r.map((e) => ({ name: e.name, ino: e.ino, type: e.type }))
  }

  private after(r: number, name: string): Inode | number {
    if (r < 0) return r
    return this.fs.inodeAt(join(this.path, name))
  }

  create(name: string, mode: number, _cred: Cred, _rdev: number): Inode | number {
    if ((mode & S_IFMT) !== S_IFREG) return -Errno.EPERM
    if (!this.port.create) return -Errno.EROFS
    return this.after(this.port.create(join(this.path, name), mode & 0o7777), name)
  }

  mkdir(name: string, mode: number): Inode | number {
    if (!this.port.mkdir) return -Errno.EROFS
    return this.after(this.port.mkdir(join(this.path, name), mode & 0o7777), name)
  }

  symlink(name: string, target: string): Inode | number {
    if (!this.port.symlink) return -Errno.EROFS
    return this.after(this.port.symlink(target, join(this.path, name)), name)
  }

  link(name: string, target: Inode): number {
    if (!(target instanceof HostInode)) return -Errno.EXDEV
    if (!this.port.link) return -Errno.EROFS
    return this.port.link(target.path, join(this.path, name))
  }

  unlink(name: string): number {
    if (!this.port.unlink) return -Errno.EROFS
    return this.port.unlink(join(this.path, name))
  }

  rmdir(name: string): number {
    if (!this.port.rmdir) return -Errno.EROFS
    const p = join(this.path, name)
    const r = this.port.rmdir(p)
    if (r === 0) this.fs.forget(p)
    return r
  }

  rename(oldName: string, newDir: Inode, newName: string, flags: number): number {
    if (!(newDir instanceof HostInode)) return -Errno.EXDEV
    if (flags & RENAME_EXCHANGE) return -Errno.EINVAL
    if (!this.port.rename) return -Errno.EROFS
    const from = join(this.path, oldName)
    const to = join(newDir.path, newName)
    const r = this.port.rename(from, to, (flags & 1) !== 0)
    if (r === 0) this.fs.moved(from, to)
    return r
  }

  readlink(): string | number {
    return this.port.readlink(this.path)
  }

  truncate(size: number): number {
    const h = this.held()
    if (h !== null) return this.port.ftruncate ? this.port.ftruncate(h, size) : -Errno.EROFS
    if (!this.port.truncate) return -Errno.EROFS
    return this.port.truncate(this.path, size)
  }

  setattr(what: 'mode' | 'owner' | 'times'): number {
    // The change goes to the host, which may refuse it; the next stat shows what the host has.
    const port = this.port
    const h = this.held()
    let r = 0
    if (what === 'mode' && (this.mode & S_IFMT) !== S_IFLNK) {
      const m = this.mode & 0o7777
      r = h !== null ? (port.fchmod?.(h, m) ?? 0) : (port.chmod?.(this.path, m) ?? 0)
    } else if (what === 'owner') {
      r = h !== null ? (port.fchown?.(h, this.uid, this.gid) ?? 0) : (port.chown?.(this.path, this.uid, this.gid) ?? 0)
    } else if (what === 'times') {
      r = h !== null ? (port.futimes?.(h, this.atimeNs, this.mtimeNs) ?? 0) : (port.utimes?.(this.path, this.atimeNs, this.mtimeNs) ?? 0)
    }
    if (r < 0) {
      const st = this.hostStat()
      if (typeof st !== 'number') this.refresh(st)
    }
    return r
  }
}

/** An open regular host file: reads and writes go through its own port handle, by offset. */
class HostFileHandle extends FileBase {
  private released = false
  /** Only on read-only mounts: there no write of lx's can make what it holds stale (read-ahead.ts). */
  private readonly ahead: ReadAhead | null
  private readonly hostRead: HostRead
  constructor(readonly file: HostInode, flags: number, readonly handle: number) {
    super(file, flags)
    this.ahead = file.fs.readOnly ? new ReadAhead() : null
    this.hostRead = (off, buf) => this.port.pread(this.handle, off, buf)
  }
  private get port(): HostFsPort {
    return this.file.fs.port
  }
  private size(): number {
    const st = this.port.fstat(this.handle)
    return typeof st === 'number' ? 0 : st.size
  }
  override read(buf: Uint8Array): IoResult {
    if (!canRead(this.flags) || this.released) return -Errno.EBADF
    const n = this.ahead ? this.ahead.read(this.pos, buf, this.hostRead) : this.port.pread(this.handle, this.pos, buf)
    if (n > 0) this.pos += n
    return n
  }
  override pread(buf: Uint8Array, off: number): IoResult {
    if (!canRead(this.flags) || this.released) return -Errno.EBADF
    if (off < 0) return -Errno.EINVAL
    return this.port.pread(this.handle, off, buf)
  }
  override write(data: Uint8Array): IoResult {
    if (!canWrite(this.flags) || this.released) return -Errno.EBADF
    if (!this.port.pwrite) return -Errno.EROFS
    if (this.flags & O_APPEND) this.pos = this.size()
    const n = this.port.pwrite(this.handle, this.pos, data)
    if (n > 0) this.pos += n
    return n
  }
  override pwrite(data: Uint8Array, off: number): IoResult {
    if (!canWrite(this.flags) || this.released) return -Errno.EBADF
    if (off < 0) return -Errno.EINVAL
    if (!this.port.pwrite) return -Errno.EROFS
    return this.port.pwrite(this.handle, this.flags & O_APPEND ? this.size() : off, data)
  }
  override lseek(off: number, whence: number): number {
    const n = seekPosition(this.pos, whence === 2 || whence === 3 || whence === 4 ? this.size() : 0, off, whence)
    if (n >= 0) this.pos = n
    return n
  }
  override ioctl(cmd: number, arg: number, mem: UserMemory): number {
    if (cmd !== FIONREAD) return -Errno.ENOTTY
    const v = new Uint8Array(4)
    new DataView(v.buffer).setInt32(0, Math.max(0, Math.min(0x7fffffff, this.size() - this.pos)), true)
    return mem.write(arg, v) ? 0 : -Errno.EFAULT
  }
  override close(): void {
    if (this.released) return
    this.released = true
    this.ahead?.release()
    this.file.closed(this)
  }
}
