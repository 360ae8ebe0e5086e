import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { NodeHostFs, type NodeHostFsOptions } from './host-fs'
import { HostFs } from '../engine/apps/lx/fs/vfs/hostfs'
import { Vfs } from '../engine/apps/lx/fs/vfs/vfs'
import { RamFs } from '../engine/apps/lx/fs/vfs/ramfs'
import { Errno } from '../engine/apps/lx/fs/vfs/errno'
import { setupLinuxFs } from '../engine/apps/lx/fs/vfs/index'
import {
  type Inode, type OpenFile, AT_REMOVEDIR, O_APPEND, O_CREAT, O_NONBLOCK, O_DIRECTORY, O_EXCL, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, SEEK_END,
} from '../engine/apps/lx/fs/vfs/types'

const root = { uid: 0, gid: 0 }
const dec = new TextDecoder()
const enc = new TextEncoder()
let dir: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'l4lab-hostfs-'))
  fs.mkdirSync(path.join(dir, 'etc'))
  fs.writeFileSync(path.join(dir, 'etc/motd'), 'welcome\n')
  fs.mkdirSync(path.join(dir, 'tmp'))
  fs.symlinkSync('etc/motd', path.join(dir, 'motd-link'))
  fs.symlinkSync('/etc', path.join(dir, 'abs-link'))
  const big = Buffer.alloc(300_000)
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 8)) & 0xff
  fs.writeFileSync(path.join(dir, 'big'), big)
})

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

/** The host port over `o.root`; a test without one cannot run. */
function hostPort(o: NodeHostFsOptions): NodeHostFs {
  const p = NodeHostFs.open(o)
  if (typeof p === 'string') throw new Error(p)
  return p
}

function make(writable: boolean): { vfs: Vfs; port: NodeHostFs; r: Inode } {
  const port = hostPort({ root: dir, writable })
  const vfs = new Vfs(new HostFs(port, { writable }), {}, 'host')
  return { vfs, port, r: vfs.root }
}

function readAll(f: OpenFile, chunk = 4096): Uint8Array {
  const parts: Buffer[] = []
  const b = new Uint8Array(chunk)
  for (;;) {
    const n = f.read(b)
    if (typeof n !== 'number' || n < 0) throw new Error(`read: ${JSON.stringify(n)}`)
    if (n === 0) break
    parts.push(Buffer.from(b.subarray(0, n)))
  }
  return Buffer.concat(parts)
}

