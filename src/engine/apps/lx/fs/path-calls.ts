/**
 * The system calls on paths (Linux's fs/namei.c, open.c, stat.c's
 * readlinkat, utimes.c, d_path.c's getcwd): creating, removing, linking
 * and renaming names, permissions and owners, times, sizes, and the
 * working directory. A relative path starts at the *at call's directory
 * (the cwd for AT_FDCWD); the Vfs does the lookups and checks.
 */
import type { Lx } from '../lx'
import type { LinuxThread, Process } from '../core/process'
import { int, type SyscallArgs } from '../core/syscall'
import { dirOf } from './files'
import { AT_REMOVEDIR, type Inode } from './vfs/types'
import { Errno } from '../uapi'

const enc = new TextEncoder()

/** A path argument: at most PATH_MAX bytes of user memory, or null (EFAULT). */
function pathAt(p: Process, addr: number): string | null {
  return p.mm.readString(addr, 4096)
}

/** The start directory and path of an *at call, or -errno. */
function atPath(p: Process, dirfd: number, pathAddr: number): { dir: Inode; path: string } | number {
  const path = pathAt(p, pathAddr)
  if (path === null) return -Errno.EFAULT
  const dir = dirOf(p, dirfd)
  if (typeof dir === 'number') return dir
  return { dir, path }
}

/** mkdirat(dirfd, path, mode) */
export function mkdirat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const at = atPath(p, int(a[0]), a[1])
  return typeof at === 'number' ? at : lx.files.vfs.mkdir(at.dir, at.path, a[2] & ~p.umask & 0o7777, lx.files.cred(p))
}

/** mknodat(dirfd, path, mode, dev) */
export function mknodat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const at = atPath(p, int(a[0]), a[1])
  return typeof at === 'number' ? at : lx.files.vfs.mknod(at.dir, at.path, a[2] & ~p.umask, a[3], lx.files.cred(p))
}

/** unlinkat(dirfd, path, flags): AT_REMOVEDIR for rmdir. */
export function unlinkat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const at = atPath(p, int(a[0]), a[1])
  return typeof at === 'number' ? at : lx.files.vfs.unlink(at.dir, at.path, lx.files.cred(p), int(a[2]) & AT_REMOVEDIR)
}

/** symlinkat(target, newdirfd, linkpath) */
export function symlinkat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const at = atPath(p, int(a[1]), a[2])
  if (typeof at === 'number') return at
  const target = pathAt(p, a[0])
  return target === null ? -Errno.EFAULT : lx.files.vfs.symlink(target, at.dir, at.path, lx.files.cred(p))
}

/** readlinkat(dirfd, path, buf, bufsiz): the target cut to bufsiz, without a NUL. */
export function readlinkat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  if (int(a[3]) <= 0) return -Errno.EINVAL
  const at = atPath(p, int(a[0]), a[1])
  if (typeof at === 'number') return at
  const target = lx.files.vfs.readlink(at.dir, at.path, lx.files.cred(p))
  if (typeof target === 'number') return target
  const b = enc.encode(target).subarray(0, a[3])
  return p.mm.write(a[2], b) ? b.length : -Errno.EFAULT
}

/** faccessat(dirfd, path, mode) */
export function faccessat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const at = atPath(p, int(a[0]), a[1])
  return typeof at === 'number' ? at : lx.files.vfs.access(at.dir, at.path, int(a[2]), lx.files.cred(p), 0)
}

/** faccessat2(dirfd, path, mode, flags) */
export function faccessat2(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const at = atPath(p, int(a[0]), a[1])
  return typeof at === 'number' ? at : lx.files.vfs.access(at.dir, at.path, int(a[2]), lx.files.cred(p), int(a[3]))
}

/** fchmodat(dirfd, path, mode) */
export function fchmodat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const at = atPath(p, int(a[0]), a[1])
  return typeof at === 'number' ? at : lx.files.vfs.chmod(at.dir, at.path, a[2] & 0o7777, lx.files.cred(p))
}

/** fchownat(dirfd, path, owner, group, flags) */
export function fchownat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const at = atPath(p, int(a[0]), a[1])
  return typeof at === 'number' ? at : lx.files.vfs.chown(at.dir, at.path, int(a[2]), int(a[3]), lx.files.cred(p), int(a[4]))
}

