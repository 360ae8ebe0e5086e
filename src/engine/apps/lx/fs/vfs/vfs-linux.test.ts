/**
 * Differential test: the same random file operations on a directory of the
 * host (node:fs, i.e. Linux's own VFS) and on a tmpfs through our Vfs must
 * give the same errors and the same visible results (file types, sizes of
 * regular files, link counts, symlink targets, directory listings).
 */
import { afterAll, describe, expect, it } from 'vitest'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { RamFs } from './ramfs'
import { HostFs } from './hostfs'
import { NodeHostFs, type NodeHostFsOptions } from '../../../../../host/host-fs'
import type { FileSystem } from './types'
import { Vfs } from './vfs'
import { errnoName } from './errno'
import { type Inode, type OpenFile, O_APPEND, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, S_IFMT, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW } from './types'

/** The host port over `o.root`; a test without one cannot run. */
function hostPort(o: NodeHostFsOptions): NodeHostFs {
  const p = NodeHostFs.open(o)
  if (typeof p === 'string') throw new Error(p)
  return p
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s
  }
}

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'l4lab-vfs-diff-'))
afterAll(() => fs.rmSync(base, { recursive: true, force: true }))

const UMASK = process.umask()

const NAMES = ['a', 'b', 'c', 'l', 'm']
// No target resolves to the test root itself, so 'name/..' can never climb above it.
const TARGETS = ['a', 'b', 'c', 'a/b', 'b/c', 'l', 'nowhere', 'a/.', 'b/./c']

function randomPath(r: () => number): string {
  const parts: string[] = []
  const n = 1 + (r() % 3)
  for (let k = 0; k < n; k++) {
    const x = r() % 10
    const afterName = k > 0 && NAMES.includes(parts[k - 1])
    if (x < 7 || k === 0) parts.push(NAMES[r() % NAMES.length])
    else if (x === 7 || !afterName) parts.push('.')
    else parts.push('..') // only right after a name: never above the test root
  }
  let p = parts.join('/')
  if (r() % 8 === 0) p += '/'
  return p
}

type Outcome = string

function hostOp(root: string, op: string, p: string, q: string, extra: number): Outcome {
  const hp = (x: string): string => root + '/' + x
  try {
    switch (op) {
      case 'mkdir': fs.mkdirSync(hp(p), { mode: 0o755 }); return 'ok'
      case 'rmdir': fs.rmdirSync(hp(p)); return 'ok'
      case 'unlink': fs.unlinkSync(hp(p)); return 'ok'
      case 'rename': fs.renameSync(hp(p), hp(q)); return 'ok'
      case 'link': fs.linkSync(hp(p), hp(q)); return 'ok'
      case 'symlink': fs.symlinkSync(TARGETS[extra % TARGETS.length], hp(p)); return 'ok'
      case 'readlink': return 'link:' + fs.readlinkSync(hp(p))
      case 'open': {
        const flags = hostFlags(OPEN_FLAGS[extra % OPEN_FLAGS.length])
        const fd = fs.openSync(hp(p), flags, 0o644)
        if ((flags & 3) !== O_RDONLY && (extra & 8)) fs.writeSync(fd, 'data'.repeat(1 + (extra % 5)))
        fs.closeSync(fd)
        return 'ok'
      }
      case 'stat':
      case 'lstat': {
        const s = op === 'stat' ? fs.statSync(hp(p)) : fs.lstatSync(hp(p))
        return describeStat(s.mode, s.nlink, s.size, s.uid, s.gid)
      }
      case 'truncate': fs.truncateSync(hp(p), extra % 10000); return 'ok'
      case 'list': return 'list:' + fs.readdirSync(hp(p)).sort().join(',')
      case 'read': return 'data:' + fs.readFileSync(hp(p)).toString('hex')
      case 'pwrite': {
        const fd = fs.openSync(hp(p), fs.constants.O_WRONLY | (extra & 1 ? fs.constants.O_APPEND : 0))
        try {
          fs.writeSync(fd, Buffer.from([extra & 0xff, 0x41]), 0, 2, extra % 13)
        } finally {
          fs.closeSync(fd)
        }
        return 'ok'
      }
      case 'access': fs.accessSync(hp(p), extra % 8); return 'ok'
      case 'chmod': fs.chmodSync(hp(p), extra & 0o7777); return 'ok'
      case 'utimes': {
        fs.utimesSync(hp(p), extra, extra * 2)
        const st = fs.statSync(hp(p))
        return `times:${Math.floor(st.atimeMs / 1000)}:${Math.floor(st.mtimeMs / 1000)}`
      }
      case 'chown': fs.lchownSync(hp(p), OWNERS[extra % OWNERS.length], OWNERS[(extra >> 3) % OWNERS.length]); return 'ok'
    }
  } catch (e) {
    return (e as { code: string }).code
  }
  return 'bad op'
}

