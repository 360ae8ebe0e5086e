/**
 * procfs: /proc generated on open from a view of the process side
 * (ProcView), in the formats of Linux 6.1's fs/proc (array.c for stat and
 * status, meminfo.c, uptime.c, loadavg.c, stat.c), which ps, top, free,
 * uptime and busybox parse field by field.
 *
 * A file's text is produced when it is opened and read from that snapshot,
 * as seq_file does for a read that starts at offset 0.
 */
import { Errno } from './errno'
import { DirFile, SnapshotFile } from './file'
import {
  type Cred, type DirEntry, type FileSystem, type Inode, type OpenFile, type Stat, type StatFs,
  S_IFDIR, S_IFLNK, S_IFREG, DT_DIR, DT_LNK, DT_REG, O_PATH, canRead, canWrite, enc, statOf,
} from './types'

export const USER_HZ = 100
const PROC_SUPER_MAGIC = 0x9fa0

export interface ProcInfo {
  pid: number
  /** Thread group id (defaults to pid). */
  tgid?: number
  ppid: number
  pgrp: number
  session: number
  /** Device number of the controlling terminal (0: none), and its foreground group (-1: none). */
  tty: number
  tpgid: number
  comm: string
  /** R S D T t Z X I */
  state: string
  cmdline: string[]
  environ: string[]
  /** Clock ticks (USER_HZ). */
  utime: number
  stime: number
  cutime?: number
  cstime?: number
  /** Start time in ticks since boot. */
  starttime: number
  /** Virtual size in bytes. */
  vsize: number
  /** Resident pages. */
  rss: number
  threads: number
  uid: number
  gid: number
  euid?: number
  egid?: number
  groups?: number[]
  nice?: number
  umask?: number
  minflt?: number
  majflt?: number
  /** Signal masks (bit n-1 for signal n) as bigint or number. */
  sigPending?: bigint
  sigBlocked?: bigint
  sigIgnored?: bigint
  sigCaught?: bigint
  /** Sizes in kB for status (default from vsize/rss). */
  vmPeak?: number
  vmData?: number
  vmStk?: number
  vmExe?: number
  voluntaryCtxtSwitches?: number
  nonvoluntaryCtxtSwitches?: number
  cwd: string
  exe: string
  root?: string
  /**
   * Open fds: number → the path /proc/<pid>/fd/<n> links to ("pipe:[7]" for
   * pipes). Better a function: paths are then computed only when a /proc
   * file asks for them (computing them may itself look into /proc).
   */
  fds: Array<[number, string]> | (() => Array<[number, string]>)
  /** Where /proc/<pid>/fd/<n> leads when opened (a magic link: the open file's inode), if known. */
  fdInode?(fd: number): Inode | null
  /** The open file's O_* flags: the link's mode shows its access (lr-x for a read-only fd). */
  fdFlags?(fd: number): number | null
  /** The inodes /proc/<pid>/exe and cwd lead to (magic links; e.g. busybox re-executes /proc/self/exe). */
  exeInode?(): Inode | null
  cwdInode?(): Inode | null
  /** /proc/<pid>/maps text. */
  maps?(): string
  /** CPU the process last ran on. */
  processor?: number
  exitSignal?: number
}

export interface CpuTimes {
  user: number
  nice: number
  system: number
  idle: number
  iowait?: number
  irq?: number
  softirq?: number
  steal?: number
}

export interface ProcStatInfo {
  /** Per CPU, in ticks. */
  cpus: CpuTimes[]
  /** Boot time, seconds since the epoch. */
  btime: number
  /** Processes created since boot. */
  processes: number
  ctxt?: number
  procsBlocked?: number
  intr?: number
}

export interface ProcView {
  pids(): number[]
  process(pid: number): ProcInfo | null
  /** kB values by /proc/meminfo name ("MemTotal", "MemFree", "MemAvailable", "Cached", ...); absent names print 0. */
  meminfo(): Record<string, number>
  /** Seconds. */
  uptime(): { up: number; idle: number }
  cpuinfo(): string
  /** /proc/mounts text (Vfs.mountsText()). */
  mounts(): string
  /** The calling process. */
  self(): number
  /** /proc/kmsg-style log text (optional). */
  kmsg?(): string
  stat?(): ProcStatInfo
  loadavg?(): [number, number, number]
  /** /proc/version line without the newline. */
  version?(): string
  /** /proc/cmdline without the newline (lx's own command line). */
  cmdline?(): string
  /** Extra files at the top of /proc: name → text. */
  extra?(): Record<string, () => string>
}

