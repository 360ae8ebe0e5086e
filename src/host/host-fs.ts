/**
 * The host side of lx's hostfs (src/engine/apps/lx/vfs/hostfs.ts): the
 * host's files through synchronous node:fs calls, for `l4lab exec`. Paths
 * from the engine are absolute within `root` ("/" maps to `root`). Errors
 * become negative Linux errno numbers by name.
 *
 * Reads and writes go through a small cache of open descriptors, so that a
 * program reading a file in 4 KiB pieces costs one open, not one per piece.
 * A descriptor is dropped when its path is renamed, removed or truncated.
 */
import * as fs from 'node:fs'
import { errnoFromName, type HostDirEntry, type HostFsPort, type HostStat, type StatFs } from '../engine'

export interface NodeHostFsOptions {
  /** The host directory that appears as "/" (default "/"). */
  root?: string
  writable?: boolean
  /** Open descriptors kept for reading and writing (default 32). */
  maxOpen?: number
}

function errno(e: unknown): number {
  const code = (e as { code?: unknown } | null)?.code
  return -errnoFromName(typeof code === 'string' ? code : 'EIO')
}


function toStat(s: fs.BigIntStats): HostStat {
  return {
    dev: Number(s.dev), ino: Number(s.ino), mode: Number(s.mode), nlink: Number(s.nlink), uid: Number(s.uid),
    gid: Number(s.gid), rdev: Number(s.rdev), size: Number(s.size), blksize: Number(s.blksize), blocks: Number(s.blocks),
    atimeNs: Number(s.atimeNs), mtimeNs: Number(s.mtimeNs), ctimeNs: Number(s.ctimeNs),
  }
}

/** linux_dirent64 d_type from a Node directory entry. */
function direntType(d: fs.Dirent): number {
  if (d.isFIFO()) return 1
  if (d.isCharacterDevice()) return 2
  if (d.isDirectory()) return 4
  if (d.isBlockDevice()) return 6
  if (d.isFile()) return 8
  if (d.isSymbolicLink()) return 10
  if (d.isSocket()) return 12
  return 0
}

export class NodeHostFs implements HostFsPort {
  private readonly root: string
  private readonly fds = new Map<string, { fd: number; writable: boolean }>()
  private readonly maxOpen: number
  readonly writable: boolean

  constructor(opts: NodeHostFsOptions = {}) {
    const r = opts.root ?? '/'
    this.root = r === '/' ? '' : r.replace(/\/+$/, '')
    this.writable = opts.writable ?? false
    this.maxOpen = opts.maxOpen ?? 32
  }

  private host(p: string): string {
    return this.root + (p.startsWith('/') ? p : '/' + p)
  }

  private fd(p: string, write: boolean): number {
    const known = this.fds.get(p)
    if (known && (known.writable || !write)) {
      // Most recently used last.
      this.fds.delete(p)
      this.fds.set(p, known)
      return known.fd
    }
    if (known) this.drop(p)
    const fd = fs.openSync(this.host(p), write ? fs.constants.O_RDWR : fs.constants.O_RDONLY)
    this.fds.set(p, { fd, writable: write })
    while (this.fds.size > this.maxOpen) this.drop(this.fds.keys().next().value as string)
    return fd
  }

  private drop(p: string): void {
    const e = this.fds.get(p)
    if (!e) return
    this.fds.delete(p)
    try {
      fs.closeSync(e.fd)
    } catch {
      // already closed
    }
  }

  private dropUnder(p: string): void {
    for (const k of [...this.fds.keys()]) if (k === p || k.startsWith(p + '/')) this.drop(k)
  }

  /** Closes every cached descriptor. */
  close(): void {
    for (const k of [...this.fds.keys()]) this.drop(k)
  }

  private guard<T>(f: () => T): T | number {
    try {
      return f()
    } catch (e) {
      return errno(e)
    }
  }

  lstat(p: string): HostStat | number {
    return this.guard(() => {
      const s = fs.lstatSync(this.host(p), { bigint: true, throwIfNoEntry: false })
      return s ? toStat(s) : -2
    })
  }

  stat(p: string): HostStat | number {
    return this.guard(() => {
      const s = fs.statSync(this.host(p), { bigint: true, throwIfNoEntry: false })
      return s ? toStat(s) : -2
    })
  }

