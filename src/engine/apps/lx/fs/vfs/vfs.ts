/**
 * The Vfs: a mount table, path resolution and the file operations of the
 * *at system calls, with Linux's checks in Linux's order (namei.c): each
 * component needs search permission on the directory it is looked up in,
 * symlinks nest at most 40 deep (ELOOP), a trailing slash requires a
 * directory, mount points are crossed both ways, and root passes every
 * permission check except execute on a file with no x bit at all.
 *
 * The caller (the syscall layer) keeps per-process state: the cwd inode,
 * umask (it passes `mode & ~umask`), O_CLOEXEC, and the fd table. `cwd`
 * arguments are the inode *at resolves relative paths against (the cwd for
 * AT_FDCWD, else the directory of the fd).
 */
import { Errno } from './errno'
import { FileBase } from './file'
import { Pipe, PipeFs, openPipeEnd } from './pipe'
import {
  type Cred, type FileSystem, type Inode, type OpenFile, type Stat, type StatFs,
  AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW, AT_EACCESS, F_OK, MAX_SYMLINKS, NAME_MAX, O_ACCMODE, O_CREAT, O_DIRECTORY,
  O_EXCL, O_NOFOLLOW, O_PATH, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, PATH_MAX, O_NOCTTY, O_CLOEXEC, O_LARGEFILE, R_OK, RENAME_EXCHANGE,
  RENAME_NOREPLACE, RENAME_WHITEOUT, S_IFCHR, S_IFBLK, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, S_ISGID,
  S_ISUID, S_ISVTX, UTIME_NOW, UTIME_OMIT, W_OK, X_OK, isDir, isLnk, isReg, O_TMPFILE, MAX_FILE_SIZE, makedev, type MemCharge,
} from './types'

/** Opens a character or block device node by its rdev (devfs registers /dev's devices). */
export type DeviceOpener = (inode: Inode, flags: number, cred: Cred) => OpenFile | number

export interface Mount {
  fs: FileSystem
  /** The directory covered by this mount (null for the root mount). */
  mountpoint: Inode | null
  /** As /proc/mounts shows it. */
  source: string
  path: string
  options: string
}

/** A time for utimensat: seconds and nanoseconds, nsec may be UTIME_NOW / UTIME_OMIT. */
export interface Timespec {
  sec: number
  nsec: number
}

interface ParentResult {
  dir: Inode
  /** The last component: '' for the root itself, '.' / '..' possible. */
  name: string
  /** The path ended in '/'. */
  slash: boolean
}

interface WalkState {
  links: number
  /** Where the walk's last component was found (after symlinks): for openedPath. */
  lastDir?: Inode | null
  lastName?: string
}

/** How an open file was named: its directory and name when known, else the path given. */
interface OpenedName {
  dir: Inode | null
  name: string
  cwd: Inode | null
  path: string
}

export interface VfsOptions {
  clock?: () => number
  devices?: DeviceOpener
  /** The VM's memory: pipe buffers are charged to it. */
  charge?: MemCharge
}

const isErr = (r: unknown): r is number => typeof r === 'number'

export class Vfs {
  /**
   * Mounts by the directory they cover, as (file system, inode number): file
   * systems such as hostfs may hand out a new inode object for the same
   * directory, and a mount must still be found under it.
   */
  private readonly mountsByPoint = new Map<FileSystem, Map<number, Mount>>()
  private readonly mountsByRoot = new Map<Inode, Mount>()
  private readonly mountList: Mount[] = []
  private readonly fifos = new WeakMap<Inode, Pipe>()
  private readonly filePaths = new WeakMap<OpenFile, OpenedName>()
  readonly clock: () => number
  devices: DeviceOpener
  /** Where pipe2's pipes live (never mounted). */
  readonly pipefs: PipeFs
  /**
   * The next anonymous device number (major 0) to give a file system: Linux
   * gives each in-memory file system's superblock one when it is set up
   * (get_anon_bdev), and so does the Vfs, at mount — numbered per Vfs (one
   * VM), so that a VM's st_dev values do not depend on what ran before in
   * the same engine. Minors count from 16, the first ones lx ever gave.
   */
  private nextAnonMinor = 16

  constructor(rootFs: FileSystem, opts: VfsOptions = {}, rootSource = 'rootfs') {
    this.clock = opts.clock ?? (() => 0)
    this.devices = opts.devices ?? (() => -Errno.ENXIO)
    this.pipefs = new PipeFs(opts.charge)
    this.assignDev(this.pipefs)
    this.assignDev(rootFs)
    const m: Mount = { fs: rootFs, mountpoint: null, source: rootSource, path: '/', options: rootFs.readOnly ? 'ro' : 'rw' }
    this.mountsByRoot.set(rootFs.root, m)
    this.mountList.push(m)
  }

  /** The root directory (of the topmost file system mounted on /). */
  get root(): Inode {
    return this.cross(this.mountList[0].fs.root)
  }

  // ---------------------------------------------------------------- mounts

  /** A file system without a device number (0) gets the next anonymous one; one mounted again keeps its own. */
  private assignDev(fs: FileSystem): void {
    if (fs.dev === 0) fs.dev = makedev(0, this.nextAnonMinor++)
  }

