/**
 * Linux errno numbers: the asm-generic table, which arm64 and x86_64 both
 * use (neither has private errno values). lx's one errno enum: every VFS
 * operation and every system call returns `-Errno.X` on failure, which
 * reaches the process unchanged.
 */
export const enum Errno {
  EPERM = 1,
  ENOENT = 2,
  ESRCH = 3,
  EINTR = 4,
  EIO = 5,
  ENXIO = 6,
  E2BIG = 7,
  ENOEXEC = 8,
  EBADF = 9,
  ECHILD = 10,
  EAGAIN = 11,
  ENOMEM = 12,
  EACCES = 13,
  EFAULT = 14,
  ENOTBLK = 15,
  EBUSY = 16,
  EEXIST = 17,
  EXDEV = 18,
  ENODEV = 19,
  ENOTDIR = 20,
  EISDIR = 21,
  EINVAL = 22,
  ENFILE = 23,
  EMFILE = 24,
  ENOTTY = 25,
  ETXTBSY = 26,
  EFBIG = 27,
  ENOSPC = 28,
  ESPIPE = 29,
  EROFS = 30,
  EMLINK = 31,
  EPIPE = 32,
  EDOM = 33,
  ERANGE = 34,
  EDEADLK = 35,
  ENAMETOOLONG = 36,
  ENOLCK = 37,
  ENOSYS = 38,
  ENOTEMPTY = 39,
  ELOOP = 40,
  ENOMSG = 42,
  ENODATA = 61,
  EOVERFLOW = 75,
  EILSEQ = 84,
  ENOTSOCK = 88,
  EOPNOTSUPP = 95,
  ECONNRESET = 104,
  ENOTCONN = 107,
  ETIMEDOUT = 110,
  ECONNREFUSED = 111,
  ESTALE = 116,
  ECANCELED = 125,
  /**
   * Kernel-internal (include/linux/errno.h), never seen by a process: "restart
   * the system call after the signal". An ioctl returns it after raising
   * SIGTTOU; lx restarts the call after the stop, or ends it in EINTR.
   */
  ERESTARTSYS = 512,
}

/** EWOULDBLOCK is EAGAIN on Linux. */
export const EWOULDBLOCK = Errno.EAGAIN

const NAMES: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO', 7: 'E2BIG', 8: 'ENOEXEC',
  9: 'EBADF', 10: 'ECHILD', 11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 15: 'ENOTBLK',
  16: 'EBUSY', 17: 'EEXIST', 18: 'EXDEV', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL',
  23: 'ENFILE', 24: 'EMFILE', 25: 'ENOTTY', 26: 'ETXTBSY', 27: 'EFBIG', 28: 'ENOSPC', 29: 'ESPIPE',
  30: 'EROFS', 31: 'EMLINK', 32: 'EPIPE', 33: 'EDOM', 34: 'ERANGE', 35: 'EDEADLK', 36: 'ENAMETOOLONG',
  37: 'ENOLCK', 38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP', 42: 'ENOMSG', 61: 'ENODATA', 75: 'EOVERFLOW',
  84: 'EILSEQ', 88: 'ENOTSOCK', 95: 'EOPNOTSUPP', 104: 'ECONNRESET', 107: 'ENOTCONN', 110: 'ETIMEDOUT',
  111: 'ECONNREFUSED', 116: 'ESTALE', 125: 'ECANCELED',
}

/** The symbolic name of an errno number (positive or negative), for logs and tests. */
export function errnoName(e: number): string {
  const n = Math.abs(e)
  return NAMES[n] ?? `E${n}`
}

/** The number of an errno name ("ENOENT" → 2), for ports that report errors by name (Node's err.code); EIO if unknown. */
export function errnoFromName(name: string): number {
  for (const k in NAMES) if (NAMES[k] === name) return Number(k)
  if (name === 'EWOULDBLOCK') return Errno.EAGAIN
  if (name === 'ENOTSUP') return Errno.EOPNOTSUPP
  return Errno.EIO
}
