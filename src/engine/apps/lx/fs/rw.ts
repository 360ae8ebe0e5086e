/**
 * Reading and writing (Linux's fs/read_write.c, splice.c's sendfile):
 * read/pread64/readv/preadv, write/pwrite64/writev/pwritev and sendfile.
 *
 * A blocking write goes on until every byte is written, as Linux's
 * pipe_write and n_tty_write do: a pipe that fills up puts the writer to
 * sleep, and the retry continues after what was already written (kept in
 * `LinuxThread.ioDone`). Such a write ends short only on an error (EPIPE,
 * ENOSPC, EFAULT) or a signal after some bytes went out — then the count is
 * the result, never -EINTR, and the call is not restarted (core/signals.ts
 * `interrupt`).
 * Writes of at most PIPE_BUF bytes stay atomic (the pipe's own rule);
 * O_NONBLOCK writes return what fit, or EAGAIN.
 */
import type { Lx } from '../lx'
import type { LinuxThread } from '../core/process'
import { BLOCKED, int, type SyscallArgs, type SyscallResult } from '../core/syscall'
import { signalThread } from '../core/signals'
import type { Mm } from '../mm/mm'
import { Errno, Sig } from '../uapi'
import { blocking } from './files'
import { O_NONBLOCK, POLLERR, POLLOUT, S_IFIFO, S_IFMT, type IoResult, type OpenFile } from './vfs/types'
import { PIPE_BUF } from './vfs/pipe'

type Gen = Generator<unknown, SyscallResult, number>

/** The most a single read or write of the file layer moves; larger writes go in pieces of this size. */
export const MAX_IO = 1 << 20
/** Linux caps one read or write at INT_MAX rounded down to a page (MAX_RW_COUNT). */
const MAX_RW_COUNT = 0x7ffff000

/**
 * access_ok: the whole range lies in user space. A count above 2^63 arrives
 * negative (the architecture reads small negative values as such), and
 * fails here as (size_t)-1 does on Linux.
 */
export function accessOk(mm: Mm, addr: number, len: number): boolean {
  return len >= 0 && addr >= 0 && addr + len <= mm.layout.taskSize
}

/** writev's iovecs: base addresses and lengths, in order. */
export interface IoVecs {
  base: number[]
  len: number[]
}

/** `n` bytes of the iovecs starting `off` bytes into them, or null on a bad pointer. */
function gather(mm: Mm, v: IoVecs, off: number, n: number): Uint8Array | null {
  const out = new Uint8Array(n)
  let i = 0
  while (i < v.len.length && off >= v.len[i]) off -= v.len[i++]
  for (let o = 0; o < n && i < v.len.length; i++, off = 0) {
    const k = Math.min(v.len[i] - off, n - o)
    const part = mm.read(v.base[i] + off, k)
    if (!part) return null
    out.set(part, o)
    o += k
  }
  return out
}

/**
 * Writes `len` bytes from guest memory (`src`: the buffer's address, or
 * writev's iovecs) to `f`, at `pos` (pwrite) or the file position (pos < 0).
 */
function* writeFrom(lx: Lx, t: LinuxThread, f: OpenFile, src: number | IoVecs, len: number, pos: number): Gen {
  const mm = t.process.mm
  if (typeof src === 'number' && !accessOk(mm, src, len)) return -Errno.EFAULT
  len = Math.min(len, MAX_RW_COUNT)
  let done = t.ioDone
  t.ioDone = 0
  let r: IoResult
  // At least one call even for 0 bytes: the file still answers EBADF, EPIPE and the like.
  do {
    const n = Math.min(len - done, MAX_IO)
    // Reading guest pages never touched faults them in: frames for that.
    yield* lx.memory.reserve(Math.ceil(n / 4096) + 2)
    const data = typeof src === 'number' ? mm.read(src + done, n) : gather(mm, src, done, n)
    if (!data) {
      r = -Errno.EFAULT
      break
    }
    r = pos < 0 ? f.write(data) : f.pwrite(data, pos + done)
    if (typeof r !== 'number') {
      t.ioDone = done
      lx.sched.sleepOn(t, [r.block])
      return BLOCKED
    }
    if (r <= 0) break
    done += r
  } while (done < len)
  // Linux sends SIGPIPE even when part of the write went through.
  if (r === -Errno.EPIPE) signalThread(lx, t, Sig.PIPE)
  return done > 0 ? done : r
}

/**
 * sendfile(out, in, offset, count). Linux splices from the input, so the
 * input must be readable at an offset (a pipe is EINVAL) and nothing is
 * taken from it beyond what the output accepted; to a pipe it waits until
 * there is room, then moves what fits (a short count, as
 * splice_file_to_pipe). Inputs without pread (host streams, devices) are
 * read in pieces a pipe with room takes whole.
 */