describe('NodeHostFs + HostFs', () => {
  it('reads files, follows symlinks (absolute ones within the root), lists directories', () => {
    const { vfs, r, port } = make(false)
    const f = vfs.open(r, '/motd-link', O_RDONLY, 0, root) as OpenFile
    expect(dec.decode(readAll(f))).toBe('welcome\n')
    expect(dec.decode(readAll(vfs.open(r, '/abs-link/motd', O_RDONLY, 0, root) as OpenFile))).toBe('welcome\n')
    expect(vfs.readlink(r, '/abs-link', root)).toBe('/etc')
    const st = vfs.stat(r, '/etc/motd', root) as { size: number; ino: number; mtimeNs: number }
    const host = fs.statSync(path.join(dir, 'etc/motd'), { bigint: true })
    expect(st.size).toBe(8)
    expect(st.ino).toBe(Number(host.ino))
    expect(Math.abs(st.mtimeNs - Number(host.mtimeNs))).toBeLessThan(1000)
    const d = vfs.open(r, '/', O_RDONLY | O_DIRECTORY, 0, root) as OpenFile
    const buf = new Uint8Array(4096)
    const n = d.getdents64(buf)
    const text = dec.decode(buf.subarray(0, n))
    for (const name of ['etc', 'tmp', 'big', 'motd-link']) expect(text).toContain(name + '\0')
    expect(vfs.resolve(r, '/nope', root)).toBe(-Errno.ENOENT)
    expect(vfs.resolve(r, '/etc/motd/x', root)).toBe(-Errno.ENOTDIR)
    expect(vfs.resolveDir(r, '/etc/motd', root)).toBe(-Errno.ENOTDIR)
    port.close()
  })

  it('lists directories in the host\'s own order (as getdents64 gives it), not sorted', () => {
    const many = path.join(dir, 'many')
    fs.mkdirSync(many)
    for (let k = 0; k < 60; k++) fs.writeFileSync(path.join(many, `f${(k * 37) % 61}`), '')
    const { vfs, r, port } = make(false)
    const d = vfs.open(r, '/many', O_RDONLY | O_DIRECTORY, 0, root) as OpenFile
    const buf = new Uint8Array(8192)
    const names: string[] = []
    for (let n = d.getdents64(buf); n > 0; n = d.getdents64(buf)) {
      for (let at = 0; at < n;) {
        const reclen = buf[at + 16] | (buf[at + 17] << 8)
        let end = at + 19
        while (buf[end]) end++
        names.push(dec.decode(buf.subarray(at + 19, end)))
        at += reclen
      }
    }
    const ls = spawnSync('ls', ['-f', many], { encoding: 'utf8' })
    if (ls.status === 0) {
      const native = ls.stdout.split('\n').filter((x) => x && x !== '.' && x !== '..')
      expect(names.filter((x) => x !== '.' && x !== '..')).toEqual(native)
    }
    expect(names.length).toBe(62)
    port.close()
  })

  it('refuses a host FIFO with EOPNOTSUPP and says so once on the host (a blocking host read must never block the engine)', () => {
    const fifo = path.join(dir, 'fifo')
    const mk = spawnSync('mkfifo', [fifo])
    expect(mk.status).toBe(0)
    const lines: string[] = []
    const port = hostPort({ root: dir, notice: (l) => lines.push(l) })
    const vfs = new Vfs(new HostFs(port), {}, 'host')
    for (const flags of [O_RDONLY, O_WRONLY, O_RDWR, O_RDONLY | O_NONBLOCK]) expect(vfs.open(vfs.root, '/fifo', flags, 0, root)).toBe(-Errno.EOPNOTSUPP)
    expect(lines).toEqual([`${dir}/fifo: a host FIFO; exec does not connect the program to it (EOPNOTSUPP)`])
    expect(vfs.stat(vfs.root, '/fifo', root)).toMatchObject({ mode: 0o010000 | (fs.statSync(fifo).mode & 0o7777) })
    port.close()
    fs.unlinkSync(fifo)
  })

  it('getcwd and ".." through host directories', () => {
    const { vfs, r } = make(false)
    const etc = vfs.resolve(r, '/etc', root) as Inode
    expect(vfs.getcwd(etc)).toBe('/etc')
    expect(vfs.resolve(etc, '..', root)).toBe(r)
    expect(vfs.resolve(etc, '../etc', root)).toBe(etc)
  })

  it('reads a large file in pieces, identical to the host (sha256)', () => {
    const { vfs, r, port } = make(false)
    const f = vfs.open(r, '/big', O_RDONLY, 0, root) as OpenFile
    const data = readAll(f, 4096)
    expect(createHash('sha256').update(data).digest('hex')).toBe(createHash('sha256').update(fs.readFileSync(path.join(dir, 'big'))).digest('hex'))
    expect(f.lseek(-10, SEEK_END)).toBe(300_000 - 10)
    const b = new Uint8Array(20)
    expect(f.pread(b, 299_995)).toBe(5)
    port.close()
  })

  it('is read-only unless writable: EROFS', () => {
    const { vfs, r } = make(false)
    expect(vfs.open(r, '/etc/motd', O_WRONLY, 0, root)).toBe(-Errno.EROFS)
    expect(vfs.open(r, '/new', O_WRONLY | O_CREAT, 0o644, root)).toBe(-Errno.EROFS)
    expect(vfs.mkdir(r, '/d', 0o755, root)).toBe(-Errno.EROFS)
    expect(vfs.unlink(r, '/etc/motd', root)).toBe(-Errno.EROFS)
    expect(vfs.rename(r, '/big', r, '/big2', root)).toBe(-Errno.EROFS)
    expect(hostPort({ root: dir }).open('/big', O_RDWR)).toBe(-Errno.EROFS)
    // A tmpfs mounted over it is writable.
    expect(vfs.mount('/tmp', new RamFs(), 'tmpfs')).toBe(0)
    const t = vfs.open(r, '/tmp/x', O_WRONLY | O_CREAT, 0o644, root) as OpenFile
    expect(t.write(enc.encode('ok'))).toBe(2)
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([])
  })

  it('writes through when writable', () => {
    const { vfs, r, port } = make(true)
    const f = vfs.open(r, '/tmp/out', O_RDWR | O_CREAT | O_EXCL, 0o640, root) as OpenFile
    expect(f.write(enc.encode('hello '))).toBe(6)
    const a = vfs.open(r, '/tmp/out', O_WRONLY | O_APPEND, 0, root) as OpenFile
    expect(a.write(enc.encode('world'))).toBe(5)
    expect(fs.readFileSync(path.join(dir, 'tmp/out'), 'utf8')).toBe('hello world')
    expect((fs.statSync(path.join(dir, 'tmp/out')).mode & 0o777)).toBe(0o640 & ~process.umask())
    expect(vfs.open(r, '/tmp/out', O_CREAT | O_EXCL | O_WRONLY, 0o644, root)).toBe(-Errno.EEXIST)
    expect(vfs.mkdir(r, '/tmp/d', 0o755, root)).toBe(0)
    expect(vfs.rename(r, '/tmp/out', r, '/tmp/d/moved', root)).toBe(0)
    expect(fs.readFileSync(path.join(dir, 'tmp/d/moved'), 'utf8')).toBe('hello world')
    expect(vfs.symlink('moved', r, '/tmp/d/l', root)).toBe(0)
    expect(fs.readlinkSync(path.join(dir, 'tmp/d/l'))).toBe('moved')
    expect(vfs.link(r, '/tmp/d/moved', r, '/tmp/d/hard', root)).toBe(0)
    expect(vfs.stat(r, '/tmp/d/hard', root)).toMatchObject({ nlink: 2 })
    file(vfs.open(r, '/tmp/d/hard', O_WRONLY | O_TRUNC, 0, root))
    expect(fs.statSync(path.join(dir, 'tmp/d/moved')).size).toBe(0)
    expect(vfs.truncate(r, '/tmp/d/moved', 100, root)).toBe(0)
    expect(fs.statSync(path.join(dir, 'tmp/d/moved')).size).toBe(100)
    expect(vfs.chmod(r, '/tmp/d/moved', 0o600, root)).toBe(0)
    expect(fs.statSync(path.join(dir, 'tmp/d/moved')).mode & 0o777).toBe(0o600)
    expect(vfs.utimens(r, '/tmp/d/moved', [{ sec: 1000, nsec: 0 }, { sec: 2000, nsec: 500_000_000 }], root)).toBe(0)
    expect(fs.statSync(path.join(dir, 'tmp/d/moved')).mtimeMs).toBe(2000500)
    expect(vfs.unlink(r, '/tmp/d', root, AT_REMOVEDIR)).toBe(-Errno.ENOTEMPTY)
    for (const n of ['moved', 'hard', 'l']) expect(vfs.unlink(r, '/tmp/d/' + n, root)).toBe(0)
    expect(vfs.unlink(r, '/tmp/d', root, AT_REMOVEDIR)).toBe(0)
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([])
    port.close()
  })
})