/** The meminfo lines Linux prints, in its order. */
const MEMINFO_ORDER = [
  'MemTotal', 'MemFree', 'MemAvailable', 'Buffers', 'Cached', 'SwapCached', 'Active', 'Inactive', 'Active(anon)',
  'Inactive(anon)', 'Active(file)', 'Inactive(file)', 'Unevictable', 'Mlocked', 'SwapTotal', 'SwapFree', 'Dirty',
  'Writeback', 'AnonPages', 'Mapped', 'Shmem', 'KReclaimable', 'Slab', 'SReclaimable', 'SUnreclaim', 'KernelStack',
  'PageTables', 'NFS_Unstable', 'Bounce', 'WritebackTmp', 'CommitLimit', 'Committed_AS', 'VmallocTotal',
  'VmallocUsed', 'VmallocChunk', 'Percpu',
]

const STATE_NAMES: Record<string, string> = {
  R: 'R (running)', S: 'S (sleeping)', D: 'D (disk sleep)', T: 'T (stopped)', t: 't (tracing stop)',
  X: 'X (dead)', Z: 'Z (zombie)', P: 'P (parked)', I: 'I (idle)',
}

const hex16 = (v: bigint | number | undefined): string => BigInt(v ?? 0).toString(16).padStart(16, '0')
const dec = (v: bigint | number | undefined): string => BigInt(v ?? 0).toString()
const kb = (v: number): string => String(Math.max(0, Math.floor(v))).padStart(8)

/** /proc/<pid>/stat: 52 fields (fs/proc/array.c do_task_stat). */
export function formatStat(p: ProcInfo): string {
  const zombie = p.state === 'Z'
  const f: Array<string | number> = [
    p.pid, `(${commOf(p)})`, p.state, p.ppid, p.pgrp, p.session, p.tty, p.tpgid,
    4194304, // flags: PF_RANDOMIZE, as an ordinary user process shows
    p.minflt ?? 0, 0, p.majflt ?? 0, 0,
    p.utime, p.stime, p.cutime ?? 0, p.cstime ?? 0,
    20 + (p.nice ?? 0), p.nice ?? 0, p.threads, 0, p.starttime,
    zombie ? 0 : p.vsize, zombie ? 0 : p.rss, '18446744073709551615',
    0, 0, 0, 0, 0, // startcode endcode startstack kstkesp kstkeip (hidden, as without ptrace access)
    dec(p.sigPending), dec(p.sigBlocked), dec(p.sigIgnored), dec(p.sigCaught),
    0, 0, 0, p.exitSignal ?? 17, p.processor ?? 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
  ]
  return f.join(' ') + '\n'
}