  /** Mounts `fs` on the directory `path` (resolved as root). */
  mount(path: string, fs: FileSystem, source = 'none', options?: string): number {
    const at = this.resolve(this.root, path, { uid: 0, gid: 0 })
    if (isErr(at)) return at
    if (!isDir(at.mode)) return -Errno.ENOTDIR
    const where = this.getcwd(at)
    if (isErr(where)) return where
    this.assignDev(fs)
    const m: Mount = { fs, mountpoint: at, source, path: where, options: options ?? (fs.readOnly ? 'ro' : 'rw') }
    let perFs = this.mountsByPoint.get(at.fs)
    if (!perFs) {
      perFs = new Map()
      this.mountsByPoint.set(at.fs, perFs)
    }
    perFs.set(at.ino, m)
    this.mountsByRoot.set(fs.root, m)
    this.mountList.push(m)
    return 0
  }

  /** Unmounts the file system mounted at `path`. */
  umount(path: string): number {
    const at = this.resolve(this.root, path, { uid: 0, gid: 0 })
    if (isErr(at)) return at
    const m = this.mountsByRoot.get(at)
    if (!m || !m.mountpoint) return -Errno.EINVAL
    if (this.mountAt(at)) return -Errno.EBUSY // something is mounted on top of it
    this.mountsByPoint.get(m.mountpoint.fs)?.delete(m.mountpoint.ino)
    this.mountsByRoot.delete(at)
    this.mountList.splice(this.mountList.indexOf(m), 1)
    return 0
  }

  /** The mounts in mount order, for /proc/mounts. */
  mounts(): readonly Mount[] {
    return this.mountList
  }

  /** /proc/mounts text: "source path type options 0 0" per mount. */
  mountsText(): string {
    return this.mountList.map((m) => `${m.source} ${escapeMountPath(m.path)} ${m.fs.type} ${m.options} 0 0\n`).join('')
  }

  private cross(i: Inode): Inode {
    for (let m = this.mountAt(i); m; m = this.mountAt(i)) i = m.fs.root
    return i
  }

  /** The mount covering directory `i`, if any. */
  private mountAt(i: Inode): Mount | undefined {
    if (this.mountsByPoint.size === 0 || !isDir(i.mode)) return undefined
    return this.mountsByPoint.get(i.fs)?.get(i.ino)
  }

  /** '..' of a directory: above the root stays at the root; a mount root leads to its mount point's parent. */
  private up(i: Inode): Inode {
    const root = this.root
    for (;;) {
      if (i === root) return i
      const m = this.mountsByRoot.get(i)
      if (m && m.mountpoint) {
        i = m.mountpoint
        continue
      }
      if (m) return i // root of the root mount, covered by nothing: stay
      break
    }
    return this.cross(i.parent ? i.parent() : i)
  }

  // ------------------------------------------------------------ permissions

  /** generic_permission: `mask` of R_OK|W_OK|X_OK against the inode's mode for `cred`. */
  permission(i: Inode, cred: Cred, mask: number): number {
    if (cred.uid === 0) {
      // Root may do anything, but execute only what is executable by someone.
      if (!(mask & X_OK) || isDir(i.mode) || i.mode & 0o111) return 0
      return -Errno.EACCES
    }
    let bits = i.mode
    if (cred.uid === i.uid) bits >>= 6
    else if (cred.gid === i.gid || (cred.groups?.includes(i.gid) ?? false)) bits >>= 3
    return (bits & mask & 7) === (mask & 7) ? 0 : -Errno.EACCES
  }

  private inGroup(cred: Cred, gid: number): boolean {
    return cred.gid === gid || (cred.groups?.includes(gid) ?? false)
  }

  /** The sticky-directory rule: only the owner of the file or the directory (or root) may remove or rename in it. */
  private stickyDenied(dir: Inode, victim: Inode, cred: Cred): boolean {
    return (dir.mode & S_ISVTX) !== 0 && cred.uid !== 0 && cred.uid !== dir.uid && cred.uid !== victim.uid
  }

  private mayDelete(dir: Inode, victim: Inode, cred: Cred): number {
    const p = this.permission(dir, cred, W_OK | X_OK)
    if (p) return p
    if (this.stickyDenied(dir, victim, cred)) return -Errno.EPERM
    if (this.mountAt(victim) || this.mountsByRoot.has(victim)) return -Errno.EBUSY
    return 0
  }

  // ---------------------------------------------------------------- lookup

  /** Looks `name` up in directory `dir`: search permission, '.', '..', mount crossing. */
  private step(dir: Inode, name: string, cred: Cred): Inode | number {
    if (!isDir(dir.mode)) return -Errno.ENOTDIR
    const p = this.permission(dir, cred, X_OK)
    if (p) return p
    if (name === '.') return dir
    if (name === '..') return this.up(dir)
    if (name.length * 3 > NAME_MAX && utf8Length(name) > NAME_MAX) return -Errno.ENAMETOOLONG
    if (!dir.lookup) return -Errno.ENOENT
    const r = dir.lookup(name)
    return isErr(r) ? r : this.cross(r)
  }

  private checkPath(path: string): number {
    if (path.length === 0) return -Errno.ENOENT
    if (path.length * 3 >= PATH_MAX && utf8Length(path) >= PATH_MAX) return -Errno.ENAMETOOLONG
    return 0
  }

