/**
 * The VFS's shapes: credentials, open files (Linux's struct file), inodes,
 * file systems, and the constants of the aarch64 Linux ABI that the file
 * syscalls carry (asm-generic values; arm64 differs from the generic
 * fcntl.h only in O_DIRECTORY / O_NOFOLLOW / O_DIRECT / O_LARGEFILE).
 *
 * Conventions: every operation a process can reach returns a value, never
 * throws; a number result < 0 is a negative errno (errno.ts).
 */
import { Errno } from './errno'

export interface Cred {
  uid: number
  gid: number
  groups?: number[]
}

export const ROOT_CRED: Cred = { uid: 0, gid: 0 }

/** A process's memory, for ioctl argument structures. */
export interface UserMemory {
  read(addr: number, len: number): Uint8Array | null
  write(addr: number, data: Uint8Array): boolean
}

/**
 * Wakers of blocked operations. A process that got `{ block: q }` adds a
 * waker, and retries its system call when woken (as Linux's
 * wait_event_interruptible loops around its condition).
 */
/**
 * What in-memory objects of a VM (file data, pipe buffers, lx's per-task
 * state) draw on: the VM's memory, counted in 4 KiB pages. A refusal is
 * the VM being out of memory (ENOSPC for files, ENOMEM elsewhere).
 */
export interface MemCharge {
  charge(pages: number): boolean
  uncharge(pages: number): void
}

/** For file systems outside a VM (tests, tools): nothing to charge. */
export const NO_CHARGE: MemCharge = { charge: () => true, uncharge: () => {} }

export class WaitQueue {
  private wakers = new Set<() => void>()
  add(waker: () => void): () => void {
    // A wrapper per registration, so that the same function may wait twice.
    const w = (): void => waker()
    this.wakers.add(w)
    return () => {
      this.wakers.delete(w)
    }
  }
  /** Wakes (and removes) every waiter; wakers that re-register wait for the next wake. */
  wakeAll(): void {
    if (this.wakers.size === 0) return
    const ws = [...this.wakers]
    this.wakers.clear()
    for (const w of ws) w()
  }
  get size(): number {
    return this.wakers.size
  }
}

/**
 * >= 0 bytes, < 0 -errno, or "would block: retry after the queue wakes". A
 * blocked result may carry `timeoutMs` (a tty read under VTIME): retry then
 * even if nothing woke the queue.
 */
export type IoResult = number | { block: WaitQueue; timeoutMs?: number }

/**
 * Who issues an ioctl, for the ioctls of job control (TIOCSCTTY, TIOCSPGRP,
 * TIOCGPGRP, TIOCNOTTY, TIOCGSID). Without it a tty answers as if the caller
 * owned it.
 */
export interface IoctlContext {
  pid: number
  pgrp: number
  sid: number
  uid: number
  /** Is `pgrp` a process group of session `sid`? (TIOCSPGRP: EPERM otherwise) */
  pgrpInSession?(pgrp: number, sid: number): boolean
}

export interface Stat {
  dev: number
  ino: number
  mode: number
  nlink: number
  uid: number
  gid: number
  rdev: number
  size: number
  blksize: number
  blocks: number
  atimeNs: number
  mtimeNs: number
  ctimeNs: number
}

export interface StatFs {
  type: number
  bsize: number
  blocks: number
  bfree: number
  bavail: number
  files: number
  ffree: number
  namelen: number
  frsize: number
  flags: number
}

export interface DirEntry {
  name: string
  ino: number
  /** DT_* */
  type: number
}

/** Linux's struct file: an open file description, shared by dup'ed fds. */
export interface OpenFile {
  readonly inode: Inode
  /** O_* flags including the access mode; O_APPEND / O_NONBLOCK are settable by F_SETFL. */
  flags: number
  pos: number
  readonly waitq: WaitQueue
  read(buf: Uint8Array): IoResult
  write(data: Uint8Array): IoResult
  pread(buf: Uint8Array, off: number): IoResult
  pwrite(data: Uint8Array, off: number): IoResult
  lseek(off: number, whence: number): number
  /** Fills linux_dirent64 records; 0 at the end; -EINVAL when not even one record fits. */
  getdents64(buf: Uint8Array): number
  ioctl(cmd: number, arg: number, mem: UserMemory, ctx?: IoctlContext): number
  /** POLL* bits that hold now; wait on `waitq` for a change. */
  poll(): number
  /** The last reference was dropped (pipes see their end closed). */
  close(): void
  /**
   * For device memory a shared mmap maps as it is (/dev/fb0): the lx frame
   * holding byte `offset`, or -errno past its end. Files without it are
   * mapped by copying their bytes (pread).
   */
  mmapFrame?(offset: number): number
}

export interface FileSystem {
  /** As /proc/mounts and /proc/filesystems name it: tmpfs, ramfs, proc, devtmpfs, hostfs. */
  readonly type: string
  /**
   * st_dev of its files. 0 until a Vfs mounts it: the Vfs then gives it an
   * anonymous device number of its own (vfs.ts), as Linux does when it
   * sets up an in-memory file system's superblock.
   */
  dev: number
  readonly readOnly: boolean
  readonly root: Inode
  statfs(): StatFs
}

