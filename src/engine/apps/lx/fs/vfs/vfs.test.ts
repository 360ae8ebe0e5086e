import { describe, expect, it } from 'vitest'
import { gzipSync } from 'node:zlib'
import { Errno } from './errno'
import { RamFs } from './ramfs'
import { Vfs } from './vfs'
import { makePipe, PipeFs, PIPE_CAPACITY } from './pipe'
import { writeCpio } from '../../../../formats/cpio'
import { loadInitramfs } from './initramfs'
import {
  type Cred, type Inode, type OpenFile, type IoResult, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, O_APPEND, O_CREAT, O_DIRECTORY, O_EXCL,
  O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, RENAME_EXCHANGE, RENAME_NOREPLACE, R_OK, W_OK, X_OK,
  S_IFMT, S_IFDIR, S_IFREG, SEEK_END, SEEK_SET, SEEK_DATA, POLLIN, POLLOUT, POLLHUP, POLLERR, FIONREAD, type UserMemory,
  UTIME_OMIT, UTIME_NOW, O_PATH,
} from './types'

const root: Cred = { uid: 0, gid: 0 }
const alice: Cred = { uid: 1000, gid: 1000 }
const bob: Cred = { uid: 1001, gid: 1001, groups: [1000] }
const enc = new TextEncoder()
const dec = new TextDecoder()

function setup(maxBytes?: number): { vfs: Vfs; fs: RamFs; r: Inode } {
  let t = 1_000_000_000
  const fs = new RamFs({ type: 'rootfs', rootMode: 0o755, maxBytes, clock: () => (t += 1000) })
  const vfs = new Vfs(fs, { clock: () => t })
  return { vfs, fs, r: vfs.root }
}

function file(x: OpenFile | number): OpenFile {
  if (typeof x === 'number') throw new Error(`expected a file, got ${x}`)
  return x
}
function num(x: IoResult): number {
  if (typeof x !== 'number') throw new Error('blocked')
  return x
}
function writeFile(vfs: Vfs, cwd: Inode, path: string, text: string, cred = root, mode = 0o644): void {
  const f = file(vfs.open(cwd, path, O_WRONLY | O_CREAT | O_TRUNC, mode, cred))
  expect(f.write(enc.encode(text))).toBe(enc.encode(text).length)
  f.close()
}
function readFile(vfs: Vfs, cwd: Inode, path: string, cred = root): string | number {
  const f = vfs.open(cwd, path, O_RDONLY, 0, cred)
  if (typeof f === 'number') return f
  const buf = new Uint8Array(1 << 16)
  const n = num(f.read(buf))
  f.close()
  return dec.decode(buf.subarray(0, n))
}
function names(f: OpenFile): string[] {
  const out: string[] = []
  const buf = new Uint8Array(256)
  for (;;) {
    const n = f.getdents64(buf)
    if (n <= 0) break
    for (let at = 0; at < n;) {
      const dv = new DataView(buf.buffer, at)
      const reclen = dv.getUint16(16, true)
      let end = at + 19
      while (buf[end]) end++
      out.push(dec.decode(buf.subarray(at + 19, end)))
      at += reclen
    }
  }
  return out
}

