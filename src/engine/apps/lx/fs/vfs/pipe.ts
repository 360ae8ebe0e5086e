/**
 * Pipes (pipe2, and FIFOs opened by name): a byte queue of 64 KiB capacity
 * (Linux's default of 16 pages). Readers block while it is empty and some
 * writer remains, writers block while it is full; end of file once every
 * writer has closed; a write with no reader left is -EPIPE (the syscall
 * layer raises SIGPIPE). Writes of at most PIPE_BUF bytes are atomic: they
 * wait until they fit whole.
 *
 * A larger write returns the count that fit; Linux's pipe_write keeps
 * going until all is written, so lx's write path (rw.ts) continues a short
 * blocking write with the rest, sleeping on the pipe while it is full.
 */
import { Errno } from './errno'
import { FileBase } from './file'
import {
  type Cred, type FileSystem, type Inode, type IoResult, type OpenFile, type Stat, type StatFs, type UserMemory,
  FIONREAD, O_NONBLOCK, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, S_IFIFO, WaitQueue,
  InodeBase, statOf, O_RDONLY, O_WRONLY, type MemCharge, NO_CHARGE,
} from './types'

export const PIPE_BUF = 4096
export const PIPE_CAPACITY = 65536
const PIPEFS_MAGIC = 0x50495045

/** The buffer's pages: Linux's default of 16. */
const PIPE_PAGES = PIPE_CAPACITY / PIPE_BUF

export class Pipe {
  readers = 0
  writers = 0
  /** Ends ever opened, for FIFO opens that wait for their peer (Linux's r_counter / w_counter). */
  readerOpens = 0
  writerOpens = 0
  count = 0
  readonly waitq = new WaitQueue()
  /**
   * The bytes: a ring of PIPE_CAPACITY over PIPE_PAGES pages. A page exists,
   * charged to the VM, only while it may hold unread bytes; one drained page
   * is kept for the next write (as Linux's tmp_page), so a pipe in steady
   * use allocates nothing.
   */
  private readonly pages: (Uint8Array | null)[] = new Array<Uint8Array | null>(PIPE_PAGES).fill(null)
  private spare: Uint8Array | null = null
  /** Ring offset of the oldest unread byte. */
  private head = 0

  constructor(private readonly mem: MemCharge = NO_CHARGE) {}

  get free(): number {
    return PIPE_CAPACITY - this.count
  }

  read(buf: Uint8Array, nonblock: boolean): IoResult {
    if (buf.length === 0) return 0
    if (this.count === 0) {
      if (this.writers === 0) return 0
      return nonblock ? -Errno.EAGAIN : { block: this.waitq }
    }
    const n = Math.min(buf.length, this.count)
    for (let done = 0; done < n; ) {
      const page = this.pages[this.head >> 12]!
      const inPage = this.head & (PIPE_BUF - 1)
      const k = Math.min(PIPE_BUF - inPage, n - done)
      buf.set(page.subarray(inPage, inPage + k), done)
      done += k
      this.count -= k
      this.head = (this.head + k) % PIPE_CAPACITY
      // A page read to its end holds nothing more, unless the ring wrapped into it; nor does the last page read.
      if ((inPage + k === PIPE_BUF && this.count <= PIPE_CAPACITY - PIPE_BUF) || this.count === 0) this.dropPage((this.head - 1 + PIPE_CAPACITY) % PIPE_CAPACITY >> 12)
    }
    if (this.count === 0) this.head = 0
    this.waitq.wakeAll()
    return n
  }

  write(data: Uint8Array, nonblock: boolean): IoResult {
    // As pipe_write: an empty write is 0 before anything else is looked at.
    if (data.length === 0) return 0
    if (this.readers === 0) return -Errno.EPIPE
    const free = this.free
    // PIPE_BUF atomicity: a small write goes in whole or not at all.
    let n = data.length <= PIPE_BUF ? (free >= data.length ? data.length : 0) : Math.min(free, data.length)
    if (n === 0) return nonblock ? -Errno.EAGAIN : { block: this.waitq }
    n = this.provide(n, data.length <= PIPE_BUF)
    if (n === 0) return -Errno.ENOMEM
    let tail = (this.head + this.count) % PIPE_CAPACITY
    for (let done = 0; done < n; ) {
      const inPage = tail & (PIPE_BUF - 1)
      const k = Math.min(PIPE_BUF - inPage, n - done)
      this.pages[tail >> 12]!.set(data.subarray(done, done + k), inPage)
      done += k
      tail = (tail + k) % PIPE_CAPACITY
    }
    this.count += n
    this.waitq.wakeAll()
    return n
  }

