/**
 * Standard input, output and error of `l4lab exec`: files whose other end is
 * the host process's stdin/stdout/stderr, through a port the board gives lx
 * (the engine does no host I/O itself). Output is written through; input is
 * what the host has delivered so far, and a read waits for more until the
 * host reports the end of its input.
 */
import { FileBase } from './vfs/file'
import { O_RDONLY, O_WRONLY, POLLHUP, POLLIN, POLLOUT, S_IFIFO, WaitQueue, type Inode, type IoResult, type Stat, type FileSystem } from './vfs/types'
import { E } from './uapi'

export interface StdioPort {
  /** Bytes a program wrote to its fd 1 or 2. */
  write(fd: 1 | 2, data: Uint8Array): void
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

let nextIno = 1

/** A pipe-like inode for the host streams (fstat shows a FIFO, as for a shell pipeline). */
class StreamInode implements Inode {
  readonly ino = nextIno++
  mode = S_IFIFO | 0o600
  nlink = 1
  uid = 0
  gid = 0
  rdev = 0
  atimeNs = 0
  mtimeNs = 0
  ctimeNs = 0
  constructor(readonly fs: FileSystem) {}
  stat(): Stat {
    return { dev: this.fs.dev, ino: this.ino, mode: this.mode, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0, atimeNs: 0, mtimeNs: 0, ctimeNs: 0 }
  }
  open(): number {
    return -E.NXIO
  }
}

const streamFs: FileSystem = {
  type: 'pipefs',
  dev: 0xd,
  readOnly: false,
  get root(): Inode {
    return rootInode
  },
  statfs: () => ({ type: 0x50495045, bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, namelen: 255, frsize: 4096, flags: 0 }),
}
const rootInode = new StreamInode(streamFs)

export class HostInput extends FileBase {
  constructor(private readonly buffer: StdinBuffer) {
    super(new StreamInode(streamFs), O_RDONLY)
    buffer.waitq.add(() => this.waitq.wakeAll())
  }
  override read(buf: Uint8Array): IoResult {
    const r = this.buffer.read(buf)
    if (typeof r !== 'number') {
      // Re-arm the forwarding of host wakeups to our own queue (pollers wait on it).
      this.buffer.waitq.add(() => this.waitq.wakeAll())
      return { block: this.waitq }
    }
    return r
  }
  override poll(): number {
    return this.buffer.available > 0 ? POLLIN : this.buffer.eof ? POLLIN | POLLHUP : 0
  }
}

export class HostOutput extends FileBase {
  constructor(
    private readonly port: StdioPort,
    private readonly fd: 1 | 2,
  ) {
    super(new StreamInode(streamFs), O_WRONLY)
  }
  override write(data: Uint8Array): IoResult {
    this.port.write(this.fd, data)
    return data.length
  }
  override poll(): number {
    return POLLOUT
  }
}
