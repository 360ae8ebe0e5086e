import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { Errno } from './errno'
import { RamFs } from './ramfs'
import { Vfs } from './vfs'
import { ProcFs, type ProcInfo, type ProcView, formatMeminfo, formatStat, formatStatus, formatUptime, formatLoadavg } from './procfs'
import { DevFs, KmsgLog } from './devfs'
import { Tty } from './tty'
import { makePipe } from './pipe'
import { type Cred, type Inode, type OpenFile, O_RDONLY, O_WRONLY, O_NONBLOCK, O_RDWR, O_DIRECTORY, AT_SYMLINK_NOFOLLOW } from './types'

const root: Cred = { uid: 0, gid: 0 }
const dec = new TextDecoder()
const enc = new TextEncoder()

function proc(pid: number, over: Partial<ProcInfo> = {}): ProcInfo {
  return {
    pid, ppid: 1, pgrp: pid, session: 1, tty: 0x501, tpgid: pid, comm: 'sh', state: 'S',
    cmdline: ['/bin/sh', '-l'], environ: ['HOME=/root', 'TERM=xterm'], utime: 12, stime: 34, starttime: 150,
    vsize: 4 * 1024 * 1024, rss: 100, threads: 1, uid: 0, gid: 0, cwd: '/root', exe: '/bin/sh',
    fds: [[0, '/dev/console'], [1, '/dev/console'], [2, '/dev/console'], [3, 'pipe:[7]']], ...over,
  }
}

function setup(): { vfs: Vfs; procs: Map<number, ProcInfo>; r: Inode; kmsg: KmsgLog; tty: Tty } {
  const procs = new Map<number, ProcInfo>([[1, proc(1, { ppid: 0, comm: 'init', cmdline: ['/sbin/init'] })], [42, proc(42, { state: 'R' })]])
  let self = 42
  const fs = new RamFs({ type: 'rootfs', rootMode: 0o755 })
  const vfs = new Vfs(fs)
  const view: ProcView = {
    pids: () => [...procs.keys()].sort((a, b) => a - b),
    process: (pid) => procs.get(pid) ?? null,
    meminfo: () => ({ MemTotal: 262144, MemFree: 200000, MemAvailable: 210000, Cached: 1234 }),
    uptime: () => ({ up: 12.345, idle: 10.999 }),
    cpuinfo: () => 'processor\t: 0\nBogoMIPS\t: 100.00\n\n',
    mounts: () => vfs.mountsText(),
    self: () => self,
    stat: () => ({ cpus: [{ user: 5, nice: 0, system: 6, idle: 700 }], btime: 1700000000, processes: 57 }),
    loadavg: () => [0.5, 0.25, 0.125],
  }
  void self
  self = 42
  const r = vfs.root
  vfs.mkdir(r, '/proc', 0o555, root)
  vfs.mkdir(r, '/dev', 0o755, root)
  expect(vfs.mount('/proc', new ProcFs(view), 'proc')).toBe(0)
  const kmsg = new KmsgLog(4)
  const tty = new Tty({ write: () => {}, signalPgrp: () => {} })
  let seed = 1
  const devfs = new DevFs({ random: (b) => b.forEach((_, k) => (b[k] = seed++ & 0xff)), console: tty, kmsg })
  expect(vfs.mount('/dev', devfs, 'devtmpfs')).toBe(0)
  vfs.devices = devfs.openDevice
  return { vfs, procs, r, kmsg, tty }
}

function readAll(f: OpenFile | number): string {
  if (typeof f === 'number') throw new Error(`open failed: ${f}`)
  const parts: string[] = []
  const b = new Uint8Array(100)
  for (;;) {
    const n = f.read(b)
    if (typeof n !== 'number') throw new Error('blocked')
    if (n < 0) throw new Error(`read failed: ${n}`)
    if (n === 0) break
    parts.push(dec.decode(b.subarray(0, n), { stream: true }))
  }
  return parts.join('')
}
const cat = (vfs: Vfs, path: string): string => readAll(vfs.open(vfs.root, path, O_RDONLY, 0, root))