describe('path resolution', () => {
  it('follows ., .., symlinks (relative and absolute), trailing slashes', () => {
    const { vfs, r } = setup()
    expect(vfs.mkdir(r, '/a', 0o755, root)).toBe(0)
    expect(vfs.mkdir(r, 'a/b', 0o755, root)).toBe(0)
    writeFile(vfs, r, '/a/b/f', 'data')
    expect(vfs.symlink('b/f', r, '/a/lf', root)).toBe(0)
    expect(vfs.symlink('/a/b', r, '/lb', root)).toBe(0)
    expect(vfs.symlink('../..', r, '/a/b/up', root)).toBe(0)
    expect(readFile(vfs, r, '/a/lf')).toBe('data')
    expect(readFile(vfs, r, '/lb/f')).toBe('data')
    expect(readFile(vfs, r, '/lb/up/a/./b/../b/f')).toBe('data')
    expect(readFile(vfs, r, '/../../a/b/f')).toBe('data') // '..' of the root is the root
    expect(readFile(vfs, r, '//a//b///f')).toBe('data')
    const b = vfs.resolve(r, '/a/b', root) as Inode
    expect(readFile(vfs, b, 'f')).toBe('data')
    expect(readFile(vfs, b, '../lf')).toBe('data')
    const opened = file(vfs.open(b, '../b/./f', O_RDONLY, 0, root))
    expect(vfs.openedPath(opened)).toBe('/a/b/f')
    expect(vfs.openedPath(file(vfs.open(r, '/lb', O_RDONLY, 0, root)))).toBe('/a/b')
    // Through symlinks the real place is named: /lb/up/a/lf is /a/b/f.
    expect(vfs.openedPath(file(vfs.open(r, '/lb/up/a/lf', O_RDONLY, 0, root)))).toBe('/a/b/f')
    const created = file(vfs.open(b, 'new', O_WRONLY | O_CREAT, 0o644, root))
    expect(vfs.openedPath(created)).toBe('/a/b/new')
    vfs.unlink(b, 'new', root)
    expect(vfs.openedPath(created)).toBe('/a/b/new (deleted)')
    expect(vfs.resolve(r, '/a/b/f/', root)).toBe(-Errno.ENOTDIR)
    expect(vfs.resolve(r, '/a/b/f/x', root)).toBe(-Errno.ENOTDIR)
    expect(vfs.resolve(r, '/a/lf/', root)).toBe(-Errno.ENOTDIR)
    expect(vfs.resolve(r, '/lb/', root)).toBe(b)
    expect(vfs.resolve(r, '', root)).toBe(-Errno.ENOENT)
    expect(vfs.resolve(r, '/nope/x', root)).toBe(-Errno.ENOENT)
    // lstat sees the link, stat the target
    expect((vfs.stat(r, '/lb', root, AT_SYMLINK_NOFOLLOW) as { mode: number }).mode & S_IFMT).toBe(0o120000)
    expect((vfs.stat(r, '/lb', root) as { mode: number }).mode & S_IFMT).toBe(S_IFDIR)
    expect(vfs.readlink(r, '/lb', root)).toBe('/a/b')
    expect(vfs.readlink(r, '/a', root)).toBe(-Errno.EINVAL)
  })

  it('gives ELOOP after 40 nested links, and for loops', () => {
    const { vfs, r } = setup()
    writeFile(vfs, r, '/t', 'end')
    vfs.symlink('/t', r, '/l0', root)
    for (let k = 1; k <= 41; k++) vfs.symlink(`/l${k - 1}`, r, `/l${k}`, root)
    expect(readFile(vfs, r, '/l39')).toBe('end') // 40 links
    expect(readFile(vfs, r, '/l40')).toBe(-Errno.ELOOP) // 41 links
    vfs.symlink('/y', r, '/x', root)
    vfs.symlink('/x', r, '/y', root)
    expect(vfs.resolve(r, '/x', root)).toBe(-Errno.ELOOP)
    expect(vfs.open(r, '/x', O_RDONLY | O_NOFOLLOW, 0, root)).toBe(-Errno.ELOOP)
    expect(typeof vfs.open(r, '/x', O_PATH | O_NOFOLLOW, 0, root)).toBe('object')
    expect(vfs.symlink('', r, '/e', root)).toBe(-Errno.ENOENT)
  })

  it('gives ENAMETOOLONG for long names and paths', () => {
    const { vfs, r } = setup()
    expect(vfs.open(r, 'x'.repeat(256), O_CREAT | O_WRONLY, 0o644, root)).toBe(-Errno.ENAMETOOLONG)
    expect(typeof vfs.open(r, 'x'.repeat(255), O_CREAT | O_WRONLY, 0o644, root)).toBe('object')
    expect(vfs.resolve(r, '/' + 'a/'.repeat(2048), root)).toBe(-Errno.ENAMETOOLONG)
    expect(vfs.mkdir(r, 'é'.repeat(128), 0o755, root)).toBe(-Errno.ENAMETOOLONG) // 256 bytes of UTF-8
  })

  it('crosses mount points both ways, and getcwd names them', () => {
    const { vfs, r } = setup()
    vfs.mkdir(r, '/tmp', 0o755, root)
    const tmp = new RamFs()
    expect(vfs.mount('/tmp', tmp, 'tmpfs')).toBe(0)
    writeFile(vfs, r, '/tmp/x', 'in tmpfs')
    vfs.mkdir(r, '/tmp/d', 0o755, root)
    const d = vfs.resolveDir(r, '/tmp/d', root) as Inode
    expect(d.fs).toBe(tmp)
    expect(vfs.getcwd(d)).toBe('/tmp/d')
    expect(vfs.getcwd(vfs.resolve(d, '..', root) as Inode)).toBe('/tmp')
    expect(vfs.resolve(d, '../..', root)).toBe(r)
    expect(readFile(vfs, d, '../x')).toBe('in tmpfs')
    expect(vfs.rename(r, '/tmp/x', r, '/y', root)).toBe(-Errno.EXDEV)
    expect(vfs.link(r, '/tmp/x', r, '/y', root)).toBe(-Errno.EXDEV)
    expect(vfs.unlink(r, '/tmp', root, AT_REMOVEDIR)).toBe(-Errno.EBUSY)
    expect(vfs.mountsText()).toBe('rootfs / rootfs rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n')
    expect(vfs.getcwd(r)).toBe('/')
    expect(vfs.umount('/tmp')).toBe(0)
    expect(vfs.resolve(r, '/tmp/x', root)).toBe(-Errno.ENOENT)
  })

  it('getcwd of a removed directory is ENOENT', () => {
    const { vfs, r } = setup()
    vfs.mkdir(r, '/gone', 0o755, root)
    const g = vfs.resolve(r, '/gone', root) as Inode
    expect(vfs.unlink(r, '/gone', root, AT_REMOVEDIR)).toBe(0)
    expect(vfs.getcwd(g)).toBe(-Errno.ENOENT)
    expect(vfs.open(g, 'new', O_CREAT | O_WRONLY, 0o644, root)).toBe(-Errno.ENOENT)
  })
})