  /** Follows a symlink found in `dir`. */
  private followLink(dir: Inode, link: Inode, cred: Cred, st: WalkState): Inode | number {
    if (++st.links > MAX_SYMLINKS) return -Errno.ELOOP
    const magic = link.follow ? link.follow() : null
    if (magic) {
      st.lastDir = null // a magic link names no directory entry
      return this.cross(magic)
    }
    const target = link.readlink ? link.readlink() : -Errno.EINVAL
    if (isErr(target)) return target
    if (target === '') return -Errno.ENOENT
    return this.walk(dir, target, cred, true, st)
  }

  private walk(start: Inode, path: string, cred: Cred, follow: boolean, st: WalkState): Inode | number {
    const e = this.checkPath(path)
    if (e) return e
    let cur = path.charCodeAt(0) === 47 ? this.root : start
    const comps = path.split('/').filter((c) => c !== '')
    const slash = path.charCodeAt(path.length - 1) === 47
    for (let k = 0; k < comps.length; k++) {
      const last = k === comps.length - 1
      let r = this.step(cur, comps[k], cred)
      if (isErr(r)) return r
      if (isLnk(r.mode) && (!last || follow || slash)) {
        r = this.followLink(cur, r, cred, st)
        if (isErr(r)) return r
      } else if (last) {
        st.lastDir = cur
        st.lastName = comps[k]
      }
      cur = r
    }
    if (slash && !isDir(cur.mode)) return -Errno.ENOTDIR
    return cur
  }

  /** Resolves the directory part of `path` and returns it with the last component. */
  private walkParent(start: Inode, path: string, cred: Cred, st: WalkState): ParentResult | number {
    const e = this.checkPath(path)
    if (e) return e
    let end = path.length
    while (end > 0 && path.charCodeAt(end - 1) === 47) end--
    const slash = end < path.length
    if (end === 0) return { dir: this.root, name: '', slash: true } // "/", "//"
    const cut = path.lastIndexOf('/', end - 1)
    const name = path.slice(cut + 1, end)
    let dir: Inode | number
    if (cut < 0) dir = start
    else if (cut === 0 || path.slice(0, cut).split('/').every((c) => c === '')) dir = this.root
    else dir = this.walk(start, path.slice(0, cut), cred, true, st)
    if (isErr(dir)) return dir
    if (!isDir(dir.mode)) return -Errno.ENOTDIR
    // link_path_walk checks search permission on the directory of the last component
    // too, before anything looks at that component ('.', '..', existence).
    const x = this.permission(dir, cred, X_OK)
    if (x) return x
    if (utf8Length(name) > NAME_MAX) return -Errno.ENAMETOOLONG
    return { dir, name, slash }
  }

  /** Resolves `path` relative to `cwd`, following a final symlink unless `nofollow`. */
  resolve(cwd: Inode, path: string, cred: Cred, nofollow = false): Inode | number {
    return this.walk(cwd, path, cred, !nofollow, { links: 0 })
  }

  /** chdir/fchdir: the directory `path` names, searchable by `cred`; the caller keeps it as the cwd. */
  resolveDir(cwd: Inode, path: string, cred: Cred): Inode | number {
    const i = this.resolve(cwd, path, cred)
    if (isErr(i)) return i
    return this.checkChdir(i, cred)
  }

  /** fchdir's checks on an inode. */
  checkChdir(i: Inode, cred: Cred): Inode | number {
    if (!isDir(i.mode)) return -Errno.ENOTDIR
    const p = this.permission(i, cred, X_OK)
    return p ? p : i
  }

  // ------------------------------------------------------------------ open

  /**
   * openat. `mode` is already masked with the umask (it matters only with
   * O_CREAT); O_CLOEXEC is ignored here. O_TMPFILE is not supported
   * (EOPNOTSUPP, which callers such as mkstemp fall back from).
   */
  open(cwd: Inode, path: string, flags: number, mode: number, cred: Cred): OpenFile | number {
    this.openCwd = cwd
    const f = this.openIn(cwd, path, flags, mode, cred, { links: 0 })
    this.openCwd = null
    return f
  }

  /** The cwd of the open in progress (for openedPath). */
  private openCwd: Inode | null = null

