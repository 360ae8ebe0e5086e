/**
 * The host side of lx's hostfs (src/engine/apps/lx/fs/vfs/hostfs.ts): a
 * host directory tree through synchronous node:fs calls, for `l4lab exec`.
 * Paths from the engine are absolute within the tree ("/" is its top).
 * Errors become negative Linux errno numbers by name.
 *
 * The guest must reach nothing outside the tree it was given, whatever it
 * does to the names inside (with --rw it may replace any of them by a
 * symlink). So nothing here follows a host symlink, and nothing reaches a
 * file by name once it is open:
 *
 * - The tree is held by a descriptor of its top directory, opened (O_PATH)
 *   when the port is made.
 * - A path is walked one component at a time, each directory opened with
 *   O_PATH | O_DIRECTORY | O_NOFOLLOW in the one before, so a component that
 *   is (or has just become) a symlink ends the walk with ENOTDIR. The
 *   guest's own symlinks are followed by lx's Vfs, in the guest's namespace,
 *   which only ever hands us paths of directories it has looked up.
 * - Node has no *at() calls, so "/proc/self/fd/D/NAME" stands for NAME in
 *   the directory that descriptor D holds: the kernel resolves the magic
 *   link /proc/self/fd/D to the open directory itself, not to a path. The
 *   last component is then never followed: lstat, readlink, lutimes,
 *   lchown, O_NOFOLLOW opens, link(2) (which does not follow), and chmod
 *   through an O_PATH descriptor of the file checked not to be a symlink.
 * - An open file is a host descriptor opened when the guest opened it: reads,
 *   writes, fstat, fchmod and ftruncate go to it, so a file unlinked or
 *   renamed meanwhile stays the file the guest opened, as on Linux.
 *   Opening it again (/proc/self/fd/N in the guest) goes through that
 *   descriptor too.
 *
 * Host descriptors are bounded: one per open file description of the guest
 * (dup'ed and inherited descriptors share it), closed when the guest drops
 * its last reference, at most `maxOpen` (4096) at a time; past that, open
 * fails with ENFILE as on a Linux whose file table is full. Walked
 * directories stay open in a cache of `maxDirs` (64, least recently used
 * out) plus those one operation walks.
 */
import * as fs from 'node:fs'
import { errnoFromName, type HostDirEntry, type HostFsPort, type HostStat, type StatFs } from '../engine/exec'

export interface NodeHostFsOptions {
  /** The host directory that appears as "/" (default "/"). */
  root?: string
  writable?: boolean
  /** Host files the guest may hold open at once (default 4096). */
  maxOpen?: number
  /** Directory descriptors kept between operations (default 64). */
  maxDirs?: number
  /** One line for the host's user (exec writes it to stderr), e.g. why a host FIFO was refused. */
  notice?: (line: string) => void
}

/** Linux's O_PATH (x86_64, arm64, riscv64); node:fs does not export it. */
const O_PATH = 0o10000000
const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY, O_NONBLOCK, O_NOCTTY } = fs.constants
/** For every open of a file: a FIFO or device swapped in on the host must not block the engine or become its tty. */
const QUIET = O_NONBLOCK | O_NOCTTY
const ACCESS = [O_RDONLY, O_WRONLY, O_RDWR]

const ENOENT = 2
const EBADF = 9
const EEXIST = 17
const ENFILE = 23
const EROFS = 30
const EOPNOTSUPP = 95

/** A failure inside an operation; `guard` turns it into -errno. */
class Refused {
  constructor(readonly errno: number) {}
}

function errno(e: unknown): number {
  if (e instanceof Refused) return -e.errno
  const code = (e as { code?: unknown } | null)?.code
  return -errnoFromName(typeof code === 'string' ? code : 'EIO')
}

function toStat(s: fs.BigIntStats): HostStat {
  return {
    dev: Number(s.dev), ino: Number(s.ino), mode: Number(s.mode), nlink: Number(s.nlink), uid: Number(s.uid),
    gid: Number(s.gid), rdev: Number(s.rdev), size: Number(s.size), blksize: Number(s.blksize), blocks: Number(s.blocks),
    atimeNs: Number(s.atimeNs), mtimeNs: Number(s.mtimeNs), ctimeNs: Number(s.ctimeNs),
  }
}

/** linux_dirent64 d_type from a Node directory entry. */
function direntType(d: fs.Dirent): number {
  if (d.isFIFO()) return 1
  if (d.isCharacterDevice()) return 2
  if (d.isDirectory()) return 4
  if (d.isBlockDevice()) return 6
  if (d.isFile()) return 8
  if (d.isSymbolicLink()) return 10
  if (d.isSocket()) return 12
  return 0
}