describe('nothing reaches outside the tree (issue 11, item 2)', () => {
  const made: string[] = []
  afterAll(() => {
    for (const d of made) fs.rmSync(d, { recursive: true, force: true })
  })
  /** A fresh writable tree `inside` and a host directory `outside` it with a file the guest must not reach. */
  function trees(o: NodeHostFsOptions = {}): { inside: string; outside: string; vfs: Vfs; port: NodeHostFs; r: Inode } {
    const inside = fs.mkdtempSync(path.join(os.tmpdir(), 'l4lab-inside-'))
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'l4lab-outside-'))
    made.push(inside, outside)
    fs.writeFileSync(path.join(outside, 'secret'), 'SECRET')
    fs.chmodSync(path.join(outside, 'secret'), 0o644)
    fs.mkdirSync(path.join(outside, 'deep'))
    fs.writeFileSync(path.join(outside, 'deep/file'), 'SECRETFILE')
    const port = hostPort({ root: inside, writable: true, ...o })
    const vfs = new Vfs(new HostFs(port, { writable: true }), {}, 'host')
    return { inside, outside, vfs, port, r: vfs.root }
  }
  function untouched(outside: string): void {
    expect(fs.readFileSync(path.join(outside, 'secret'), 'utf8')).toBe('SECRET')
    expect(fs.statSync(path.join(outside, 'secret')).mode & 0o7777).toBe(0o644)
    expect(fs.readFileSync(path.join(outside, 'deep/file'), 'utf8')).toBe('SECRETFILE')
  }

  it('an open file is the file opened: unlinked and replaced by a symlink to a host file, it is still read, written, chmod\'ed and truncated', () => {
    const { inside, outside, vfs, port, r } = trees()
    const f = file(vfs.open(r, '/victim', O_RDWR | O_CREAT, 0o644, root))
    expect(f.write(enc.encode('original'))).toBe(8)
    expect(vfs.unlink(r, '/victim', root)).toBe(0)
    fs.symlinkSync(path.join(outside, 'secret'), path.join(inside, 'victim'))
    const b = new Uint8Array(16)
    expect(dec.decode(b.subarray(0, f.pread(b, 0) as number))).toBe('original')
    expect(f.pwrite(enc.encode('EVIL'), 0)).toBe(4)
    expect(vfs.chmodInode(f.inode, 0o600, root)).toBe(0)
    expect(vfs.ftruncate(f, 6)).toBe(0)
    expect(vfs.utimensInode(f.inode, [{ sec: 10, nsec: 0 }, { sec: 20, nsec: 0 }], root)).toBe(0)
    expect(f.inode.stat()).toMatchObject({ nlink: 0, size: 6, mode: 0o100600, mtimeNs: 20e9 })
    expect(dec.decode(b.subarray(0, f.pread(b, 0) as number))).toBe('EVILin')
    untouched(outside)
    // The name is the symlink, shown as one.
    expect(vfs.readlink(r, '/victim', root)).toBe(path.join(outside, 'secret'))
    f.close()
    port.close()
  })

  it('writing through a descriptor of a file unlinked and created again writes the unlinked file; opening it again (/proc/self/fd) reaches it too', () => {
    const { inside, vfs, port, r } = trees()
    const old = file(vfs.open(r, '/stale', O_RDWR | O_CREAT, 0o644, root))
    expect(old.write(enc.encode('old'))).toBe(3)
    expect(vfs.unlink(r, '/stale', root)).toBe(0)
    const fresh = file(vfs.open(r, '/stale', O_RDWR | O_CREAT | O_EXCL, 0o644, root))
    expect(fresh.write(enc.encode('new'))).toBe(3)
    expect(old.pwrite(enc.encode('STALE'), 0)).toBe(5)
    expect(fs.readFileSync(path.join(inside, 'stale'), 'utf8')).toBe('new')
    // What the Vfs does for /proc/self/fd/N: open the descriptor's inode again.
    const again = file(old.inode.open(O_RDWR, root))
    const b = new Uint8Array(16)
    expect(dec.decode(b.subarray(0, again.pread(b, 0) as number))).toBe('STALE')
    expect(again.pwrite(enc.encode('s'), 0)).toBe(1)
    expect(dec.decode(b.subarray(0, old.pread(b, 0) as number))).toBe('sTALE')
    expect(fs.readFileSync(path.join(inside, 'stale'), 'utf8')).toBe('new')
    for (const f of [old, fresh, again]) f.close()
    port.close()
  })

  it('a directory kept by path whose parent was replaced on the host by a symlink leads to that directory or nowhere, never outside', () => {
    // With its walk cached the port still holds the directory, wherever the host moved it; without, the walk ends at the symlink.
    for (const [maxDirs, expected] of [[64, 'inside'], [0, -Errno.ENOTDIR]] as const) {
      const { inside, outside, vfs, port, r } = trees({ maxDirs })
      fs.mkdirSync(path.join(inside, 'a/deep'), { recursive: true })
      fs.writeFileSync(path.join(inside, 'a/deep/file'), 'inside')
      const deep = vfs.resolveDir(r, '/a/deep', root) as Inode
      // Behind the guest's back: no rename through lx, so nothing can follow it.
      fs.renameSync(path.join(inside, 'a'), path.join(inside, 'a2'))
      fs.symlinkSync(outside, path.join(inside, 'a'))
      for (const flags of [O_RDONLY, O_RDWR, O_WRONLY | O_APPEND]) {
        const f = vfs.open(deep, 'file', flags, 0, root)
        if (typeof f !== 'number') {
          if (flags !== O_RDONLY) expect(f.write(enc.encode('!'))).toBe(1)
          f.close()
        }
        expect(typeof f === 'number' ? f : 'inside').toBe(expected)
      }
      const r2 = [vfs.stat(deep, 'file', root), vfs.chmod(deep, 'file', 0o600, root), vfs.truncate(deep, 'file', 0, root), vfs.mkdir(deep, 'x', 0o755, root), vfs.unlink(deep, 'file', root)]
      if (expected === -Errno.ENOTDIR) expect(r2).toEqual(Array(5).fill(-Errno.ENOTDIR))
      untouched(outside)
      expect(fs.readdirSync(path.join(outside, 'deep'))).toEqual(['file'])
      port.close()
    }
  })

  it('a rename through lx carries the directories below it along (a working directory follows, as on Linux)', () => {
    const { inside, outside, vfs, port, r } = trees()
    fs.mkdirSync(path.join(inside, 'a/deep'), { recursive: true })
    fs.writeFileSync(path.join(inside, 'a/deep/file'), 'inside')
    const deep = vfs.resolveDir(r, '/a/deep', root) as Inode
    expect(vfs.rename(r, '/a', r, '/a2', root)).toBe(0)
    expect(vfs.symlink(outside, r, '/a', root)).toBe(0)
    const f = file(vfs.open(deep, 'file', O_RDWR, 0, root))
    expect(dec.decode(readAll(f))).toBe('inside')
    expect(vfs.getcwd(deep)).toBe('/a2/deep')
    f.close()
    untouched(outside)
    port.close()
  })

  it('the port never follows a symlink and never leaves its tree, whatever path it is given', () => {
    const { inside, outside, port } = trees()
    fs.symlinkSync(outside, path.join(inside, 'out'))
    fs.symlinkSync(path.join(outside, 'secret'), path.join(inside, 'sec'))
    expect(port.lstat('/out/secret')).toBe(-Errno.ENOTDIR)
    expect(port.readdir('/out')).toBe(-Errno.ENOTDIR)
    expect(port.open('/sec', O_RDWR)).toBe(-Errno.ELOOP)
    expect(port.truncate('/sec', 0)).toBe(-Errno.ELOOP)
    expect(port.chmod('/sec', 0o600)).toBe(-Errno.EOPNOTSUPP)
    expect(port.utimes('/sec', 0, 0)).toBe(0)
    expect(port.lstat('/sec')).toMatchObject({ mode: expect.any(Number), mtimeNs: 0 })
    for (const p of ['/../' + path.basename(outside) + '/secret', '/./sec', 'sec', '/out/../sec', '/sec/']) {
      expect(port.lstat(p)).toBeTypeOf('number')
      expect(port.open(p, O_RDWR)).toBeTypeOf('number')
      expect(port.open(p, O_RDWR)).toBeLessThan(0)
    }
    expect(port.unlink('/out/secret')).toBe(-Errno.ENOTDIR)
    expect(port.rename('/out/secret', '/stolen', false)).toBe(-Errno.ENOTDIR)
    expect(port.link('/out/secret', '/stolen')).toBe(-Errno.ENOTDIR)
    // link(2) links a symlink itself, never what it points to.
    expect(port.link('/sec', '/sec2')).toBe(0)
    expect(fs.lstatSync(path.join(inside, 'sec2')).isSymbolicLink()).toBe(true)
    untouched(outside)
    expect(fs.statSync(path.join(outside, 'secret')).nlink).toBe(1)
    // Handles are the port's own: anything else is EBADF, never another host descriptor.
    expect(port.pread(0, 0, new Uint8Array(1))).toBe(-Errno.EBADF)
    expect(port.fstat(1)).toBe(-Errno.EBADF)
    port.close()
  })

  it('holds at most maxOpen (4096) host files, ENFILE beyond, and gives each back at the guest\'s last close: 10k opens do not exhaust the host', () => {
    const { inside, vfs, port, r } = trees()
    fs.writeFileSync(path.join(inside, 'f'), 'x')
    const hostFds = (): number => fs.readdirSync('/proc/self/fd').length
    const before = hostFds()
    const open: OpenFile[] = []
    let refused = 0
    for (let k = 0; k < 10_000; k++) {
      const f = vfs.open(r, '/f', O_RDONLY, 0, root)
      if (typeof f === 'number') {
        expect(f).toBe(-Errno.ENFILE)
        refused++
      } else open.push(f)
    }
    expect(open.length).toBe(4096)
    expect(refused).toBe(10_000 - 4096)
    expect(hostFds() - before).toBeLessThanOrEqual(4096 + 64)
    for (const f of open) f.close()
    expect(hostFds() - before).toBeLessThanOrEqual(64)
    expect(file(vfs.open(r, '/f', O_RDONLY, 0, root)).read(new Uint8Array(4))).toBe(1)
    port.close()
  })

  it('keeps at most maxDirs walked directories open between operations', () => {
    const { inside, port } = trees()
    for (let k = 0; k < 100; k++) fs.mkdirSync(path.join(inside, `d${k}/e`), { recursive: true })
    for (let k = 0; k < 100; k++) expect(port.readdir(`/d${k}/e`)).toEqual([])
    port.lstat('/')
    expect(port.descriptors).toBeLessThanOrEqual(64 + 1)
    port.close()
    expect(port.descriptors).toBe(0)
    expect(port.lstat('/')).toBe(-Errno.EBADF)
  })
})

