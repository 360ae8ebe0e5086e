/**
 * File system calls over the VFS (vfs/): descriptors, paths, pipes, polling,
 * the console tty, and what exec and mmap need from files. Every user
 * pointer goes through the process's Mm (bad pointers are EFAULT); blocking
 * operations sleep the thread on the file's wait queue and are retried.
 */
import type { Lx } from '../lx'
import type { LinuxThread, Process } from '../core/process'
import { FdTable } from '../core/process'
import type { FileBacking } from '../mm/mm'
import { E, Nr } from '../uapi'
import { Vfs } from './vfs/vfs'
import {
  AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, O_ACCMODE, O_APPEND, O_CLOEXEC, O_DIRECTORY, O_NONBLOCK, O_RDONLY, O_RDWR,
  S_IFIFO, S_IFMT, S_IFREG, WaitQueue, X_OK, type Cred, type Inode, type OpenFile, type Stat, type UserMemory, type IoResult,
} from './vfs/types'
import { makePipe } from './vfs/pipe'
import type { Tty } from './vfs/tty'
import { MAX_IO, accessOk, sendfile, writeFrom } from './rw'
import { BINPRM_BUF_SIZE } from '../core/script'

type Gen = Generator<unknown, number | { block: true } | undefined, number>

const POLLIN = 0x1
const POLLPRI = 0x2
const POLLOUT = 0x4
const POLLERR = 0x8
const POLLHUP = 0x10
const POLLNVAL = 0x20

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
   */
  readExecutable(p: Process, path: string): { bytes: Uint8Array; path: string } | number {
    const cred = this.cred(p)
    const ino = this.vfs.resolve(p.cwd, path, cred)
    if (typeof ino === 'number') return ino
    if ((ino.mode & S_IFMT) !== S_IFREG) return -E.ACCES
    const perm = this.vfs.permission(ino, cred, X_OK)
    if (perm < 0 || (ino.mode & 0o111) === 0) return -E.ACCES
    const f = ino.open(O_RDONLY, cred)
    if (typeof f === 'number') return f
    const size = ino.stat().size
    const head = new Uint8Array(Math.min(size, BINPRM_BUF_SIZE))
    let done = preadAll(f, head, 0)
    if (done >= 2 && head[0] === 0x23 && head[1] === 0x21) {
      f.close()
      return { bytes: head.subarray(0, done), path: this.canonical(p, path) }
    }
    if (size > 64 * 1024 * 1024) {
      f.close()
      return -E.NOMEM
    }
    const bytes = new Uint8Array(size)
    bytes.set(head.subarray(0, done))
    if (done === head.length) done += preadAll(f, bytes.subarray(done), done)
    f.close()
    return { bytes: bytes.subarray(0, done), path: this.canonical(p, path) }
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
    if (!f) return -E.BADF
    if ((f.flags & O_ACCMODE) === 1) return -E.ACCES
    const name = this.vfs.openedPath(f) ?? ''
    return {
      name,
      pread(dst: Uint8Array, off: number): number {
        const r = f.pread(dst, off)
        return typeof r === 'number' ? r : 0
      },
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
function dirOf(p: Process, dirfd: number): Inode | number {
  if (dirfd === AT_FDCWD) return p.cwd
  const f = p.files.get(dirfd)
  if (!f) return -E.BADF
  return f.inode
}

function userMem(p: Process): UserMemory {
  return { read: (a, n) => p.mm.read(a, n), write: (a, d) => p.mm.write(a, d) }
}

function encodeStat(st: Stat): Uint8Array {
  const b = new Uint8Array(128)
  const dv = new DataView(b.buffer)
  const u64 = (o: number, v: number) => dv.setBigUint64(o, BigInt(Math.max(0, Math.trunc(v))), true)
  u64(0, st.dev)
  u64(8, st.ino)
  dv.setUint32(16, st.mode, true)
  dv.setUint32(20, st.nlink, true)
  dv.setUint32(24, st.uid, true)
  dv.setUint32(28, st.gid, true)
  u64(32, st.rdev)
  dv.setBigInt64(48, BigInt(Math.trunc(st.size)), true)
  dv.setInt32(56, st.blksize, true)
  dv.setBigInt64(64, BigInt(Math.trunc(st.blocks)), true)
  const t = (o: number, ns: number) => {
    dv.setBigInt64(o, BigInt(Math.floor(ns / 1e9)), true)
    u64(o + 8, ns % 1e9)
  }
  t(72, st.atimeNs)
  t(88, st.mtimeNs)
  t(104, st.ctimeNs)
  return b
}

function encodeStatx(st: Stat): Uint8Array {
  const b = new Uint8Array(256)
  const dv = new DataView(b.buffer)
  dv.setUint32(0, 0x7ff, true) // STATX_BASIC_STATS
  dv.setUint32(4, st.blksize, true)
  dv.setUint32(16, st.nlink, true)
  dv.setUint32(20, st.uid, true)
  dv.setUint32(24, st.gid, true)
  dv.setUint16(28, st.mode, true)
  dv.setBigUint64(32, BigInt(st.ino), true)
  dv.setBigUint64(40, BigInt(st.size), true)
  dv.setBigUint64(48, BigInt(st.blocks), true)
  const t = (o: number, ns: number) => {
    dv.setBigInt64(o, BigInt(Math.floor(ns / 1e9)), true)
    dv.setUint32(o + 8, ns % 1e9, true)
  }
  t(64, st.atimeNs)
  t(80, st.ctimeNs)
  t(96, st.ctimeNs)
  t(112, st.mtimeNs)
  const major = (d: number) => ((d >>> 8) & 0xfff) | ((d / 2 ** 32) & ~0xfff)
  const minor = (d: number) => (d & 0xff) | ((d >>> 12) & 0xfff00)
  dv.setUint32(128, major(st.rdev), true)
  dv.setUint32(132, minor(st.rdev), true)
  dv.setUint32(136, major(st.dev), true)
  dv.setUint32(140, minor(st.dev), true)
  return b
}

/**
 * Runs a read-like operation; blocks the thread on the file's queue when it
 * would block, until a wake-up or, for a tty read under VTIME, its timer
 * (the retry then finds the time up and returns what there is).
 */
function blocking(lx: Lx, t: LinuxThread, nr: number, r: IoResult): number | { block: true } {
  if (typeof r === 'number') return r
  lx.sleepOn(t, nr, [r.block], r.timeoutMs === undefined ? Infinity : lx.now() + Math.max(0, r.timeoutMs) * 1e6)
  return { block: true }
}

export function* fileSyscall(lx: Lx, t: LinuxThread, nr: number, a: number[]): Gen {
  const p = t.process
  const files = lx.files
  const vfs = files.vfs
  const cred = files.cred(p)
  const mm = p.mm
  const int = (v: number) => v % 4294967296 | 0
  const str = (addr: number) => mm.readString(addr, 4096)
  const fd = (i: number) => p.files.get(int(a[i]))
  switch (nr) {
    case Nr.openat: {
      const path = str(a[1])
      if (path === null) return -E.FAULT
      const dir = dirOf(p, int(a[0]))
      if (typeof dir === 'number') return dir
      const flags = int(a[2])
      const f = vfs.open(dir, path, flags, a[3] & ~p.umask & 0o7777, cred)
      if (typeof f === 'number') return f
      const n = p.files.lowest()
      if (n < 0) {
        f.close()
        return -E.MFILE
      }
      p.files.install(n, f, (flags & O_CLOEXEC) !== 0)
      // The first terminal a session leader opens becomes its controlling tty.
      return n
    }
    case Nr.close:
      return p.files.close(int(a[0])) ? 0 : -E.BADF
    case Nr.read:
    case Nr.pread64: {
      const f = fd(0)
      if (!f) return -E.BADF
      if (!accessOk(a[1], a[2])) return -E.FAULT
      const buf = new Uint8Array(Math.min(a[2], MAX_IO))
      const r = nr === Nr.read ? f.read(buf) : f.pread(buf, a[3])
      const res = blocking(lx, t, nr, r)
      if (typeof res !== 'number' || res <= 0) return res
      yield* lx.memory.reserve(Math.ceil(res / 4096) + 2)
      return mm.write(a[1], buf.subarray(0, res)) ? res : -E.FAULT
    }
    case Nr.write:
    case Nr.pwrite64: {
      if (nr === Nr.pwrite64 && a[3] < 0) return -E.INVAL
      const f = fd(0)
      if (!f) return -E.BADF
      // Pipes have no positions: ESPIPE before the buffer is looked at.
      if (nr === Nr.pwrite64 && (f.inode.mode & S_IFMT) === S_IFIFO) return -E.SPIPE
      return yield* writeFrom(lx, t, nr, f, a[1], a[2], nr === Nr.write ? -1 : a[3])
    }
    case Nr.readv:
    case Nr.writev:
    case Nr.preadv:
    case Nr.pwritev: {
      const f = fd(0)
      if (!f) return -E.BADF
      const n = int(a[2])
      if (n < 0 || n > 1024) return -E.INVAL
      const iov = mm.read(a[1], n * 16)
      if (!iov) return -E.FAULT
      const dv = new DataView(iov.buffer)
      const vecs: [number, number][] = []
      let total = 0
      for (let i = 0; i < n; i++) {
        const base = dv.getUint32(i * 16, true) + dv.getUint32(i * 16 + 4, true) * 4294967296
        const len = dv.getUint32(i * 16 + 8, true) + dv.getUint32(i * 16 + 12, true) * 4294967296
        vecs.push([base, len])
        total += len
      }
      // Linux's rw_copy_check_uvector: a total beyond ssize_t is EINVAL.
      if (total > Number.MAX_SAFE_INTEGER) return -E.INVAL
      const positional = nr === Nr.preadv || nr === Nr.pwritev
      if (positional && a[3] < 0) return -E.INVAL
      if (nr === Nr.writev || nr === Nr.pwritev) {
        const v = { base: vecs.map((x) => x[0]), len: vecs.map((x) => x[1]) }
        return yield* writeFrom(lx, t, nr, f, v, total, positional ? a[3] : -1)
      }
      const buf = new Uint8Array(Math.min(total, MAX_IO))
      const r = blocking(lx, t, nr, positional ? f.pread(buf, a[3]) : f.read(buf))
      if (typeof r !== 'number' || r <= 0) return r
      yield* lx.memory.reserve(Math.ceil(r / 4096) + 2 * vecs.length)
      let o = 0
      for (const [base, len] of vecs) {
        if (o >= r) break
        const n2 = Math.min(len, r - o)
        if (!mm.write(base, buf.subarray(o, o + n2))) return -E.FAULT
        o += n2
      }
      return r
    }
    case Nr.lseek: {
      const f = fd(0)
      if (!f) return -E.BADF
      const off = Number(BigInt.asIntN(64, BigInt(a[1])))
      return f.lseek(off, int(a[2]))
    }
    case Nr.getdents64: {
      const f = fd(0)
      if (!f) return -E.BADF
      // The count is an unsigned int.
      const buf = new Uint8Array(Math.min(int(a[2]) >>> 0, 1 << 16))
      const n = f.getdents64(buf)
      if (n <= 0) return n
      return mm.write(a[1], buf.subarray(0, n)) ? n : -E.FAULT
    }
    case Nr.newfstatat:
    case Nr.fstat:
    case Nr.statx: {
      let st: Stat | number
      const flags = nr === Nr.fstat ? 0 : int(a[nr === Nr.statx ? 2 : 3])
      if (nr === Nr.fstat) {
        const f = fd(0)
        st = f ? f.inode.stat() : -E.BADF
      } else {
        const path = str(a[1])
        if (path === null) return -E.FAULT
        if (path === '' && flags & AT_EMPTY_PATH) {
          const dir = dirOf(p, int(a[0]))
          st = typeof dir === 'number' ? dir : dir.stat()
        } else {
          const dir = dirOf(p, int(a[0]))
          if (typeof dir === 'number') return dir
          st = vfs.stat(dir, path, cred, flags & AT_SYMLINK_NOFOLLOW)
        }
      }
      if (typeof st === 'number') return st
      const out = nr === Nr.statx ? encodeStatx(st) : encodeStat(st)
      return mm.write(nr === Nr.fstat ? a[1] : nr === Nr.statx ? a[4] : a[2], out) ? 0 : -E.FAULT
    }
    case Nr.fcntl: {
      const n = int(a[0])
      const f = p.files.get(n)
      if (!f) return -E.BADF
      const cmd = int(a[1])
      switch (cmd) {
        case 0: // F_DUPFD
        case 1030: {
          // F_DUPFD_CLOEXEC
          const m = p.files.lowest(int(a[2]))
          if (m < 0) return -E.MFILE
          p.files.install(m, f, cmd === 1030)
          return m
        }
        case 1: // F_GETFD
          return p.files.fds.get(n)!.cloexec ? 1 : 0
        case 2: // F_SETFD
          p.files.fds.get(n)!.cloexec = (a[2] & 1) !== 0
          return 0
        case 3: // F_GETFL
          return f.flags
        case 4: // F_SETFL
          f.flags = (f.flags & ~(O_APPEND | O_NONBLOCK)) | (int(a[2]) & (O_APPEND | O_NONBLOCK))
          return 0
        case 5: // F_GETLK
        case 6: // F_SETLK
        case 7: // F_SETLKW
          return 0
        default:
          return -E.INVAL
      }
    }
    case Nr.ioctl: {
      const f = fd(0)
      if (!f) return -E.BADF
      const procs = lx.procs
      return f.ioctl(a[1] >>> 0, a[2], userMem(p), {
        pid: p.pid,
        pgrp: p.pgid,
        sid: p.sid,
        uid: p.uid,
        pgrpInSession: (pg, sid) => [...procs.values()].some((q) => q.pgid === pg && q.sid === sid && !q.zombie),
      })
    }
    case Nr.dup: {
      const f = fd(0)
      if (!f) return -E.BADF
      const m = p.files.lowest()
      if (m < 0) return -E.MFILE
      p.files.install(m, f, false)
      return m
    }
    case Nr.dup3: {
      const f = fd(0)
      if (!f) return -E.BADF
      if (int(a[0]) === int(a[1])) return -E.INVAL
      if (int(a[1]) < 0 || int(a[1]) >= 1024) return -E.BADF
      p.files.install(int(a[1]), f, (int(a[2]) & O_CLOEXEC) !== 0)
      return int(a[1])
    }
    case Nr.pipe2: {
      const flags = int(a[1])
      const [r, w] = makePipe(cred, flags & O_NONBLOCK)
      const fr = p.files.lowest()
      if (fr < 0) return -E.MFILE
      p.files.install(fr, r, (flags & O_CLOEXEC) !== 0)
      const fw = p.files.lowest()
      if (fw < 0) {
        p.files.close(fr)
        return -E.MFILE
      }
      p.files.install(fw, w, (flags & O_CLOEXEC) !== 0)
      const b = new Uint8Array(8)
      new DataView(b.buffer).setInt32(0, fr, true)
      new DataView(b.buffer).setInt32(4, fw, true)
      if (!mm.write(a[0], b)) {
        p.files.close(fr)
        p.files.close(fw)
        return -E.FAULT
      }
      return 0
    }
    case Nr.mkdirat:
    case Nr.unlinkat:
    case Nr.symlinkat:
    case Nr.readlinkat:
    case Nr.faccessat:
    case Nr.faccessat2:
    case Nr.fchmodat:
    case Nr.fchownat:
    case Nr.mknodat: {
      if (nr === Nr.readlinkat && int(a[3]) <= 0) return -E.INVAL
      const pathArg = nr === Nr.symlinkat ? a[2] : a[1]
      const path = str(pathArg)
      if (path === null) return -E.FAULT
      const dir = dirOf(p, int(nr === Nr.symlinkat ? a[1] : a[0]))
      if (typeof dir === 'number') return dir
      switch (nr) {
        case Nr.mkdirat:
          return vfs.mkdir(dir, path, a[2] & ~p.umask & 0o7777, cred)
        case Nr.unlinkat:
          return vfs.unlink(dir, path, cred, int(a[2]) & AT_REMOVEDIR)
        case Nr.symlinkat: {
          const target = str(a[0])
          return target === null ? -E.FAULT : vfs.symlink(target, dir, path, cred)
        }
        case Nr.readlinkat: {
          const target = vfs.readlink(dir, path, cred)
          if (typeof target === 'number') return target
          const b = new TextEncoder().encode(target).subarray(0, a[3])
          return mm.write(a[2], b) ? b.length : -E.FAULT
        }
        case Nr.faccessat:
        case Nr.faccessat2:
          return vfs.access(dir, path, int(a[2]), cred, nr === Nr.faccessat2 ? int(a[3]) : 0)
        case Nr.fchmodat:
          return vfs.chmod(dir, path, a[2] & 0o7777, cred)
        case Nr.fchownat:
          return vfs.chown(dir, path, int(a[2]), int(a[3]), cred, int(a[4]))
        case Nr.mknodat:
          return vfs.mknod(dir, path, a[2] & ~p.umask, a[3], cred)
      }
      return -E.NOSYS
    }
    case Nr.renameat:
    case Nr.renameat2:
    case Nr.linkat: {
      const from = str(a[1])
      const to = str(a[3])
      if (from === null || to === null) return -E.FAULT
      const d1 = dirOf(p, int(a[0]))
      const d2 = dirOf(p, int(a[2]))
      if (typeof d1 === 'number') return d1
      if (typeof d2 === 'number') return d2
      if (nr === Nr.linkat) return vfs.link(d1, from, d2, to, cred, int(a[4]))
      return vfs.rename(d1, from, d2, to, cred, nr === Nr.renameat2 ? int(a[4]) : 0)
    }
    case Nr.chdir:
    case Nr.fchdir: {
      let dir: Inode | number
      if (nr === Nr.chdir) {
        const path = str(a[0])
        if (path === null) return -E.FAULT
        dir = vfs.resolveDir(p.cwd, path, cred)
      } else {
        const f = fd(0)
        dir = f ? f.inode : -E.BADF
      }
      if (typeof dir === 'number') return dir
      const ok = vfs.checkChdir(dir, cred)
      if (typeof ok === 'number') return ok
      p.cwd = ok
      const path = vfs.getcwd(ok)
      p.cwdPath = typeof path === 'string' ? path : '/'
      return 0
    }
    case Nr.getcwd: {
      const path = vfs.getcwd(p.cwd)
      if (typeof path === 'number') return path
      const b = new TextEncoder().encode(`${path}\0`)
      if (b.length > a[1]) return -E.RANGE
      return mm.write(a[0], b) ? b.length : -E.FAULT
    }
    case Nr.fchmod: {
      const f = fd(0)
      return f ? vfs.chmodInode(f.inode, a[1] & 0o7777, cred) : -E.BADF
    }
    case Nr.fchown: {
      const f = fd(0)
      return f ? vfs.chownInode(f.inode, int(a[1]), int(a[2]), cred) : -E.BADF
    }
    case Nr.utimensat: {
      const dir = dirOf(p, int(a[0]))
      if (typeof dir === 'number') return dir
      let times: [{ sec: number; nsec: number }, { sec: number; nsec: number }] | null = null
      if (a[2]) {
        const b = mm.read(a[2], 32)
        if (!b) return -E.FAULT
        const dv = new DataView(b.buffer)
        times = [
          { sec: Number(dv.getBigInt64(0, true)), nsec: Number(dv.getBigInt64(8, true)) },
          { sec: Number(dv.getBigInt64(16, true)), nsec: Number(dv.getBigInt64(24, true)) },
        ]
      }
      if (a[1] === 0) return vfs.utimensInode(dir, times, cred)
      const path = str(a[1])
      if (path === null) return -E.FAULT
      return vfs.utimens(dir, path, times, cred, int(a[3]))
    }
    case Nr.truncate: {
      const path = str(a[0])
      return path === null ? -E.FAULT : vfs.truncate(p.cwd, path, a[1], cred)
    }
    case Nr.ftruncate: {
      const f = fd(0)
      return f ? vfs.ftruncate(f, a[1]) : -E.BADF
    }
    case Nr.statfs:
    case Nr.fstatfs: {
      let sf
      if (nr === Nr.statfs) {
        const path = str(a[0])
        if (path === null) return -E.FAULT
        sf = vfs.statfs(p.cwd, path, cred)
      } else {
        const f = fd(0)
        sf = f ? f.inode.fs.statfs() : -E.BADF
      }
      if (typeof sf === 'number') return sf
      const b = new Uint8Array(120)
      const dv = new DataView(b.buffer)
      const v = [sf.type, sf.bsize, sf.blocks, sf.bfree, sf.bavail, sf.files, sf.ffree, 0, sf.namelen, sf.frsize, sf.flags]
      v.forEach((x, i) => dv.setBigInt64(i * 8, BigInt(Math.trunc(Math.min(x, 2 ** 62))), true))
      return mm.write(a[1], b) ? 0 : -E.FAULT
    }
    case Nr.sync:
    case Nr.fsync:
    case Nr.fdatasync:
    case Nr.fadvise64:
    case Nr.flock:
      return nr === Nr.sync || fd(0) ? 0 : -E.BADF
    case Nr.fallocate:
      return -E.NOSYS
    case Nr.sendfile: {
      const out = fd(0)
      const inp = fd(1)
      if (!out || !inp) return -E.BADF
      return sendfile(lx, t, out, inp, a[2], a[3])
    }
    case Nr.ppoll:
      return ppoll(lx, t, a)
    case Nr.pselect6:
      return pselect(lx, t, a)
    case Nr.mount:
    case Nr.umount2:
    case Nr.chroot:
      return -E.PERM
    case Nr.memfd_create:
      return -E.NOSYS
  }
  void O_DIRECTORY
  return undefined
}

function deadlineFrom(lx: Lx, p: Process, ts: number): number | null {
  if (!ts) return Infinity
  const b = p.mm.read(ts, 16)
  if (!b) return null
  const dv = new DataView(b.buffer)
  return lx.now() + Number(dv.getBigInt64(0, true)) * 1e9 + Number(dv.getBigInt64(8, true))
}

function ppoll(lx: Lx, t: LinuxThread, a: number[]): number | { block: true } {
  const p = t.process
  const n = a[1] >>> 0
  if (n > 1024) return -E.INVAL
  const raw = p.mm.read(a[0], n * 8)
  if (!raw) return -E.FAULT
  const dv = new DataView(raw.buffer)
  if (t.pollDeadline === null) {
    const d = deadlineFrom(lx, p, a[2])
    if (d === null) return -E.FAULT
    t.pollDeadline = d
  }
  let ready = 0
  const queues: WaitQueue[] = []
  for (let i = 0; i < n; i++) {
    const fdn = dv.getInt32(i * 8, true)
    const events = dv.getInt16(i * 8 + 4, true)
    let rev = 0
    if (fdn >= 0) {
      const f = p.files.get(fdn)
      if (!f) rev = POLLNVAL
      else {
        rev = f.poll() & (events | POLLERR | POLLHUP)
        queues.push(f.waitq)
      }
    }
    dv.setInt16(i * 8 + 6, rev, true)
    if (rev) ready++
  }
  if (ready > 0 || lx.now() >= t.pollDeadline) {
    t.pollDeadline = null
    return p.mm.write(a[0], raw) ? ready : -E.FAULT
  }
  lx.sleepOn(t, Nr.ppoll, queues, t.pollDeadline)
  return { block: true }
}

function pselect(lx: Lx, t: LinuxThread, a: number[]): number | { block: true } {
  const p = t.process
  const n = a[0] | 0
  if (n < 0 || n > 1024) return -E.INVAL
  const bytes = Math.ceil(n / 64) * 8
  const sets = [a[1], a[2], a[3]].map((addr) => (addr ? p.mm.read(addr, bytes) : null))
  if ((a[1] && !sets[0]) || (a[2] && !sets[1]) || (a[3] && !sets[2])) return -E.FAULT
  if (t.pollDeadline === null) {
    const d = deadlineFrom(lx, p, a[4])
    if (d === null) return -E.FAULT
    t.pollDeadline = d
  }
  const out = sets.map((s) => (s ? new Uint8Array(s.length) : null))
  let ready = 0
  const queues: WaitQueue[] = []
  for (let fdn = 0; fdn < n; fdn++) {
    const bit = (s: Uint8Array | null) => s !== null && (s[fdn >> 3] & (1 << (fdn & 7))) !== 0
    const want = [bit(sets[0]), bit(sets[1]), bit(sets[2])]
    if (!want.some(Boolean)) continue
    const f = p.files.get(fdn)
    if (!f) return -E.BADF
    const ev = f.poll()
    queues.push(f.waitq)
    const got = [want[0] && (ev & (POLLIN | POLLHUP | POLLERR)) !== 0, want[1] && (ev & (POLLOUT | POLLERR)) !== 0, want[2] && (ev & POLLPRI) !== 0]
    got.forEach((g, i) => {
      if (g) {
        out[i]![fdn >> 3] |= 1 << (fdn & 7)
        ready++
      }
    })
  }
  if (ready > 0 || lx.now() >= t.pollDeadline) {
    t.pollDeadline = null
    for (let i = 0; i < 3; i++) if (sets[i] && !p.mm.write([a[1], a[2], a[3]][i], out[i]!)) return -E.FAULT
    return ready
  }
  lx.sleepOn(t, Nr.pselect6, queues, t.pollDeadline)
  return { block: true }
}