  /**
   * Entries in the host's own order (readdir(3), as getdents64 gives it to
   * a native or qemu-run program), not readdirSync's, which libuv sorts:
   * `find`, `tar` and `ls -f` must walk directories as they would on the host.
   */
  readdir(p: string): HostDirEntry[] | number {
    return this.guard(() => {
      const dir = this.host(p)
      const d = fs.opendirSync(dir, { bufferSize: 256 })
      const out: HostDirEntry[] = []
      try {
        for (let e = d.readSync(); e !== null; e = d.readSync()) {
          let ino = 0
          try {
            ino = Number(fs.lstatSync(dir + '/' + e.name, { bigint: true }).ino)
          } catch {
            // vanished meanwhile: keep the name
          }
          out.push({ name: e.name, ino, type: direntType(e) })
        }
      } finally {
        d.closeSync()
      }
      return out
    })
  }

  read(p: string, offset: number, buf: Uint8Array): number {
    return this.guard(() => fs.readSync(this.fd(p, false), buf, 0, buf.length, offset)) as number
  }

  readlink(p: string): string | number {
    return this.guard(() => fs.readlinkSync(this.host(p), 'utf8'))
  }

  statfs(p: string): StatFs | number {
    return this.guard(() => {
      const s = fs.statfsSync(this.host(p), { bigint: false })
      return {
        type: Number(s.type), bsize: Number(s.bsize), frsize: Number(s.bsize), blocks: Number(s.blocks),
        bfree: Number(s.bfree), bavail: Number(s.bavail), files: Number(s.files), ffree: Number(s.ffree),
        namelen: 255, flags: this.writable ? 0 : 1,
      }
    })
  }

  // The writing half exists only on writable mounts: a read-only HostFs never calls it,
  // and these checks keep a wrong configuration from writing anyway.
  private rw<T>(f: () => T): T | number {
    if (!this.writable) return -30 // EROFS
    return this.guard(f)
  }

  write(p: string, offset: number, data: Uint8Array): number {
    return this.rw(() => fs.writeSync(this.fd(p, true), data, 0, data.length, offset)) as number
  }

  create(p: string, mode: number): number {
    return this.rw(() => {
      fs.closeSync(fs.openSync(this.host(p), fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, mode))
      return 0
    }) as number
  }

  mkdir(p: string, mode: number): number {
    return this.rw(() => {
      fs.mkdirSync(this.host(p), { mode })
      return 0
    }) as number
  }

  unlink(p: string): number {
    this.drop(p)
    return this.rw(() => {
      fs.unlinkSync(this.host(p))
      return 0
    }) as number
  }

  rmdir(p: string): number {
    return this.rw(() => {
      fs.rmdirSync(this.host(p))
      return 0
    }) as number
  }

  rename(from: string, to: string, noReplace: boolean): number {
    this.dropUnder(from)
    this.dropUnder(to)
    return this.rw(() => {
      if (noReplace && fs.lstatSync(this.host(to), { throwIfNoEntry: false })) return -17 // EEXIST
      fs.renameSync(this.host(from), this.host(to))
      return 0
    }) as number
  }

  truncate(p: string, size: number): number {
    return this.rw(() => {
      const known = this.fds.get(p)
      if (known?.writable) fs.ftruncateSync(known.fd, size)
      else fs.truncateSync(this.host(p), size)
      return 0
    }) as number
  }

  symlink(target: string, p: string): number {
    return this.rw(() => {
      fs.symlinkSync(target, this.host(p))
      return 0
    }) as number
  }

  link(existing: string, p: string): number {
    return this.rw(() => {
      fs.linkSync(this.host(existing), this.host(p))
      return 0
    }) as number
  }

  chmod(p: string, mode: number): number {
    return this.rw(() => {
      fs.chmodSync(this.host(p), mode)
      return 0
    }) as number
  }

  chown(p: string, uid: number, gid: number): number {
    return this.rw(() => {
      fs.lchownSync(this.host(p), uid, gid)
      return 0
    }) as number
  }

  utimes(p: string, atimeNs: number, mtimeNs: number): number {
    return this.rw(() => {
      // Seconds as numbers: node:fs takes fractional seconds.
      fs.utimesSync(this.host(p), Number(BigInt(Math.round(atimeNs)) / 1000n) / 1e6, Number(BigInt(Math.round(mtimeNs)) / 1000n) / 1e6)
      return 0
    }) as number
  }
}

