import { describe, expect, it } from 'vitest'
import { gzipSync } from 'node:zlib'
import { setupLinuxFs, writeCpio, makePipe, makedev, RamFs, Tty, type ProcView, type OpenFile, type Stat, O_RDONLY, O_WRONLY, O_CREAT } from './index'

const enc = new TextEncoder()
const view: ProcView = {
  pids: () => [1], process: () => null, meminfo: () => ({}), uptime: () => ({ up: 1, idle: 1 }), cpuinfo: () => '',
  mounts: () => '', self: () => 1,
}

describe('setupLinuxFs', () => {
  it('builds root, /dev, /proc and /tmp from an initramfs', () => {
    const initrd = gzipSync(writeCpio([{ name: 'bin', mode: 0o40755 }, { name: 'bin/sh', mode: 0o100755, data: enc.encode('ELF') }]))
    const tty = new Tty({ write: () => {}, signalPgrp: () => {} })
    const r = setupLinuxFs({ initrd, random: (b) => b.fill(1), console: tty, procView: view })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const { vfs } = r.fs
    const root = { uid: 0, gid: 0 }
    expect(vfs.mountsText()).toBe('rootfs / rootfs rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\nproc /proc proc rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n')
    expect(typeof vfs.open(vfs.root, '/dev/console', O_WRONLY, 0, root)).toBe('object')
    expect(typeof vfs.open(vfs.root, '/tmp/x', O_WRONLY | O_CREAT, 0o644, root)).toBe('object')
    const f = vfs.open(vfs.root, '/bin/sh', O_RDONLY, 0, root) as OpenFile
    const b = new Uint8Array(8)
    expect(f.read(b)).toBe(3)
    expect(vfs.stat(vfs.root, '/tmp', root)).toMatchObject({ mode: 0o41777 })
  })

  it('reports a broken initramfs', () => {
    const r = setupLinuxFs({ initrd: new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]), random: () => {}, procView: view })
    expect(r).toMatchObject({ ok: false })
    if (!r.ok) expect(r.error).toMatch(/^initramfs: /)
  })
})

describe('device and inode numbers', () => {
  const root = { uid: 0, gid: 0 }
  const numbers = () => {
    const r = setupLinuxFs({ random: () => {}, procView: view })
    if (!r.ok) throw new Error(r.error)
    const { vfs } = r.fs
    const [rd] = makePipe(vfs.pipefs, root)
    const [, wr] = makePipe(vfs.pipefs, root)
    const ids = (st: Stat | number) => (typeof st === 'number' ? st : [st.dev, st.ino])
    return [...['/', '/dev', '/dev/null', '/proc', '/tmp'].map((p) => ids(vfs.stat(vfs.root, p, root))), ids(rd.inode.stat()), ids(wr.inode.stat())]
  }

  it('are the same in every Vfs: a second one numbers its file systems and pipes as the first did', () => {
    const first = numbers()
    // The pipefs gets 0:16, the root 0:17, then /dev, /proc and /tmp in mount order; pipe inodes count from 2.
    expect(first).toEqual([[makedev(0, 17), 1], [makedev(0, 18), 1], [makedev(0, 18), 2], [makedev(0, 19), 1], [makedev(0, 20), 1], [makedev(0, 16), 2], [makedev(0, 16), 3]])
    expect(numbers()).toEqual(first)
  })

  it('are given at mount, once per file system', () => {
    const r = setupLinuxFs({ random: () => {}, procView: view })
    if (!r.ok) throw new Error(r.error)
    const { vfs } = r.fs
    const fs = new RamFs()
    expect(fs.dev).toBe(0)
    vfs.mkdir(vfs.root, '/a', 0o755, root)
    vfs.mkdir(vfs.root, '/b', 0o755, root)
    expect(vfs.mount('/a', fs, 'tmpfs')).toBe(0)
    expect(fs.dev).toBe(makedev(0, 21))
    expect(vfs.mount('/b', fs, 'tmpfs')).toBe(0)
    expect(fs.dev).toBe(makedev(0, 21))
  })
})

describe('the project\'s guest image', () => {
  it('unpacks resources/guests/aarch64/rootfs.cpio.gz', async () => {
    const { readFileSync, existsSync } = await import('node:fs')
    const path = new URL('../../../../../resources/guests/aarch64/rootfs.cpio.gz', import.meta.url)
    if (!existsSync(path)) return
    const r = setupLinuxFs({ initrd: readFileSync(path), random: () => {}, procView: view })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const { vfs } = r.fs
    const root = { uid: 0, gid: 0 }
    const f = vfs.open(vfs.root, '/bin/sh', O_RDONLY, 0, root) as OpenFile
    const b = new Uint8Array(4)
    expect(f.read(b)).toBe(4)
    expect([...b]).toEqual([0x7f, 0x45, 0x4c, 0x46])
    expect(vfs.stat(vfs.root, '/bin/sh', root)).toMatchObject({ mode: 0o100755 })
    expect(vfs.access(vfs.root, '/etc/profile', 4, root)).toBe(0)
  })
})