describe('setupLinuxFs over a host root (l4lab exec)', () => {
  it('mounts /dev, /proc and a private /tmp over the read-only host tree', () => {
    fs.mkdirSync(path.join(dir, 'dev'), { recursive: true })
    fs.mkdirSync(path.join(dir, 'proc'), { recursive: true })
    const port = hostPort({ root: dir })
    const view = {
      pids: () => [1], process: () => null, meminfo: () => ({}), uptime: () => ({ up: 0, idle: 0 }), cpuinfo: () => '',
      mounts: () => '', self: () => 1,
    }
    const r = setupLinuxFs({ root: new HostFs(port), random: (b) => b.fill(0), procView: view })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const { vfs } = r.fs
    const w = file(vfs.open(vfs.root, '/tmp/scratch', O_WRONLY | O_CREAT, 0o600, root))
    expect(w.write(enc.encode('private'))).toBe(7)
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([])
    expect(vfs.open(vfs.root, '/etc/new', O_WRONLY | O_CREAT, 0o600, root)).toBe(-Errno.EROFS)
    const t = vfs.resolve(vfs.root, '/tmp', root) as Inode
    expect(vfs.getcwd(t)).toBe('/tmp')
    expect(vfs.resolve(t, '../etc/motd', root)).not.toBeTypeOf('number')
    expect(vfs.mountsText()).toBe('hostfs / hostfs ro 0 0\ndevtmpfs /dev devtmpfs rw 0 0\nproc /proc proc rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n')
    // The host side may hand out a new inode object for /tmp: the mount is still found.
    ;(vfs.mounts()[0].fs as HostFs).forget('/tmp')
    expect(vfs.stat(vfs.root, '/tmp/scratch', root)).toMatchObject({ size: 7 })
    const z = file(vfs.open(vfs.root, '/dev/zero', O_RDONLY, 0, root))
    expect(z.read(new Uint8Array(4))).toBe(4)
    port.close()
  })
})

function file(x: OpenFile | number): OpenFile {
  if (typeof x === 'number') throw new Error(`open failed ${x}`)
  return x
}