describe('permissions', () => {
  it('checks owner, group, other; root bypasses except x', () => {
    const { vfs, r } = setup()
    vfs.mkdir(r, '/home', 0o755, root)
    vfs.mkdir(r, '/home/alice', 0o750, root)
    vfs.chown(r, '/home/alice', 1000, 1000, root)
    writeFile(vfs, r, '/home/alice/secret', 's', alice, 0o600)
    writeFile(vfs, r, '/home/alice/shared', 'g', alice, 0o640)
    expect(readFile(vfs, r, '/home/alice/secret', alice)).toBe('s')
    expect(readFile(vfs, r, '/home/alice/secret', bob)).toBe(-Errno.EACCES)
    expect(readFile(vfs, r, '/home/alice/shared', bob)).toBe('g') // bob is in group 1000
    expect(readFile(vfs, r, '/home/alice/shared', { uid: 5, gid: 5 })).toBe(-Errno.EACCES) // no search permission on the dir
    expect(readFile(vfs, r, '/home/alice/secret', root)).toBe('s')
    expect(vfs.open(r, '/home/alice/shared', O_WRONLY, 0, bob)).toBe(-Errno.EACCES)
    expect(vfs.access(r, '/home/alice/shared', R_OK, bob)).toBe(0)
    expect(vfs.access(r, '/home/alice/shared', W_OK, bob)).toBe(-Errno.EACCES)
    expect(vfs.access(r, '/home/alice/shared', X_OK, root)).toBe(-Errno.EACCES)
    expect(vfs.access(r, '/home/alice', X_OK, root)).toBe(0)
    expect(vfs.access(r, '/home/alice/shared', 8, root)).toBe(-Errno.EINVAL)
    expect(vfs.open(r, '/home/new', O_CREAT | O_WRONLY, 0o644, alice)).toBe(-Errno.EACCES)
    expect(vfs.mkdir(r, '/home/alice/sub', 0o755, bob)).toBe(-Errno.EACCES)
    expect(vfs.mkdir(r, '/home/alice', 0o755, bob)).toBe(-Errno.EEXIST) // EEXIST before EACCES
    expect(vfs.chmod(r, '/home/alice/secret', 0o644, bob)).toBe(-Errno.EPERM)
    expect(vfs.chmod(r, '/home/alice/secret', 0o644, alice)).toBe(0)
    expect(vfs.chown(r, '/home/alice/secret', 1001, -1, alice)).toBe(-Errno.EPERM)
    expect(vfs.chown(r, '/home/alice/secret', -1, 1001, alice)).toBe(-Errno.EPERM) // not her group
    expect(vfs.resolveDir(r, '/home/alice', { uid: 7, gid: 7 })).toBe(-Errno.EACCES)
    expect(vfs.resolveDir(r, '/home/alice/secret', root)).toBe(-Errno.ENOTDIR)
  })

  it('sticky directories protect other users\' files', () => {
    const { vfs, r } = setup()
    vfs.mkdir(r, '/tmp', 0o1777, root)
    writeFile(vfs, r, '/tmp/a', 'x', alice)
    expect(vfs.unlink(r, '/tmp/a', bob)).toBe(-Errno.EPERM)
    expect(vfs.rename(r, '/tmp/a', r, '/tmp/b', bob)).toBe(-Errno.EPERM)
    expect(vfs.unlink(r, '/tmp/a', alice)).toBe(0)
  })

  it('utimensat: explicit times need ownership, now needs write permission', () => {
    const { vfs, r } = setup()
    vfs.mkdir(r, '/w', 0o777, root)
    const w = vfs.resolve(r, '/w', root) as Inode
    writeFile(vfs, w, 'f', 'x', alice, 0o666)
    expect(vfs.utimens(w, 'f', [{ sec: 5, nsec: 6 }, { sec: 7, nsec: 8 }], bob)).toBe(-Errno.EPERM)
    expect(vfs.utimens(w, 'f', null, bob)).toBe(0)
    expect(vfs.utimens(w, 'f', [{ sec: 5, nsec: 6 }, { sec: 0, nsec: UTIME_OMIT }], alice)).toBe(0)
    const s = vfs.stat(w, 'f', root) as { atimeNs: number; mtimeNs: number }
    expect(s.atimeNs).toBe(5_000_000_006)
    expect(s.mtimeNs).not.toBe(5_000_000_006)
    expect(vfs.utimens(w, 'f', [{ sec: 0, nsec: 1e9 }, { sec: 0, nsec: UTIME_NOW }], alice)).toBe(-Errno.EINVAL)
  })
})

