/**
 * Unpacking an initramfs into a RamFs, as Linux's init/initramfs.c does: the
 * image is a sequence of cpio newc archives, each plain or gzip-compressed
 * (e.g. an uncompressed early archive followed by a compressed root);
 * entries create directories, regular files (hard links by matching
 * dev/ino when nlink > 1), symlinks and device nodes / FIFOs; an entry that
 * names an existing non-directory replaces it; missing parent directories
 * are created 0755.
 */
import { type CpioEntry, parseCpio } from '../../../../formats/cpio'
import { gunzipMember, isGzip } from '../../../../formats/gzip'
import { RamDir, RamFile, type RamFs } from './ramfs'
import {
  S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, type Inode, dec, makedev,
} from './types'
import { errnoName } from './errno'

export type InitramfsResult = { ok: true; entries: number } | { ok: false; error: string }

export interface InitramfsOptions {
  /** Upper bound on the decompressed size (default 256 MiB). */
  maxUnpacked?: number
  /**
   * The archive is the caller's to give away (lx's copy of a rom module):
   * files keep views of it, copied on their first write, instead of copies
   * (RamFile.adopt). Nobody may write the archive afterwards.
   */
  borrow?: boolean
}

/** Compression magics Linux's initramfs knows, for a clear error when one is not supported here. */
const OTHER_MAGIC: Array<[number[], string]> = [
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a], 'xz'], [[0x28, 0xb5, 0x2f, 0xfd], 'zstd'], [[0x42, 0x5a, 0x68], 'bzip2'],
  [[0x5d, 0x00, 0x00], 'lzma'], [[0x89, 0x4c, 0x5a, 0x4f], 'lzo'], [[0x02, 0x21, 0x4c, 0x18], 'lz4'],
]

export function loadInitramfs(fs: RamFs, archive: Uint8Array, opts: InitramfsOptions = {}): InitramfsResult {
  let budget = opts.maxUnpacked ?? 1 << 28
  const state = { links: new Map<string, Inode>(), count: 0 }
  let pos = 0
  for (;;) {
    while (pos < archive.length && archive[pos] === 0) pos++
    if (pos >= archive.length) break
    let entries: CpioEntry[]
    const isGzipped = isGzip(archive.subarray(pos))
    if (isGzipped) {
      const g = gunzipMember(archive, pos, budget)
      if (!g.ok) return { ok: false, error: `initramfs: ${g.error}` }
      budget -= g.data.length
      pos += g.consumed
      const parsed = parseCpio(g.data)
      if (!parsed.ok) return { ok: false, error: `initramfs: ${parsed.error}` }
      entries = parsed.entries
    } else {
      const other = OTHER_MAGIC.find(([m]) => m.every((x, k) => archive[pos + k] === x))
      if (other) return { ok: false, error: `initramfs: ${other[1]}-compressed archives are not supported (use gzip or none)` }
      const parsed = parseCpio(archive, 1 << 20, pos, true)
      if (!parsed.ok) return { ok: false, error: `initramfs: ${parsed.error}` }
      entries = parsed.entries
      pos = parsed.end
    }
    // An inflated archive is ours alone, whoever gave us the compressed one.
    const r = unpack(fs, entries, state, isGzipped || (opts.borrow ?? false))
    if (!r.ok) return r
  }
  return { ok: true, entries: state.count }
}

function unpack(fs: RamFs, entries: CpioEntry[], state: { links: Map<string, Inode>; count: number }, borrow: boolean): InitramfsResult {
  const links = state.links
  const creator = { uid: 0, gid: 0 }
  for (const e of entries) {
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
          const file = made as RamFile
          const w = borrow && file.size === 0 ? file.adopt(e.data) : file.writeAt(e.data, 0)
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
    state.count++
  }
  return { ok: true, entries: state.count }
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
