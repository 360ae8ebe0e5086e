/**
 * The system calls on file descriptors (Linux's fs/open.c, fcntl.c,
 * ioctl.c, pipe.c, read_write.c's lseek, readdir.c): opening and closing,
 * duplicating, flags, ioctls, pipes, positions and directory listings.
 */
import type { Lx } from '../lx'
import type { LinuxThread } from '../core/process'
import { int, type SyscallArgs } from '../core/syscall'
import { dirOf, userMem } from './files'
import { makePipe } from './vfs/pipe'
import { O_APPEND, O_CLOEXEC, O_NONBLOCK } from './vfs/types'
import { Errno } from '../uapi'

/** openat(dirfd, path, flags, mode) */
export function openat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const path = p.mm.readString(a[1], 4096)
  if (path === null) return -Errno.EFAULT
  const dir = dirOf(p, int(a[0]))
  if (typeof dir === 'number') return dir
  const flags = int(a[2])
  const f = lx.files.vfs.open(dir, path, flags, a[3] & ~p.umask & 0o7777, lx.files.cred(p))
  if (typeof f === 'number') return f
  const n = p.files.lowest()
  if (n < 0) {
    f.close()
    return -Errno.EMFILE
  }
  p.files.install(n, f, (flags & O_CLOEXEC) !== 0)
  return n
}

/** close(fd) */
export function close(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return t.process.files.close(int(a[0])) ? 0 : -Errno.EBADF
}

/** dup(fd) */
export function dup(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const files = t.process.files
  const f = files.get(int(a[0]))
  if (!f) return -Errno.EBADF
  const m = files.lowest()
  if (m < 0) return -Errno.EMFILE
  files.install(m, f, false)
  return m
}

/** dup2(oldfd, newfd): as dup3 without flags, except that oldfd == newfd is newfd when it is open. */
export function dup2(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  if (int(a[0]) === int(a[1])) return t.process.files.get(int(a[0])) ? int(a[1]) : -Errno.EBADF
  return dup3(lx, t, [a[0], a[1], 0])
}

/** dup3(oldfd, newfd, flags) */
export function dup3(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const files = t.process.files
  const f = files.get(int(a[0]))
  if (!f) return -Errno.EBADF
  const to = int(a[1])
  if (int(a[0]) === to) return -Errno.EINVAL
  if (to < 0 || to >= 1024) return -Errno.EBADF
  files.install(to, f, (int(a[2]) & O_CLOEXEC) !== 0)
  return to
}

/** fcntl(fd, cmd, arg): dup, close-on-exec, status flags; locks always succeed (one process tree, nothing contends). */
export function fcntl(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const files = t.process.files
  const n = int(a[0])
  const f = files.get(n)
  if (!f) return -Errno.EBADF
  const cmd = int(a[1])
  switch (cmd) {
    case 0: // F_DUPFD
    case 1030: {
      // F_DUPFD_CLOEXEC
      const m = files.lowest(int(a[2]))
      if (m < 0) return -Errno.EMFILE
      files.install(m, f, cmd === 1030)
      return m
    }
    case 1: // F_GETFD
      return files.fds.get(n)!.cloexec ? 1 : 0
    case 2: // F_SETFD
      files.fds.get(n)!.cloexec = (a[2] & 1) !== 0
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
      return -Errno.EINVAL
  }
}

/** ioctl(fd, cmd, arg): the file's, with the caller's process, group and session for the tty's job control. */
export function ioctl(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const f = p.files.get(int(a[0]))
  if (!f) return -Errno.EBADF
  const procs = lx.procs
  return f.ioctl(a[1] >>> 0, a[2], userMem(p), {
    pid: p.pid,
    pgrp: p.pgid,
    sid: p.sid,
    uid: p.uid,
    pgrpInSession: (pg: number, sid: number) => [...procs.values()].some((q) => q.pgid === pg && q.sid === sid && !q.zombie),
  })
}

/** pipe2(fds, flags) */
export function pipe2(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const flags = int(a[1])
  const [r, w] = makePipe(lx.files.vfs.pipefs, lx.files.cred(p), flags & O_NONBLOCK)
  const fr = p.files.lowest()
  if (fr < 0) return -Errno.EMFILE
  p.files.install(fr, r, (flags & O_CLOEXEC) !== 0)
  const fw = p.files.lowest()
  if (fw < 0) {
    p.files.close(fr)
    return -Errno.EMFILE
  }
  p.files.install(fw, w, (flags & O_CLOEXEC) !== 0)
  const b = new Uint8Array(8)
  new DataView(b.buffer).setInt32(0, fr, true)
  new DataView(b.buffer).setInt32(4, fw, true)
  if (!p.mm.write(a[0], b)) {
    p.files.close(fr)
    p.files.close(fw)
    return -Errno.EFAULT
  }
  return 0
}

/** lseek(fd, offset, whence) */
export function lseek(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const f = t.process.files.get(int(a[0]))
  if (!f) return -Errno.EBADF
  const off = Number(BigInt.asIntN(64, BigInt(a[1])))
  return f.lseek(off, int(a[2]))
}

/** getdents64(fd, dirp, count) */
export function getdents64(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const f = p.files.get(int(a[0]))
  if (!f) return -Errno.EBADF
  // The count is an unsigned int.
  const buf = new Uint8Array(Math.min(int(a[2]) >>> 0, 1 << 16))
  const n = f.getdents64(buf)
  if (n <= 0) return n
  return p.mm.write(a[1], buf.subarray(0, n)) ? n : -Errno.EFAULT
}

/**
 * getdents(fd, dirp, count), the call before getdents64 (x86-64 keeps it):
 * struct linux_dirent {d_ino, d_off, d_reclen, d_name[], pad, d_type} has
 * d_type after the name. Its records are as long as linux_dirent64's
 * (18 + name + NUL + type vs 19 + name + NUL, both 8-aligned), so
 * getdents64's records are rewritten in place.
 */
export function getdents(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const f = p.files.get(int(a[0]))
  if (!f) return -Errno.EBADF
  const buf = new Uint8Array(Math.min(int(a[2]) >>> 0, 1 << 16))
  const n = f.getdents64(buf)
  if (n <= 0) return n
  for (let at = 0; at < n; ) {
    const reclen = buf[at + 16] | (buf[at + 17] << 8)
    const type = buf[at + 18]
    buf.copyWithin(at + 18, at + 19, at + reclen)
    buf[at + reclen - 1] = type
    at += reclen
  }
  return p.mm.write(a[1], buf.subarray(0, n)) ? n : -Errno.EFAULT
}

/** sync(): file data lives in memory (or the host's page cache); nothing to write back. */
export function sync(): number {
  return 0
}

/** fsync, fdatasync, fadvise64, flock: nothing to do, for a valid descriptor. */
export function fdNoop(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return t.process.files.get(int(a[0])) ? 0 : -Errno.EBADF
}

/** mount, umount2, chroot: a process may not change lx's mounts or root. */
export function notPermitted(): number {
  return -Errno.EPERM
}