describe('tmpfs semantics', () => {
  it('create, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, EISDIR', () => {
    const { vfs, r } = setup()
    writeFile(vfs, r, '/f', 'hello')
    expect(vfs.open(r, '/f', O_CREAT | O_EXCL | O_WRONLY, 0o644, root)).toBe(-Errno.EEXIST)
    // F_GETFL's view: open-time flags and O_CLOEXEC dropped, O_LARGEFILE (0o400000 on aarch64) added.
    expect(file(vfs.open(r, '/g', O_RDWR | O_CREAT | O_TRUNC | O_APPEND | 0o2000000, 0o644, root)).flags).toBe(O_RDWR | O_APPEND | 0o400000)
    const a = file(vfs.open(r, '/f', O_WRONLY | O_APPEND, 0, root))
    a.lseek(0, SEEK_SET)
    a.write(enc.encode(' world'))
    expect(readFile(vfs, r, '/f')).toBe('hello world')
    file(vfs.open(r, '/f', O_WRONLY | O_TRUNC, 0, root)).close()
    expect(readFile(vfs, r, '/f')).toBe('')
    expect(vfs.open(r, '/f', O_RDONLY | O_DIRECTORY, 0, root)).toBe(-Errno.ENOTDIR)
    expect(vfs.open(r, '/', O_WRONLY, 0, root)).toBe(-Errno.EISDIR)
    expect(vfs.open(r, '/', O_CREAT | O_RDONLY, 0o644, root)).toBe(-Errno.EISDIR)
    expect(vfs.open(r, '/newdir/', O_CREAT | O_WRONLY, 0o644, root)).toBe(-Errno.EISDIR)
    expect(vfs.open(r, '/f', O_RDONLY | 3, 0, root)).toBe(-Errno.EINVAL)
    // O_CREAT through a dangling symlink creates its target
    vfs.symlink('/target', r, '/dangling', root)
    writeFile(vfs, r, '/dangling', 'via link')
    expect(readFile(vfs, r, '/target')).toBe('via link')
    expect(vfs.open(r, '/dangling', O_CREAT | O_EXCL | O_WRONLY, 0o644, root)).toBe(-Errno.EEXIST)
  })

  it('reads, writes, seeks and holes', () => {
    const { vfs, r, fs } = setup()
    const f = file(vfs.open(r, '/sparse', O_RDWR | O_CREAT, 0o644, root))
    expect(f.lseek(1 << 30, SEEK_SET)).toBe(1 << 30)
    expect(f.write(enc.encode('end'))).toBe(3)
    const st = f.inode.stat()
    expect(st.size).toBe((1 << 30) + 3)
    expect(st.blocks).toBe(8) // one page
    expect(fs.usedPages).toBe(1)
    const buf = new Uint8Array(10).fill(9)
    expect(f.pread(buf, 5000)).toBe(10)
    expect([...buf]).toEqual(new Array(10).fill(0))
    expect(f.lseek(-3, SEEK_END)).toBe(1 << 30)
    expect(f.read(buf)).toBe(3)
    expect(f.read(buf)).toBe(0)
    expect(f.lseek(-1, SEEK_SET)).toBe(-Errno.EINVAL)
    expect(f.lseek(st.size, SEEK_DATA)).toBe(-Errno.ENXIO)
    expect(f.pwrite(enc.encode('ab'), 4094)).toBe(2)
    expect(f.pread(buf.subarray(0, 2), 4094)).toBe(2)
    expect(dec.decode(buf.subarray(0, 2))).toBe('ab')
    expect(vfs.ftruncate(f, 4095)).toBe(0)
    expect(f.inode.stat().size).toBe(4095)
    expect(vfs.ftruncate(f, 8192)).toBe(0)
    expect(f.pread(buf.subarray(0, 2), 4094)).toBe(2)
    expect([...buf.subarray(0, 2)]).toEqual([97, 0]) // the truncated byte reads as zero
    const ro = file(vfs.open(r, '/sparse', O_RDONLY, 0, root))
    expect(vfs.ftruncate(ro, 0)).toBe(-Errno.EINVAL)
    expect(ro.write(enc.encode('x'))).toBe(-Errno.EBADF)
    const mem: UserMemory = { read: () => null, write: (_a, d) => (buf.set(d), true) }
    expect(ro.ioctl(FIONREAD, 0, mem)).toBe(0)
    expect(new DataView(buf.buffer).getInt32(0, true)).toBe(8192)
  })

  it('enforces the size limit with ENOSPC, and frees pages of deleted files', () => {
    const { vfs, r, fs } = setup(16384)
    const f = file(vfs.open(r, '/big', O_RDWR | O_CREAT, 0o644, root))
    expect(f.write(new Uint8Array(10000))).toBe(10000)
    expect(f.write(new Uint8Array(10000))).toBe(16384 - 10000) // partial
    expect(f.write(new Uint8Array(1))).toBe(-Errno.ENOSPC)
    expect(fs.statfs().bfree).toBe(0)
    // Unlinked but open: still readable, pages kept until close.
    expect(vfs.unlink(r, '/big', root)).toBe(0)
    expect(f.inode.nlink).toBe(0)
    const b = new Uint8Array(4)
    expect(f.pread(b, 0)).toBe(4)
    expect(fs.usedPages).toBe(4)
    f.close()
    expect(fs.usedPages).toBe(0)
    writeFile(vfs, r, '/ok', 'fits again')
  })

  it('directories: sizes, nlink, rmdir of non-empty, getdents64', () => {
    const { vfs, r } = setup()
    vfs.mkdir(r, '/d', 0o755, root)
    expect((vfs.stat(r, '/d', root) as { size: number; nlink: number })).toMatchObject({ size: 40, nlink: 2 })
    vfs.mkdir(r, '/d/s1', 0o755, root)
    vfs.mkdir(r, '/d/s2', 0o755, root)
    writeFile(vfs, r, '/d/f', '')
    expect((vfs.stat(r, '/d', root) as { size: number; nlink: number })).toMatchObject({ size: 100, nlink: 4 })
    expect(vfs.unlink(r, '/d', root, AT_REMOVEDIR)).toBe(-Errno.ENOTEMPTY)
    expect(vfs.unlink(r, '/d/s1', root)).toBe(-Errno.EISDIR)
    expect(vfs.unlink(r, '/d/f', root, AT_REMOVEDIR)).toBe(-Errno.ENOTDIR)
    expect(vfs.unlink(r, '/d/.', root, AT_REMOVEDIR)).toBe(-Errno.EINVAL)
    expect(vfs.unlink(r, '/d/..', root, AT_REMOVEDIR)).toBe(-Errno.ENOTEMPTY)
    expect(vfs.unlink(r, '/d/f/', root)).toBe(-Errno.ENOTDIR)
    expect(vfs.unlink(r, '/d/s1/', root, AT_REMOVEDIR)).toBe(0)
    expect(vfs.stat(r, '/d', root)).toMatchObject({ nlink: 3 })
    expect(vfs.mkdir(r, '/d/s2', 0o755, root)).toBe(-Errno.EEXIST)
    expect(vfs.mkdir(r, '/d/s3/', 0o755, root)).toBe(0)
    expect(vfs.mkdir(r, '/', 0o755, root)).toBe(-Errno.EEXIST)
    expect(vfs.mkdir(r, '/nope/x', 0o755, root)).toBe(-Errno.ENOENT)
    const dir = file(vfs.open(r, '/d', O_RDONLY | O_DIRECTORY, 0, root))
    expect(names(dir).sort()).toEqual(['.', '..', 'f', 's2', 's3'])
    expect(dir.lseek(0, SEEK_SET)).toBe(0)
    expect(dir.getdents64(new Uint8Array(10))).toBe(-Errno.EINVAL)
    expect(dir.read(new Uint8Array(4))).toBe(-Errno.EISDIR)
  })

  it('hard links share the inode; rename replaces and exchanges', () => {
    const { vfs, r } = setup()
    writeFile(vfs, r, '/a', 'A')
    expect(vfs.link(r, '/a', r, '/b', root)).toBe(0)
    expect(vfs.stat(r, '/a', root)).toMatchObject({ nlink: 2 })
    expect((vfs.stat(r, '/b', root) as { ino: number }).ino).toBe((vfs.stat(r, '/a', root) as { ino: number }).ino)
    expect(vfs.link(r, '/a', r, '/b', root)).toBe(-Errno.EEXIST)
    expect(vfs.link(r, '/', r, '/rootlink', root)).toBe(-Errno.EPERM)
    expect(vfs.unlink(r, '/a', root)).toBe(0)
    expect(readFile(vfs, r, '/b')).toBe('A')
    expect(vfs.stat(r, '/b', root)).toMatchObject({ nlink: 1 })

    writeFile(vfs, r, '/c', 'C')
    expect(vfs.rename(r, '/b', r, '/c', root, RENAME_NOREPLACE)).toBe(-Errno.EEXIST)
    expect(vfs.rename(r, '/b', r, '/c', root, RENAME_EXCHANGE)).toBe(0)
    expect(readFile(vfs, r, '/b')).toBe('C')
    expect(vfs.rename(r, '/b', r, '/c', root)).toBe(0) // replaces
    expect(readFile(vfs, r, '/c')).toBe('C')
    expect(vfs.resolve(r, '/b', root)).toBe(-Errno.ENOENT)
    expect(vfs.rename(r, '/c', r, '/c', root)).toBe(0)

    vfs.mkdir(r, '/d1', 0o755, root)
    vfs.mkdir(r, '/d1/sub', 0o755, root)
    vfs.mkdir(r, '/d2', 0o755, root)
    expect(vfs.rename(r, '/d1', r, '/d1/sub/x', root)).toBe(-Errno.EINVAL)
    expect(vfs.rename(r, '/c', r, '/d2', root)).toBe(-Errno.EISDIR)
    expect(vfs.rename(r, '/d2', r, '/c', root)).toBe(-Errno.ENOTDIR)
    expect(vfs.rename(r, '/d2', r, '/d1', root)).toBe(-Errno.ENOTEMPTY)
    expect(vfs.rename(r, '/d1/sub', r, '/d2', root)).toBe(0) // over an empty directory
    expect(vfs.stat(r, '/d1', root)).toMatchObject({ nlink: 2 })
    expect(vfs.stat(r, '/', root)).toMatchObject({ nlink: 4 })
    const d2 = vfs.resolve(r, '/d2', root) as Inode
    expect(vfs.getcwd(d2)).toBe('/d2')
    expect(vfs.rename(r, '/d2', r, '/d1/moved', root)).toBe(0)
    expect(vfs.getcwd(d2)).toBe('/d1/moved')
    expect(vfs.resolve(d2, '..', root)).toBe(vfs.resolve(r, '/d1', root))
    expect(vfs.rename(r, '/nope', r, '/x', root)).toBe(-Errno.ENOENT)
    expect(vfs.rename(r, '/c', r, '/x', root, 4)).toBe(-Errno.EINVAL)
    expect(vfs.rename(r, '/c', r, '/x', root, RENAME_EXCHANGE)).toBe(-Errno.ENOENT)
  })

  it('truncate(2), chmod and chown semantics', () => {
    const { vfs, r } = setup()
    writeFile(vfs, r, '/f', 'abcdef', root, 0o4755)
    expect(vfs.chown(r, '/f', 1000, 1000, root)).toBe(0)
    expect(vfs.chmod(r, '/f', 0o4755, root)).toBe(0)
    expect(vfs.truncate(r, '/f', 3, bob)).toBe(-Errno.EACCES)
    expect(vfs.truncate(r, '/f', 3, alice)).toBe(0)
    expect(readFile(vfs, r, '/f')).toBe('abc')
    expect(vfs.truncate(r, '/', 3, root)).toBe(-Errno.EISDIR)
    expect(vfs.truncate(r, '/f', -1, root)).toBe(-Errno.EINVAL)
    expect(vfs.chown(r, '/f', 1001, 1001, root)).toBe(0)
    expect((vfs.stat(r, '/f', root) as { mode: number }).mode & 0o7777).toBe(0o755) // setuid dropped
  })

  it('read-only mounts give EROFS', () => {
    const { vfs, r, fs } = setup()
    writeFile(vfs, r, '/f', 'x')
    fs.readOnly = true
    expect(vfs.open(r, '/f', O_WRONLY, 0, root)).toBe(-Errno.EROFS)
    expect(vfs.open(r, '/g', O_WRONLY | O_CREAT, 0o644, root)).toBe(-Errno.EROFS)
    expect(vfs.mkdir(r, '/d', 0o755, root)).toBe(-Errno.EROFS)
    expect(vfs.mkdir(r, '/f', 0o755, root)).toBe(-Errno.EEXIST)
    expect(vfs.unlink(r, '/f', root)).toBe(-Errno.EROFS)
    expect(vfs.access(r, '/f', W_OK, root)).toBe(-Errno.EROFS)
    expect(readFile(vfs, r, '/f')).toBe('x')
  })

  it('FIFOs opened by name are pipes', () => {
    const { vfs, r } = setup()
    expect(vfs.mknod(r, '/fifo', 0o10644, 0, root)).toBe(0)
    expect(vfs.open(r, '/fifo', O_WRONLY | O_NONBLOCK, 0, root)).toBe(-Errno.ENXIO) // no reader
    // A blocking reader opened first waits (at its first read) for a writer instead of seeing EOF.
    const early = file(vfs.open(r, '/fifo', O_RDONLY, 0, root))
    expect(early.read(new Uint8Array(4))).toMatchObject({ block: expect.anything() })
    const w = file(vfs.open(r, '/fifo', O_WRONLY, 0, root))
    expect(early.read(new Uint8Array(4))).toMatchObject({ block: expect.anything() }) // now: empty, a writer exists
    early.close()
    const rd = file(vfs.open(r, '/fifo', O_RDONLY | O_NONBLOCK, 0, root))
    expect(w.write(enc.encode('through'))).toBe(7)
    const b = new Uint8Array(16)
    expect(rd.read(b)).toBe(7)
    expect(rd.read(b)).toBe(-Errno.EAGAIN)
    w.close()
    expect(rd.read(b)).toBe(0)
    // A blocking writer opened with no reader waits for one rather than getting EPIPE.
    rd.close()
    const w2 = file(vfs.open(r, '/fifo', O_WRONLY, 0, root))
    expect(w2.write(enc.encode('x'))).toMatchObject({ block: expect.anything() })
    const rd2 = file(vfs.open(r, '/fifo', O_RDONLY, 0, root))
    expect(w2.write(enc.encode('x'))).toBe(1)
    expect(rd2.read(b)).toBe(1)
    expect(vfs.mknod(r, '/dev0', 0o20644, 0x103, alice)).toBe(-Errno.EPERM)
  })
})

