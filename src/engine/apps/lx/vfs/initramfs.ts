/**
 * Unpacking an initramfs into a RamFs, as Linux's init/initramfs.c does: the
 * archive is one or more cpio newc archives, each optionally gzip-compressed;
 * entries create directories, regular files (hard links by matching
 * dev/ino when nlink > 1), symlinks and device nodes / FIFOs; an entry that
 * names an existing non-directory replaces it; missing parent directories
 * are created 0755.
 */
import { parseCpio } from './cpio'
import { gunzip, isGzip } from './inflate'
import { RamDir, RamFile, type RamFs } from './ramfs'
import {
  S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, type Inode, dec, makedev,
} from './types'
import { errnoName } from './errno'

export type InitramfsResult = { ok: true; entries: number } | { ok: false; error: string }

export interface InitramfsOptions {
  /** Upper bound on the decompressed size (default 256 MiB). */
  maxUnpacked?: number
}

export function loadInitramfs(fs: RamFs, archive: Uint8Array, opts: InitramfsOptions = {}): InitramfsResult {
  let data = archive
  if (isGzip(archive)) {
    const g = gunzip(archive, opts.maxUnpacked ?? 1 << 28)
    if (!g.ok) return { ok: false, error: `initramfs: ${g.error}` }
    data = g.data
  }
  const parsed = parseCpio(data)
  if (!parsed.ok) return { ok: false, error: `initramfs: ${parsed.error}` }
  const links = new Map<string, Inode>()
  const creator = { uid: 0, gid: 0 }
  let count = 0
  for (const e of parsed.entries) {
    const parts = e.name.split('/').filter((c) => c !== '' && c !== '.')
    if (parts.length === 0) {
      // "." itself: the root's attributes.
      if ((e.mode & S_IFMT) === S_IFDIR) setAttrs(fs.root, e.mode, e.uid, e.gid, e.mtime)
      continue
    }
    if (parts.includes('..')) return { ok: false, error: `initramfs: entry "${e.name}" leaves the archive root` }
    let dir: RamDir = fs.root
    for (const c of parts.slice(0, -1)) {
      let next = dir.entries.get(c)
      if (!next) {
        const r = dir.mkdir(c, 0o755, creator)
        if (typeof r === 'number') return fail(e.name, r)
        next = r as RamDir
      }
      if (!(next instanceof RamDir)) return { ok: false, error: `initramfs: "${e.name}": a path component is not a directory` }
      dir = next
    }
    const name = parts[parts.length - 1]
    const type = e.mode & S_IFMT
    const old = dir.entries.get(name)
    if (old && !(type === S_IFDIR && old instanceof RamDir)) {
      const r = old instanceof RamDir ? dir.rmdir(name) : dir.unlink(name)
      if (r) return fail(e.name, r)
    }
    const who = { uid: e.uid, gid: e.gid }
    let made: Inode | number
    switch (type) {
      case S_IFDIR:
        made = old instanceof RamDir ? old : dir.mkdir(name, e.mode, who)
        break
      case S_IFREG: {
        const key = `${e.devMajor}:${e.devMinor}:${e.ino}`
        const prior = e.nlink > 1 ? links.get(key) : undefined
        if (prior) {
          const r = dir.link(name, prior)
          if (r) return fail(e.name, r)
          made = prior
        } else {
          made = dir.create(name, S_IFREG | (e.mode & 0o7777), who, 0)
          if (typeof made !== 'number' && e.nlink > 1) links.set(key, made)
        }
        if (typeof made !== 'number' && e.data.length) {
          const w = (made as RamFile).writeAt(e.data, 0)
          if (w < e.data.length) return fail(e.name, w < 0 ? w : -28)
        }
        break
      }
      case S_IFLNK:
        made = dir.symlink(name, dec.decode(e.data), who)
        break
      case S_IFCHR:
      case S_IFBLK:
      case S_IFIFO:
      case S_IFSOCK:
        made = dir.create(name, type | (e.mode & 0o7777), who, makedev(e.rdevMajor, e.rdevMinor))
        break
      default:
        return { ok: false, error: `initramfs: "${e.name}" has unknown file type 0${(type >>> 12).toString(8)}` }
    }
    if (typeof made === 'number') return fail(e.name, made)
    setAttrs(made, e.mode, e.uid, e.gid, e.mtime)
    count++
  }
  return { ok: true, entries: count }
}

function setAttrs(i: Inode, mode: number, uid: number, gid: number, mtime: number): void {
  i.mode = (i.mode & S_IFMT) | (mode & 0o7777)
  i.uid = uid
  i.gid = gid
  i.mtimeNs = i.atimeNs = i.ctimeNs = mtime * 1e9
}

function fail(name: string, err: number): InitramfsResult {
  return { ok: false, error: `initramfs: "${name}": ${errnoName(err)}` }
}
