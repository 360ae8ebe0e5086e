/**
 * devfs: /dev as devtmpfs gives it, a RamFs holding device nodes, plus the
 * opener the Vfs uses for every character device node (wherever it lives,
 * e.g. /dev/console inside an initramfs). Devices (major, minor as Linux):
 *
 *   null 1,3  zero 1,5  full 1,7  random 1,8  urandom 1,9  kmsg 1,11
 *   tty 5,0 (the caller's controlling terminal)  console 5,1
 *
 * plus the symlinks fd → /proc/self/fd and stdin/stdout/stderr.
 */
import { Errno } from './errno'
import { FileBase } from './file'
import { RamFs, type RamDir } from './ramfs'
import type { Tty } from './tty'
import {
  type Cred, type Inode, type IoResult, type OpenFile, O_NONBLOCK, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM,
  S_IFCHR, WaitQueue, canRead, canWrite, dec, enc, makedev, SEEK_SET, SEEK_END, SEEK_CUR,
} from './types'

export const DEV_NULL = makedev(1, 3)
export const DEV_ZERO = makedev(1, 5)
export const DEV_FULL = makedev(1, 7)
export const DEV_RANDOM = makedev(1, 8)
export const DEV_URANDOM = makedev(1, 9)
export const DEV_KMSG = makedev(1, 11)
export const DEV_TTY = makedev(5, 0)
export const DEV_CONSOLE = makedev(5, 1)

/** A kmsg record as /dev/kmsg shows it: "PRI,SEQ,USECS,-;TEXT\n". */
export interface KmsgRecord {
  seq: number
  level: number
  usec: number
  text: string
}

/**
 * lx's log, in the shape of the kernel's printk ring buffer: records with
 * sequence numbers; the oldest are dropped beyond `maxRecords`, and a reader
 * that falls behind gets EPIPE once and continues at the oldest kept.
 */
export class KmsgLog {
  private records: KmsgRecord[] = []
  private nextSeq = 0
  readonly waitq = new WaitQueue()
  constructor(private readonly maxRecords = 1024, private readonly clockUs: () => number = () => 0) {}

  /** Adds a record; lines after the first stay in it (as continuation text). Level 6 is KERN_INFO. */
  append(text: string, level = 6, usec = this.clockUs()): void {
    this.records.push({ seq: this.nextSeq++, level: level & 7, usec: Math.max(0, Math.floor(usec)), text: text.slice(0, 1000) })
    if (this.records.length > this.maxRecords) this.records.splice(0, this.records.length - this.maxRecords)
    this.waitq.wakeAll()
  }
  get firstSeq(): number {
    return this.records.length ? this.records[0].seq : this.nextSeq
  }
  get endSeq(): number {
    return this.nextSeq
  }
  get(seq: number): KmsgRecord | undefined {
    const first = this.firstSeq
    return seq >= first ? this.records[seq - first] : undefined
  }
  /** The /dev/kmsg form of a record (facility 0, so PRI is the level). */
  static format(r: KmsgRecord): string {
    const escaped = r.text.replace(/[\x00-\x08\x0b-\x1f\x7f\\]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'))
    return `${r.level},${r.seq},${r.usec},-;${escaped.replace(/\n/g, '\\x0a')}\n`
  }
  /** The whole log as text lines "[SECONDS] TEXT" (dmesg style), for /proc views or the UI. */
  text(): string {
    return this.records.map((r) => `[${(r.usec / 1e6).toFixed(6).padStart(12)}] ${r.text}\n`).join('')
  }
}

export interface DevFsOptions {
  /** Fills a buffer with random bytes (the run's deterministic generator). */
  random: (buf: Uint8Array) => void
  /** The console tty (/dev/console, and /dev/tty when `controllingTty` is not given). */
  console?: Tty
  /** The calling process's controlling terminal for /dev/tty (null: ENXIO). */
  controllingTty?: () => Tty | null
  kmsg?: KmsgLog
  clock?: () => number
}

type Opener = (inode: Inode, flags: number, cred: Cred) => OpenFile | number

export class DevFs extends RamFs {
  private readonly openers = new Map<number, Opener>()

  constructor(private readonly dopts: DevFsOptions) {
    super({ type: 'devtmpfs', rootMode: 0o755, clock: dopts.clock, maxBytes: 1 << 20 })
    const root = { uid: 0, gid: 0 }
    const dir = this.root as RamDir
    const node = (name: string, rdev: number, mode: number, open: Opener): void => {
      dir.create(name, S_IFCHR | mode, root, rdev)
      this.openers.set(rdev, open)
    }
    node('null', DEV_NULL, 0o666, (i, f) => new NullDevice(i, f, 'null'))
    node('zero', DEV_ZERO, 0o666, (i, f) => new NullDevice(i, f, 'zero'))
    node('full', DEV_FULL, 0o666, (i, f) => new NullDevice(i, f, 'full'))
    node('random', DEV_RANDOM, 0o666, (i, f) => new RandomDevice(i, f, dopts.random))
    node('urandom', DEV_URANDOM, 0o666, (i, f) => new RandomDevice(i, f, dopts.random))
    node('kmsg', DEV_KMSG, 0o644, (i, f) => (dopts.kmsg ? new KmsgFile(i, f, dopts.kmsg) : -Errno.ENODEV))
    node('tty', DEV_TTY, 0o666, (i, f) => {
      const t = dopts.controllingTty ? dopts.controllingTty() : dopts.console ?? null
      return t ? t.open(i, f) : -Errno.ENXIO
    })
    node('console', DEV_CONSOLE, 0o600, (i, f) => (dopts.console ? dopts.console.open(i, f) : -Errno.ENODEV))
    dir.symlink('fd', '/proc/self/fd', root)
    dir.symlink('stdin', '/proc/self/fd/0', root)
    dir.symlink('stdout', '/proc/self/fd/1', root)
    dir.symlink('stderr', '/proc/self/fd/2', root)
    dir.mkdir('shm', 0o1777, root)
    dir.mkdir('pts', 0o755, root)
  }