/** /proc/<pid>/status (fs/proc/array.c proc_pid_status). */
export function formatStatus(p: ProcInfo): string {
  const euid = p.euid ?? p.uid
  const egid = p.egid ?? p.gid
  const tgid = p.tgid ?? p.pid
  const vmSize = p.vsize / 1024
  const rssKb = p.rss * 4
  const lines = [
    `Name:\t${commOf(p).replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`,
    `Umask:\t${(p.umask ?? 0o022).toString(8).padStart(4, '0')}`,
    `State:\t${STATE_NAMES[p.state] ?? `${p.state} (unknown)`}`,
    `Tgid:\t${tgid}`,
    'Ngid:\t0',
    `Pid:\t${p.pid}`,
    `PPid:\t${p.ppid}`,
    'TracerPid:\t0',
    `Uid:\t${p.uid}\t${euid}\t${euid}\t${euid}`,
    `Gid:\t${p.gid}\t${egid}\t${egid}\t${egid}`,
    `FDSize:\t${Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(1, ...fdList(p).map(([n]) => n + 1)))))}`,
    `Groups:\t${(p.groups ?? []).map((g) => `${g} `).join('')}`,
    `NStgid:\t${tgid}`,
    `NSpid:\t${p.pid}`,
    `NSpgid:\t${p.pgrp}`,
    `NSsid:\t${p.session}`,
  ]
  if (p.state !== 'Z') {
    lines.push(
      `VmPeak:\t${kb(p.vmPeak ?? vmSize)} kB`,
      `VmSize:\t${kb(vmSize)} kB`,
      `VmLck:\t${kb(0)} kB`,
      `VmPin:\t${kb(0)} kB`,
      `VmHWM:\t${kb(rssKb)} kB`,
      `VmRSS:\t${kb(rssKb)} kB`,
      `RssAnon:\t${kb(rssKb)} kB`,
      `RssFile:\t${kb(0)} kB`,
      `RssShmem:\t${kb(0)} kB`,
      `VmData:\t${kb(p.vmData ?? 0)} kB`,
      `VmStk:\t${kb(p.vmStk ?? 132)} kB`,
      `VmExe:\t${kb(p.vmExe ?? 0)} kB`,
      `VmLib:\t${kb(0)} kB`,
      `VmPTE:\t${kb(0)} kB`,
      `VmSwap:\t${kb(0)} kB`,
      `HugetlbPages:\t${kb(0)} kB`,
    )
  }
  lines.push(
    'CoreDumping:\t0',
    'THP_enabled:\t1',
    `Threads:\t${p.threads}`,
    'SigQ:\t0/15566',
    `SigPnd:\t${hex16(p.sigPending)}`,
    `ShdPnd:\t${hex16(0)}`,
    `SigBlk:\t${hex16(p.sigBlocked)}`,
    `SigIgn:\t${hex16(p.sigIgnored)}`,
    `SigCgt:\t${hex16(p.sigCaught)}`,
    `CapInh:\t${hex16(0)}`,
    `CapPrm:\t${euid === 0 ? '000001ffffffffff' : hex16(0)}`,
    `CapEff:\t${euid === 0 ? '000001ffffffffff' : hex16(0)}`,
    'CapBnd:\t000001ffffffffff',
    `CapAmb:\t${hex16(0)}`,
    'NoNewPrivs:\t0',
    'Seccomp:\t0',
    'Seccomp_filters:\t0',
    'Speculation_Store_Bypass:\tnot vulnerable',
    'SpeculationIndirectBranch:\tunknown',
    'Cpus_allowed:\t1',
    'Cpus_allowed_list:\t0',
    'Mems_allowed:\t1',
    'Mems_allowed_list:\t0',
    `voluntary_ctxt_switches:\t${p.voluntaryCtxtSwitches ?? 0}`,
    `nonvoluntary_ctxt_switches:\t${p.nonvoluntaryCtxtSwitches ?? 0}`,
  )
  return lines.join('\n') + '\n'
}

/** /proc/<pid>/statm: size resident shared text lib data dt, in pages. */
export function formatStatm(p: ProcInfo): string {
  return `${Math.floor(p.vsize / 4096)} ${p.rss} 0 ${Math.floor((p.vmExe ?? 0) / 4)} 0 ${Math.floor((p.vmData ?? 0) / 4)} 0\n`
}

export function formatMeminfo(m: Record<string, number>): string {
  const names = [...MEMINFO_ORDER, ...Object.keys(m).filter((k) => !MEMINFO_ORDER.includes(k))]
  return names.map((n) => `${(n + ':').padEnd(16)}${kb(m[n] ?? 0)} kB\n`).join('')
}

/** "%lu.%02lu %lu.%02lu": seconds with two decimals, truncated. */
export function formatUptime(u: { up: number; idle: number }): string {
  const f = (s: number): string => {
    const cs = Math.floor(Math.max(0, s) * 100)
    return `${Math.floor(cs / 100)}.${String(cs % 100).padStart(2, '0')}`
  }
  return `${f(u.up)} ${f(u.idle)}\n`
}

export function formatLoadavg(l: [number, number, number], running: number, total: number, lastPid: number): string {
  const f = (x: number): string => {
    const c = Math.round(Math.max(0, x) * 100)
    return `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`
  }
  return `${f(l[0])} ${f(l[1])} ${f(l[2])} ${running}/${total} ${lastPid}\n`
}