describe('procfs formats', () => {
  it('/proc/<pid>/stat has 52 fields in Linux order', () => {
    const s = formatStat(proc(42, { comm: 'a b)c', state: 'R' }))
    expect(s).toBe('42 (a b)c) R 1 42 1 1281 42 4194304 0 0 0 0 12 34 0 0 20 0 1 0 150 4194304 100 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n')
    // ps-style parsing: fields after the last ')'
    const after = s.slice(s.lastIndexOf(')') + 2).trim().split(' ')
    expect(after.length + 2).toBe(52)
    expect(after.length + 2).toBe(readFileSync('/proc/self/stat', 'utf8').slice(readFileSync('/proc/self/stat', 'utf8').lastIndexOf(')') + 2).trim().split(' ').length + 2)
  })

  it('/proc/<pid>/status keys follow the host kernel\'s order, with Linux spacing', () => {
    const ours = formatStatus(proc(42)).trimEnd().split('\n')
    expect(ours.slice(0, 3)).toEqual(['Name:\tsh', 'Umask:\t0022', 'State:\tS (sleeping)'])
    expect(ours).toContain('VmRSS:\t     400 kB')
    expect(ours).toContain('Uid:\t0\t0\t0\t0')
    expect(ours).toContain('Groups:\t')
    const hostKeys = readFileSync('/proc/self/status', 'utf8').trimEnd().split('\n').map((l) => l.split(':')[0])
    let at = 0
    for (const line of ours) {
      const k = line.split(':')[0]
      const idx = hostKeys.indexOf(k, at)
      expect(idx, `key ${k} in host order`).toBeGreaterThanOrEqual(0)
      at = idx + 1
    }
    expect(formatStatus(proc(5, { state: 'Z' }))).not.toContain('VmSize')
  })

  it('/proc/meminfo lines are laid out as the host kernel lays them out', () => {
    const host = readFileSync('/proc/meminfo', 'utf8').trimEnd().split('\n')
    const values: Record<string, number> = {}
    for (const l of host) {
      const m = /^([^:]+):\s+(\d+) kB$/.exec(l)
      if (m) values[m[1]] = Number(m[2])
    }
    const ours = formatMeminfo(values).trimEnd().split('\n')
    for (const l of ours) {
      if (host.includes(l)) continue
      // Only lines of names the host kernel lacks may differ.
      expect(host.some((h) => h.startsWith(l.split(':')[0] + ':'))).toBe(false)
    }
    expect(ours[0]).toBe(host[0])
    expect(formatMeminfo({ MemTotal: 5 }).split('\n')[0]).toBe('MemTotal:              5 kB')
  })

  it('uptime and loadavg', () => {
    expect(formatUptime({ up: 12.345, idle: 0.999 })).toBe('12.34 0.99\n')
    expect(formatLoadavg([0.5, 1.256, 10], 1, 7, 300)).toBe('0.50 1.26 10.00 1/7 300\n')
    expect(readFileSync('/proc/uptime', 'utf8')).toMatch(/^\d+\.\d\d \d+\.\d\d\n$/)
  })
})

