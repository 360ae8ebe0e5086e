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

/** Name and glibc's strerror text of each errno lx uses. */
const ERRNOS: Record<number, readonly [string, string]> = {
  1: ['EPERM', 'Operation not permitted'], 2: ['ENOENT', 'No such file or directory'], 3: ['ESRCH', 'No such process'],
  4: ['EINTR', 'Interrupted system call'], 5: ['EIO', 'Input/output error'], 6: ['ENXIO', 'No such device or address'],
  7: ['E2BIG', 'Argument list too long'], 8: ['ENOEXEC', 'Exec format error'], 9: ['EBADF', 'Bad file descriptor'],
  10: ['ECHILD', 'No child processes'], 11: ['EAGAIN', 'Resource temporarily unavailable'], 12: ['ENOMEM', 'Cannot allocate memory'],
  13: ['EACCES', 'Permission denied'], 14: ['EFAULT', 'Bad address'], 15: ['ENOTBLK', 'Block device required'],
  16: ['EBUSY', 'Device or resource busy'], 17: ['EEXIST', 'File exists'], 18: ['EXDEV', 'Invalid cross-device link'],
  19: ['ENODEV', 'No such device'], 20: ['ENOTDIR', 'Not a directory'], 21: ['EISDIR', 'Is a directory'],
  22: ['EINVAL', 'Invalid argument'], 23: ['ENFILE', 'Too many open files in system'], 24: ['EMFILE', 'Too many open files'],
  25: ['ENOTTY', 'Inappropriate ioctl for device'], 26: ['ETXTBSY', 'Text file busy'], 27: ['EFBIG', 'File too large'],
  28: ['ENOSPC', 'No space left on device'], 29: ['ESPIPE', 'Illegal seek'], 30: ['EROFS', 'Read-only file system'],
  31: ['EMLINK', 'Too many links'], 32: ['EPIPE', 'Broken pipe'], 33: ['EDOM', 'Numerical argument out of domain'],
  34: ['ERANGE', 'Numerical result out of range'], 35: ['EDEADLK', 'Resource deadlock avoided'], 36: ['ENAMETOOLONG', 'File name too long'],
  37: ['ENOLCK', 'No locks available'], 38: ['ENOSYS', 'Function not implemented'], 39: ['ENOTEMPTY', 'Directory not empty'],
  40: ['ELOOP', 'Too many levels of symbolic links'], 42: ['ENOMSG', 'No message of desired type'], 61: ['ENODATA', 'No data available'],
  75: ['EOVERFLOW', 'Value too large for defined data type'], 84: ['EILSEQ', 'Invalid or incomplete multibyte or wide character'],
  88: ['ENOTSOCK', 'Socket operation on non-socket'], 95: ['EOPNOTSUPP', 'Operation not supported'], 104: ['ECONNRESET', 'Connection reset by peer'],
  107: ['ENOTCONN', 'Transport endpoint is not connected'], 110: ['ETIMEDOUT', 'Connection timed out'], 111: ['ECONNREFUSED', 'Connection refused'],
  116: ['ESTALE', 'Stale file handle'], 125: ['ECANCELED', 'Operation canceled'],
}

/** The symbolic name of an errno number (positive or negative), for logs and tests. */
export function errnoName(e: number): string {
  const n = Math.abs(e)
  return ERRNOS[n]?.[0] ?? `E${n}`
}

/** strerror(3)'s text for an errno number (positive or negative), as glibc words it. */
export function errnoText(e: number): string {
  const n = Math.abs(e)
  return ERRNOS[n]?.[1] ?? `Unknown error ${n}`
}

/** The number of an errno name ("ENOENT" → 2), for ports that report errors by name (Node's err.code); EIO if unknown. */
export function errnoFromName(name: string): number {
  for (const k in ERRNOS) if (ERRNOS[k][0] === name) return Number(k)
  if (name === 'EWOULDBLOCK') return Errno.EAGAIN
  if (name === 'ENOTSUP') return Errno.EOPNOTSUPP
  return Errno.EIO
}