/** One directory entry's name: what the Vfs gives us, never a way up or across. */
function checkName(name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) throw new Refused(ENOENT)
  return name
}

const fdPath = (fd: number): string => `/proc/self/fd/${fd}`

/** Nanoseconds as the fractional seconds node:fs takes. */
const seconds = (ns: number): number => Number(BigInt(Math.round(ns)) / 1000n) / 1e6

export class NodeHostFs implements HostFsPort {
  /** The tree's top directory (O_PATH). */
  private readonly top: number
  /** Walked directories by path (O_PATH), least recently used first. */
  private readonly dirs = new Map<string, number>()
  /** The guest's open files: host descriptor → access mode (O_RDONLY, O_WRONLY, O_RDWR). */
  private readonly files = new Map<number, number>()
  private readonly maxOpen: number
  private readonly maxDirs: number
  private readonly notice: (line: string) => void
  /** Host FIFOs already reported. */
  private readonly noticed = new Set<string>()
  /** The top as the host names it, for messages. */
  private readonly rootName: string
  readonly writable: boolean
  private closed = false

  /** The port over `opts.root`, or why there is none (a one-line reason). */
  static open(opts: NodeHostFsOptions = {}): NodeHostFs | string {
    const root = opts.root ?? '/'
    let top: number
    try {
      top = fs.openSync(root, O_PATH | O_DIRECTORY)
    } catch (e) {
      return `cannot open ${root}: ${(e as Error).message}`
    }
    // The walk needs Linux's /proc/self/fd magic links; without them nothing would be found.
    try {
      const a = fs.fstatSync(top)
      const b = fs.statSync(fdPath(top) + '/.')
      if (a.dev === b.dev && a.ino === b.ino) return new NodeHostFs(top, opts)
    } catch {
      // below
    }
    fs.closeSync(top)
    return `cannot reach ${root} through /proc/self/fd (the host files need Linux with /proc mounted)`
  }

  private constructor(top: number, opts: NodeHostFsOptions) {
    this.top = top
    this.writable = opts.writable ?? false
    this.maxOpen = opts.maxOpen ?? 4096
    this.maxDirs = opts.maxDirs ?? 64
    this.notice = opts.notice ?? (() => {})
    this.rootName = (opts.root ?? '/').replace(/\/+$/, '')
  }

  /** Host descriptors held now (open files, cached directories and the top), for tests and figures. */
  get descriptors(): number {
    return this.closed ? 0 : this.files.size + this.dirs.size + 1
  }

  /** Closes every host descriptor; the port answers EBADF from then on. */
  close(): void {
    if (this.closed) return
    for (const fd of this.files.keys()) fs.closeSync(fd)
    for (const fd of this.dirs.values()) fs.closeSync(fd)
    this.files.clear()
    this.dirs.clear()
    fs.closeSync(this.top)
    this.closed = true
  }

  /**
   * Runs one operation; a thrown error becomes -errno. Descriptors a walk
   * cached are trimmed before an operation, never during one, so that those
   * it holds stay open until it is done.
   */
  private guard<T>(f: () => T): T | number {
    if (this.closed) return -EBADF
    while (this.dirs.size > this.maxDirs) {
      const [p, fd] = this.dirs.entries().next().value as [string, number]
      this.dirs.delete(p)
      fs.closeSync(fd)
    }
    try {
      return f()
    } catch (e) {
      return errno(e)
    }
  }

  // The writing half answers only on writable ports: a read-only HostFs never calls it,
  // and this keeps a wrong configuration from writing anyway.
  private rw<T>(f: () => T): T | number {
    if (!this.writable) return -EROFS
    return this.guard(f)
  }

  /** The descriptor of the directory at `path`, walked from the top without following symlinks. */
  private dir(path: string): number {
    if (path === '/') return this.top
    const known = this.dirs.get(path)
    if (known !== undefined) {
      this.dirs.delete(path)
      this.dirs.set(path, known)
      return known
    }
    // Start below the nearest directory already open.
    let fd = this.top
    let done = 0
    for (let cut = path.lastIndexOf('/'); cut > 0; cut = path.lastIndexOf('/', cut - 1)) {
      const d = this.dirs.get(path.slice(0, cut))
      if (d !== undefined) {
        fd = d
        done = cut
        break
      }
    }
    while (done < path.length) {
      const next = path.indexOf('/', done + 1)
      const end = next < 0 ? path.length : next
      const name = checkName(path.slice(done + 1, end))
      fd = fs.openSync(`${fdPath(fd)}/${name}`, O_PATH | O_DIRECTORY | O_NOFOLLOW)
      this.dirs.set(path.slice(0, end), fd)
      done = end
    }
    return fd
  }

