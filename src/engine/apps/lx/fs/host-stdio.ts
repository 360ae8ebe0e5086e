/**
 * Standard input, output and error of `l4lab exec`: files whose other end is
 * the host process's stdin/stdout/stderr, through a port the board gives lx
 * (the engine does no host I/O itself). Output is written through; input is
 * what the host has delivered so far, and a read waits for more until the
 * host reports the end of its input.
 */
import { FileBase } from './vfs/file'
import {
  InodeBase, O_ACCMODE, O_RDONLY, O_WRONLY, POLLHUP, POLLIN, POLLOUT, S_IFIFO, S_IFMT, WaitQueue, canRead, canWrite,
  type Inode, type IoResult, type Stat, type FileSystem, type StatFs, type UserMemory, type OpenFile,
} from './vfs/types'
import { defaultTermios, encodeTermios } from './vfs/tty'
import { Errno } from '../uapi'

export interface StdioPort {
  /** Bytes a program wrote to its fd 1 or 2. */
  write(fd: 1 | 2, data: Uint8Array): void
  /** What the host's fd 0, 1 or 2 is: programs fstat and isatty their streams (ls, wc and others format by it). */
  describe?(fd: 0 | 1 | 2): HostStreamInfo | null
}

export interface HostStreamInfo {
  /** st_mode of the host file (S_IFREG, S_IFIFO, S_IFCHR for a terminal …). */
  mode: number
  size: number
  dev: number
  ino: number
  rdev: number
  /** Terminal size when the stream is a terminal. */
  tty: { cols: number; rows: number } | null
}

/** The host side of stdin: it appends what it reads; lx's readers take from it. */
export class StdinBuffer {
  private chunks: Uint8Array[] = []
  private ended = false
  readonly waitq = new WaitQueue()

  push(data: Uint8Array): void {
    if (data.length === 0) return
    this.chunks.push(data.slice())
    this.waitq.wakeAll()
  }

  end(): void {
    this.ended = true
    this.waitq.wakeAll()
  }

  get available(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0)
  }

  read(buf: Uint8Array): IoResult {
    if (this.chunks.length === 0) return this.ended ? 0 : { block: this.waitq }
    let n = 0
    while (n < buf.length && this.chunks.length > 0) {
      const c = this.chunks[0]
      const k = Math.min(c.length, buf.length - n)
      buf.set(c.subarray(0, k), n)
      n += k
      if (k === c.length) this.chunks.shift()
      else this.chunks[0] = c.subarray(k)
    }
    return n
  }

  get eof(): boolean {
    return this.ended && this.chunks.length === 0
  }
}

/**
 * The file system of one lx's host streams (a pipefs, as Linux shows a
 * pipe; never mounted, device 0xd). Its inode numbers count per instance,
 * so that they do not depend on what ran before in the same engine.
 */
export class StreamFs implements FileSystem {
  readonly type = 'pipefs'
  dev = 0xd
  readonly readOnly = false
  private nextIno = 1
  readonly root: Inode = new StreamInode(this)

  allocIno(): number {
    return this.nextIno++
  }

  statfs(): StatFs {
    return { type: 0x50495045, bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, namelen: 255, frsize: 4096, flags: 0 }
  }
}

/** The inode of a host stream: what the host fd is (a FIFO when the host does not say). */
class StreamInode extends InodeBase {
  readonly ino: number
  mode = S_IFIFO | 0o600
  /** Opening the stream again (/dev/stdin, /proc/self/fd/0) gives a new file on the same stream. */
  reopen: ((flags: number) => OpenFile | number) | null = null
  constructor(
    readonly fs: StreamFs,
    readonly info: HostStreamInfo | null = null,
  ) {
    super()
    this.ino = fs.allocIno()
    if (info) this.mode = info.mode
  }
  stat(): Stat {
    const i = this.info
    return { dev: i?.dev ?? this.fs.dev, ino: i?.ino ?? this.ino, mode: this.mode, nlink: 1, uid: 0, gid: 0, rdev: i?.rdev ?? 0, size: i?.size ?? 0, blksize: 4096, blocks: 0, atimeNs: 0, mtimeNs: 0, ctimeNs: 0 }
  }
  open(flags: number): OpenFile | number {
    return this.reopen ? this.reopen(flags) : -Errno.ENXIO
  }
}