describe('pipes', () => {
  it('block when empty and when full, EOF after the last writer, EPIPE without readers', () => {
    const [rd, wr] = makePipe(new PipeFs(), root)
    const b = new Uint8Array(100)
    const blocked = rd.read(b)
    expect(typeof blocked).toBe('object')
    let woke = 0
    if (typeof blocked === 'object') blocked.block.add(() => woke++)
    expect(rd.poll()).toBe(0)
    expect(wr.poll() & POLLOUT).toBe(POLLOUT)
    expect(wr.write(enc.encode('hi'))).toBe(2)
    expect(woke).toBe(1)
    expect(rd.poll() & POLLIN).toBe(POLLIN)
    const mem: UserMemory = { read: () => null, write: (_a, d) => (b.set(d), true) }
    expect(rd.ioctl(FIONREAD, 0, mem)).toBe(0)
    expect(b[0]).toBe(2)
    expect(rd.read(b)).toBe(2)
    // Fill it: a large write takes what fits, then a small one blocks (PIPE_BUF atomicity).
    expect(wr.write(new Uint8Array(PIPE_CAPACITY - 100))).toBe(PIPE_CAPACITY - 100)
    expect(wr.write(new Uint8Array(200))).toMatchObject({ block: expect.anything() })
    expect(wr.write(new Uint8Array(5000))).toBe(100)
    expect(wr.write(new Uint8Array(5000))).toMatchObject({ block: expect.anything() })
    wr.flags |= O_NONBLOCK
    expect(wr.write(new Uint8Array(1))).toBe(-Errno.EAGAIN)
    expect(wr.poll() & POLLOUT).toBe(0)
    let total = 0
    for (let n = num(rd.read(new Uint8Array(7000))); n > 0; n = num(rd.read(new Uint8Array(7000)))) {
      total += n
      if (total === PIPE_CAPACITY) break
    }
    expect(total).toBe(PIPE_CAPACITY)
    wr.close()
    expect(rd.read(b)).toBe(0)
    expect(rd.poll() & POLLHUP).toBe(POLLHUP)
    const [r2, w2] = makePipe(new PipeFs(), root)
    r2.close()
    expect(w2.write(enc.encode('x'))).toBe(-Errno.EPIPE)
    expect(w2.poll() & POLLERR).toBe(POLLERR)
    expect(w2.lseek(0, SEEK_SET)).toBe(-Errno.ESPIPE)
    expect(r2.inode.stat().mode & S_IFMT).toBe(0o010000)
  })

  it('keeps byte order across chunks', () => {
    const [rd, wr] = makePipe(new PipeFs(), root)
    for (let k = 0; k < 100; k++) wr.write(enc.encode(`${k},`))
    const out: string[] = []
    const b = new Uint8Array(7)
    for (;;) {
      const n = num(rd.read(b))
      out.push(dec.decode(b.subarray(0, n)))
      if (rd.poll() === 0) break
    }
    expect(out.join('')).toBe(Array.from({ length: 100 }, (_, k) => `${k},`).join(''))
    // Many one-byte writes, read in odd pieces while writing continues.
    let next = 0
    let expectNext = 0
    const piece = new Uint8Array(777)
    let bad = 0
    while (expectNext < 200_000) {
      for (let k = 0; k < 1000 && next < 200_000; k++) if (wr.write(Uint8Array.of(next++ & 0xff)) !== 1) bad++
      const n = num(rd.read(piece))
      for (let k = 0; k < n; k++) if (piece[k] !== (expectNext++ & 0xff)) bad++
      if (next === 200_000 && n === 0) break
    }
    expect([expectNext, bad]).toEqual([200_000, 0])
  })
})

