/**
 * ramfs / tmpfs: the in-memory file system of the initramfs root and of
 * /tmp. File data lives in 4 KiB pages allocated on first write, so sparse
 * files cost only what was written; pages count against the file system's
 * size limit (ENOSPC), as tmpfs's `size=` mount option does, and inodes
 * against `maxInodes` (tmpfs's `nr_inodes=`). Inside a VM they are also
 * charged to the VM's memory (`charge`), so all its file systems together
 * hold no more than it has.
 *
 * Directory sizes follow tmpfs: 20 bytes per entry plus 40 for '.' and '..'
 * (BOGO_DIRENT_SIZE); directory nlink is 2 plus the number of
 * subdirectories. An unlinked file keeps its pages until the last open
 * description of it closes.
 */
import { Errno } from './errno'
import { DirFile, FileBase } from './file'
import {
  type Cred, type DirEntry, type FileSystem, type Inode, type IoResult, type OpenFile, type Stat, type StatFs,
  S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, RENAME_EXCHANGE, O_APPEND, canRead, canWrite, dtype, statOf,
  seekPosition, MAX_FILE_SIZE, FIONREAD, type UserMemory, type MemCharge, NO_CHARGE,
} from './types'

export const PAGE = 4096
const BOGO_DIRENT_SIZE = 20
const INODES_PER_PAGE = 4
export const TMPFS_MAGIC = 0x01021994
export const RAMFS_MAGIC = 0x858458f6

export interface RamFsOptions {
  /** 'tmpfs' (the default) or 'ramfs' (as /proc/mounts names it). */
  type?: string
  /** Byte limit of file data, counted in pages; Infinity for none. */
  maxBytes?: number
  maxInodes?: number
  /** Current time in ns since the epoch (virtual time). */
  clock?: () => number
  /** Mode of the root directory (default 01777 for tmpfs, 0755 for ramfs). */
  rootMode?: number
  /** st_dev; by default the Vfs that mounts it assigns one. */
  dev?: number
  /** The VM's memory, which file data is charged to. */
  charge?: MemCharge
  /** statfs f_type, when not that of tmpfs or ramfs (lx's sysfs is a read-only RamFs). */
  magic?: number
}

export class RamFs implements FileSystem {
  readonly type: string
  dev: number
  readOnly = false
  readonly root: RamDir
  readonly maxBytes: number
  readonly maxInodes: number
  readonly clock: () => number
  readonly charge: MemCharge
  private readonly magic: number
  usedPages = 0
  inodes = 0
  private nextIno = 1

  constructor(opts: RamFsOptions = {}) {
    this.type = opts.type ?? 'tmpfs'
    this.dev = opts.dev ?? 0
    this.maxBytes = opts.maxBytes ?? Infinity
    // As tmpfs's default nr_inodes scales with its size: one inode per KiB, at least 1024.
    this.maxInodes = opts.maxInodes ?? (Number.isFinite(this.maxBytes) ? Math.max(1024, Math.floor(this.maxBytes / 1024)) : 1 << 20)
    this.clock = opts.clock ?? (() => 0)
    this.charge = opts.charge ?? NO_CHARGE
    this.magic = opts.magic ?? (this.type === 'ramfs' ? RAMFS_MAGIC : TMPFS_MAGIC)
    const rootMode = opts.rootMode ?? (this.type === 'tmpfs' ? 0o1777 : 0o755)
    this.root = new RamDir(this, this.allocIno(), S_IFDIR | (rootMode & 0o7777), 0, 0, null)
    this.inodes = 1
  }

  allocIno(): number {
    return this.nextIno++
  }

  /** Accounts one more inode, or says there is no room. */
  chargeInode(): boolean {
    if (this.inodes >= this.maxInodes) return false
    // An inode with its directory entry and name costs the host about a KiB: a page per four.
    if (this.inodes % INODES_PER_PAGE === 0 && !this.charge.charge(1)) return false
    this.inodes++
    return true
  }

  unchargeInode(): void {
    this.inodes--
    if (this.inodes % INODES_PER_PAGE === 0) this.charge.uncharge(1)
  }

  chargePages(n: number): boolean {
    if ((this.usedPages + n) * PAGE > this.maxBytes || !this.charge.charge(n)) return false
    this.usedPages += n
    return true
  }

  unchargePages(n: number): void {
    this.usedPages -= n
    this.charge.uncharge(n)
  }

  statfs(): StatFs {
    const total = Number.isFinite(this.maxBytes) ? Math.floor(this.maxBytes / PAGE) : 0
    return {
      type: this.magic, bsize: PAGE, frsize: PAGE,
      blocks: total, bfree: total ? total - this.usedPages : 0, bavail: total ? total - this.usedPages : 0,
      files: this.maxInodes, ffree: this.maxInodes - this.inodes, namelen: 255, flags: this.readOnly ? 1 : 0,
    }
  }
}