  /**
   * Makes sure the pages for the next `n` bytes exist, charging new ones;
   * returns how many bytes have room (0 when a whole write cannot get its
   * pages: the VM is out of memory).
   */
  private provide(n: number, whole: boolean): number {
    const tail = (this.head + this.count) % PIPE_CAPACITY
    let room = 0
    for (let at = tail; room < n; ) {
      const i = at >> 12
      if (!this.pages[i]) {
        if (this.spare) {
          this.pages[i] = this.spare
          this.spare = null
        } else if (this.mem.charge(1)) {
          this.pages[i] = new Uint8Array(PIPE_BUF)
        } else {
          return whole ? 0 : room
        }
      }
      const k = Math.min(PIPE_BUF - (at & (PIPE_BUF - 1)), n - room)
      room += k
      at = (at + k) % PIPE_CAPACITY
    }
    return room
  }

  private dropPage(i: number): void {
    const page = this.pages[i]
    if (!page) return
    this.pages[i] = null
    if (!this.spare) this.spare = page
    else this.mem.uncharge(1)
  }

  /** The last end closed: the bytes are gone and the pages go back to the VM. */
  release(): void {
    for (let i = 0; i < PIPE_PAGES; i++) {
      if (this.pages[i]) this.mem.uncharge(1)
      this.pages[i] = null
    }
    if (this.spare) this.mem.uncharge(1)
    this.spare = null
    this.count = 0
    this.head = 0
  }

  pollRead(): number {
    let m = 0
    if (this.count > 0) m |= POLLIN | POLLRDNORM
    if (this.writers === 0) m |= POLLHUP
    return m
  }

  pollWrite(): number {
    let m = 0
    if (this.free >= PIPE_BUF) m |= POLLOUT | POLLWRNORM
    if (this.readers === 0) m |= POLLERR
    return m
  }
}

/**
 * pipefs: where the inodes of pipe2's pipes live, never mounted (Linux
 * mounts it internally). One per Vfs, which gives it its device number;
 * inode numbers count per instance, so that a VM's numbers do not depend
 * on what ran before it.
 */
export class PipeFs implements FileSystem {
  readonly type = 'pipefs'
  dev = 0
  readonly readOnly = false
  private nextIno = 1
  readonly root: Inode = new PipeInode(this, new Pipe(), { uid: 0, gid: 0 })

  constructor(
    /** The VM's memory, which the buffers of its pipes are charged to. */
    readonly charge: MemCharge = NO_CHARGE,
  ) {}

  allocIno(): number {
    return this.nextIno++
  }

  statfs(): StatFs {
    return { type: PIPEFS_MAGIC, bsize: 4096, frsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, namelen: 255, flags: 0 }
  }
}

/** The anonymous inode of a pipe made by pipe2 (S_IFIFO 0600, as Linux's pipefs gives). */
export class PipeInode extends InodeBase {
  readonly ino: number
  mode = S_IFIFO | 0o600
  constructor(readonly fs: PipeFs, readonly pipe: Pipe, cred: Cred) {
    super()
    this.ino = fs.allocIno()
    this.uid = cred.uid
    this.gid = cred.gid
  }
  stat(): Stat {
    return statOf(this, 0, 0)
  }
  open(flags: number): OpenFile | number {
    return openPipeEnd(this.pipe, this, flags)
  }
}

/**
 * One end of a pipe. Both ends share the pipe's wait queue.
 *
 * A FIFO opened without O_NONBLOCK waits in Linux's open until the other
 * end is opened. Our open cannot block, so such an end waits at its first
 * read or write instead: until a peer has been opened since, a reader
 * blocks rather than seeing end of file and a writer blocks rather than
 * getting EPIPE.
 */