/**
 * An inode. Directory, symlink and regular-file operations are optional; the
 * Vfs checks types, permissions and read-only mounts before calling them, so
 * an implementation checks only what is its own (existence, emptiness, space).
 */
export interface Inode {
  readonly fs: FileSystem
  readonly ino: number
  mode: number
  nlink: number
  uid: number
  gid: number
  rdev: number
  atimeNs: number
  mtimeNs: number
  ctimeNs: number
  stat(): Stat
  /** The inode's path from its file system's root, when the file system knows it (hostfs): getcwd then needs no search. */
  pathInFs?(): string
  /** An open file description (access mode and permissions already checked). */
  open(flags: number, cred: Cred): OpenFile | number

  // Directories. `name` is never '', '.' or '..' and never contains '/'.
  lookup?(name: string): Inode | number
  /** Entries without '.' and '..' (the directory file adds those). */
  readdir?(): DirEntry[] | number
  /** Creates a non-directory inode: `mode` carries its S_IF* type (regular, fifo, device, socket). */
  create?(name: string, mode: number, cred: Cred, rdev: number): Inode | number
  mkdir?(name: string, mode: number, cred: Cred): Inode | number
  symlink?(name: string, target: string, cred: Cred): Inode | number
  link?(name: string, target: Inode): number
  /** Removes a non-directory entry. */
  unlink?(name: string): number
  /** Removes an empty directory entry. */
  rmdir?(name: string): number
  /** Moves `oldName` here to `newDir`/`newName` (same file system; replaced targets already checked compatible). */
  rename?(oldName: string, newDir: Inode, newName: string, flags: number): number
  /** The parent directory (for '..'); the root is its own parent. */
  parent?(): Inode

  // Symlinks.
  readlink?(): string | number
  /** A "magic" link (/proc/<pid>/fd/N, cwd, exe): the inode it leads to directly, or null to use readlink(). */
  follow?(): Inode | null

  // Regular files.
  truncate?(size: number): number
  /** Called after the Vfs changed mode, owner or times (file systems that persist them, e.g. hostfs). */
  setattr?(what: 'mode' | 'owner' | 'times'): number
}

/**
 * The attributes every inode keeps, as an inode that is nobody's file has
 * them: one link, owned by root, no device, no times. Inodes of anonymous
 * objects (pipes, host streams) and hostfs's start from it.
 */
export abstract class InodeBase implements Inode {
  abstract readonly fs: FileSystem
  abstract readonly ino: number
  abstract mode: number
  nlink = 1
  uid = 0
  gid = 0
  rdev = 0
  atimeNs = 0
  mtimeNs = 0
  ctimeNs = 0
  abstract stat(): Stat
  abstract open(flags: number, cred: Cred): OpenFile | number
}

// ---- file types and modes (include/uapi/linux/stat.h)

export const S_IFMT = 0o170000
export const S_IFSOCK = 0o140000
export const S_IFLNK = 0o120000
export const S_IFREG = 0o100000
export const S_IFBLK = 0o060000
export const S_IFDIR = 0o040000
export const S_IFCHR = 0o020000
export const S_IFIFO = 0o010000
export const S_ISUID = 0o4000
export const S_ISGID = 0o2000
export const S_ISVTX = 0o1000

export const isDir = (mode: number): boolean => (mode & S_IFMT) === S_IFDIR
export const isReg = (mode: number): boolean => (mode & S_IFMT) === S_IFREG
export const isLnk = (mode: number): boolean => (mode & S_IFMT) === S_IFLNK

// d_type values of linux_dirent64
export const DT_UNKNOWN = 0
export const DT_FIFO = 1
export const DT_CHR = 2
export const DT_DIR = 4
export const DT_BLK = 6
export const DT_REG = 8
export const DT_LNK = 10
export const DT_SOCK = 12

export const dtype = (mode: number): number => (mode & S_IFMT) >>> 12

// ---- open flags (arch/arm64/include/uapi/asm/fcntl.h over asm-generic)

export const O_ACCMODE = 0o3
export const O_RDONLY = 0o0
export const O_WRONLY = 0o1
export const O_RDWR = 0o2
export const O_CREAT = 0o100
export const O_EXCL = 0o200
export const O_NOCTTY = 0o400
export const O_TRUNC = 0o1000
export const O_APPEND = 0o2000
export const O_NONBLOCK = 0o4000
export const O_DSYNC = 0o10000
export const O_DIRECTORY = 0o40000
export const O_NOFOLLOW = 0o100000
export const O_DIRECT = 0o200000
export const O_LARGEFILE = 0o400000
export const O_NOATIME = 0o1000000
export const O_CLOEXEC = 0o2000000
export const O_SYNC = 0o4010000
export const O_PATH = 0o10000000
export const O_TMPFILE = 0o20000000 | O_DIRECTORY

