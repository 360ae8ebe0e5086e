/**
 * The attribute system calls (Linux's fs/stat.c, statfs.c): newfstatat and
 * fstat fill the architecture's struct stat, statx the generic struct
 * statx, statfs and fstatfs struct statfs.
 */
import type { Lx } from '../lx'
import type { LinuxThread } from '../core/process'
import { int, type SyscallArgs } from '../core/syscall'
import { dirOf } from './files'
import { encodeStatfs, encodeStatx } from './vfs/abi'
import { AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, type Stat, type StatFs } from './vfs/types'
import { Errno } from '../uapi'

/** The attributes (dirfd, path, flags) name: AT_EMPTY_PATH for dirfd itself, AT_SYMLINK_NOFOLLOW for a link. */
function statAt(lx: Lx, t: LinuxThread, dirfd: number, pathAddr: number, flags: number): Stat | number {
  const p = t.process
  const path = p.mm.readString(pathAddr, 4096)
  if (path === null) return -Errno.EFAULT
  const dir = dirOf(p, dirfd)
  if (path === '' && flags & AT_EMPTY_PATH) return typeof dir === 'number' ? dir : dir.stat()
  if (typeof dir === 'number') return dir
  return lx.files.vfs.stat(dir, path, lx.files.cred(p), flags & AT_SYMLINK_NOFOLLOW)
}

/** Writes the encoded attributes to `addr`: 0, or the error that came instead. */
function put(t: LinuxThread, addr: number, st: Stat | number, encode: (st: Stat) => Uint8Array): number {
  if (typeof st === 'number') return st
  return t.process.mm.write(addr, encode(st)) ? 0 : -Errno.EFAULT
}

/** newfstatat(dirfd, path, statbuf, flags) */
export function newfstatat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return put(t, a[2], statAt(lx, t, int(a[0]), a[1], int(a[3])), lx.arch.encodeStat)
}

/** fstat(fd, statbuf) */
export function fstat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const f = t.process.files.get(int(a[0]))
  return put(t, a[1], f ? f.inode.stat() : -Errno.EBADF, lx.arch.encodeStat)
}

/** statx(dirfd, path, flags, mask, statxbuf): the basic fields, whatever the mask asks. */
export function statx(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return put(t, a[4], statAt(lx, t, int(a[0]), a[1], int(a[2])), encodeStatx)
}

function putStatfs(t: LinuxThread, addr: number, sf: StatFs | number): number {
  if (typeof sf === 'number') return sf
  return t.process.mm.write(addr, encodeStatfs(sf)) ? 0 : -Errno.EFAULT
}

/** statfs(path, buf) */
export function statfs(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const path = p.mm.readString(a[0], 4096)
  if (path === null) return -Errno.EFAULT
  return putStatfs(t, a[1], lx.files.vfs.statfs(p.cwd, path, lx.files.cred(p)))
}

/** fstatfs(fd, buf) */
export function fstatfs(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const f = t.process.files.get(int(a[0]))
  return putStatfs(t, a[1], f ? f.inode.fs.statfs() : -Errno.EBADF)
}
