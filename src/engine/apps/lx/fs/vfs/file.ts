/**
 * Building blocks for open files: `FileBase` answers every operation the way
 * Linux does for a file that does not implement it, and `DirFile` is the
 * open directory every file system shares (getdents64 over readdir()).
 */
import { Errno } from './errno'
import {
  type Cred, type Inode, type IoResult, type OpenFile, type UserMemory,
  POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, SEEK_CUR, SEEK_END, SEEK_SET,
  WaitQueue, DT_DIR, enc, putDirent64, type DirEntry, canRead, canWrite,
} from './types'

export class FileBase implements OpenFile {
  pos = 0
  readonly waitq = new WaitQueue()
  constructor(readonly inode: Inode, public flags: number) {}
  read(_buf: Uint8Array): IoResult { return -Errno.EINVAL }
  write(_data: Uint8Array): IoResult { return -Errno.EINVAL }
  pread(_buf: Uint8Array, _off: number): IoResult { return -Errno.ESPIPE }
  pwrite(_data: Uint8Array, _off: number): IoResult { return -Errno.ESPIPE }
  lseek(_off: number, _whence: number): number { return -Errno.ESPIPE }
  getdents64(_buf: Uint8Array): number { return -Errno.ENOTDIR }
  ioctl(_cmd: number, _arg: number, _mem: UserMemory): number { return -Errno.ENOTTY }
  poll(): number { return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM }
  close(): void {}
}

/**
 * A file whose whole content is known when it is opened (procfs files,
 * /dev/kmsg snapshots): reads and seeks within that snapshot, like a
 * seq_file read from its start.
 */
export class SnapshotFile extends FileBase {
  constructor(inode: Inode, flags: number, private content: Uint8Array) {
    super(inode, flags)
  }
  override read(buf: Uint8Array): IoResult {
    const n = this.readAt(buf, this.pos)
    if (n > 0) this.pos += n
    return n
  }
  override pread(buf: Uint8Array, off: number): IoResult {
    if (off < 0) return -Errno.EINVAL
    return this.readAt(buf, off)
  }
  private readAt(buf: Uint8Array, off: number): number {
    if (!canRead(this.flags)) return -Errno.EBADF
    if (off >= this.content.length) return 0
    const n = Math.min(buf.length, this.content.length - off)
    buf.set(this.content.subarray(off, off + n))
    return n
  }
  override write(_data: Uint8Array): IoResult {
    return canWrite(this.flags) ? -Errno.EINVAL : -Errno.EBADF
  }
  override lseek(off: number, whence: number): number {
    let n: number
    if (whence === SEEK_SET) n = off
    else if (whence === SEEK_CUR) n = this.pos + off
    else if (whence === SEEK_END) n = this.content.length + off
    else return -Errno.EINVAL
    if (!Number.isSafeInteger(n) || n < 0) return -Errno.EINVAL
    this.pos = n
    return n
  }
}

/**
 * An open directory. The entry list is taken when reading starts at position
 * 0 (and again after a rewind), so entries added or removed while a process
 * walks the directory neither repeat nor shift the walk; `pos` counts
 * records, as d_off does.
 */
export class DirFile extends FileBase {
  private entries: DirEntry[] | null = null
  constructor(inode: Inode, flags: number, _cred?: Cred) {
    super(inode, flags)
  }
  override read(_buf: Uint8Array): IoResult { return -Errno.EISDIR }
  override write(_data: Uint8Array): IoResult { return -Errno.EBADF }
  override pread(_buf: Uint8Array, _off: number): IoResult { return -Errno.EISDIR }
  override pwrite(_data: Uint8Array, _off: number): IoResult { return -Errno.EBADF }
  override lseek(off: number, whence: number): number {
    if (whence === SEEK_SET) {
      if (off < 0 || !Number.isSafeInteger(off)) return -Errno.EINVAL
      this.pos = off
    } else if (whence === SEEK_CUR) {
      const n = this.pos + off
      if (n < 0 || !Number.isSafeInteger(n)) return -Errno.EINVAL
      this.pos = n
    } else return -Errno.EINVAL
    if (this.pos === 0) this.entries = null
    return this.pos
  }
  override getdents64(buf: Uint8Array): number {
    if (this.entries === null || this.pos === 0) {
      const list = this.inode.readdir ? this.inode.readdir() : -Errno.ENOTDIR
      if (typeof list === 'number') return list
      const parent = this.inode.parent ? this.inode.parent() : this.inode
      this.entries = [
        { name: '.', ino: this.inode.ino, type: DT_DIR },
        { name: '..', ino: parent.ino, type: DT_DIR },
        ...list,
      ]
    }
    let at = 0
    while (this.pos < this.entries.length) {
      const e = this.entries[this.pos]
      const next = putDirent64(buf, at, e.ino, this.pos + 1, e.type, enc.encode(e.name))
      if (next < 0) break
      at = next
      this.pos++
    }
    if (at === 0 && this.pos < this.entries.length) return -Errno.EINVAL
    return at
  }
}