/** May the file be read / written through this description? */
export const canRead = (flags: number): boolean => (flags & O_ACCMODE) !== O_WRONLY && (flags & O_PATH) === 0
export const canWrite = (flags: number): boolean => (flags & O_ACCMODE) !== O_RDONLY && (flags & O_PATH) === 0

// ---- *at flags (include/uapi/linux/fcntl.h)

export const AT_FDCWD = -100
export const AT_SYMLINK_NOFOLLOW = 0x100
export const AT_EACCESS = 0x200
export const AT_REMOVEDIR = 0x200
export const AT_SYMLINK_FOLLOW = 0x400
export const AT_NO_AUTOMOUNT = 0x800
export const AT_EMPTY_PATH = 0x1000

export const RENAME_NOREPLACE = 1
export const RENAME_EXCHANGE = 2
export const RENAME_WHITEOUT = 4

// access(2) modes
export const F_OK = 0
export const X_OK = 1
export const W_OK = 2
export const R_OK = 4

// lseek whence
export const SEEK_SET = 0
export const SEEK_CUR = 1
export const SEEK_END = 2
export const SEEK_DATA = 3
export const SEEK_HOLE = 4

// utimensat special nanosecond values
export const UTIME_NOW = (1 << 30) - 1
export const UTIME_OMIT = (1 << 30) - 2

// poll bits (asm-generic/poll.h)
export const POLLIN = 0x1
export const POLLPRI = 0x2
export const POLLOUT = 0x4
export const POLLERR = 0x8
export const POLLHUP = 0x10
export const POLLNVAL = 0x20
export const POLLRDNORM = 0x40
export const POLLRDBAND = 0x80
export const POLLWRNORM = 0x100
export const POLLWRBAND = 0x200

// generic ioctls (asm-generic/ioctls.h)
export const FIONREAD = 0x541b
export const FIONBIO = 0x5421
export const FIOCLEX = 0x5451
export const FIONCLEX = 0x5450

export const PATH_MAX = 4096
export const NAME_MAX = 255
/** Linux's limit of nested symlinks in one resolution (MAXSYMLINKS). */
export const MAX_SYMLINKS = 40
/** Largest file offset we accept (Linux's MAX_LFS_FILESIZE is 2^63-1; a JS number is exact to 2^53). */
export const MAX_FILE_SIZE = 2 ** 53 - 1

/** Bounds a guest-provided byte count for one transfer (Linux's MAX_RW_COUNT is INT_MAX & PAGE_MASK). */
export const MAX_RW_COUNT = 0x7ffff000

// ---- linux_dirent64

/**
 * Appends one linux_dirent64 record { u64 d_ino; s64 d_off; u16 d_reclen;
 * u8 d_type; char d_name[] } at `at`; returns the new offset, or -1 when the
 * record does not fit.
 */
export function putDirent64(buf: Uint8Array, at: number, ino: number, off: number, type: number, name: Uint8Array): number {
  const reclen = (19 + name.length + 1 + 7) & ~7
  if (at + reclen > buf.length) return -1
  const dv = new DataView(buf.buffer, buf.byteOffset + at, reclen)
  dv.setBigUint64(0, BigInt.asUintN(64, BigInt(Number.isSafeInteger(ino) ? ino : 0)), true)
  dv.setBigInt64(8, BigInt(Number.isSafeInteger(off) ? off : 0), true)
  dv.setUint16(16, reclen, true)
  dv.setUint8(18, type)
  buf.set(name, at + 19)
  buf.fill(0, at + 19 + name.length, at + reclen)
  return at + reclen
}

export const enc = new TextEncoder()
export const dec = new TextDecoder()

/** Default stat() from an inode's fields (size and blocks supplied by the file system). */
export function statOf(i: Inode, size: number, blocks = Math.ceil(size / 512)): Stat {
  return {
    dev: i.fs.dev, ino: i.ino, mode: i.mode, nlink: i.nlink, uid: i.uid, gid: i.gid, rdev: i.rdev,
    size, blksize: 4096, blocks, atimeNs: i.atimeNs, mtimeNs: i.mtimeNs, ctimeNs: i.ctimeNs,
  }
}

/** Linux's makedev / major / minor (new encoding). */
export const makedev = (major: number, minor: number): number => ((minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xff) << 12)) >>> 0
export const major = (dev: number): number => (dev >>> 8) & 0xfff
export const minor = (dev: number): number => (dev & 0xff) | ((dev >>> 12) & 0xfff00)

/** New position for lseek on a file of `size` bytes, or -errno. */
export function seekPosition(pos: number, size: number, off: number, whence: number): number {
  let base: number
  switch (whence) {
    case SEEK_SET: base = 0; break
    case SEEK_CUR: base = pos; break
    case SEEK_END: base = size; break
    case SEEK_DATA:
      if (off < 0 || off >= size) return -Errno.ENXIO
      return off
    case SEEK_HOLE:
      if (off < 0 || off >= size) return -Errno.ENXIO
      return size
    default: return -Errno.EINVAL
  }
  const n = base + off
  if (!Number.isSafeInteger(n) || n < 0) return -Errno.EINVAL
  return n
}