  /** Adds a character device (and its node under /dev when `name` is given; "input/event0" makes the directory too). */
  register(rdev: number, open: Opener, name?: string, mode = 0o600): void {
    this.openers.set(rdev, open)
    if (!name) return
    const root = { uid: 0, gid: 0 }
    const parts = name.split('/')
    let dir = this.root as RamDir
    for (const p of parts.slice(0, -1)) {
      const d = dir.lookup(p)
      dir = (typeof d === 'number' ? dir.mkdir(p, 0o755, root) : d) as RamDir
    }
    dir.create(parts[parts.length - 1], S_IFCHR | mode, root, rdev)
  }

  /** The Vfs's DeviceOpener: opens a character device node by its rdev. */
  readonly openDevice = (inode: Inode, flags: number, cred: Cred): OpenFile | number => {
    if ((inode.mode & 0o170000) !== S_IFCHR) return -Errno.ENXIO
    const o = this.openers.get(inode.rdev)
    if (!o) return -Errno.ENXIO
    return o(inode, flags, cred)
  }
}

/** /dev/null, /dev/zero, /dev/full. */
class NullDevice extends FileBase {
  constructor(inode: Inode, flags: number, private readonly kind: 'null' | 'zero' | 'full') {
    super(inode, flags)
  }
  override read(buf: Uint8Array): IoResult {
    if (!canRead(this.flags)) return -Errno.EBADF
    if (this.kind === 'null') return 0
    buf.fill(0)
    return buf.length
  }
  override pread(buf: Uint8Array): IoResult {
    return this.read(buf)
  }
  override write(data: Uint8Array): IoResult {
    if (!canWrite(this.flags)) return -Errno.EBADF
    return this.kind === 'full' ? -Errno.ENOSPC : data.length
  }
  override pwrite(data: Uint8Array): IoResult {
    return this.write(data)
  }
  override lseek(): number {
    this.pos = 0
    return 0
  }
}

/** /dev/random and /dev/urandom: never block (as since Linux 5.6 once seeded). */
class RandomDevice extends FileBase {
  constructor(inode: Inode, flags: number, private readonly random: (buf: Uint8Array) => void) {
    super(inode, flags)
  }
  override read(buf: Uint8Array): IoResult {
    if (!canRead(this.flags)) return -Errno.EBADF
    this.random(buf)
    return buf.length
  }
  override write(data: Uint8Array): IoResult {
    return canWrite(this.flags) ? data.length : -Errno.EBADF
  }
  override lseek(): number {
    return 0
  }
}

/** /dev/kmsg: one record per read, EAGAIN (or blocking) at the end; writes add records ("<N>text" sets the level). */
class KmsgFile extends FileBase {
  private seq: number
  override readonly waitq: WaitQueue
  constructor(inode: Inode, flags: number, private readonly log: KmsgLog) {
    super(inode, flags)
    this.seq = log.firstSeq
    this.waitq = log.waitq
  }
  override read(buf: Uint8Array): IoResult {
    if (!canRead(this.flags)) return -Errno.EBADF
    if (this.seq < this.log.firstSeq) {
      this.seq = this.log.firstSeq
      return -Errno.EPIPE
    }
    const r = this.log.get(this.seq)
    if (!r) return this.flags & O_NONBLOCK ? -Errno.EAGAIN : { block: this.log.waitq }
    const bytes = enc.encode(KmsgLog.format(r))
    if (bytes.length > buf.length) return -Errno.EINVAL
    buf.set(bytes)
    this.seq++
    return bytes.length
  }
  override write(data: Uint8Array): IoResult {
    if (!canWrite(this.flags)) return -Errno.EBADF
    let text = dec.decode(data.subarray(0, 1024)).replace(/\n+$/, '')
    let level = 4 // default_message_loglevel
    const m = /^<(\d+)>/.exec(text)
    if (m) {
      level = Number(m[1]) & 7
      text = text.slice(m[0].length)
    }
    this.log.append(text, level)
    return data.length
  }
  override lseek(off: number, whence: number): number {
    if (off !== 0) return -Errno.ESPIPE
    if (whence === SEEK_SET) this.seq = this.log.firstSeq
    else if (whence === SEEK_END) this.seq = this.log.endSeq
    else if (whence !== SEEK_CUR) return -Errno.EINVAL
    return 0
  }
  override poll(): number {
    return (this.log.get(this.seq) || this.seq < this.log.firstSeq ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM
  }
}