export function formatProcStat(s: ProcStatInfo, procsRunning: number): string {
  const line = (name: string, c: CpuTimes): string =>
    `${name} ${c.user} ${c.nice} ${c.system} ${c.idle} ${c.iowait ?? 0} ${c.irq ?? 0} ${c.softirq ?? 0} ${c.steal ?? 0} 0 0\n`
  const sum: CpuTimes = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 }
  for (const c of s.cpus) {
    sum.user += c.user
    sum.nice += c.nice
    sum.system += c.system
    sum.idle += c.idle
    sum.iowait! += c.iowait ?? 0
    sum.irq! += c.irq ?? 0
    sum.softirq! += c.softirq ?? 0
    sum.steal! += c.steal ?? 0
  }
  return (
    line('cpu ', sum) +
    s.cpus.map((c, k) => line(`cpu${k}`, c)).join('') +
    `intr ${s.intr ?? 0}\n` +
    `ctxt ${s.ctxt ?? 0}\n` +
    `btime ${Math.floor(s.btime)}\n` +
    `processes ${s.processes}\n` +
    `procs_running ${procsRunning}\n` +
    `procs_blocked ${s.procsBlocked ?? 0}\n` +
    'softirq 0 0 0 0 0 0 0 0 0 0 0\n'
  )
}

const nulJoin = (xs: string[]): string => xs.map((x) => x + '\0').join('')

const fdList = (p: ProcInfo): Array<[number, string]> => (typeof p.fds === 'function' ? p.fds() : p.fds)

/** The task's comm as Linux keeps it: at most 15 bytes (TASK_COMM_LEN 16 with the NUL). */
export function commOf(p: ProcInfo): string {
  const b = enc.encode(p.comm)
  if (b.length <= 15) return p.comm
  return new TextDecoder().decode(b.subarray(0, 15)).replace(/\uFFFD$/, '')
}

// ---------------------------------------------------------------- inodes

type Content = () => string | Uint8Array | number

/** The owner of a node: fixed, or (for /proc/<pid>/…) the process's ids when asked. */
type Owner = () => [number, number]

abstract class ProcNode implements Inode {
  nlink = 1
  rdev = 0
  atimeNs: number
  mtimeNs: number
  ctimeNs: number
  private fixedUid = 0
  private fixedGid = 0
  constructor(readonly fs: ProcFs, readonly ino: number, public mode: number, private readonly owner?: Owner) {
    this.atimeNs = this.mtimeNs = this.ctimeNs = fs.clock()
  }
  get uid(): number {
    return this.owner ? this.owner()[0] : this.fixedUid
  }
  set uid(v: number) {
    this.fixedUid = v
  }
  get gid(): number {
    return this.owner ? this.owner()[1] : this.fixedGid
  }
  set gid(v: number) {
    this.fixedGid = v
  }
  stat(): Stat {
    return statOf(this, 0, 0)
  }
  abstract open(flags: number, cred: Cred): OpenFile | number
}

class ProcFileNode extends ProcNode {
  constructor(fs: ProcFs, ino: number, mode: number, private readonly content: Content, owner?: Owner) {
    super(fs, ino, S_IFREG | mode, owner)
  }
  open(flags: number): OpenFile | number {
    const c = this.content()
    if (typeof c === 'number') return c
    return new SnapshotFile(this, flags, typeof c === 'string' ? enc.encode(c) : c)
  }
}

class ProcLinkNode extends ProcNode {
  constructor(fs: ProcFs, ino: number, private readonly target: () => string | number, owner?: Owner, mode = 0o777,
    private readonly magic?: () => Inode | null) {
    super(fs, ino, S_IFLNK | mode, owner)
  }
  open(): OpenFile | number {
    return -Errno.ELOOP
  }
  readlink(): string | number {
    return this.target()
  }
  /** A magic link (fd/N): the inode it leads to, whatever its name. */
  follow(): Inode | null {
    return this.magic ? this.magic() : null
  }
  override stat(): Stat {
    const t = this.target()
    return statOf(this, typeof t === 'string' ? enc.encode(t).length : 0, 0)
  }
}

interface Child {
  name: string
  node: () => Inode | null
}

class ProcDirNode extends ProcNode {
  constructor(fs: ProcFs, ino: number, private readonly up: () => Inode, private readonly children: () => Child[], owner?: Owner, mode = 0o555) {
    super(fs, ino, S_IFDIR | mode, owner)
    this.nlink = 2
  }
  open(flags: number): OpenFile | number {
    return new DirFile(this, flags)
  }
  parent(): Inode {
    return this.up()
  }
  lookup(name: string): Inode | number {
    const c = this.children().find((x) => x.name === name)
    const n = c ? c.node() : null
    return n ?? -Errno.ENOENT
  }
  readdir(): DirEntry[] {
    const out: DirEntry[] = []
    for (const c of this.children()) {
      const n = c.node()
      if (!n) continue
      const t = n.mode & 0o170000
      out.push({ name: c.name, ino: n.ino, type: t === S_IFDIR ? DT_DIR : t === S_IFLNK ? DT_LNK : DT_REG })
    }
    return out
  }
}

