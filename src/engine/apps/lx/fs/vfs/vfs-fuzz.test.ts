/**
 * Property tests: random sequences of file operations by random users on a
 * small name space never throw, return only values, and keep tmpfs's
 * bookkeeping consistent (nlink of files and directories, pages in use,
 * inode count). Random keystrokes and termios settings never break the tty.
 */
import { describe, expect, it } from 'vitest'
import { RamDir, RamFile, RamFs } from './ramfs'
import { Vfs } from './vfs'
import { Tty, TCSETS, encodeTermios, defaultTermios, VMIN, VTIME } from './tty'
import { type Cred, type Inode, type OpenFile, type UserMemory, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, O_NONBLOCK, O_RDWR, SEEK_SET } from './types'

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

const creds: Cred[] = [{ uid: 0, gid: 0 }, { uid: 1000, gid: 1000 }, { uid: 1001, gid: 1001, groups: [1000] }]
const names = ['a', 'b', 'c', '.', '..', 'a/b', 'a/b/c', 'b/a', 'l', 'a/l', '/a', '/', 'c/', 'a//b', 'x'.repeat(256)]

function check(fs: RamFs, open: OpenFile[]): void {
  const fileLinks = new Map<RamFile, number>()
  let pages = 0
  let inodes = 0
  const seen = new Set<unknown>()
  const walk = (d: RamDir): void => {
    inodes++
    let subdirs = 0
    for (const child of d.entries.values()) {
      if (child instanceof RamDir) {
        subdirs++
        expect(child.parent()).toBe(d)
        walk(child)
      } else {
        if (child instanceof RamFile) fileLinks.set(child, (fileLinks.get(child) ?? 0) + 1)
        if (!seen.has(child)) {
          seen.add(child)
          inodes++
        }
      }
    }
    expect(d.nlink).toBe(2 + subdirs)
  }
  walk(fs.root)
  for (const [f, n] of fileLinks) {
    expect(f.nlink).toBe(n)
    pages += f.pages.size
  }
  // Files that are unlinked but open still hold their pages and inode.
  const orphans = new Set<RamFile>()
  for (const o of open) if (o.inode instanceof RamFile && o.inode.nlink === 0) orphans.add(o.inode)
  for (const f of orphans) {
    pages += f.pages.size
    inodes++
  }
  expect(fs.usedPages).toBe(pages)
  expect(fs.inodes).toBe(inodes)
}