describe('procfs through the Vfs', () => {
  it('serves the top-level files', () => {
    const { vfs } = setup()
    expect(cat(vfs, '/proc/uptime')).toBe('12.34 10.99\n')
    expect(cat(vfs, '/proc/meminfo')).toMatch(/^MemTotal:         262144 kB\nMemFree:          200000 kB\nMemAvailable:     210000 kB\nBuffers:               0 kB\nCached:             1234 kB\n/)
    expect(cat(vfs, '/proc/loadavg')).toBe('0.50 0.25 0.13 1/2 42\n')
    expect(cat(vfs, '/proc/stat')).toBe('cpu  5 0 6 700 0 0 0 0 0 0\ncpu0 5 0 6 700 0 0 0 0 0 0\nintr 0\nctxt 0\nbtime 1700000000\nprocesses 57\nprocs_running 1\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n')
    expect(cat(vfs, '/proc/cpuinfo')).toContain('BogoMIPS')
    expect(cat(vfs, '/proc/version')).toMatch(/^Linux version /)
    expect(cat(vfs, '/proc/filesystems')).toContain('nodev\tproc\n')
    expect(cat(vfs, '/proc/cmdline')).toBe('\n')
    expect(cat(vfs, '/proc/mounts')).toBe('rootfs / rootfs rw 0 0\nproc /proc proc rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\n')
    expect(cat(vfs, '/proc/self/mounts')).toBe(cat(vfs, '/proc/mounts'))
  })

  it('serves per-process files, /proc/self and fd links', () => {
    const { vfs, procs, r } = setup()
    expect(vfs.readlink(r, '/proc/self', root)).toBe('42')
    expect(cat(vfs, '/proc/self/cmdline')).toBe('/bin/sh\0-l\0')
    expect(cat(vfs, '/proc/1/comm')).toBe('init\n')
    procs.set(60, proc(60, { comm: 'a-very-long-program-name' }))
    expect(cat(vfs, '/proc/60/comm')).toBe('a-very-long-pro\n')
    expect(cat(vfs, '/proc/60/stat')).toMatch(/^60 \(a-very-long-pro\) S /)
    expect(cat(vfs, '/proc/42/environ')).toBe('HOME=/root\0TERM=xterm\0')
    expect(cat(vfs, '/proc/42/stat')).toMatch(/^42 \(sh\) R 1 42 1 1281 42 /)
    expect(cat(vfs, '/proc/42/status')).toContain('PPid:\t1\n')
    expect(vfs.readlink(r, '/proc/42/cwd', root)).toBe('/root')
    expect(vfs.readlink(r, '/proc/self/exe', root)).toBe('/bin/sh')
    expect(vfs.readlink(r, '/proc/self/fd/3', root)).toBe('pipe:[7]')
    const dir = vfs.open(r, '/proc/self/fd', O_RDONLY | O_DIRECTORY, 0, root) as OpenFile
    const buf = new Uint8Array(4096)
    const n = dir.getdents64(buf)
    expect(n).toBeGreaterThan(0)
    expect(dec.decode(buf.subarray(0, n)).match(/[0-9]\0/g)?.length).toBe(4)
    // The top directory lists pids and files.
    const top = vfs.open(r, '/proc', O_RDONLY | O_DIRECTORY, 0, root) as OpenFile
    const tn = top.getdents64(buf)
    const text = dec.decode(buf.subarray(0, tn))
    for (const name of ['meminfo', 'self', '1\0', '42\0']) expect(text).toContain(name)
    // A process that is gone
    const d42 = vfs.resolve(r, '/proc/42', root) as Inode
    expect(vfs.getcwd(d42)).toBe('/proc/42')
    procs.delete(42)
    expect(vfs.resolve(r, '/proc/42', root)).toBe(-Errno.ENOENT)
    expect(vfs.open(d42, 'stat', O_RDONLY, 0, root)).toBe(-Errno.ESRCH)
    // environ is for the owner only
    procs.set(50, proc(50, { uid: 1000, gid: 1000 }))
    expect(vfs.open(r, '/proc/50/environ', O_RDONLY, 0, { uid: 1001, gid: 1001 })).toBe(-Errno.EACCES)
    expect(typeof vfs.open(r, '/proc/50/environ', O_RDONLY, 0, { uid: 1000, gid: 1000 })).toBe('object')
    // Nothing can be created in /proc
    expect(vfs.mkdir(r, '/proc/x', 0o755, root)).toBeLessThan(0)
    expect(vfs.open(r, '/proc/new', O_WRONLY | 0o100, 0o644, root)).toBeLessThan(0)
  })

  it('/dev/stdin on a pipe opens that pipe', () => {
    const { vfs, procs, r } = setup()
    const [rd, wr] = makePipe(vfs.pipefs, root)
    procs.set(42, proc(42, { fdInode: (fd) => (fd === 0 ? rd.inode : null), fds: [[0, 'pipe:[1]']] }))
    const again = vfs.open(r, '/dev/stdin', O_RDONLY, 0, root) as OpenFile
    expect(wr.write(enc.encode('piped'))).toBe(5)
    const b = new Uint8Array(8)
    expect(again.read(b)).toBe(5)
    expect(dec.decode(b.subarray(0, 5))).toBe('piped')
  })

  it('magic fd links open the file itself', () => {
    const { vfs, procs, r } = setup()
    const f = vfs.open(r, '/dev/null', O_RDONLY, 0, root) as OpenFile
    procs.set(42, proc(42, { fdInode: (fd) => (fd === 0 ? f.inode : null), fds: [[0, 'pipe:[9]']] }))
    expect(vfs.resolve(r, '/proc/self/fd/0', root)).toBe(f.inode)
    expect(vfs.resolve(r, '/dev/stdin', root)).toBe(f.inode)
    const sh = vfs.resolve(r, '/dev/zero', root) as Inode
    procs.set(42, proc(42, { exeInode: () => sh, exe: '/nonexistent (deleted)' }))
    expect(vfs.resolve(r, '/proc/self/exe', root)).toBe(sh)
    expect(vfs.readlink(r, '/proc/self/exe', root)).toBe('/nonexistent (deleted)')
  })
})