/** Inode numbers: fixed top-level entries from 2; per-pid entries from PID_BASE. */
const PID_BASE = 0x10000
const PID_SLOTS = 64
const FD_BASE = 0x40000000

export class ProcFs implements FileSystem {
  readonly type = 'proc'
  dev = 0
  readonly readOnly = false
  readonly root: ProcDirNode
  readonly clock: () => number
  private readonly top = new Map<string, Inode>()
  private readonly pidDirs = new Map<number, { dir: ProcDirNode; nodes: Map<string, Inode>; fdDir: ProcDirNode; fdNodes: Map<number, Inode> }>()
  private nextIno = 2

  constructor(private readonly view: ProcView, clock: () => number = () => 0) {
    this.clock = clock
    this.root = new ProcDirNode(this, 1, () => this.root, () => this.rootChildren())
    const file = (name: string, content: Content): void => {
      this.top.set(name, new ProcFileNode(this, this.nextIno++, 0o444, content))
    }
    file('meminfo', () => formatMeminfo(view.meminfo()))
    file('uptime', () => formatUptime(view.uptime()))
    file('cpuinfo', () => view.cpuinfo())
    file('version', () => (view.version ? view.version() : 'Linux version 6.1.0-lx (lx@l4lab) (l4lab) #1 SMP PREEMPT') + '\n')
    file('cmdline', () => (view.cmdline ? view.cmdline() : '') + '\n')
    file('filesystems', () => ['tmpfs', 'ramfs', 'proc', 'devtmpfs', 'pipefs', 'hostfs'].map((t) => `nodev\t${t}\n`).join(''))
    file('loadavg', () => {
      const infos = view.pids().map((p) => view.process(p)).filter((p): p is ProcInfo => p !== null)
      const running = infos.filter((p) => p.state === 'R').length
      const total = infos.reduce((n, p) => n + Math.max(1, p.threads), 0)
      return formatLoadavg(view.loadavg ? view.loadavg() : [0, 0, 0], running, total, Math.max(0, ...infos.map((p) => p.pid)))
    })
    file('stat', () => {
      const infos = view.pids().map((p) => view.process(p)).filter((p): p is ProcInfo => p !== null)
      const s = view.stat ? view.stat() : { cpus: [{ user: 0, nice: 0, system: 0, idle: 0 }], btime: 0, processes: infos.length }
      return formatProcStat(s, infos.filter((p) => p.state === 'R').length)
    })
    if (view.kmsg) {
      const kmsg = view.kmsg.bind(view)
      this.top.set('kmsg', new ProcFileNode(this, this.nextIno++, 0o400, () => kmsg()))
    }
    this.top.set('self', new ProcLinkNode(this, this.nextIno++, () => String(view.self())))
    this.top.set('mounts', new ProcLinkNode(this, this.nextIno++, () => 'self/mounts'))
  }

  private rootChildren(): Child[] {
    const out: Child[] = []
    const live = new Set(this.view.pids())
    for (const pid of this.pidDirs.keys()) if (!live.has(pid)) this.pidDirs.delete(pid)
    for (const [name, n] of this.top) out.push({ name, node: () => n })
    if (this.view.extra) {
      for (const [name, f] of Object.entries(this.view.extra())) {
        if (!this.top.has(name)) out.push({ name, node: () => this.extraNode(name, f) })
      }
    }
    for (const pid of live) out.push({ name: String(pid), node: () => this.pidDir(pid) })
    return out
  }

  private readonly extras = new Map<string, Inode>()
  private extraNode(name: string, f: () => string): Inode {
    let n = this.extras.get(name)
    if (!n) {
      n = new ProcFileNode(this, this.nextIno++, 0o444, () => {
        const e = this.view.extra ? this.view.extra()[name] : undefined
        return e ? e() : f()
      })
      this.extras.set(name, n)
    }
    return n
  }