describe('initramfs', () => {
  const archive = writeCpio([
    { name: '.', mode: 0o40755 },
    { name: 'bin', mode: 0o40755 },
    { name: 'bin/sh', mode: 0o100755, data: enc.encode('#!ELF'), mtime: 100 },
    { name: 'bin/ln1', mode: 0o100644, ino: 50, nlink: 2, data: new Uint8Array(0) },
    { name: 'bin/ln2', mode: 0o100644, ino: 50, nlink: 2, data: enc.encode('linked') },
    { name: 'etc/profile', mode: 0o100644, data: enc.encode('PATH=/bin\n') },
    { name: 'tmp', mode: 0o41777 },
    { name: 'dev', mode: 0o40755 },
    { name: 'dev/console', mode: 0o20600, rdevMajor: 5, rdevMinor: 1 },
    { name: 'sh', mode: 0o120777, data: enc.encode('bin/sh') },
  ])

  for (const [label, bytes] of [['plain', archive], ['gzip', gzipSync(archive)]] as const) {
    it(`unpacks a ${label} archive`, () => {
      const fs = new RamFs({ type: 'rootfs', rootMode: 0o755 })
      expect(loadInitramfs(fs, bytes)).toEqual({ ok: true, entries: 9 })
      const vfs = new Vfs(fs)
      const r = vfs.root
      expect(readFile(vfs, r, '/sh')).toBe('#!ELF')
      expect(readFile(vfs, r, '/bin/ln1')).toBe('linked')
      expect(vfs.stat(r, '/bin/ln2', root)).toMatchObject({ nlink: 2, mode: S_IFREG | 0o644 })
      expect(vfs.stat(r, '/bin/sh', root)).toMatchObject({ mtimeNs: 100e9, mode: S_IFREG | 0o755 })
      expect(vfs.stat(r, '/tmp', root)).toMatchObject({ mode: S_IFDIR | 0o1777 })
      expect(vfs.stat(r, '/dev/console', root)).toMatchObject({ mode: 0o20600, rdev: 0x501 })
      expect(readFile(vfs, r, '/etc/profile')).toBe('PATH=/bin\n')
    })
  }

  it('unpacks a plain archive followed by a gzip one (later entries replace earlier ones)', () => {
    const early = writeCpio([{ name: 'kernel', mode: 0o40755 }, { name: 'kernel/ucode', mode: 0o100644, data: enc.encode('u') }, { name: 'etc/motd', mode: 0o100644, data: enc.encode('old') }])
    const pad = new Uint8Array((4 - (early.length % 4)) % 4 + 8)
    const fs = new RamFs({ type: 'rootfs', rootMode: 0o755 })
    expect(loadInitramfs(fs, Buffer.concat([early, pad, gzipSync(archive)]))).toEqual({ ok: true, entries: 12 })
    const vfs = new Vfs(fs)
    expect(readFile(vfs, vfs.root, '/kernel/ucode')).toBe('u')
    expect(readFile(vfs, vfs.root, '/sh')).toBe('#!ELF')
    expect(loadInitramfs(new RamFs(), Buffer.concat([early, Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0])])))
      .toEqual({ ok: false, error: 'initramfs: xz-compressed archives are not supported (use gzip or none)' })
    expect(loadInitramfs(new RamFs(), Buffer.concat([early, enc.encode('junk')]))).toMatchObject({ ok: false })
  })

  it('fails cleanly', () => {
    const fs = new RamFs()
    expect(loadInitramfs(fs, archive.subarray(0, 300))).toMatchObject({ ok: false })
    expect(loadInitramfs(new RamFs({ maxBytes: 4096 }), writeCpio([{ name: 'a', mode: 0o100644, data: new Uint8Array(9000) }])))
      .toEqual({ ok: false, error: 'initramfs: "a": ENOSPC' })
    expect(loadInitramfs(fs, writeCpio([{ name: '../x', mode: 0o100644 }]))).toMatchObject({ ok: false })
  })
})