  private openIn(cwd: Inode, path: string, flags: number, mode: number, cred: Cred, st: WalkState): OpenFile | number {
    st.lastDir = null
    if ((flags & O_TMPFILE) === O_TMPFILE) return -Errno.EOPNOTSUPP
    const acc = flags & O_ACCMODE
    if (acc === 3 && !(flags & O_PATH)) return -Errno.EINVAL
    let inode: Inode
    let created = false
    if (flags & O_CREAT && !(flags & O_PATH)) {
      const p = this.walkParent(cwd, path, cred, st)
      if (isErr(p)) return p
      // '.', '..' or the root: an existing directory (do_open: EEXIST under O_EXCL, else EISDIR).
      if (p.name === '' || p.name === '.' || p.name === '..') {
        const x = p.name === '' ? 0 : this.permission(p.dir, cred, X_OK)
        if (x) return x
        return flags & O_EXCL ? -Errno.EEXIST : -Errno.EISDIR
      }
      // Trailing slashes with O_CREAT (open_last_lookups), whether or not the name exists.
      if (p.slash) return -Errno.EISDIR
      const x = this.permission(p.dir, cred, X_OK)
      if (x) return x
      const found = p.dir.lookup ? p.dir.lookup(p.name) : -Errno.ENOENT
      if (isErr(found)) {
        if (found !== -Errno.ENOENT) return found
        const w = this.permission(p.dir, cred, W_OK)
        if (w) return w
        if (p.dir.fs.readOnly) return -Errno.EROFS
        if (!p.dir.create) return -Errno.EACCES
        const c = p.dir.create(p.name, S_IFREG | (mode & 0o7777), cred, 0)
        if (isErr(c)) return c
        inode = c
        created = true
        st.lastDir = p.dir
        st.lastName = p.name
      } else {
        if (flags & O_EXCL) return -Errno.EEXIST
        const f = this.cross(found)
        if (isLnk(f.mode)) {
          if (flags & O_NOFOLLOW) return -Errno.ELOOP
          // A symlink under O_CREAT: open (or create) its target.
          if (++st.links > MAX_SYMLINKS) return -Errno.ELOOP
          // A magic link (/dev/stdout → /proc/self/fd/1) jumps to its inode, which exists
          // (nd_jump_link): `echo x > /dev/stdout` reopens whatever fd 1 is.
          const magic = f.follow ? f.follow() : null
          if (magic) {
            const m = this.cross(magic)
            if (isDir(m.mode)) return -Errno.EISDIR
            return this.openInode(m, flags, cred, false, { dir: null, name: '', cwd: this.openCwd, path })
          }
          const target = f.readlink ? f.readlink() : -Errno.EINVAL
          if (isErr(target)) return target
          if (target === '') return -Errno.ENOENT
          this.openCwd = p.dir // the target is relative to the link's directory
          return this.openIn(p.dir, target, flags, mode, cred, st)
        }
        if (isDir(f.mode)) return -Errno.EISDIR
        inode = f
        st.lastDir = p.dir
        st.lastName = p.name
      }
    } else {
      const r = this.walk(cwd, path, cred, !(flags & O_NOFOLLOW), st)
      if (isErr(r)) return r
      inode = r
      if (isLnk(inode.mode) && !(flags & O_PATH)) return -Errno.ELOOP
    }
    return this.openInode(inode, flags, cred, created, { dir: st.lastDir ?? null, name: st.lastName ?? '', cwd: this.openCwd, path })
  }

  /** The checks of do_open after resolution, then the file system's or device's open. */
  private openInode(inode: Inode, openFlags: number, cred: Cred, created: boolean, named: OpenedName): OpenFile | number {
    // The description keeps what F_GETFL shows: not the open-time flags (do_dentry_open), not the
    // per-descriptor O_CLOEXEC, and O_LARGEFILE always on a 64-bit kernel (force_o_largefile).
    const flags = (openFlags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) | O_LARGEFILE
    const acc = flags & O_ACCMODE
    if (flags & O_DIRECTORY && !isDir(inode.mode)) return -Errno.ENOTDIR
    if (flags & O_PATH) {
      const f = new PathFile(inode, flags)
      this.filePaths.set(f, named)
      return f
    }
    if (isDir(inode.mode) && (acc !== O_RDONLY || openFlags & (O_TRUNC | O_CREAT))) return -Errno.EISDIR
    if (!created) {
      let mask = 0
      if (acc === O_RDONLY || acc === O_RDWR) mask |= R_OK
      if (acc === O_WRONLY || acc === O_RDWR || openFlags & O_TRUNC) mask |= W_OK
      const p = this.permission(inode, cred, mask)
      if (p) return p
    }
    const type = inode.mode & S_IFMT
    const writes = acc !== O_RDONLY || (openFlags & O_TRUNC) !== 0
    if (writes && inode.fs.readOnly && (type === S_IFREG || type === S_IFDIR || type === S_IFLNK)) return -Errno.EROFS
    let f: OpenFile | number = -Errno.ENXIO
    // FIFOs and devices that open themselves: a pipe reached through /proc/<pid>/fd/N
    // (/dev/stdin) gives a new file on that very pipe, host streams give themselves.
    // Inodes of named FIFOs and device nodes answer ENXIO and are opened here.
    if (type === S_IFIFO || type === S_IFCHR || type === S_IFBLK) f = inode.open(flags, cred)
    if (f !== -Errno.ENXIO) {
      if (!isErr(f)) this.filePaths.set(f, named)
      return f
    }
    switch (type) {
      case S_IFIFO: {
        let pipe = this.fifos.get(inode)
        if (!pipe) {
          pipe = new Pipe(this.pipefs.charge)
          this.fifos.set(inode, pipe)
        }
        f = openPipeEnd(pipe, inode, flags)
        break
      }
      case S_IFCHR:
      case S_IFBLK:
        f = this.devices(inode, flags, cred)
        break
      case S_IFSOCK:
        return -Errno.ENXIO
      default:
        if (openFlags & O_TRUNC && !created && type === S_IFREG && inode.truncate) {
          const t = inode.truncate(0)
          if (t) return t
        }
        f = inode.open(flags, cred)
    }
    if (!isErr(f)) this.filePaths.set(f, named)
    return f
  }