/** The two names of renameat/linkat: (olddirfd, oldpath, newdirfd, newpath), then `op` on them. */
function twoPaths(lx: Lx, p: Process, a: SyscallArgs, op: (d1: Inode, from: string, d2: Inode, to: string) => number): number {
  const from = pathAt(p, a[1])
  const to = pathAt(p, a[3])
  if (from === null || to === null) return -Errno.EFAULT
  const d1 = dirOf(p, int(a[0]))
  const d2 = dirOf(p, int(a[2]))
  if (typeof d1 === 'number') return d1
  if (typeof d2 === 'number') return d2
  return op(d1, from, d2, to)
}

/** renameat(olddirfd, oldpath, newdirfd, newpath) */
export function renameat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  return twoPaths(lx, p, a, (d1, from, d2, to) => lx.files.vfs.rename(d1, from, d2, to, lx.files.cred(p), 0))
}

/** renameat2(olddirfd, oldpath, newdirfd, newpath, flags) */
export function renameat2(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  return twoPaths(lx, p, a, (d1, from, d2, to) => lx.files.vfs.rename(d1, from, d2, to, lx.files.cred(p), int(a[4])))
}

/** linkat(olddirfd, oldpath, newdirfd, newpath, flags) */
export function linkat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  return twoPaths(lx, p, a, (d1, from, d2, to) => lx.files.vfs.link(d1, from, d2, to, lx.files.cred(p), int(a[4])))
}

/** The working directory becomes `dir` (chdir, fchdir), after the search-permission check. */
function changeDir(lx: Lx, p: Process, dir: Inode | number): number {
  if (typeof dir === 'number') return dir
  const vfs = lx.files.vfs
  const ok = vfs.checkChdir(dir, lx.files.cred(p))
  if (typeof ok === 'number') return ok
  p.cwd = ok
  const path = vfs.getcwd(ok)
  p.cwdPath = typeof path === 'string' ? path : '/'
  return 0
}

/** chdir(path) */
export function chdir(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const path = pathAt(p, a[0])
  if (path === null) return -Errno.EFAULT
  return changeDir(lx, p, lx.files.vfs.resolveDir(p.cwd, path, lx.files.cred(p)))
}

/** fchdir(fd) */
export function fchdir(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const f = p.files.get(int(a[0]))
  return changeDir(lx, p, f ? f.inode : -Errno.EBADF)
}

/** getcwd(buf, size): the path with its NUL, ERANGE when it does not fit. */
export function getcwd(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const path = lx.files.vfs.getcwd(p.cwd)
  if (typeof path === 'number') return path
  const b = enc.encode(`${path}\0`)
  if (b.length > a[1]) return -Errno.ERANGE
  return p.mm.write(a[0], b) ? b.length : -Errno.EFAULT
}

/** fchmod(fd, mode) */
export function fchmod(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const f = p.files.get(int(a[0]))
  return f ? lx.files.vfs.chmodInode(f.inode, a[1] & 0o7777, lx.files.cred(p)) : -Errno.EBADF
}

/** fchown(fd, owner, group) */
export function fchown(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const f = p.files.get(int(a[0]))
  return f ? lx.files.vfs.chownInode(f.inode, int(a[1]), int(a[2]), lx.files.cred(p)) : -Errno.EBADF
}

/** utimensat(dirfd, path, times, flags): a null path sets the times of dirfd itself (futimens). */
export function utimensat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const vfs = lx.files.vfs
  const dir = dirOf(p, int(a[0]))
  if (typeof dir === 'number') return dir
  let times: [{ sec: number; nsec: number }, { sec: number; nsec: number }] | null = null
  if (a[2]) {
    const b = p.mm.read(a[2], 32)
    if (!b) return -Errno.EFAULT
    const dv = new DataView(b.buffer)
    times = [
      { sec: Number(dv.getBigInt64(0, true)), nsec: Number(dv.getBigInt64(8, true)) },
      { sec: Number(dv.getBigInt64(16, true)), nsec: Number(dv.getBigInt64(24, true)) },
    ]
  }
  if (a[1] === 0) return vfs.utimensInode(dir, times, lx.files.cred(p))
  const path = pathAt(p, a[1])
  if (path === null) return -Errno.EFAULT
  return vfs.utimens(dir, path, times, lx.files.cred(p), int(a[3]))
}

/** truncate(path, length) */
export function truncate(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const path = pathAt(p, a[0])
  return path === null ? -Errno.EFAULT : lx.files.vfs.truncate(p.cwd, path, a[1], lx.files.cred(p))
}

/** ftruncate(fd, length) */
export function ftruncate(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const f = t.process.files.get(int(a[0]))
  return f ? lx.files.vfs.ftruncate(f, a[1]) : -Errno.EBADF
}