  /** /proc/<pid>, cached while the process exists (so a cwd there stays the same inode). */
  private pidDir(pid: number): Inode | null {
    // Existence by pids(): process() may be costly, and may itself resolve paths in /proc.
    const live = this.view.pids()
    if (!live.includes(pid)) {
      this.pidDirs.delete(pid)
      return null
    }
    let e = this.pidDirs.get(pid)
    if (!e) {
      // Forget the directories of processes that are gone (many short-lived ones may pass by).
      if (this.pidDirs.size >= 64 && this.pidDirs.size >= 2 * live.length) {
        const alive = new Set(live)
        for (const old of this.pidDirs.keys()) if (!alive.has(old)) this.pidDirs.delete(old)
      }
      const base = PID_BASE + (pid % 0x8000) * PID_SLOTS
      const p = (): ProcInfo | null => this.view.process(pid)
      const nodes = new Map<string, Inode>()
      const fdNodes = new Map<number, Inode>()
      let k = 1
      const owner: Owner = () => {
        const x = p()
        return x ? [x.euid ?? x.uid, x.egid ?? x.gid] : [0, 0]
      }
      const file = (name: string, mode: number, content: (x: ProcInfo) => string | Uint8Array): void => {
        nodes.set(name, new ProcFileNode(this, base + k++, mode, () => {
          const x = p()
          return x ? content(x) : -Errno.ESRCH
        }, owner))
      }
      const link = (name: string, target: (x: ProcInfo) => string, magic?: (x: ProcInfo) => Inode | null): void => {
        nodes.set(name, new ProcLinkNode(this, base + k++, () => {
          const x = p()
          return x ? target(x) : -Errno.ENOENT
        }, owner, 0o777, magic ? () => {
          const x = p()
          return x ? magic(x) : null
        } : undefined))
      }
      file('stat', 0o444, formatStat)
      file('status', 0o444, formatStatus)
      file('statm', 0o444, formatStatm)
      file('cmdline', 0o444, (x) => (x.state === 'Z' ? '' : nulJoin(x.cmdline)))
      file('comm', 0o644, (x) => commOf(x) + '\n')
      file('environ', 0o400, (x) => (x.state === 'Z' ? '' : nulJoin(x.environ)))
      file('maps', 0o444, (x) => (x.maps ? x.maps() : ''))
      file('mounts', 0o444, () => this.view.mounts())
      link('cwd', (x) => x.cwd, (x) => (x.cwdInode ? x.cwdInode() : null))
      link('exe', (x) => x.exe, (x) => (x.exeInode ? x.exeInode() : null))
      link('root', (x) => x.root ?? '/')
      const dirRef: { d: ProcDirNode | null } = { d: null }
      const fdDir = new ProcDirNode(this, base + k++, () => dirRef.d!, () => {
        const x = p()
        if (!x) return []
        return fdList(x).map(([fd]) => ({ name: String(fd), node: () => this.fdNode(pid, fd, fdNodes, owner) }))
      }, owner, 0o500)
      nodes.set('fd', fdDir)
      const dir = new ProcDirNode(this, base, () => this.root, () => [...nodes].map(([name, n]) => ({ name, node: () => n })), owner)
      dirRef.d = dir
      e = { dir, nodes, fdDir, fdNodes }
      this.pidDirs.set(pid, e)
    }
    return e.dir
  }

  private fdNode(pid: number, fd: number, cache: Map<number, Inode>, owner: Owner): Inode | null {
    const x = this.view.process(pid)
    if (!x || !fdList(x).some(([n]) => n === fd)) return null
    let n = cache.get(fd)
    if (!n) {
      n = new ProcLinkNode(this, FD_BASE + ((pid % 0x8000) << 12) + (fd & 0xfff), () => {
        const y = this.view.process(pid)
        const e = y ? fdList(y).find(([m]) => m === fd) : undefined
        return e ? e[1] : -Errno.ENOENT
      }, owner, 0o700, () => {
        const y = this.view.process(pid)
        return y?.fdInode ? y.fdInode(fd) : null
      })
      cache.set(fd, n)
    }
    // As tid_fd_update_inode: r-x for reading, -wx for writing, on every lookup (fds change).
    const flags = x.fdFlags ? x.fdFlags(fd) : null
    if (flags !== null) n.mode = S_IFLNK | (flags & O_PATH ? 0 : (canRead(flags) ? 0o500 : 0) | (canWrite(flags) ? 0o300 : 0))
    return n
  }

  statfs(): StatFs {
    return { type: PROC_SUPER_MAGIC, bsize: 4096, frsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, namelen: 255, flags: 0 }
  }
}