  /**
   * The absolute path of an open file, for /proc/<pid>/fd and maps: the
   * path of the directory its name was found in (after symlinks) and the
   * name, computed when asked, not at every open. Directories give their
   * getcwd path; files reached through magic links fall back to the path
   * given, normalized lexically.
   */
  openedPath(f: OpenFile): string | undefined {
    if (isDir(f.inode.mode)) {
      const p = this.getcwd(f.inode)
      if (!isErr(p)) return p
    }
    const e = this.filePaths.get(f)
    if (!e) return undefined
    if (e.dir) {
      // Exact: the directory the name was found in, wherever symlinks led.
      const d = this.getcwd(e.dir)
      if (!isErr(d)) return (d === '/' ? '' : d) + '/' + e.name + (f.inode.nlink === 0 ? ' (deleted)' : '')
    }
    let full = e.path
    if (!full.startsWith('/')) {
      const base = e.cwd ? this.getcwd(e.cwd) : '/'
      full = (isErr(base) ? '/' : base) + '/' + full
    }
    const out: string[] = []
    for (const c of full.split('/')) {
      if (c === '' || c === '.') continue
      if (c === '..') out.pop()
      else out.push(c)
    }
    return '/' + out.join('/')
  }

  /** Records the path of an open file made elsewhere (e.g. an fd passed in). */
  setOpenedPath(f: OpenFile, path: string): void {
    this.filePaths.set(f, { dir: null, name: '', cwd: null, path })
  }

  // ------------------------------------------------------------ attributes

  /** stat / lstat / newfstatat (AT_SYMLINK_NOFOLLOW; AT_EMPTY_PATH is the caller's: it stats the fd's inode). */
  stat(cwd: Inode, path: string, cred: Cred, flags = 0): Stat | number {
    const i = this.resolve(cwd, path, cred, (flags & AT_SYMLINK_NOFOLLOW) !== 0)
    return isErr(i) ? i : i.stat()
  }

  statfs(cwd: Inode, path: string, cred: Cred): StatFs | number {
    const i = this.resolve(cwd, path, cred)
    return isErr(i) ? i : i.fs.statfs()
  }