describe('procfs and the process side calling back into the Vfs', () => {
  it('a view that computes fd paths eagerly (with an fd open on /proc/self/fd) does not recurse', () => {
    const fs = new RamFs({ rootMode: 0o755 })
    const vfs = new Vfs(fs)
    const open: OpenFile[] = []
    let calls = 0
    const view: ProcView = {
      pids: () => [7],
      process: (pid) => {
        calls++
        // As lx's view does: the path of every open file, right away.
        return pid === 7 ? proc(7, { fds: open.map((f, k) => [k, vfs.openedPath(f) ?? '?'] as [number, string]), fdInode: (fd) => open[fd]?.inode ?? null }) : null
      },
      meminfo: () => ({}), uptime: () => ({ up: 0, idle: 0 }), cpuinfo: () => '', mounts: () => '', self: () => 7,
    }
    const r = vfs.root
    vfs.mkdir(r, '/proc', 0o555, root)
    vfs.mount('/proc', new ProcFs(view), 'proc')
    const d = vfs.open(r, '/proc/self/fd', O_RDONLY | O_DIRECTORY, 0, root) as OpenFile
    open.push(d)
    expect(vfs.openedPath(d)).toBe('/proc/7/fd')
    const buf = new Uint8Array(4096)
    expect(d.getdents64(buf)).toBeGreaterThan(0)
    expect(vfs.readlink(r, '/proc/self/fd/0', { uid: 5, gid: 5 })).toBe(-13) // dr-x------ of another user
    expect(vfs.readlink(r, '/proc/self/fd/0', root)).toBe('/proc/7/fd')
    expect(vfs.stat(r, '/proc/self/fd/0', root, AT_SYMLINK_NOFOLLOW)).toMatchObject({ uid: 0, mode: 0o120700 })
    expect(vfs.resolve(r, '/proc/self/fd/0', root)).toBe(d.inode)
    expect(calls).toBeLessThan(100)
  })
})

describe('devfs', () => {
  it('null, zero, full, urandom', () => {
    const { vfs, r } = setup()
    const open = (p: string, fl = O_RDWR): OpenFile => vfs.open(r, p, fl, 0, root) as OpenFile
    const b = new Uint8Array(4).fill(7)
    expect(open('/dev/null').read(b)).toBe(0)
    expect(open('/dev/null').write(b)).toBe(4)
    expect(open('/dev/zero').read(b)).toBe(4)
    expect([...b]).toEqual([0, 0, 0, 0])
    expect(open('/dev/full').write(b)).toBe(-Errno.ENOSPC)
    expect(open('/dev/urandom').read(b)).toBe(4)
    expect([...b]).toEqual([1, 2, 3, 4])
    expect(open('/dev/random').read(b)).toBe(4)
    expect([...b]).toEqual([5, 6, 7, 8])
    expect(vfs.readlink(r, '/dev/fd', root)).toBe('/proc/self/fd')
    expect(vfs.stat(r, '/dev/null', root)).toMatchObject({ mode: 0o20666, rdev: 0x103 })
    expect(vfs.open(r, '/dev/null', O_WRONLY, 0, { uid: 5, gid: 5 })).not.toBeTypeOf('number')
    expect(vfs.open(r, '/dev/console', O_WRONLY, 0, { uid: 5, gid: 5 })).toBe(-Errno.EACCES)
  })

  it('console and tty are the console tty', () => {
    const { vfs, r, tty } = setup()
    const c = vfs.open(r, '/dev/console', O_RDWR, 0, root) as OpenFile
    const t = vfs.open(r, '/dev/tty', O_RDWR, 0, root) as OpenFile
    tty.input(enc.encode('x\n'))
    const b = new Uint8Array(8)
    expect(t.read(b)).toBe(2)
    expect(c.ioctl(0x5413, 0, { read: () => null, write: () => true })).toBe(0)
  })

  it('/dev/kmsg: one record per read, EAGAIN at the end, EPIPE after overrun, writes add records', () => {
    const { vfs, r, kmsg } = setup()
    kmsg.append('lx: booted', 6, 1500)
    kmsg.append('second', 4, 2500000)
    const f = vfs.open(r, '/dev/kmsg', O_RDONLY | O_NONBLOCK, 0, root) as OpenFile
    const b = new Uint8Array(200)
    const rd = (): string | number => {
      const n = f.read(b)
      return typeof n === 'number' && n > 0 ? dec.decode(b.subarray(0, n)) : (n as number)
    }
    expect(rd()).toBe('6,0,1500,-;lx: booted\n')
    expect(rd()).toBe('4,1,2500000,-;second\n')
    expect(rd()).toBe(-Errno.EAGAIN)
    expect(f.read(new Uint8Array(5))).toBe(-Errno.EAGAIN)
    for (let k = 0; k < 6; k++) kmsg.append(`m${k}`, 6, 0)
    expect(rd()).toBe(-Errno.EPIPE)
    expect(rd()).toBe('6,4,0,-;m2\n')
    expect(f.read(new Uint8Array(5))).toBe(-Errno.EINVAL)
    const w = vfs.open(r, '/dev/kmsg', O_WRONLY, 0, root) as OpenFile
    expect(w.write(enc.encode('<3>oops\n'))).toBe(8)
    expect(kmsg.get(kmsg.endSeq - 1)).toMatchObject({ level: 3, text: 'oops' })
  })
})