describe('property: random file operations', () => {
  it('20k operations keep tmpfs consistent and never throw', () => {
    const r = rng(99)
    const fs = new RamFs({ maxBytes: 64 * 4096, maxInodes: 40 })
    const vfs = new Vfs(fs)
    const root = vfs.root
    vfs.chmod(root, '/', 0o1777, creds[0])
    const open: OpenFile[] = []
    const pick = <T>(xs: T[]): T => xs[r() % xs.length]
    const results = new Map<string, number>()
    for (let step = 0; step < 20_000; step++) {
      const cred = pick(creds)
      // Fixed names, or paths made of random components.
      const randomPath = (): string => {
        const parts: string[] = []
        for (let k = r() % 6; k > 0; k--) parts.push(pick(['a', 'b', 'c', 'l', '.', '..', '', 'é', 'x'.repeat(250 + (r() % 10))]))
        return (r() % 3 === 0 ? '/' : '') + parts.join('/') + (r() % 5 === 0 ? '/' : '')
      }
      const p = r() % 3 === 0 ? randomPath() : pick(names)
      const q = r() % 3 === 0 ? randomPath() : pick(names)
      const cwd: Inode = (() => {
        const d = vfs.resolve(root, pick(['/', 'a', 'b']), creds[0])
        return typeof d === 'number' || !(d instanceof RamDir) ? root : d
      })()
      const op = r() % 16
      let res: unknown
      switch (op) {
        case 0: res = vfs.mkdir(cwd, p, r() & 0o777, cred); break
        case 1: {
          const f = vfs.open(cwd, p, [0, 1, 2][r() % 3] | pick([0, 0o100, 0o100 | 0o200, 0o1000, 0o2000, 0o40000, 0o100000]), r() & 0o777, cred)
          if (typeof f !== 'number') open.push(f)
          res = f
          break
        }
        case 2: res = vfs.unlink(cwd, p, cred, r() % 2 ? AT_REMOVEDIR : 0); break
        case 3: res = vfs.rename(cwd, p, cwd, q, cred, r() % 4 === 0 ? 1 + (r() % 2) : 0); break
        case 4: res = vfs.link(cwd, p, cwd, q, cred); break
        case 5: res = vfs.symlink(pick(names), cwd, p, cred); break
        case 6: res = vfs.chmod(cwd, p, r() & 0o7777, cred); break
        case 7: res = vfs.truncate(cwd, p, r() % 100_000, cred); break
        case 8: {
          if (open.length) {
            const f = pick(open)
            const n = r() % 20_000
            f.lseek(r() % 300_000, SEEK_SET)
            res = r() % 2 ? f.write(new Uint8Array(n).fill(1)) : f.read(new Uint8Array(n))
          }
          break
        }
        case 9: {
          if (open.length) {
            const k = r() % open.length
            open[k].close()
            open.splice(k, 1)
          }
          break
        }
        case 10: res = vfs.stat(cwd, p, cred, r() % 2 ? AT_SYMLINK_NOFOLLOW : 0); break
        case 11: res = vfs.readlink(cwd, p, cred); break
        case 12: res = vfs.access(cwd, p, r() % 8, cred); break
        case 13: {
          const d = vfs.resolve(cwd, p, cred)
          res = typeof d === 'number' ? d : vfs.getcwd(d)
          break
        }
        case 14: res = vfs.chown(cwd, p, pick([-1, 0, 1000, 1001]), pick([-1, 0, 1000]), cred); break
        case 15: {
          if (open.length) {
            const f = pick(open)
            res = f.getdents64(new Uint8Array(r() % 200))
          }
          break
        }
      }
      const key = `${op}:${typeof res === 'number' ? res : typeof res}`
      results.set(key, (results.get(key) ?? 0) + 1)
      if (step % 50 === 0) check(fs, open)
    }
    check(fs, open)
    for (const f of open) f.close()
    check(fs, [])
    if (process.env.VFS_FUZZ_STATS) console.log([...results].sort().join(" "))
    // The run reached successes and many kinds of failure.
    expect([...results.keys()].filter((k) => /:-\d+$/.test(k)).length).toBeGreaterThan(30)
    expect(results.get('0:0')).toBeGreaterThan(0)
  })
})

describe('property: tty under random input', () => {
  it('never throws, and keeps its queues bounded', () => {
    const r = rng(7)
    let out = 0
    const tty = new Tty({ write: (b) => (out += b.length), signalPgrp: () => {}, clock: () => 0 })
    const f = tty.open({} as Inode, O_RDWR | O_NONBLOCK)
    const mem = new Uint8Array(64)
    const um: UserMemory = { read: (a, n) => mem.slice(a, a + n), write: (a, d) => (mem.set(d.subarray(0, 64 - a), a), true) }
    for (let step = 0; step < 20_000; step++) {
      const k = r() % 10
      if (k < 6) {
        const n = r() % 300
        const b = new Uint8Array(n)
        for (let i = 0; i < n; i++) b[i] = r() % 3 === 0 ? r() & 0x1f : r() & 0xff
        tty.input(b)
      } else if (k < 8) {
        f.read(new Uint8Array(r() % 5000))
      } else if (k === 8) {
        const t = defaultTermios()
        t.lflag = r()
        t.iflag = r()
        t.oflag = r()
        t.cc[VMIN] = r() % 4
        t.cc[VTIME] = r() % 3
        mem.set(encodeTermios(t))
        expect(f.ioctl(TCSETS, 0, um)).toBe(0)
      } else {
        f.write(new Uint8Array(r() % 100).fill(r() & 0xff))
      }
      if (tty.available() > 4096) throw new Error(`tty holds ${tty.available()} bytes`)
    }
    expect(out).toBeGreaterThan(0)
  })
})