  /** faccessat: `cred` is the real ids (or the effective ones with AT_EACCESS; the caller chooses). */
  access(cwd: Inode, path: string, mode: number, cred: Cred, flags = 0): number {
    if (mode & ~7) return -Errno.EINVAL
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | 0x1000)) return -Errno.EINVAL
    const i = this.resolve(cwd, path, cred, (flags & AT_SYMLINK_NOFOLLOW) !== 0)
    if (isErr(i)) return i
    if (mode === F_OK) return 0
    if (mode & W_OK && i.fs.readOnly && (isReg(i.mode) || isDir(i.mode) || isLnk(i.mode))) return -Errno.EROFS
    return this.permission(i, cred, mode)
  }

  /** fchmodat / fchmod on an inode. */
  chmodInode(i: Inode, mode: number, cred: Cred): number {
    if (cred.uid !== 0 && cred.uid !== i.uid) return -Errno.EPERM
    if (i.fs.readOnly) return -Errno.EROFS
    let m = mode & 0o7777
    // A non-member may not set the setgid bit on a file of another group (it is silently cleared).
    if (cred.uid !== 0 && !isDir(i.mode) && !this.inGroup(cred, i.gid)) m &= ~S_ISGID
    i.mode = (i.mode & S_IFMT) | m
    i.ctimeNs = this.clock()
    return i.setattr ? i.setattr('mode') : 0
  }

  chmod(cwd: Inode, path: string, mode: number, cred: Cred, flags = 0): number {
    const i = this.resolve(cwd, path, cred, (flags & AT_SYMLINK_NOFOLLOW) !== 0)
    if (isErr(i)) return i
    if (isLnk(i.mode)) return -Errno.EOPNOTSUPP
    return this.chmodInode(i, mode, cred)
  }

  /** fchownat / fchown on an inode; -1 leaves an id unchanged. */
  chownInode(i: Inode, uid: number, gid: number, cred: Cred): number {
    const setUid = uid !== -1 && uid !== 0xffffffff
    const setGid = gid !== -1 && gid !== 0xffffffff
    const newUid = setUid ? uid : i.uid
    const newGid = setGid ? gid : i.gid
    if (cred.uid !== 0) {
      // chown_ok / chgrp_ok: only the owner, keeping the owner, and giving the file to one of its groups.
      if (setUid && (cred.uid !== i.uid || uid !== i.uid)) return -Errno.EPERM
      if (setGid && (cred.uid !== i.uid || !(gid === i.gid || this.inGroup(cred, gid)))) return -Errno.EPERM
    }
    if (i.fs.readOnly) return -Errno.EROFS
    if (newUid === i.uid && newGid === i.gid && (uid === -1 || gid === -1)) {
      i.ctimeNs = this.clock()
      return i.setattr ? i.setattr('owner') : 0
    }
    i.uid = newUid
    i.gid = newGid
    // chown drops set-user-id, and set-group-id on group-executable files.
    if (!isDir(i.mode)) {
      i.mode &= ~S_ISUID
      if (i.mode & 0o010) i.mode &= ~S_ISGID
    }
    i.ctimeNs = this.clock()
    return i.setattr ? i.setattr('owner') : 0
  }

  chown(cwd: Inode, path: string, uid: number, gid: number, cred: Cred, flags = 0): number {
    const i = this.resolve(cwd, path, cred, (flags & AT_SYMLINK_NOFOLLOW) !== 0)
    return isErr(i) ? i : this.chownInode(i, uid, gid, cred)
  }

  /** utimensat / futimens on an inode: `times` null means both now. */
  utimensInode(i: Inode, times: [Timespec, Timespec] | null, cred: Cred): number {
    const now = this.clock()
    const t = times ?? [{ sec: 0, nsec: UTIME_NOW }, { sec: 0, nsec: UTIME_NOW }]
    for (const x of t) {
      if (x.nsec !== UTIME_NOW && x.nsec !== UTIME_OMIT && (x.nsec < 0 || x.nsec > 999_999_999)) return -Errno.EINVAL
    }
    if (t[0].nsec === UTIME_OMIT && t[1].nsec === UTIME_OMIT) return 0
    const toNow = t.every((x) => x.nsec === UTIME_NOW || x.nsec === UTIME_OMIT)
    if (cred.uid !== 0 && cred.uid !== i.uid) {
      // Setting times to "now" needs only write permission; explicit times need ownership.
      if (!toNow) return -Errno.EPERM
      if (this.permission(i, cred, W_OK)) return -Errno.EACCES
    }
    if (i.fs.readOnly) return -Errno.EROFS
    const ns = (x: Timespec): number => (x.nsec === UTIME_NOW ? now : x.sec * 1e9 + x.nsec)
    if (t[0].nsec !== UTIME_OMIT) i.atimeNs = ns(t[0])
    if (t[1].nsec !== UTIME_OMIT) i.mtimeNs = ns(t[1])
    i.ctimeNs = now
    return i.setattr ? i.setattr('times') : 0
  }

  utimens(cwd: Inode, path: string, times: [Timespec, Timespec] | null, cred: Cred, flags = 0): number {
    const i = this.resolve(cwd, path, cred, (flags & AT_SYMLINK_NOFOLLOW) !== 0)
    return isErr(i) ? i : this.utimensInode(i, times, cred)
  }

  /** truncate(2). */
  truncate(cwd: Inode, path: string, length: number, cred: Cred): number {
    if (length < 0 || !Number.isSafeInteger(length)) return -Errno.EINVAL
    const i = this.resolve(cwd, path, cred)
    if (isErr(i)) return i
    if (isDir(i.mode)) return -Errno.EISDIR
    if (!isReg(i.mode)) return -Errno.EINVAL
    const p = this.permission(i, cred, W_OK)
    if (p) return p
    if (i.fs.readOnly) return -Errno.EROFS
    return this.truncateInode(i, length)
  }

  /** ftruncate(2) on an open file. */
  ftruncate(f: OpenFile, length: number): number {
    if (length < 0 || !Number.isSafeInteger(length)) return -Errno.EINVAL
    if ((f.flags & O_ACCMODE) === O_RDONLY || f.flags & O_PATH) return -Errno.EINVAL
    if (!isReg(f.inode.mode)) return -Errno.EINVAL
    return this.truncateInode(f.inode, length)
  }

  private truncateInode(i: Inode, length: number): number {
    if (length > MAX_FILE_SIZE) return -Errno.EFBIG
    if (i.fs.readOnly) return -Errno.EROFS
    return i.truncate ? i.truncate(length) : -Errno.EINVAL
  }

  // --------------------------------------------------------- directory ops

  /** Common start of the calls that create a name: the parent, EEXIST before EACCES before EROFS (as filename_create). */
  private createPrep(cwd: Inode, path: string, cred: Cred, dirOk: boolean, check?: (dir: Inode) => number): ParentResult | number {
    const p = this.walkParent(cwd, path, cred, { links: 0 })
    if (isErr(p)) return p
    if (p.name === '' || p.name === '.' || p.name === '..') return -Errno.EEXIST
    const found = p.dir.lookup ? p.dir.lookup(p.name) : -Errno.ENOENT
    if (!isErr(found)) return -Errno.EEXIST
    if (found !== -Errno.ENOENT) return found
    if (p.slash && !dirOk) return -Errno.ENOENT
    if (p.dir.fs.readOnly) return -Errno.EROFS
    // Checks of the caller that come between filename_create and may_create (linkat's).
    const c = check ? check(p.dir) : 0
    if (c) return c
    const w = this.permission(p.dir, cred, W_OK | X_OK)
    if (w) return w
    return p
  }

  /**
   * may_linkat with protected_hardlinks on (the default of Linux
   * distributions): only the owner, root, or someone who may read and write
   * a plain regular file (not set-id) may hard-link it.
   */
  private mayLink(old: Inode, cred: Cred): number {
    if (cred.uid === 0 || cred.uid === old.uid) return 0
    const setid = (old.mode & S_ISUID) !== 0 || (old.mode & (S_ISGID | 0o010)) === (S_ISGID | 0o010)
    if (isReg(old.mode) && !setid && this.permission(old, cred, R_OK | W_OK) === 0) return 0
    return -Errno.EPERM
  }

  mkdir(cwd: Inode, path: string, mode: number, cred: Cred): number {
    const p = this.createPrep(cwd, path, cred, true)
    if (isErr(p)) return p
    if (!p.dir.mkdir) return -Errno.EPERM
    const r = p.dir.mkdir(p.name, mode & 0o7777, cred)
    return isErr(r) ? r : 0
  }

  /** mknodat: regular files, FIFOs and (for root) device nodes. */
  mknod(cwd: Inode, path: string, mode: number, rdev: number, cred: Cred): number {
    const type = mode & S_IFMT
    const t = type === 0 ? S_IFREG : type
    if (t === S_IFDIR) return -Errno.EPERM
    if (t !== S_IFREG && t !== S_IFIFO && t !== S_IFCHR && t !== S_IFBLK && t !== S_IFSOCK) return -Errno.EINVAL
    if ((t === S_IFCHR || t === S_IFBLK) && cred.uid !== 0) return -Errno.EPERM
    const p = this.createPrep(cwd, path, cred, false)
    if (isErr(p)) return p
    if (!p.dir.create) return -Errno.EPERM
    const r = p.dir.create(p.name, t | (mode & 0o7777), cred, t === S_IFCHR || t === S_IFBLK ? rdev : 0)
    return isErr(r) ? r : 0
  }

  symlink(target: string, cwd: Inode, path: string, cred: Cred): number {
    if (target.length === 0) return -Errno.ENOENT
    if (utf8Length(target) >= PATH_MAX) return -Errno.ENAMETOOLONG
    const p = this.createPrep(cwd, path, cred, false)
    if (isErr(p)) return p
    if (!p.dir.symlink) return -Errno.EPERM
    const r = p.dir.symlink(p.name, target, cred)
    return isErr(r) ? r : 0
  }

  /** readlinkat: the target text (the caller truncates it to the buffer, without NUL). */
  readlink(cwd: Inode, path: string, cred: Cred): string | number {
    const i = this.resolve(cwd, path, cred, true)
    if (isErr(i)) return i
    if (!isLnk(i.mode) || !i.readlink) return -Errno.EINVAL
    return i.readlink()
  }

  link(oldCwd: Inode, oldPath: string, newCwd: Inode, newPath: string, cred: Cred, flags = 0): number {
    if (flags & ~(AT_SYMLINK_FOLLOW | 0x1000)) return -Errno.EINVAL
    const old = this.resolve(oldCwd, oldPath, cred, !(flags & AT_SYMLINK_FOLLOW))
    if (isErr(old)) return old
    const p = this.createPrep(newCwd, newPath, cred, false, (dir) => (old.fs !== dir.fs ? -Errno.EXDEV : this.mayLink(old, cred)))
    if (isErr(p)) return p
    if (isDir(old.mode)) return -Errno.EPERM
    if (!p.dir.link) return -Errno.EPERM
    return p.dir.link(p.name, old)
  }

  /**
   * unlinkat (AT_REMOVEDIR: rmdir), in do_unlinkat / do_rmdir's order: the
   * kind of last component, EROFS, existence, trailing slashes (unlink),
   * then may_delete (write and search permission, sticky directories, the
   * victim's type), mount points, and the file system (ENOTEMPTY).
   */
  unlink(cwd: Inode, path: string, cred: Cred, flags = 0): number {
    const rmdir = (flags & 0x200) !== 0
    if (flags & ~0x200) return -Errno.EINVAL
    const p = this.walkParent(cwd, path, cred, { links: 0 })
    if (isErr(p)) return p
    if (rmdir) {
      if (p.name === '.') return -Errno.EINVAL
      if (p.name === '..') return -Errno.ENOTEMPTY
      if (p.name === '') return -Errno.EBUSY
    } else if (p.name === '' || p.name === '.' || p.name === '..') return -Errno.EISDIR
    if (p.dir.fs.readOnly) return -Errno.EROFS
    const victim = p.dir.lookup ? p.dir.lookup(p.name) : -Errno.ENOENT
    if (isErr(victim)) return victim
    if (!rmdir && p.slash) return isDir(victim.mode) ? -Errno.EISDIR : -Errno.ENOTDIR
    const perm = this.permission(p.dir, cred, W_OK | X_OK)
    if (perm) return perm
    if (this.stickyDenied(p.dir, victim, cred)) return -Errno.EPERM
    if (rmdir && !isDir(victim.mode)) return -Errno.ENOTDIR
    if (!rmdir && isDir(victim.mode)) return -Errno.EISDIR
    if (this.mountAt(victim) || this.mountsByRoot.has(victim)) return -Errno.EBUSY
    if (rmdir) return p.dir.rmdir ? p.dir.rmdir(p.name) : -Errno.EPERM
    return p.dir.unlink ? p.dir.unlink(p.name) : -Errno.EPERM
  }

  /** renameat2 (RENAME_NOREPLACE, RENAME_EXCHANGE; RENAME_WHITEOUT is EINVAL). */
  rename(oldCwd: Inode, oldPath: string, newCwd: Inode, newPath: string, cred: Cred, flags = 0): number {
    if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE) || flags & RENAME_WHITEOUT) return -Errno.EINVAL
    if (flags & RENAME_NOREPLACE && flags & RENAME_EXCHANGE) return -Errno.EINVAL
    const op = this.walkParent(oldCwd, oldPath, cred, { links: 0 })
    if (isErr(op)) return op
    const np = this.walkParent(newCwd, newPath, cred, { links: 0 })
    if (isErr(np)) return np
    const special = (n: string): boolean => n === '' || n === '.' || n === '..'
    if (special(op.name)) return -Errno.EBUSY
    if (special(np.name)) return flags & RENAME_NOREPLACE ? -Errno.EEXIST : -Errno.EBUSY
    // do_renameat2's order: EXDEV, EROFS, the lookups, then the name checks, the ancestor traps, and vfs_rename's.
    if (op.dir.fs !== np.dir.fs) return -Errno.EXDEV
    if (op.dir.fs.readOnly) return -Errno.EROFS
    for (const d of [op.dir, np.dir]) {
      const x = this.permission(d, cred, X_OK)
      if (x) return x
    }
    const src = op.dir.lookup ? op.dir.lookup(op.name) : -Errno.ENOENT
    if (isErr(src)) return src
    const dstR = np.dir.lookup ? np.dir.lookup(np.name) : -Errno.ENOENT
    if (isErr(dstR) && dstR !== -Errno.ENOENT) return dstR
    const dst = isErr(dstR) ? null : dstR
    const exchange = (flags & RENAME_EXCHANGE) !== 0
    if (flags & RENAME_NOREPLACE && dst) return -Errno.EEXIST
    if (exchange) {
      if (!dst) return -Errno.ENOENT
      if (!isDir(dst.mode) && np.slash) return -Errno.ENOTDIR
    }
    if (!isDir(src.mode)) {
      if (op.slash) return -Errno.ENOTDIR
      if (!exchange && np.slash) return -Errno.ENOTDIR
    }
    // The source may not be above the target's directory, nor (unless exchanged) the target above the source's.
    if (op.dir !== np.dir) {
      if (this.isAncestor(src, np.dir)) return -Errno.EINVAL
      if (dst && this.isAncestor(dst, op.dir)) return exchange ? -Errno.EINVAL : -Errno.ENOTEMPTY
    }
    if (src === dst) return 0
    let d = this.mayDelete(op.dir, src, cred)
    if (d) return d
    if (dst) {
      d = this.mayDelete(np.dir, dst, cred)
      if (d) return d
      if (!exchange) {
        if (isDir(src.mode) && !isDir(dst.mode)) return -Errno.ENOTDIR
        if (!isDir(src.mode) && isDir(dst.mode)) return -Errno.EISDIR
      }
    } else {
      d = this.permission(np.dir, cred, W_OK | X_OK)
      if (d) return d
    }
    // Moving a directory to another parent rewrites its '..': write permission on it.
    if (isDir(src.mode) && op.dir !== np.dir) {
      const w = this.permission(src, cred, W_OK)
      if (w) return w
    }
    if (!op.dir.rename) return -Errno.EPERM
    return op.dir.rename(op.name, np.dir, np.name, flags)
  }

  /** Is `a` the directory `b` or one above it? */
  private isAncestor(a: Inode, b: Inode): boolean {
    for (let x = b, n = 0; n < 4096; n++) {
      if (x === a) return true
      const u = this.up(x)
      if (u === x) return false
      x = u
    }
    return false
  }

  /** Nesting of getcwd: file systems that compute names (procfs) may come back here; a bound stops loops. */
  private getcwdDepth = 0

  /** getcwd: the absolute path of a directory (-ENOENT once it has been removed). */
  getcwd(dir: Inode): string | number {
    if (this.getcwdDepth > 3) return -Errno.ELOOP
    this.getcwdDepth++
    try {
      return this.pathOfDir(dir)
    } finally {
      this.getcwdDepth--
    }
  }

  private pathOfDir(dir: Inode): string | number {
    const names: string[] = []
    let i = dir
    const root = this.root
    for (let n = 0; n < 4096 && i !== root; n++) {
      const m = this.mountsByRoot.get(i)
      if (m && m.mountpoint) {
        i = m.mountpoint
        continue
      }
      if (m) return -Errno.ENOENT // the root of a file system that is not mounted here
      if (i.nlink === 0) return -Errno.ENOENT
      if (i.pathInFs) {
        // The file system knows the path: prefix where it is mounted.
        const fsMount = this.mountsByRoot.get(i.fs.root)
        if (fsMount) {
          const base = fsMount.mountpoint ? this.pathOfDir(fsMount.mountpoint) : '/'
          if (isErr(base)) return base
          const rel = i.pathInFs().replace(/^\/+/, '')
          const head = base === '/' ? '' : base
          const tail = names.reverse().join('/')
          return `${head}/${rel}${rel && tail ? '/' : ''}${tail}` || '/'
        }
      }
      const par = i.parent ? i.parent() : i
      if (par === i || !par.readdir) return -Errno.ENOENT
      const list = par.readdir()
      if (isErr(list)) return list
      let found: string | null = null
      for (const e of list) {
        if (e.ino !== i.ino || !par.lookup) continue
        // Directories cannot be hard-linked, so the same number in the same file system is the same directory.
        const c = par.lookup(e.name)
        if (c === i || (!isErr(c) && isDir(i.mode) && c.fs === i.fs && c.ino === i.ino)) {
          found = e.name
          break
        }
      }
      if (found === null) return -Errno.ENOENT
      names.push(found)
      i = par
    }
    if (i !== root) return -Errno.ENAMETOOLONG
    return '/' + names.reverse().join('/')
  }
}

/** An O_PATH descriptor: it names a file, and every I/O on it is EBADF. */
class PathFile extends FileBase {
  override read(): number { return -Errno.EBADF }
  override write(): number { return -Errno.EBADF }
  override pread(): number { return -Errno.EBADF }
  override pwrite(): number { return -Errno.EBADF }
  override lseek(): number { return -Errno.EBADF }
  override getdents64(): number { return -Errno.EBADF }
  override ioctl(): number { return -Errno.EBADF }
}

function utf8Length(s: string): number {
  let n = 0
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4
      k++
    } else n += 3
  }
  return n
}

/** /proc/mounts escapes blanks, tabs, newlines and backslashes in octal. */
function escapeMountPath(p: string): string {
  return p.replace(/[ \t\n\\]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'))
}