  /** "/proc/self/fd/D/NAME": the last component of `path` in its directory's descriptor. */
  private at(path: string): string {
    if (!path.startsWith('/')) throw new Refused(ENOENT)
    const cut = path.lastIndexOf('/')
    const name = checkName(path.slice(cut + 1))
    return `${fdPath(this.dir(cut === 0 ? '/' : path.slice(0, cut)))}/${name}`
  }

  /** Forgets walked directories at or below `path` (it was renamed or removed). */
  private dropDirs(path: string): void {
    for (const [p, fd] of [...this.dirs]) {
      if (p === path || p.startsWith(path + '/')) {
        this.dirs.delete(p)
        fs.closeSync(fd)
      }
    }
  }

  /** The guest's open file behind `h`, or EBADF for anything else (never another host descriptor). */
  private file(h: number): number {
    if (!this.files.has(h)) throw new Refused(EBADF)
    return h
  }

  private hold(fd: number, access: number): number {
    this.files.set(fd, access)
    return fd
  }

  lstat(p: string): HostStat | number {
    return this.guard(() => toStat(p === '/' ? fs.fstatSync(this.top, { bigint: true }) : fs.lstatSync(this.at(p), { bigint: true })))
  }

  /**
   * Entries in the host's own order (readdir(3), as getdents64 gives it to
   * a native or qemu-run program), not readdirSync's, which libuv sorts:
   * `find`, `tar` and `ls -f` must walk directories as they would on the host.
   */
  readdir(p: string): HostDirEntry[] | number {
    return this.guard(() => {
      const dir = fdPath(this.dir(p))
      const d = fs.opendirSync(dir, { bufferSize: 256 })
      const out: HostDirEntry[] = []
      try {
        for (let e = d.readSync(); e !== null; e = d.readSync()) {
          let ino = 0
          try {
            ino = Number(fs.lstatSync(`${dir}/${e.name}`, { bigint: true }).ino)
          } catch {
            // vanished meanwhile: keep the name
          }
          out.push({ name: e.name, ino, type: direntType(e) })
        }
      } finally {
        d.closeSync()
      }
      return out
    })
  }

  readlink(p: string): string | number {
    return this.guard(() => fs.readlinkSync(this.at(p), 'utf8'))
  }

  statfs(p: string): StatFs | number {
    return this.guard(() => {
      const s = fs.statfsSync(p === '/' ? fdPath(this.top) : this.at(p), { bigint: false })
      return {
        type: Number(s.type), bsize: Number(s.bsize), frsize: Number(s.bsize), blocks: Number(s.blocks),
        bfree: Number(s.bfree), bavail: Number(s.bavail), files: Number(s.files), ffree: Number(s.ffree),
        namelen: 255, flags: this.writable ? 0 : 1,
      }
    })
  }

  /**
   * A host FIFO is refused (EOPNOTSUPP), and the host's user told once per
   * FIFO. Its reads and writes block in the host kernel until the other end
   * acts, and the engine must never block; connecting one would take a
   * watcher on the host's event loop that wakes the guest, which exec does
   * not have. (FIFOs the guest makes live in lx and work.)
   */
  fifo(p: string): number {
    if (!this.noticed.has(p)) {
      this.noticed.add(p)
      this.notice(`${this.rootName}${p}: a host FIFO; exec does not connect the program to it (EOPNOTSUPP)`)
    }
    return -EOPNOTSUPP
  }

  // ------------------------------------------------------------ open files

  open(p: string, access: number): number {
    if (access !== O_RDONLY && !this.writable) return -EROFS
    return this.guard(() => {
      if (this.files.size >= this.maxOpen) throw new Refused(ENFILE)
      return this.hold(fs.openSync(this.at(p), ACCESS[access] | O_NOFOLLOW | QUIET), access)
    })
  }

  reopen(h: number, access: number): number {
    if (access !== O_RDONLY && !this.writable) return -EROFS
    return this.guard(() => {
      if (this.files.size >= this.maxOpen) throw new Refused(ENFILE)
      // The magic link leads to the open file itself, even unlinked: what Linux does for /proc/self/fd/N.
      return this.hold(fs.openSync(fdPath(this.file(h)), ACCESS[access] | QUIET), access)
    })
  }

  release(h: number): void {
    if (this.closed || !this.files.delete(h)) return
    fs.closeSync(h)
  }