/** Our flags are aarch64's; the host's O_DIRECTORY and O_NOFOLLOW may differ (x86_64). */
function hostFlags(f: number): number {
  let h = f & ~(O_DIRECTORY | O_NOFOLLOW)
  if (f & O_DIRECTORY) h |= fs.constants.O_DIRECTORY
  if (f & O_NOFOLLOW) h |= fs.constants.O_NOFOLLOW
  return h
}

const OPEN_FLAGS = [O_RDONLY, O_WRONLY | O_CREAT, O_RDWR | O_CREAT | O_EXCL, O_WRONLY | O_TRUNC, O_RDONLY | O_DIRECTORY, O_RDONLY | O_NOFOLLOW, O_RDWR | O_CREAT | O_TRUNC, O_WRONLY]

function describeStat(mode: number, nlink: number, size: number, uid: number, gid: number): string {
  const t = (mode & S_IFMT) >>> 12
  // Directory sizes depend on the file system (ext4 blocks, tmpfs entries): not compared.
  return `stat:${t.toString(8)}:${(mode & 0o7777).toString(8)}:${nlink}:${t === 4 ? '-' : size}:${uid}:${gid}`
}

function ourOp(vfs: Vfs, r: Inode, op: string, p: string, q: string, extra: number, cred: { uid: number; gid: number }): Outcome {
  const err = (n: number): Outcome => (n === 0 ? 'ok' : errnoName(n))
  switch (op) {
    case 'mkdir': return err(vfs.mkdir(r, p, 0o755 & ~UMASK, cred))
    case 'rmdir': return err(vfs.unlink(r, p, cred, AT_REMOVEDIR))
    case 'unlink': return err(vfs.unlink(r, p, cred))
    case 'rename': return err(vfs.rename(r, p, r, q, cred))
    case 'link': return err(vfs.link(r, p, r, q, cred))
    case 'symlink': return err(vfs.symlink(TARGETS[extra % TARGETS.length], r, p, cred))
    case 'readlink': {
      const t = vfs.readlink(r, p, cred)
      return typeof t === 'number' ? errnoName(t) : 'link:' + t
    }
    case 'open': {
      const flags = OPEN_FLAGS[extra % OPEN_FLAGS.length]
      const f = vfs.open(r, p, flags, 0o644 & ~UMASK, cred)
      if (typeof f === 'number') return errnoName(f)
      if ((flags & 3) !== O_RDONLY && (extra & 8)) f.write(new TextEncoder().encode('data'.repeat(1 + (extra % 5))))
      f.close()
      return 'ok'
    }
    case 'stat':
    case 'lstat': {
      const s = vfs.stat(r, p, cred, op === 'lstat' ? AT_SYMLINK_NOFOLLOW : 0)
      return typeof s === 'number' ? errnoName(s) : describeStat(s.mode, s.nlink, s.size, s.uid, s.gid)
    }
    case 'truncate': {
      // node:fs truncates by open(O_RDWR) + ftruncate, not truncate(2): do the same.
      const f = vfs.open(r, p, O_RDWR, 0, cred)
      if (typeof f === 'number') return errnoName(f)
      const t = vfs.ftruncate(f, extra % 10000)
      f.close()
      return err(t)
    }
    case 'read': {
      const f = vfs.open(r, p, O_RDONLY, 0, cred)
      if (typeof f === 'number') return errnoName(f)
      const chunks: number[] = []
      const b = new Uint8Array(1000)
      for (;;) {
        const n = f.read(b)
        if (typeof n !== 'number') return 'blocked'
        if (n < 0) {
          f.close()
          return errnoName(n)
        }
        if (n === 0) break
        chunks.push(...b.subarray(0, n))
      }
      f.close()
      return 'data:' + Buffer.from(chunks).toString('hex')
    }
    case 'pwrite': {
      const f = vfs.open(r, p, O_WRONLY | (extra & 1 ? O_APPEND : 0), 0, cred)
      if (typeof f === 'number') return errnoName(f)
      const n = f.pwrite(Uint8Array.of(extra & 0xff, 0x41), extra % 13)
      f.close()
      return typeof n === 'number' && n < 0 ? errnoName(n) : 'ok'
    }
    case 'access': return err(vfs.access(r, p, extra % 8, cred))
    case 'chmod': return err(vfs.chmod(r, p, extra & 0o7777, cred))
    case 'utimes': {
      const e = vfs.utimens(r, p, [{ sec: extra, nsec: 0 }, { sec: extra * 2, nsec: 0 }], cred)
      if (e) return errnoName(e)
      const st = vfs.stat(r, p, cred)
      return typeof st === 'number' ? errnoName(st) : `times:${Math.floor(st.atimeNs / 1e9)}:${Math.floor(st.mtimeNs / 1e9)}`
    }
    case 'chown': return err(vfs.chown(r, p, OWNERS[extra % OWNERS.length], OWNERS[(extra >> 3) % OWNERS.length], cred, AT_SYMLINK_NOFOLLOW))
    case 'list': {
      const f = vfs.open(r, p, O_RDONLY | O_DIRECTORY, 0, cred)
      if (typeof f === 'number') return errnoName(f)
      const names = listNames(f).filter((n) => n !== '.' && n !== '..')
      f.close()
      return 'list:' + names.sort().join(',')
    }
  }
  return 'bad op'
}