/** ioctls of a host stream: a terminal answers TCGETS and TIOCGWINSZ (isatty, window size), anything else is no tty. */
function streamIoctl(info: HostStreamInfo | null | undefined, cmd: number, arg: number, mem: UserMemory): number {
  if (!info?.tty) return -Errno.ENOTTY
  if (cmd === 0x5401) return mem.write(arg, encodeTermios(defaultTermios())) ? 0 : -Errno.EFAULT
  if (cmd === 0x5413) {
    const b = new Uint8Array(8)
    const dv = new DataView(b.buffer)
    dv.setUint16(0, info.tty.rows, true)
    dv.setUint16(2, info.tty.cols, true)
    return mem.write(arg, b) ? 0 : -Errno.EFAULT
  }
  return -Errno.ENOTTY
}

/**
 * Standard input opened again. Linux opens the very pipe again, so a writer
 * (`echo x > /dev/stdin`) queues bytes behind what the host sent; other host
 * files (a regular file, a terminal) are not written through stdin.
 */
function reopenInput(fs: StreamFs, buffer: StdinBuffer, info: HostStreamInfo | null, flags: number): OpenFile | number {
  if ((flags & O_ACCMODE) !== O_RDONLY && info && (info.mode & S_IFMT) !== S_IFIFO) return -Errno.EACCES
  return new HostInput(fs, buffer, info, flags)
}

export class HostInput extends FileBase {
  constructor(
    fs: StreamFs,
    private readonly buffer: StdinBuffer,
    private readonly info: HostStreamInfo | null = null,
    flags = O_RDONLY,
  ) {
    const inode = new StreamInode(fs, info)
    super(inode, flags)
    buffer.waitq.add(() => this.waitq.wakeAll())
    inode.reopen = (f) => reopenInput(fs, buffer, info, f)
  }
  override write(data: Uint8Array): IoResult {
    if (!canWrite(this.flags)) return -Errno.EBADF
    this.buffer.push(data)
    return data.length
  }
  override read(buf: Uint8Array): IoResult {
    if (!canRead(this.flags)) return -Errno.EBADF
    const r = this.buffer.read(buf)
    if (typeof r !== 'number') {
      // Re-arm the forwarding of host wakeups to our own queue (pollers wait on it).
      this.buffer.waitq.add(() => this.waitq.wakeAll())
      return { block: this.waitq }
    }
    return r
  }
  override poll(): number {
    const out = canWrite(this.flags) ? POLLOUT : 0
    if (!canRead(this.flags)) return out
    return out | (this.buffer.available > 0 ? POLLIN : this.buffer.eof ? POLLIN | POLLHUP : 0)
  }
  override ioctl(cmd: number, arg: number, mem: UserMemory): number {
    return streamIoctl(this.info, cmd, arg, mem)
  }
}

export class HostOutput extends FileBase {
  private readonly info: HostStreamInfo | null
  constructor(
    fs: StreamFs,
    private readonly port: StdioPort,
    private readonly fd: 1 | 2,
  ) {
    const info = port.describe?.(fd) ?? null
    const inode = new StreamInode(fs, info)
    super(inode, O_WRONLY)
    this.info = info
    inode.reopen = () => new HostOutput(fs, port, fd)
  }
  override ioctl(cmd: number, arg: number, mem: UserMemory): number {
    return streamIoctl(this.info, cmd, arg, mem)
  }
  override write(data: Uint8Array): IoResult {
    this.port.write(this.fd, data)
    return data.length
  }
  override poll(): number {
    return POLLOUT
  }
}