  fstat(h: number): HostStat | number {
    return this.guard(() => toStat(fs.fstatSync(this.file(h), { bigint: true })))
  }

  pread(h: number, offset: number, buf: Uint8Array): number {
    return this.guard(() => fs.readSync(this.file(h), buf, 0, buf.length, offset)) as number
  }

  pwrite(h: number, offset: number, data: Uint8Array): number {
    return this.rw(() => fs.writeSync(this.file(h), data, 0, data.length, offset)) as number
  }

  ftruncate(h: number, size: number): number {
    return this.rw(() => {
      const fd = this.file(h)
      if (this.files.get(fd) !== O_RDONLY) {
        fs.ftruncateSync(fd, size)
        return 0
      }
      // ftruncate(2) on the guest's side already checked its descriptor; the inode may be open read-only here.
      const w = fs.openSync(fdPath(fd), O_WRONLY | QUIET)
      try {
        fs.ftruncateSync(w, size)
      } finally {
        fs.closeSync(w)
      }
      return 0
    }) as number
  }

  fchmod(h: number, mode: number): number {
    return this.rw(() => {
      fs.fchmodSync(this.file(h), mode)
      return 0
    }) as number
  }

  fchown(h: number, uid: number, gid: number): number {
    return this.rw(() => {
      fs.fchownSync(this.file(h), uid, gid)
      return 0
    }) as number
  }

  futimes(h: number, atimeNs: number, mtimeNs: number): number {
    return this.rw(() => {
      fs.futimesSync(this.file(h), seconds(atimeNs), seconds(mtimeNs))
      return 0
    }) as number
  }

  // ----------------------------------------------------------------- names

  create(p: string, mode: number): number {
    return this.rw(() => {
      fs.closeSync(fs.openSync(this.at(p), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | QUIET, mode))
      return 0
    }) as number
  }

  mkdir(p: string, mode: number): number {
    return this.rw(() => {
      fs.mkdirSync(this.at(p), { mode })
      return 0
    }) as number
  }

  unlink(p: string): number {
    return this.rw(() => {
      fs.unlinkSync(this.at(p))
      return 0
    }) as number
  }

  rmdir(p: string): number {
    return this.rw(() => {
      fs.rmdirSync(this.at(p))
      this.dropDirs(p)
      return 0
    }) as number
  }

  rename(from: string, to: string, noReplace: boolean): number {
    return this.rw(() => {
      const a = this.at(from)
      const b = this.at(to)
      if (noReplace && fs.lstatSync(b, { throwIfNoEntry: false })) throw new Refused(EEXIST)
      fs.renameSync(a, b)
      this.dropDirs(from)
      this.dropDirs(to)
      return 0
    }) as number
  }

  truncate(p: string, size: number): number {
    return this.rw(() => {
      const fd = fs.openSync(this.at(p), O_WRONLY | O_NOFOLLOW | QUIET)
      try {
        fs.ftruncateSync(fd, size)
      } finally {
        fs.closeSync(fd)
      }
      return 0
    }) as number
  }

  symlink(target: string, p: string): number {
    return this.rw(() => {
      fs.symlinkSync(target, this.at(p))
      return 0
    }) as number
  }

  link(existing: string, p: string): number {
    // link(2) does not follow a symlink `existing` names: it links the symlink.
    return this.rw(() => {
      fs.linkSync(this.at(existing), this.at(p))
      return 0
    }) as number
  }

  chmod(p: string, mode: number): number {
    // No lchmod on Linux: chmod the file through a descriptor that names it, once it is known not to be a symlink.
    return this.rw(() => {
      if (p === '/') {
        fs.chmodSync(fdPath(this.top), mode)
        return 0
      }
      const fd = fs.openSync(this.at(p), O_PATH | O_NOFOLLOW)
      try {
        if (fs.fstatSync(fd).isSymbolicLink()) throw new Refused(EOPNOTSUPP)
        fs.chmodSync(fdPath(fd), mode)
      } finally {
        fs.closeSync(fd)
      }
      return 0
    }) as number
  }

  chown(p: string, uid: number, gid: number): number {
    return this.rw(() => {
      if (p === '/') fs.chownSync(fdPath(this.top), uid, gid)
      else fs.lchownSync(this.at(p), uid, gid)
      return 0
    }) as number
  }

  utimes(p: string, atimeNs: number, mtimeNs: number): number {
    return this.rw(() => {
      if (p === '/') fs.utimesSync(fdPath(this.top), seconds(atimeNs), seconds(mtimeNs))
      else fs.lutimesSync(this.at(p), seconds(atimeNs), seconds(mtimeNs))
      return 0
    }) as number
  }
}

