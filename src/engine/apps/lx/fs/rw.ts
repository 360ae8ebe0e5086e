/**
 * The write side of file I/O: write/writev/pwrite/pwritev and sendfile.
 *
 * A blocking write goes on until every byte is written, as Linux's
 * pipe_write and n_tty_write do: a pipe that fills up puts the writer to
 * sleep, and the retry continues after what was already written (kept in
 * `LinuxThread.ioDone`). Such a write ends short only on an error (EPIPE,
 * ENOSPC, EFAULT) or a signal after some bytes went out — then the count is
 * the result, never -EINTR, and the call is not restarted (`Lx.interrupt`).
 * Writes of at most PIPE_BUF bytes stay atomic (the pipe's own rule);
 * O_NONBLOCK writes return what fit, or EAGAIN.
 */
import type { Lx } from '../lx'
import type { LinuxThread } from '../core/process'
import type { Mm } from '../mm/mm'
import { E, Nr, Sig, TASK_SIZE } from '../uapi'
import { O_NONBLOCK, POLLERR, POLLOUT, S_IFIFO, S_IFMT, type IoResult, type OpenFile } from './vfs/types'
import { PIPE_BUF } from './vfs/pipe'

/** The most a single read or write of the file layer moves; larger writes go in pieces of this size. */
export const MAX_IO = 1 << 20
/** Linux caps one read or write at INT_MAX rounded down to a page (MAX_RW_COUNT). */
const MAX_RW_COUNT = 0x7ffff000

/**
 * access_ok: the whole range lies in user space. A count above 2^63 arrives
 * negative (regArg), and fails here as (size_t)-1 does on Linux.
 */
export function accessOk(addr: number, len: number): boolean {
  return len >= 0 && addr >= 0 && addr + len <= TASK_SIZE
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
export function* writeFrom(lx: Lx, t: LinuxThread, nr: number, f: OpenFile, src: number | IoVecs, len: number, pos: number): Generator<unknown, number | { block: true }, number> {
  const mm = t.process.mm
  if (typeof src === 'number' && !accessOk(src, len)) return -E.FAULT
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
      r = -E.FAULT
      break
    }
    r = pos < 0 ? f.write(data) : f.pwrite(data, pos + done)
    if (typeof r !== 'number') {
      t.ioDone = done
      lx.sleepOn(t, nr, [r.block])
      return { block: true }
    }
    if (r <= 0) break
    done += r
  } while (done < len)
  // Linux sends SIGPIPE even when part of the write went through.
  if (r === -E.PIPE) lx.signalThread(t, Sig.PIPE)
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
export function sendfile(lx: Lx, t: LinuxThread, out: OpenFile, inp: OpenFile, offAddr: number, count: number): number | { block: true } {
  const mm = t.process.mm
  if ((inp.inode.mode & S_IFMT) === S_IFIFO) return -E.INVAL
  let off = -1
  if (offAddr) {
    const o = mm.readU64(offAddr)
    if (o === null) return -E.FAULT
    off = o
  }
  // rw_verify_area: a count that is negative as an ssize_t (it arrives negative, or past 2^63).
  if (count < 0 || count >= 2 ** 63) return -E.INVAL
  count = Math.min(count, MAX_IO)
  if (count === 0) return 0
  const toPipe = (out.inode.mode & S_IFMT) === S_IFIFO
  if (toPipe && !(out.poll() & (POLLOUT | POLLERR))) {
    if (out.flags & O_NONBLOCK) return -E.AGAIN
    lx.sleepOn(t, Nr.sendfile, [out.waitq])
    return { block: true }
  }
  const buf = new Uint8Array(count)
  let n = inp.pread(buf, off >= 0 ? off : inp.pos)
  const seekable = n !== -E.SPIPE
  if (!seekable) {
    if (off >= 0) return -E.SPIPE
    n = inp.read(toPipe ? buf.subarray(0, PIPE_BUF) : buf)
  }
  if (typeof n !== 'number') {
    lx.sleepOn(t, Nr.sendfile, [n.block])
    return { block: true }
  }
  if (n <= 0) return n
  const w = out.write(buf.subarray(0, n))
  if (typeof w !== 'number') {
    // Only a seekable input can wait: nothing was taken from it yet.
    if (!seekable) return -E.AGAIN
    lx.sleepOn(t, Nr.sendfile, [w.block])
    return { block: true }
  }
  if (w === -E.PIPE) lx.signalThread(t, Sig.PIPE)
  if (w <= 0) return w
  if (!seekable) return w
  if (off < 0) inp.pos += w
  else {
    const b = new Uint8Array(8)
    new DataView(b.buffer).setBigUint64(0, BigInt(off + w), true)
    if (!mm.write(offAddr, b)) return -E.FAULT
  }
  return w
}