export class PipeEnd extends FileBase {
  private closed = false
  /** The number of peer opens to exceed before the first transfer (-1: no wait). */
  private awaitPeer = -1
  override readonly waitq: WaitQueue
  constructor(readonly pipe: Pipe, inode: Inode, flags: number, readonly reading: boolean, fifo = false) {
    super(inode, flags)
    this.waitq = pipe.waitq
    if (reading) {
      pipe.readers++
      pipe.readerOpens++
    } else {
      pipe.writers++
      pipe.writerOpens++
    }
    const peers = reading ? pipe.writers : pipe.readers
    if (fifo && peers === 0 && !(flags & O_NONBLOCK)) this.awaitPeer = reading ? pipe.writerOpens : pipe.readerOpens
    pipe.waitq.wakeAll()
  }
  /** Still waiting for the first peer of a FIFO? */
  private waiting(): boolean {
    if (this.awaitPeer < 0) return false
    const opens = this.reading ? this.pipe.writerOpens : this.pipe.readerOpens
    if (opens > this.awaitPeer) {
      this.awaitPeer = -1
      return false
    }
    return true
  }
  override read(buf: Uint8Array): IoResult {
    if (!this.reading) return -Errno.EBADF
    if (this.waiting()) return { block: this.pipe.waitq }
    return this.pipe.read(buf, (this.flags & O_NONBLOCK) !== 0)
  }
  override write(data: Uint8Array): IoResult {
    if (this.reading) return -Errno.EBADF
    if (this.waiting()) return { block: this.pipe.waitq }
    return this.pipe.write(data, (this.flags & O_NONBLOCK) !== 0)
  }
  override ioctl(cmd: number, arg: number, mem: UserMemory): number {
    if (cmd !== FIONREAD) return -Errno.ENOTTY
    const v = new Uint8Array(4)
    new DataView(v.buffer).setInt32(0, this.pipe.count, true)
    return mem.write(arg, v) ? 0 : -Errno.EFAULT
  }
  override poll(): number {
    return this.reading ? this.pipe.pollRead() : this.pipe.pollWrite()
  }
  override close(): void {
    if (this.closed) return
    this.closed = true
    if (this.reading) this.pipe.readers--
    else this.pipe.writers--
    if (this.pipe.readers === 0 && this.pipe.writers === 0) this.pipe.release()
    this.pipe.waitq.wakeAll()
  }
}

/**
 * Opens an end of the FIFO `pipe`: read end for O_RDONLY, write end for
 * O_WRONLY (ENXIO with O_NONBLOCK when no reader is there, as Linux), both
 * for O_RDWR (never waits).
 */
export function openPipeEnd(pipe: Pipe, inode: Inode, flags: number): OpenFile | number {
  const acc = flags & 3
  if (acc === O_RDONLY) return new PipeEnd(pipe, inode, flags, true, true)
  if (acc === O_WRONLY) {
    if (flags & O_NONBLOCK && pipe.readers === 0) return -Errno.ENXIO
    return new PipeEnd(pipe, inode, flags, false, true)
  }
  return new FifoRdwr(pipe, inode, flags)
}

/** A FIFO opened O_RDWR: counts as reader and writer, never blocks on open (as Linux). */
class FifoRdwr extends FileBase {
  private r: PipeEnd
  private w: PipeEnd
  override readonly waitq: WaitQueue
  constructor(pipe: Pipe, inode: Inode, flags: number) {
    super(inode, flags)
    this.r = new PipeEnd(pipe, inode, flags, true)
    this.w = new PipeEnd(pipe, inode, flags, false)
    this.waitq = pipe.waitq
  }
  override read(buf: Uint8Array): IoResult {
    this.r.flags = this.flags
    return this.r.read(buf)
  }
  override write(data: Uint8Array): IoResult {
    this.w.flags = this.flags
    return this.w.write(data)
  }
  override ioctl(cmd: number, arg: number, mem: UserMemory): number {
    return this.r.ioctl(cmd, arg, mem)
  }
  override poll(): number {
    return this.r.poll() | this.w.poll()
  }
  override close(): void {
    this.r.close()
    this.w.close()
  }
}

/** pipe2: [read end, write end], an inode of `fs`. `flags` may carry O_NONBLOCK (O_CLOEXEC is the caller's). */
export function makePipe(fs: PipeFs, cred: Cred, flags = 0): [OpenFile, OpenFile] {
  const pipe = new Pipe(fs.charge)
  const inode = new PipeInode(fs, pipe, cred)
  const nb = flags & O_NONBLOCK
  return [new PipeEnd(pipe, inode, O_RDONLY | nb, true), new PipeEnd(pipe, inode, O_WRONLY | nb, false)]
}