function listNames(f: OpenFile): string[] {
  const out: string[] = []
  const buf = new Uint8Array(4096)
  for (;;) {
    const n = f.getdents64(buf)
    if (n <= 0) return out
    for (let at = 0; at < n;) {
      const reclen = buf[at + 16] | (buf[at + 17] << 8)
      let end = at + 19
      while (buf[end]) end++
      out.push(new TextDecoder().decode(buf.subarray(at + 19, end)))
      at += reclen
    }
  }
}

const SEEDS = Number(process.env.VFS_DIFF_SEEDS ?? 6)
const STEPS = 2000

const OPS = ['mkdir', 'mkdir', 'rmdir', 'unlink', 'rename', 'link', 'symlink', 'readlink', 'open', 'open', 'open', 'stat', 'lstat', 'truncate', 'list', 'read', 'pwrite', 'access', 'chmod', 'chown', 'utimes']
/** Owners chown may set: -1 keeps, the others only make sense when the test runs as root. */
const OWNERS = process.getuid?.() === 0 ? [-1, 0, 1234, 4321] : [-1]

interface DiffOptions {
  /** Run the host side with these effective ids (the test process must be root), and ours with the same cred. */
  as?: { uid: number; gid: number }
  ops?: string[]
  /** Mode of each run's top directory. */
  rootMode?: number
}

