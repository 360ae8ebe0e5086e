/**
 * lx: a Linux personality in the role of L4Linux. Each Linux process is an
 * L4 task running unmodified static ELF code of lx's architecture; lx's
 * vCPU resumes into it and gets its system calls, page faults and
 * exceptions back as upcalls, along with the IRQs of its timer and console.
 * lx decides which Linux thread runs, resolves faults by mapping pages of
 * its own memory (a dataspace from moe) into the process's task, and
 * implements the system calls.
 *
 *   rom/lx --initrd rom/rootfs.cpio.gz --init /bin/sh [--mem 64M] [--hostname NAME]
 *
 * This class is the state one lx instance (one VM) holds and the parts
 * that work on it; each concern is a module of its own:
 * - core/boot.ts, core/loop.ts: start-up, and the vCPU loop with its upcalls;
 * - core/sched.ts: the run queue and switching threads on the vCPU;
 * - core/timers.ts: lx's timers and the timer thread;
 * - core/signals.ts: signal delivery; core/exec.ts, core/fork.ts,
 *   core/exit.ts: programs and the process tree;
 * - core/syscall.ts and arch/<arch>/syscalls.ts: the system call path and table;
 * - mm/: memory; fs/: files, the console, the VFS.
 */
import { newVcpuState, type Sys, type VcpuState } from '../../kernel/uapi'
import type { ProgramEnv } from '../../l4/runtime/program'
import type { LxArch, LxCpu } from './arch/arch'
import type { LxMemory } from './mm/memory'
import type { Mm } from './mm/mm'
import type { LinuxThread, Process } from './core/process'
import { Scheduler } from './core/sched'
import { LxTimers } from './core/timers'
import { Futexes } from './core/futex'
import { sigbit } from './core/signal-defs'
import type { LxFiles } from './fs/files'
import { LogConsole } from './fs/console'
import { KmsgLog } from './fs/vfs/devfs'
import type { TtyCaller } from './fs/vfs/tty'
import type { LxDisplay } from './fs/display'

export interface LxOptions {
  /** CLOCK_REALTIME at boot, ns since the epoch (fixed by default, so that runs are reproducible). */
  epochNs?: number
  /** Log every system call to the kernel log (lx --strace). */
  strace?: boolean
  memBytes: number
  hostname: string
  seed: number
}

export class Lx {
  readonly procs = new Map<number, Process>()
  readonly threads = new Map<number, LinuxThread>()
  nextPid = 1
  readonly vcpu: VcpuState
  /** The vCPU's registers as lx's architecture has them; bound at boot. */
  cpu!: LxCpu
  memory!: LxMemory
  files!: LxFiles
  readonly sched: Scheduler
  readonly timers: LxTimers
  readonly console: LogConsole
  readonly futexes = new Futexes()
  /** Threads whose blocked system call is retried when they run next. */
  readonly restartPending = new Set<LinuxThread>()
  /** The argument registers of the current system call, decoded in place (core/syscall.ts). */
  readonly syscallArgs: number[] = [0, 0, 0, 0, 0, 0]
  /** Labels of IRQs to acknowledge (unmask) at the next housekeeping (core/loop.ts). */
  readonly pendingIrqAck: number[] = []
  /** The Irq bound to the board's host-input line (`l4lab exec`'s stdin). */
  hostIrq = 0
  /** The Irq the lab raises when it delivers display input (--fb), and the display. */
  inputIrq = 0
  display: LxDisplay | null = null
  /** Tasks of dead processes, deleted at the next opportunity (deletion needs IPC). */
  readonly deadTasks: number[] = []
  /** Counts of system calls by number, and of unknown ones (for --stats). */
  readonly syscallCounts = new Map<number, number>()
  readonly unknownSyscalls = new Map<number, number>()
  pageFaults = 0
  /** System calls and IRQ upcalls (timer, console, host input) since start, for the lab's graphs. */
  syscalls = 0
  irqs = 0
  /** Kernel log (dmesg, /dev/kmsg). */
  readonly kmsgLog: KmsgLog
  /** Virtual time all Linux threads ran, for /proc/stat and uptime's idle. */
  busyNs = 0
  private rngState: number
  /** read()'s buffer (fs/rw.ts readInto) and the view of it last handed out. */
  private readBuf = new Uint8Array(0)
  private readView = new Uint8Array(0)
  /** The init process's exit status, once it exited (lx then stops). */
  initExit: number | null = null
  bootNs = 0
  /** CLOCK_REALTIME = realtimeBaseNs + virtual time. */
  realtimeBaseNs = 0

  constructor(
    readonly env: ProgramEnv,
    readonly opts: LxOptions,
    readonly arch: LxArch,
  ) {
    this.vcpu = newVcpuState()
    this.rngState = opts.seed >>> 0 || 0x9e3779b9
    this.kmsgLog = new KmsgLog(1024, () => (this.now() - this.bootNs) / 1000)
    this.sched = new Scheduler(this)
    this.timers = new LxTimers(this)
    this.console = new LogConsole(this)
  }

  get sys(): Sys {
    return this.env.sys
  }

  now(): number {
    return this.sys.clock()
  }

  log(msg: string): void {
    this.kmsgLog.append(msg)
  }

  /**
   * Whether `bytes` more of private writable memory fit: lx commits memory
   * strictly (as Linux with overcommit_memory=2), so that a program asking
   * for more than the VM has gets ENOMEM from mmap or brk, instead of a
   * signal later when it touches the memory.
   */
  canCommit(bytes: number): boolean {
    const seen = new Set<Mm>()
    let committed = 0
    for (const p of this.procs.values()) {
      if (p.zombie || seen.has(p.mm)) continue
      seen.add(p.mm)
      committed += p.mm.committed
    }
    // lx's own data (files, pipes, bookkeeping) is charged; shared pages and slack need some frames of their own.
    return committed + bytes <= (this.memory.frames * 0.95 - this.memory.charged) * 4096
  }

  /**
   * A buffer of `n` bytes for read() to fill, reused from call to call: the
   * same size again (a program reading 4 KiB at a time) allocates nothing.
   * Valid until the next call.
   */
  readBuffer(n: number): Uint8Array {
    if (this.readView.length === n) return this.readView
    if (this.readBuf.length < n) this.readBuf = new Uint8Array(Math.max(n, Math.min(2 * this.readBuf.length, 1 << 20)))
    this.readView = this.readBuf.subarray(0, n)
    return this.readView
  }

  /** Deterministic random bytes (getrandom, AT_RANDOM, /dev/urandom): xorshift from the run's seed. */
  random(buf: Uint8Array): void {
    let x = this.rngState
    for (let i = 0; i < buf.length; i++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      buf[i] = x & 0xff
    }
    this.rngState = x >>> 0
  }

  /** The process of the current system call, as the console's job control sees it. */
  ttyCaller(): TtyCaller | null {
    const t = this.sched.current
    if (!t) return null
    const p = t.process
    return {
      pgrp: p.pgid,
      sid: p.sid,
      ignored: (sig) => (t.sigmask & sigbit(sig)) !== 0n || p.actions[sig].handler === 1,
      orphaned: this.orphanedGroup(p.pgid, p.sid),
    }
  }

  /** POSIX: a group is orphaned when no member has a parent in another group of the same session. */
  private orphanedGroup(pgid: number, sid: number): boolean {
    for (const q of this.procs.values()) {
      if (q.pgid !== pgid || q.zombie) continue
      const parent = q.parent
      if (parent && !parent.zombie && parent.pgid !== pgid && parent.sid === sid) return false
    }
    return true
  }
}