export function sendfile(lx: Lx, t: LinuxThread, a: SyscallArgs): SyscallResult {
  const files = t.process.files
  const out = files.get(int(a[0]))
  const inp = files.get(int(a[1]))
  if (!out || !inp) return -Errno.EBADF
  const offAddr = a[2]
  let count = a[3]
  const mm = t.process.mm
  if ((inp.inode.mode & S_IFMT) === S_IFIFO) return -Errno.EINVAL
  let off = -1
  if (offAddr) {
    const o = mm.readU64(offAddr)
    if (o === null) return -Errno.EFAULT
    off = o
  }
  // rw_verify_area: a count that is negative as an ssize_t (it arrives negative, or past 2^63).
  if (count < 0 || count >= 2 ** 63) return -Errno.EINVAL
  count = Math.min(count, MAX_IO)
  if (count === 0) return 0
  const toPipe = (out.inode.mode & S_IFMT) === S_IFIFO
  if (toPipe && !(out.poll() & (POLLOUT | POLLERR))) {
    if (out.flags & O_NONBLOCK) return -Errno.EAGAIN
    lx.sched.sleepOn(t, [out.waitq])
    return BLOCKED
  }
  const buf = new Uint8Array(count)
  let n = inp.pread(buf, off >= 0 ? off : inp.pos)
  const seekable = n !== -Errno.ESPIPE
  if (!seekable) {
    if (off >= 0) return -Errno.ESPIPE
    n = inp.read(toPipe ? buf.subarray(0, PIPE_BUF) : buf)
  }
  if (typeof n !== 'number') {
    lx.sched.sleepOn(t, [n.block])
    return BLOCKED
  }
  if (n <= 0) return n
  const w = out.write(buf.subarray(0, n))
  if (typeof w !== 'number') {
    // Only a seekable input can wait: nothing was taken from it yet.
    if (!seekable) return -Errno.EAGAIN
    lx.sched.sleepOn(t, [w.block])
    return BLOCKED
  }
  if (w === -Errno.EPIPE) signalThread(lx, t, Sig.PIPE)
  if (w <= 0) return w
  if (!seekable) return w
  if (off < 0) inp.pos += w
  else {
    const b = new Uint8Array(8)
    new DataView(b.buffer).setBigUint64(0, BigInt(off + w), true)
    if (!mm.write(offAddr, b)) return -Errno.EFAULT
  }
  return w
}

/**
 * read and pread64: into lx's read buffer, then to the process (its pages
 * are faulted in, with frames reserved first). The buffer is one per lx and
 * reused (a 4 KiB reader would otherwise allocate and collect a buffer per
 * call): so nothing else may read into it between the file read and the
 * copy out — when reserving frames must wait for moe, the bytes are copied
 * aside first.
 */
function* readInto(lx: Lx, t: LinuxThread, a: SyscallArgs, positional: boolean): Gen {
  const mm = t.process.mm
  const f = t.process.files.get(int(a[0]))
  if (!f) return -Errno.EBADF
  if (!accessOk(mm, a[1], a[2])) return -Errno.EFAULT
  let buf = lx.readBuffer(Math.min(a[2], MAX_IO))
  const res = blocking(lx, t, positional ? f.pread(buf, a[3]) : f.read(buf))
  if (typeof res !== 'number' || res <= 0) return res
  if (res < buf.length) buf = buf.subarray(0, res)
  const frames = Math.ceil(res / 4096) + 2
  if (!lx.memory.hasReady(frames)) {
    buf = buf.slice()
    yield* lx.memory.reserve(frames)
  }
  return mm.write(a[1], buf) ? res : -Errno.EFAULT
}

/** read(fd, buf, count) */
export function read(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  return readInto(lx, t, a, false)
}

/** pread64(fd, buf, count, offset) */
export function pread64(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  return readInto(lx, t, a, true)
}

/** write(fd, buf, count) */
export function* write(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  const f = t.process.files.get(int(a[0]))
  if (!f) return -Errno.EBADF
  return yield* writeFrom(lx, t, f, a[1], a[2], -1)
}

/** pwrite64(fd, buf, count, offset) */
export function* pwrite64(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  if (a[3] < 0) return -Errno.EINVAL
  const f = t.process.files.get(int(a[0]))
  if (!f) return -Errno.EBADF
  // Pipes have no positions: ESPIPE before the buffer is looked at.
  if ((f.inode.mode & S_IFMT) === S_IFIFO) return -Errno.ESPIPE
  return yield* writeFrom(lx, t, f, a[1], a[2], a[3])
}

/** readv, writev, preadv and pwritev (fd, iov, iovcnt[, offset]): one transfer over all the buffers. */
function* vectored(lx: Lx, t: LinuxThread, a: SyscallArgs, writing: boolean, positional: boolean): Gen {
  const mm = t.process.mm
  const f = t.process.files.get(int(a[0]))
  if (!f) return -Errno.EBADF
  const n = int(a[2])
  if (n < 0 || n > 1024) return -Errno.EINVAL
  const iov = mm.read(a[1], n * 16)
  if (!iov) return -Errno.EFAULT
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
  if (total > Number.MAX_SAFE_INTEGER) return -Errno.EINVAL
  if (positional && a[3] < 0) return -Errno.EINVAL
  if (writing) {
    const v = { base: vecs.map((x) => x[0]), len: vecs.map((x) => x[1]) }
    return yield* writeFrom(lx, t, f, v, total, positional ? a[3] : -1)
  }
  const buf = new Uint8Array(Math.min(total, MAX_IO))
  const r = blocking(lx, t, positional ? f.pread(buf, a[3]) : f.read(buf))
  if (typeof r !== 'number' || r <= 0) return r
  yield* lx.memory.reserve(Math.ceil(r / 4096) + 2 * vecs.length)
  let o = 0
  for (const [base, len] of vecs) {
    if (o >= r) break
    const k = Math.min(len, r - o)
    if (!mm.write(base, buf.subarray(o, o + k))) return -Errno.EFAULT
    o += k
  }
  return r
}

export function readv(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  return vectored(lx, t, a, false, false)
}

export function writev(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  return vectored(lx, t, a, true, false)
}

export function preadv(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  return vectored(lx, t, a, false, true)
}

export function pwritev(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  return vectored(lx, t, a, true, true)
}