function differential(make: (seed: number) => FileSystem, seeds: number, o: DiffOptions = {}): { mismatches: string[]; kinds: Map<string, number> } {
  const cred = o.as ? { ...o.as, groups: [] as number[] } : { uid: process.getuid!(), gid: process.getgid!() }
  const ops = o.ops ?? OPS
  const mismatches: string[] = []
  const kinds = new Map<string, number>()
  for (let seed = 1; seed <= seeds; seed++) {
    const r = rng(seed * 7919)
    const root = path.join(base, `run${seed}-${Math.random().toString(36).slice(2)}`)
    fs.mkdirSync(root)
    if (o.rootMode !== undefined) fs.chmodSync(root, o.rootMode)
    const vfs = new Vfs(make(seed))
    const vr = vfs.root
    if (o.rootMode !== undefined) vfs.chmodInode(vr, o.rootMode, { uid: 0, gid: 0 })
    // Changing ids costs a signal to every thread of the process: once per run, not per operation.
    const run = (): void => {
      for (let step = 0; step < STEPS && mismatches.length < 5; step++) {
        const op = ops[r() % ops.length]
        const p = randomPath(r)
        const q = randomPath(r)
        const extra = r() % 1000
        const h = hostOp(root, op, p, q, extra)
        const ours = ourOp(vfs, vr, op, p, q, extra, cred)
        const kind = `${op}:${h.split(':')[0]}`
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
        if (h !== ours) mismatches.push(`seed ${seed} step ${step}: ${op} ${JSON.stringify(p)} ${JSON.stringify(q)} ${extra}: linux ${h}, ours ${ours}`)
      }
    }
    if (o.as) asUser(o.as, run)
    else run()
  }
  return { mismatches, kinds }
}

/** Runs `f` with effective ids `as` and no supplementary groups, then returns to root. */
function asUser<T>(as: { uid: number; gid: number }, f: () => T): T {
  const groups = process.getgroups!()
  process.setgroups!([])
  process.setegid!(as.gid)
  process.seteuid!(as.uid)
  try {
    return f()
  } finally {
    process.seteuid!(0)
    process.setegid!(0)
    process.setgroups!(groups)
  }
}

const isRoot = process.platform === 'linux' && process.getuid?.() === 0 && typeof process.seteuid === 'function'

describe('Vfs against Linux (host directory)', () => {
  it.skipIf(process.platform !== 'linux')(`tmpfs gives the same results for ${SEEDS} × ${STEPS} random operations`, () => {
    const { mismatches, kinds } = differential(() => new RamFs({ rootMode: 0o755 }), SEEDS)
    expect(mismatches).toEqual([])
    if (process.env.VFS_DIFF_STATS) console.log([...kinds].sort().map(([k, n]) => `${k}=${n}`).join(' '))
    // The runs must reach successes and many different errors, not just ENOENT.
    expect(kinds.size).toBeGreaterThan(40)
  })

  it.skipIf(!isRoot)(`tmpfs as an unprivileged user (permissions, sticky directories) for ${SEEDS} × ${STEPS} operations`, () => {
    // The host's access(2) checks the real uid, which seteuid leaves as root: not compared.
    // Our links follow protected_hardlinks=1 (the distributions' default); without it on the host, no links.
    const protectedLinks = (() => {
      try {
        return fs.readFileSync('/proc/sys/fs/protected_hardlinks', 'utf8').trim() === '1'
      } catch {
        return false
      }
    })()
    const ops = OPS.filter((x) => x !== 'access' && (protectedLinks || x !== 'link'))
    fs.chmodSync(base, 0o755) // mkdtemp made it 0700: the user must be able to reach the runs
    for (const rootMode of [0o777, 0o1777]) {
      const { mismatches, kinds } = differential(() => new RamFs({ rootMode: 0o755 }), SEEDS, { as: { uid: 65534, gid: 65534 }, ops, rootMode })
      expect(mismatches).toEqual([])
      expect([...kinds.keys()].filter((k) => k.endsWith(':EACCES')).length).toBeGreaterThan(5)
    }
  })

  it.skipIf(process.platform !== 'linux')(`a writable hostfs gives the same results for 2 × ${STEPS} random operations`, () => {
    const { mismatches } = differential((seed) => {
      const dir = path.join(base, `hostfs${seed}`)
      fs.mkdirSync(dir)
      return new HostFs(hostPort({ root: dir, writable: true, maxOpen: 4 }), { writable: true })
    }, 2)
    expect(mismatches).toEqual([])
  })
})