abstract class RamInode implements Inode {
  nlink = 1
  rdev = 0
  atimeNs: number
  mtimeNs: number
  ctimeNs: number
  constructor(readonly fs: RamFs, readonly ino: number, public mode: number, public uid: number, public gid: number) {
    this.atimeNs = this.mtimeNs = this.ctimeNs = fs.clock()
  }
  abstract stat(): Stat
  abstract open(flags: number, cred: Cred): OpenFile | number
  /** Called when the last link went away (and no open file holds it). */
  release(): void {
    this.fs.unchargeInode()
  }
  touchM(): void {
    this.mtimeNs = this.ctimeNs = this.fs.clock()
  }
}

export class RamDir extends RamInode {
  readonly entries = new Map<string, RamInode>()
  constructor(fs: RamFs, ino: number, mode: number, uid: number, gid: number, private up: RamDir | null) {
    super(fs, ino, mode, uid, gid)
    this.nlink = 2
  }
  stat(): Stat {
    return statOf(this, BOGO_DIRENT_SIZE * (this.entries.size + 2), 0)
  }
  open(flags: number): OpenFile | number {
    return new DirFile(this, flags)
  }
  parent(): Inode {
    return this.up ?? this
  }
  lookup(name: string): Inode | number {
    return this.entries.get(name) ?? -Errno.ENOENT
  }
  readdir(): DirEntry[] {
    const out: DirEntry[] = []
    for (const [name, i] of this.entries) out.push({ name, ino: i.ino, type: dtype(i.mode) })
    return out
  }
  private add(name: string, make: (ino: number) => RamInode): RamInode | number {
    if (this.entries.has(name)) return -Errno.EEXIST
    if (this.nlink === 0) return -Errno.ENOENT // a removed directory takes no new entries
    if (!this.fs.chargeInode()) return -Errno.ENOSPC
    const i = make(this.fs.allocIno())
    this.entries.set(name, i)
    this.touchM()
    return i
  }
  create(name: string, mode: number, cred: Cred, rdev: number): Inode | number {
    const gid = this.mode & 0o2000 ? this.gid : cred.gid // setgid directories pass their group on
    return this.add(name, (ino) => {
      if ((mode & S_IFMT) === S_IFREG) return new RamFile(this.fs, ino, mode, cred.uid, gid)
      const s = new RamSpecial(this.fs, ino, mode, cred.uid, gid)
      s.rdev = rdev
      return s
    })
  }
  mkdir(name: string, mode: number, cred: Cred): Inode | number {
    const setgid = this.mode & 0o2000
    const r = this.add(name, (ino) => new RamDir(this.fs, ino, S_IFDIR | (mode & 0o7777) | setgid, cred.uid, setgid ? this.gid : cred.gid, this))
    if (typeof r !== 'number') this.nlink++
    return r
  }
  symlink(name: string, target: string, cred: Cred): Inode | number {
    return this.add(name, (ino) => new RamSymlink(this.fs, ino, cred.uid, cred.gid, target))
  }
  link(name: string, target: Inode): number {
    if (!(target instanceof RamInode) || target.fs !== this.fs) return -Errno.EXDEV
    if (this.entries.has(name)) return -Errno.EEXIST
    if (target.nlink === 0) return -Errno.ENOENT
    this.entries.set(name, target)
    target.nlink++
    target.ctimeNs = this.fs.clock()
    this.touchM()
    return 0
  }
  /** Drops one link of `i` (already out of `entries`). */
  private dropLink(i: RamInode): void {
    i.ctimeNs = this.fs.clock()
    if (i instanceof RamDir) {
      i.nlink = 0
      this.nlink--
      i.release()
      return
    }
    i.nlink--
    if (i.nlink === 0 && !(i instanceof RamFile && i.openCount > 0)) i.release()
  }
  unlink(name: string): number {
    const i = this.entries.get(name)
    if (!i) return -Errno.ENOENT
    if (i instanceof RamDir) return -Errno.EISDIR
    this.entries.delete(name)
    this.dropLink(i)
    this.touchM()
    return 0
  }
  rmdir(name: string): number {
    const i = this.entries.get(name)
    if (!i) return -Errno.ENOENT
    if (!(i instanceof RamDir)) return -Errno.ENOTDIR
    if (i.entries.size) return -Errno.ENOTEMPTY
    this.entries.delete(name)
    this.dropLink(i)
    this.touchM()
    return 0
  }
  rename(oldName: string, newDir: Inode, newName: string, flags: number): number {
    if (!(newDir instanceof RamDir) || newDir.fs !== this.fs) return -Errno.EXDEV
    const src = this.entries.get(oldName)
    if (!src) return -Errno.ENOENT
    const dst = newDir.entries.get(newName)
    if (src === dst) return 0
    if (flags & RENAME_EXCHANGE) {
      if (!dst) return -Errno.ENOENT
      this.entries.set(oldName, dst)
      newDir.entries.set(newName, src)
      if (this !== newDir) {
        this.reparent(dst, newDir, this)
        this.reparent(src, this, newDir)
      }
    } else {
      if (dst) {
        if (dst instanceof RamDir) {
          if (dst.entries.size) return -Errno.ENOTEMPTY
          newDir.entries.delete(newName)
          newDir.dropLink(dst)
        } else {
          newDir.entries.delete(newName)
          newDir.dropLink(dst)
        }
      }
      this.entries.delete(oldName)
      newDir.entries.set(newName, src)
      if (this !== newDir) this.reparent(src, this, newDir)
    }
    src.ctimeNs = this.fs.clock()
    this.touchM()
    newDir.touchM()
    return 0
  }
  private reparent(i: RamInode, from: RamDir, to: RamDir): void {
    if (!(i instanceof RamDir)) return
    i.up = to
    from.nlink--
    to.nlink++
  }
  /** Is `d` this directory or below it? (rename must not move a directory into itself) */
  contains(d: RamDir): boolean {
    for (let x: RamDir | null = d; x; x = x.up) if (x === this) return true
    return false
  }
}

export class RamSymlink extends RamInode {
  constructor(fs: RamFs, ino: number, uid: number, gid: number, readonly target: string) {
    super(fs, ino, S_IFLNK | 0o777, uid, gid)
  }
  stat(): Stat {
    return statOf(this, new TextEncoder().encode(this.target).length, 0)
  }
  open(): OpenFile | number {
    return -Errno.ELOOP
  }
  readlink(): string {
    return this.target
  }
}

/** FIFOs, device nodes and sockets: the Vfs opens them by type and rdev. */
export class RamSpecial extends RamInode {
  stat(): Stat {
    return statOf(this, 0, 0)
  }
  open(): OpenFile | number {
    return -Errno.ENXIO
  }
}

export class RamFile extends RamInode {
  size = 0
  readonly pages = new Map<number, Uint8Array>()
  /**
   * Pages that are views of an image the file was made from (adopt): read
   * in place, copied to a page of their own before the first change. The
   * last may be shorter than a page.
   */
  private borrowed: Set<number> | null = null
  openCount = 0

  stat(): Stat {
    return statOf(this, this.size, this.pages.size * (PAGE / 512))
  }
  open(flags: number): OpenFile | number {
    this.openCount++
    return new RamFileHandle(this, flags)
  }
  closed(): void {
    this.openCount--
    if (this.openCount === 0 && this.nlink === 0) this.release()
  }
  override release(): void {
    this.fs.unchargePages(this.pages.size)
    this.pages.clear()
    this.borrowed = null
    super.release()
  }

  /**
   * Makes an empty file's data `data`, page by page as views of it, not
   * copies: an initramfs's files are read far more than written, and the
   * archive lx read from rom stays untouched (nobody else holds it). The
   * pages are charged as if copied: what the guest sees of its memory does
   * not change. -ENOSPC when they cannot be charged, -EINVAL on a file that
   * has data already.
   */
  adopt(data: Uint8Array): number {
    if (this.size !== 0 || this.pages.size !== 0) return -Errno.EINVAL
    if (data.length > MAX_FILE_SIZE) return -Errno.EFBIG
    const n = Math.ceil(data.length / PAGE)
    if (n === 0) return 0
    if (!this.fs.chargePages(n)) return -Errno.ENOSPC
    this.borrowed = new Set()
    for (let p = 0; p < n; p++) {
      this.pages.set(p, data.subarray(p * PAGE, Math.min((p + 1) * PAGE, data.length)))
      this.borrowed.add(p)
    }
    this.size = data.length
    this.touchM()
    return data.length
  }

  /**
   * The file's data as one view of the image it was adopted from, while it
   * is still exactly that (no page written or cut since); null otherwise.
   * The view never changes afterwards: a write copies its page first. exec
   * takes it instead of a copy of the whole program.
   */
  adoptedView(): Uint8Array | null {
    const n = Math.ceil(this.size / PAGE)
    if (this.borrowed === null || n === 0 || this.borrowed.size !== n || this.pages.size !== n) return null
    // Pages still borrowed are adopt's own views, made contiguous; the ends say where the run lies.
    const first = this.pages.get(0)
    const last = this.pages.get(n - 1)
    if (!first || !last || last.buffer !== first.buffer || last.byteOffset !== first.byteOffset + (n - 1) * PAGE) return null
    if (last.length < this.size - (n - 1) * PAGE) return null
    return new Uint8Array(first.buffer, first.byteOffset, this.size)
  }

  /** Page `p` as one of the file's own, whole, to be written (a borrowed one is copied first). */
  private own(p: number, page: Uint8Array): Uint8Array {
    if (this.borrowed === null || !this.borrowed.delete(p)) return page
    const copy = new Uint8Array(PAGE)
    copy.set(page)
    this.pages.set(p, copy)
    return copy
  }

  readAt(buf: Uint8Array, off: number): number {
    if (off >= this.size) return 0
    const n = Math.min(buf.length, this.size - off)
    let done = 0
    while (done < n) {
      const p = Math.floor((off + done) / PAGE)
      const inPage = (off + done) % PAGE
      const k = Math.min(PAGE - inPage, n - done)
      const page = this.pages.get(p)
      if (page) buf.set(page.subarray(inPage, inPage + k), done)
      else buf.fill(0, done, done + k) // a hole reads as zeros
      done += k
    }
    this.atimeNs = this.fs.clock()
    return n
  }

  writeAt(data: Uint8Array, off: number): number {
    if (data.length === 0) return 0
    if (off + data.length > MAX_FILE_SIZE) return -Errno.EFBIG
    let done = 0
    while (done < data.length) {
      const p = Math.floor((off + done) / PAGE)
      const inPage = (off + done) % PAGE
      const k = Math.min(PAGE - inPage, data.length - done)
      let page = this.pages.get(p)
      if (!page) {
        if (!this.fs.chargePages(1)) break
        page = new Uint8Array(PAGE)
        this.pages.set(p, page)
      } else page = this.own(p, page)
      page.set(data.subarray(done, done + k), inPage)
      done += k
    }
    if (done === 0) return -Errno.ENOSPC
    this.size = Math.max(this.size, off + done)
    this.touchM()
    return done
  }

  truncate(size: number): number {
    if (size < 0 || size > MAX_FILE_SIZE) return -Errno.EINVAL
    if (size < this.size) {
      const keep = Math.ceil(size / PAGE)
      for (const p of [...this.pages.keys()]) {
        if (p >= keep) {
          this.pages.delete(p)
          this.borrowed?.delete(p)
          this.fs.unchargePages(1)
        }
      }
      // The tail of the last kept page must read as zeros if the file grows again.
      const last = this.pages.get(keep - 1)
      if (last && size % PAGE) this.own(keep - 1, last).fill(0, size % PAGE)
    } else if (size > this.size && this.size % PAGE !== 0) {
      // A borrowed last page may be short: growing reads zeros after the old end, from a whole page.
      const p = Math.floor(this.size / PAGE)
      const last = this.pages.get(p)
      if (last) this.own(p, last)
    }
    this.size = size
    this.touchM()
    return 0
  }
}

/** An open regular file of a RamFs. */
export class RamFileHandle extends FileBase {
  private released = false
  constructor(readonly file: RamFile, flags: number) {
    super(file, flags)
  }
  override read(buf: Uint8Array): IoResult {
    if (!canRead(this.flags)) return -Errno.EBADF
    const n = this.file.readAt(buf, this.pos)
    this.pos += n
    return n
  }
  override pread(buf: Uint8Array, off: number): IoResult {
    if (!canRead(this.flags)) return -Errno.EBADF
    if (off < 0) return -Errno.EINVAL
    return this.file.readAt(buf, off)
  }
  override write(data: Uint8Array): IoResult {
    if (!canWrite(this.flags)) return -Errno.EBADF
    if (this.flags & O_APPEND) this.pos = this.file.size
    const n = this.file.writeAt(data, this.pos)
    if (n > 0) this.pos += n
    return n
  }
  override pwrite(data: Uint8Array, off: number): IoResult {
    if (!canWrite(this.flags)) return -Errno.EBADF
    if (off < 0) return -Errno.EINVAL
    // Linux appends even for pwrite on an O_APPEND file (a documented bug).
    return this.file.writeAt(data, this.flags & O_APPEND ? this.file.size : off)
  }
  override lseek(off: number, whence: number): number {
    const n = seekPosition(this.pos, this.file.size, off, whence)
    if (n >= 0) this.pos = n
    return n
  }
  override getdents64(): number {
    return -Errno.ENOTDIR
  }
  override ioctl(cmd: number, arg: number, mem: UserMemory): number {
    if (cmd === FIONREAD) {
      const v = new Uint8Array(4)
      new DataView(v.buffer).setInt32(0, Math.max(0, Math.min(0x7fffffff, this.file.size - this.pos)), true)
      return mem.write(arg, v) ? 0 : -Errno.EFAULT
    }
    return -Errno.ENOTTY
  }
  override close(): void {
    if (this.released) return
    this.released = true
    this.file.closed()
  }
}

