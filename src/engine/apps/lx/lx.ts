/**
 * lx: a Linux personality in the role of L4Linux. Each Linux process is an
 * L4 task running unmodified static aarch64 ELF code; lx's vCPU resumes
 * into it and gets its system calls (svc #0), page faults and exceptions
 * back as upcalls, along with the IRQs of its timer and console. lx decides
 * which Linux thread runs, resolves faults by mapping pages of its own
 * memory (a dataspace from moe) into the process's task, and implements
 * the system calls (syscalls/*.ts).
 *
 *   rom/lx --initrd rom/rootfs.cpio.gz --init /bin/sh [--mem 64M] [--hostname NAME]
 */
import { BaseCap, IPC_NEVER, MemRight, Proto, TIMEOUT_NEVER, VcpuF, timeoutPair, timeoutUs, aarch64Regs, newVcpuState, TrapKind, ExcClass, type Aarch64Regs, type Sys, type VcpuState } from '../../kernel/uapi'
import { factoryCreate, icuBind, irqAttach, irqTrigger, irqUnmask, vconBindIrq, vconGetAttr, mapCap, mem, runThread, startNativeThread, taskMap, threadControl, vconRead, vconWrite, vcpuControl, vcpuResume, deleteCap, invoke, setName } from '../../l4/l4sys'
import type { ProgramEnv } from '../../l4/runtime/program'
import { LxMemory } from './mm/memory'
import { Mm } from './mm/mm'
import { FdTable, LinuxThread, Process, exitedStatus, signaledStatus, stoppedStatus, CONTINUED_STATUS } from './core/process'
import { acceptElf, buildStack, mapImage } from './core/elf'
import { MAX_SCRIPT_DEPTH, parseShebang } from './core/script'
import { SigAct, defaultAction, popFrame, pushFrame, sigbit, SA_NODEFER, SA_ONSTACK, SA_RESETHAND, SA_RESTART, SA_RESTORER, SA_SIGINFO, SIGTRAMP, SIGTRAMP_ADDR, UNBLOCKABLE, type SigInfo } from './arch/aarch64/sigframe'
import { E, MapF, Nr, Prot, Sig, STACK_TOP } from './uapi'
import { WaitQueue, type Inode } from './fs/vfs/types'
import type { TtyCaller } from './fs/vfs/tty'
import { KmsgLog } from './fs/vfs/devfs'
import type { LxFiles } from './fs/files'
import { dispatch, regArg, type SyscallResult } from './arch/aarch64/syscalls'
import { cancelItimers, chargeCpu, cpuTimerWake } from './core/itimer'
import { frameStack, noAltStack, setAltStack } from './core/altstack'

const LABEL_TIMER = 1
const LABEL_CONSOLE = 2
/** Input from the host (exec's stdin), through an ICU line of the board. */
const LABEL_HOST = 3
const TICK_NS = 10_000_000
const SLICE_TICKS = 1

export interface LxOptions {
  /** CLOCK_REALTIME at boot, ns since the epoch (fixed by default, so that runs are reproducible). */
  epochNs?: number
  /** Log every system call to the kernel log (lx --strace). */
  strace?: boolean
  memBytes: number
  hostname: string
  hwcap: number
  seed: number
}

/** A timer of lx's own (sleeps, timeouts), in virtual nanoseconds. */
export interface LxTimer {
  at: number
  fire: () => void
  dead: boolean
}

export class Lx {
  readonly procs = new Map<number, Process>()
  readonly threads = new Map<number, LinuxThread>()
  readonly runq: LinuxThread[] = []
  current: LinuxThread | null = null
  nextPid = 1
  readonly vcpu: VcpuState
  memory!: LxMemory
  files!: LxFiles
  readonly timers: LxTimer[] = []
  readonly futexes = new Map<string, WaitQueue>()
  /** Threads whose blocked system call is retried when they run next. */
  readonly restartPending = new Set<LinuxThread>()
  consoleInputPending = false
  readonly pendingIrqAck: number[] = []
  /** Tasks of dead processes, deleted at the next opportunity (deletion needs IPC). */
  readonly deadTasks: number[] = []
  readonly futexWaiters = new Map<string, LinuxThread[]>()
  /** Counts of system calls by number, and of unknown ones (for --stats). */
  readonly syscallCounts = new Map<number, number>()
  readonly unknownSyscalls = new Map<number, number>()
  pageFaults = 0
  /** Kernel log (dmesg, /dev/kmsg). */
  readonly kmsgLog: KmsgLog
  /** Virtual time all Linux threads ran, for /proc/stat and uptime's idle. */
  busyNs = 0
  /** Console output waiting to be written (flushed once per upcall). */
  private consoleOut: Uint8Array[] = []
  private rngState: number
  ticksLeft = SLICE_TICKS
  needResched = false
  /** The init process's exit status, once it exited (lx then stops). */
  initExit: number | null = null
  timerDeadline = Infinity
  bootNs = 0
  /** CLOCK_REALTIME = realtimeBaseNs + virtual time. */
  realtimeBaseNs = 0
  /** When the timer thread will wake us next; a closer deadline needs a kick. */
  timerSleepsUntil = Infinity
  kickIrq = 0
  timerIrq = 0
  consIrq = 0
  hostIrq = 0

  constructor(
    readonly env: ProgramEnv,
    readonly opts: LxOptions,
  ) {
    this.vcpu = newVcpuState()
    this.rngState = opts.seed >>> 0 || 0x9e3779b9
    this.kmsgLog = new KmsgLog(1024, () => (this.now() - this.bootNs) / 1000)
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
    // Page tables, lx's own data and shared pages need some frames of their own.
    return committed + bytes <= this.memory.frames * 4096 * 0.95
  }

  /** kill(-pgrp, sig), for the tty's ^C / ^Z / ^\\ and SIGWINCH. */
  killPgrp(pgrp: number, sig: number): void {
    for (const p of this.procs.values()) if (p.pgid === pgrp && !p.zombie) this.signalProcess(p, sig, { code: 0x80 })
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

  // ------------------------------------------------------------- console

  consoleWrite(data: Uint8Array): void {
    if (data.length > 0) this.consoleOut.push(data.slice())
  }

  *flushConsole(): Generator<unknown, void, number> {
    if (this.consoleOut.length === 0) return
    const parts = this.consoleOut
    this.consoleOut = []
    let n = 0
    for (const p of parts) n += p.length
    const all = new Uint8Array(n)
    let o = 0
    for (const p of parts) {
      all.set(p, o)
      o += p.length
    }
    yield* vconWrite(this.sys, BaseCap.Log, all)
  }

  // -------------------------------------------------------------- timers

  addTimer(at: number, fire: () => void): LxTimer {
    const t: LxTimer = { at, fire, dead: false }
    this.timers.push(t)
    this.timers.sort((a, b) => a.at - b.at)
    return t
  }

  private fireTimers(): void {
    const now = this.now()
    while (this.timers.length > 0 && this.timers[0].at <= now) {
      const t = this.timers.shift()!
      if (!t.dead) t.fire()
    }
    while (this.timers.length > 0 && this.timers[0].dead) this.timers.shift()
  }

  /** When the timer thread should next wake us: the next timer, or the tick while something runs. */
  nextWake(): number {
    const t = this.timers.find((x) => !x.dead)?.at ?? Infinity
    // The tick only matters while some thread can run (it preempts); a sleeping system is tickless.
    const busy = this.runq.length > 0 || this.current?.state === 'runnable'
    const c = this.current
    const cpuTimer = c && c.state === 'runnable' ? cpuTimerWake(this, c.process) : Infinity
    return Math.min(busy ? Math.min(t, this.now() + TICK_NS) : t, cpuTimer)
  }

  // ------------------------------------------------------------ threads

  makeRunnable(t: LinuxThread): void {
    if (t.state === 'zombie') return
    t.state = 'runnable'
    if (t.blockedOn) {
      t.blockedOn.release()
      t.blockedOn = null
    }
    if (t !== this.current && !this.runq.includes(t)) this.runq.push(t)
  }

  /** Puts the current thread to sleep until `q` wakes it (or a signal does); the system call is retried then. */
  sleepOn(t: LinuxThread, nr: number, queues: WaitQueue[], deadline = Infinity): void {
    const releases = queues.map((q) => q.add(() => this.makeRunnable(t)))
    let timer: LxTimer | null = null
    if (Number.isFinite(deadline)) timer = this.addTimer(deadline, () => this.makeRunnable(t))
    t.state = 'sleeping'
    t.blockedOn = {
      nr,
      deadline,
      release: () => {
        for (const r of releases) r()
        if (timer) timer.dead = true
      },
    }
  }

  private pick(): LinuxThread | null {
    if (this.current && this.current.state === 'runnable' && !this.needResched) return this.current
    if (this.current && this.current.state === 'runnable') this.runq.push(this.current)
    this.needResched = false
    while (this.runq.length > 0) {
      const t = this.runq.shift()!
      if (t.state === 'runnable' && !t.process.stopped) return t
    }
    return this.current && this.current.state === 'runnable' ? this.current : null
  }

  /** The vCPU's registers (the running thread's while it is current); set once vcpu_control gave them. */
  regs!: Aarch64Regs

  /** Makes `t` the thread whose registers are in the vCPU. */
  private switchTo(t: LinuxThread): void {
    if (this.current === t) return
    const r = this.regs
    if (this.current && this.current.state !== 'zombie') this.current.regs = r.snapshot()
    r.restore(t.regs)
    this.current = t
    this.ticksLeft = SLICE_TICKS
  }

  // ---------------------------------------------------------------- boot

  *boot(init: { path: string; argv: string[]; envp: string[] }, root: Inode): Generator<unknown, number, number> {
    const sys = this.sys
    this.bootNs = this.now()
    this.realtimeBaseNs = (this.opts.epochNs ?? 1_767_225_600e9) - this.bootNs
    // The vCPU: its state area, and a register context from the kernel.
    let r = yield* vcpuControl(sys, BaseCap.Thread, this.vcpu)
    if (r < 0) return r
    // lx runs aarch64 programs: the board's vCPU registers must be AArch64 ones.
    const regs = aarch64Regs(this.vcpu.regs)
    if (!regs) {
      this.log('lx: the vCPU has no AArch64 registers (a board of another architecture?)')
      return -E.NOEXEC
    }
    this.regs = regs
    // The timer: a thread of ours that sleeps until lx's next deadline and then triggers our IRQ.
    const timerIrq = (this.timerIrq = this.env.slots.alloc())
    r = yield* factoryCreate(sys, BaseCap.Factory, Proto.Irq, timerIrq)
    if (r < 0) return r
    r = yield* irqAttach(sys, timerIrq, LABEL_TIMER, BaseCap.Thread)
    if (r < 0) return r
    yield* this.startTimerThread(timerIrq)
    // Console input: an IRQ that cons triggers when keys arrive.
    const consIrq = (this.consIrq = this.env.slots.alloc())
    r = yield* factoryCreate(sys, BaseCap.Factory, Proto.Irq, consIrq)
    if (r < 0) return r
    r = yield* irqAttach(sys, consIrq, LABEL_CONSOLE, BaseCap.Thread)
    if (r < 0) return r
    // Our log is a kernel Vcon (a board's own terminal: the Irq by index) or a cons
    // client (the Irq as a map item); a Vcon's bind comes first, as cons refuses it
    // without an item, where the item form could name a wrong cap to a Vcon.
    r = yield* vconBindIrq(sys, BaseCap.Log, consIrq)
    if (r < 0) {
      sys.utcb[0] = 0 // ICU bind
      sys.utcb[1] = 0
      sys.utcb[2] = 8 // map item
      sys.utcb[3] = consIrq * 4096 + (3 << 4) + 0xf
      r = yield* invoke(sys, BaseCap.Log, Proto.Irq, 2, 1)
    }
    if (r < 0) this.log(`lx: no console input (error ${r})`)
    this.log(`lx: ${(this.memory.frames * 4096) / 1048576} MiB of memory, init ${init.path}`)
    const pid = yield* this.spawnInit(init, root)
    return pid
  }

  /** Binds an Irq of ours to the board's host-input ICU line: host input then wakes lx. */
  *bindHostInput(line: number): Generator<unknown, number, number> {
    const sys = this.sys
    const slot = (this.hostIrq = this.env.slots.alloc())
    let r = yield* factoryCreate(sys, BaseCap.Factory, Proto.Irq, slot)
    if (r >= 0) r = yield* irqAttach(sys, slot, LABEL_HOST, BaseCap.Thread)
    if (r >= 0) r = yield* icuBind(sys, BaseCap.Icu, line, slot)
    return r
  }

  private *startTimerThread(timerIrq: number): Generator<unknown, void, number> {
    const sys = this.sys
    const slot = this.env.slots.alloc()
    let r = yield* factoryCreate(sys, BaseCap.Factory, Proto.Thread, slot)
    if (r >= 0) r = yield* threadControl(sys, slot, { bindTask: BaseCap.Task })
    // The timer thread's body is a generator function of its own; it reads lx's deadlines.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const lx = this
    if (r >= 0)
      r = yield* startNativeThread(sys, slot, function* (ts: Sys) {
        // Sleeps until lx's next deadline (at most a tick while anything runs), then raises lx's IRQ.
        for (;;) {
          const wake = lx.nextWake()
          const now = ts.clock()
          // Until the next deadline; forever when nothing is due (lx kicks us when that changes).
          const timeout = Number.isFinite(wake) ? timeoutPair(TIMEOUT_NEVER, timeoutUs(Math.max(1, Math.ceil((wake - now) / 1000)))) : IPC_NEVER
          lx.timerSleepsUntil = wake
          const tag = yield ts.wait(timeout)
          if (!(tag & 0x8000)) {
            // Kicked: an earlier deadline appeared.
            yield* irqUnmask(ts, lx.kickIrq)
            continue
          }
          // The deadline we slept for, not a new one: a tick or a CPU-time timer is "now + something"
          // again when computed now, and would never come (a process that never makes a system call
          // then kept the CPU from every other process of the VM).
          if (wake <= ts.clock()) yield* irqTrigger(ts, timerIrq)
        }
      })
    // The kick: an Irq bound to the timer thread, which lx triggers when a deadline moves closer.
    this.kickIrq = this.env.slots.alloc()
    if (r >= 0) r = yield* factoryCreate(sys, BaseCap.Factory, Proto.Irq, this.kickIrq)
    if (r >= 0) r = yield* irqAttach(sys, this.kickIrq, 1, slot)
    if (r >= 0) r = yield* runThread(sys, BaseCap.Scheduler, slot, 250)
    if (r < 0) this.log(`lx: no timer thread (error ${r})`)
  }

  private *spawnInit(init: { path: string; argv: string[]; envp: string[] }, root: Inode): Generator<unknown, number, number> {
    const task = yield* this.newTask()
    if (task < 0) return task
    const mm = new Mm(this.memory, task)
    const files = new FdTable()
    this.files.openConsole(files)
    const p = new Process(this.nextPid++, mm, files, root, 'init', new WaitQueue())
    p.startNs = this.now()
    const t = new LinuxThread(p.pid, p, new Uint8Array(1024))
    p.threads.push(t)
    this.procs.set(p.pid, p)
    this.threads.set(t.tid, t)
    this.switchTo(t)
    const r = yield* this.exec(t, init.path, init.argv, init.envp)
    if (r < 0) {
      this.log(`lx: cannot run ${init.path} (error ${r})`)
      return r
    }
    t.regs = this.regs.snapshot()
    return p.pid
  }

  /** A new L4 task for a process (paid from lx's factory: its kernel-memory quota). */
  *newTask(): Generator<unknown, number, number> {
    const slot = this.env.slots.alloc()
    const r = yield* factoryCreate(this.sys, BaseCap.Factory, Proto.Task, slot)
    if (r < 0) {
      this.env.slots.release(slot)
      return -E.AGAIN
    }
    return slot
  }

  /** Names a process's task for the kernel inspector, as "vm1:sh[3]". */
  *nameTask(p: Process): Generator<unknown, void, number> {
    yield* setName(this.sys, p.mm.task, `${this.opts.hostname}:${p.comm}[${p.pid}]`)
  }

  *deleteTask(slot: number): Generator<unknown, void, number> {
    yield* deleteCap(this.sys, BaseCap.Task, slot)
    this.env.slots.release(slot)
  }

  /**
   * execve: a new address space with the program's image and stack. On
   * success the thread's registers are at the entry point; on failure the
   * old image is untouched (the error returns to the caller).
   */
  *exec(t: LinuxThread, path: string, argv: string[], envp: string[]): Generator<unknown, number, number> {
    const p = t.process
    let file = this.files.readExecutable(p, path)
    if (typeof file === 'number') return file
    // A `#!` script runs its interpreter with the script's path (the name it was found
    // by, bprm->interp) in place of argv[0]; interpreters may be scripts again, as deep
    // as exec_binprm allows.
    let name = path
    for (let depth = 0; ; depth++) {
      if (depth > MAX_SCRIPT_DEPTH) return -E.LOOP
      const script = parseShebang(file.bytes)
      if (script === null) break
      if (typeof script === 'number') return script
      argv = script.arg === null ? [script.interp, name, ...argv.slice(1)] : [script.interp, script.arg, name, ...argv.slice(1)]
      name = script.interp
      // open_exec takes an empty name for the working directory, a directory: EACCES.
      file = name === '' ? -E.ACCES : this.files.readExecutable(p, name)
      if (typeof file === 'number') return file
    }
    const parsed = acceptElf(file.bytes)
    if (!parsed.ok) {
      this.log(`lx: exec ${path}: ${parsed.reason}`)
      return parsed.errno
    }
    yield* this.memory.reserve(64)
    const task = yield* this.newTask()
    if (task < 0) return task
    const mm = new Mm(this.memory, task)
    const brk = mapImage(mm, parsed.image, file.bytes, file.path)
    mm.brkBase = mm.brk = brk
    mm.insert({ start: SIGTRAMP_ADDR, end: SIGTRAMP_ADDR + 4096, prot: Prot.Read | Prot.Exec, flags: MapF.Private, file: { name: '[sigpage]', pread: (d) => (d.set(SIGTRAMP), SIGTRAMP.length) }, offset: 0, name: '[sigpage]' })
    const rnd = new Uint8Array(16)
    this.random(rnd)
    const sp = buildStack(mm, parsed.image, { argv, envp, execfn: path, random: rnd, hwcap: this.opts.hwcap, uid: p.uid, gid: p.gid })
    if (sp === null) {
      mm.releaseAll()
      yield* this.deleteTask(task)
      return -E.E2BIG
    }
    // Point of no return: the old image goes.
    const old = p.mm
    p.mm = mm
    if (--old.users === 0) {
      old.releaseAll()
      yield* this.deleteTask(old.task)
    }
    // Other threads of the group die with the old image.
    for (const other of [...p.threads]) if (other !== t) this.reapThread(other)
    p.threads.length = 0
    p.threads.push(t)
    p.files.closeOnExec()
    for (let s = 1; s <= 64; s++) if (p.actions[s].handler > 1) p.actions[s] = { handler: 0, flags: 0, restorer: 0, mask: 0n }
    t.altStack = noAltStack()
    p.comm = path.split('/').pop()!.slice(0, 15)
    p.argv = argv
    p.envp = envp
    p.exePath = file.path
    yield* this.nameTask(p)
    const r = this.regs
    r.reset()
    r.setSp(BigInt(sp))
    r.setPc(BigInt(parsed.image.entry + (parsed.image.type === 'dyn' ? 0xaaaa_aaaa_0000 : 0)))
    t.clearChildTid = 0
    if (p.vforkDone) {
      p.vforkDone()
      p.vforkDone = null
    }
    return 0
  }

  // ------------------------------------------------------------ the loop

  *run(): Generator<unknown, void, number> {
    const sys = this.sys
    const v = this.vcpu
    for (;;) {
      yield* this.memory.reserve()
      yield* this.housekeeping()
      if (this.initExit !== null) return
      const t = this.pick()
      if (!t) {
        // Idle: wait for an IRQ (timer, console) as a message.
        const tag = yield sys.wait()
        if (!(tag & 0x8000)) this.irq(sys.label)
        continue
      }
      this.switchTo(t)
      if (t.blockedOn === null && t.wakeResult === null && this.restartPending.has(t)) {
        this.restartPending.delete(t)
        yield* this.syscall(t)
        continue
      }
      if (t.wakeResult !== null) {
        this.regs.setXNum(0, t.wakeResult)
        t.wakeResult = null
      }
      if (this.deliverSignals(t)) continue
      const mm = t.process.mm
      if (mm.staleMappings.length > 0) {
        const stale = mm.staleMappings
        mm.staleMappings = []
        yield* mm.revoke(sys, stale)
      }
      // Up to 30 page mappings ride along with the resume; more go by Task::map first.
      const pend = mm.pendingMaps
      mm.pendingMaps = []
      while (pend.length > 30) {
        const [vpn, frame, rights] = pend.pop()!
        yield* taskMap(sys, mm.task, BaseCap.Task, mem(this.memory.addr(frame), 12, rights), vpn * 4096)
      }
      const maps = pend.map(([vpn, frame, rights]) => [mem(this.memory.addr(frame), 12, rights), vpn * 4096] as const)
      v.userTask = mm.task
      v.state = VcpuF.Irq | VcpuF.PageFaults | VcpuF.Exceptions | VcpuF.FpuEnabled
      const before = this.now()
      const r = yield* vcpuResume(sys, BaseCap.Thread, maps)
      const ran = this.now() - before
      t.utimeNs += ran
      this.busyNs += ran
      if (t.process.itimers[1].expiry !== 0 || t.process.itimers[2].expiry !== 0) chargeCpu(this, t.process)
      if (r < 0) {
        this.log(`lx: vcpu_resume failed (${r}); killing pid ${t.process.pid}`)
        yield* this.exitGroup(t, signaledStatus(Sig.KILL))
        continue
      }
      yield* this.upcall(t)
    }
  }


  /** What needs IPC between upcalls: console in and out, IRQ acknowledgements, dead tasks, the timer. */
  *housekeeping(): Generator<unknown, void, number> {
    yield* this.drainConsole()
    while (this.pendingIrqAck.length > 0) {
      const label = this.pendingIrqAck.pop()!
      yield* irqUnmask(this.sys, label === LABEL_TIMER ? this.timerIrq : label === LABEL_HOST ? this.hostIrq : this.consIrq)
    }
    yield* this.reapTasks()
    yield* this.flushConsole()
    if (this.nextWake() < this.timerSleepsUntil && this.kickIrq) {
      this.timerSleepsUntil = this.nextWake()
      yield* irqTrigger(this.sys, this.kickIrq)
    }
  }

  private *upcall(t: LinuxThread): Generator<unknown, void, number> {
    const trap = this.vcpu.trap
    switch (trap.kind) {
      case TrapKind.Exception:
        if (trap.excClass === ExcClass.Syscall) {
          yield* this.syscall(t)
          return
        }
        this.force(t, trap.excClass === ExcClass.Breakpoint ? Sig.TRAP : trap.excClass === ExcClass.Alignment ? Sig.BUS : Sig.ILL, trap.excClass === ExcClass.Undefined ? 1 : 0, trap.pc)
        return
      case TrapKind.PageFault: {
        this.pageFaults++
        const mm = t.process.mm
        const res = mm.fault(trap.pfa, (trap.access & 2) !== 0, (trap.access & 4) !== 0)
        if (!res.ok) this.force(t, res.signal, res.code, trap.pfa)
        return
      }
      case TrapKind.Irq:
      case TrapKind.Ipc:
        this.irq(this.vcpu.ipc.label)
        return
      default:
        return
    }
  }

  /** Timer and console IRQs. */
  irq(label: number): void {
    if (label === LABEL_TIMER) {
      this.fireTimers()
      if (--this.ticksLeft <= 0) {
        this.ticksLeft = SLICE_TICKS
        if (this.runq.length > 0) this.needResched = true
      }
      this.pendingIrqAck.push(label)
    } else if (label === LABEL_CONSOLE) {
      this.consoleInputPending = true
      this.pendingIrqAck.push(label)
    } else if (label === LABEL_HOST) {
      // The waiting readers were woken when the host delivered; the IRQ only woke us.
      this.pendingIrqAck.push(label)
    }
  }


  /** Reads the console's input (after its IRQ) into the tty. */
  *drainConsole(): Generator<unknown, void, number> {
    if (!this.consoleInputPending) return
    this.consoleInputPending = false
    for (;;) {
      const got = yield* vconRead(this.sys, BaseCap.Log, 496)
      if (typeof got === 'number' || got.length === 0) break
      this.files.consoleInput(got)
    }
    // The IRQ also says the terminal may have a new size.
    const attr = yield* vconGetAttr(this.sys, BaseCap.Log)
    if (typeof attr !== 'number') this.files.consoleSize(attr.cols, attr.rows)
  }

  // ------------------------------------------------------------ syscalls

  *syscall(t: LinuxThread): Generator<unknown, void, number> {
    const r = this.regs
    const nr = r.xNum(8)
    this.syscallCounts.set(nr, (this.syscallCounts.get(nr) ?? 0) + 1)
    const args = this.opts.strace ? [0, 1, 2, 3].map((i) => regArg(r, i)) : null
    const result: SyscallResult = yield* dispatch(this, t, nr)
    if (args) this.log(`strace ${t.process.pid}/${t.tid} ${nr}(${args.map((x) => (x > 0xffff ? '0x' + x.toString(16) : x)).join(', ')}) = ${typeof result === 'object' ? 'blocked' : result}`)
    if (result === 'noreturn') return
    if (typeof result === 'object') {
      // Blocked: the call is retried when the thread is woken.
      this.restartPending.add(t)
      // As wait_event_interruptible: no sleep with a signal the thread would take (it may
      // have come while the thread was woken and about to retry).
      if (t.state === 'sleeping' && this.signalPending(t)) this.interrupt(t)
      return
    }
    this.restartPending.delete(t)
    t.ioDone = 0
    if (result === -E.RESTARTSYS) {
      // The console raised SIGTTOU at a background caller (tty_check_change): like a call a
      // signal interrupted, it restarts after the stop, or ends in EINTR if a handler without
      // SA_RESTART runs.
      t.interruptedNr = nr
      this.regs.setXNum(0, -E.INTR)
      return
    }
    this.regs.setXNum(0, result)
  }

  /** The process of the current system call, as the console's job control sees it. */
  ttyCaller(): TtyCaller | null {
    const t = this.current
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

  // ------------------------------------------------------------- signals

  /** Sends a signal to a process (one of its threads that does not block it takes it). */
  signalProcess(p: Process, sig: number, info: Partial<SigInfo> = {}): void {
    if (sig <= 0 || sig > 64 || p.zombie) return
    if (sig === Sig.CONT) this.continueProcess(p)
    if (sig === Sig.STOP || sig === Sig.TSTP || sig === Sig.TTIN || sig === Sig.TTOU) p.pending &= ~sigbit(Sig.CONT)
    const act = p.actions[sig]
    if (act.handler === 1 && sig !== Sig.KILL && sig !== Sig.STOP) return
    if (act.handler === 0 && defaultAction(sig) === SigAct.Ignore) return
    p.pending |= sigbit(sig)
    p.pendingInfo.set(sig, { signo: sig, code: info.code ?? 0, ...info })
    // Wake a thread that can take it, interrupting its sleep.
    for (const t of p.threads) {
      if (t.state === 'zombie') continue
      if ((t.sigmask & sigbit(sig)) === 0n || sigbit(sig) & UNBLOCKABLE) {
        if (t.state === 'sleeping') this.interrupt(t, sig === Sig.KILL)
        if (sig === Sig.KILL) for (const u of p.threads) if (u.state === 'sleeping') this.interrupt(u, true)
        break
      }
    }
  }

  signalThread(t: LinuxThread, sig: number, info: Partial<SigInfo> = {}): void {
    if (sig <= 0 || sig > 64) return
    const act = t.process.actions[sig]
    if (act.handler === 0 && defaultAction(sig) === SigAct.Ignore && sig !== Sig.CONT) return
    t.pending |= sigbit(sig)
    t.process.pendingInfo.set(sig, { signo: sig, code: info.code ?? 0, ...info })
    if (t.state === 'sleeping' && ((t.sigmask & sigbit(sig)) === 0n || sigbit(sig) & UNBLOCKABLE)) this.interrupt(t, sig === Sig.KILL)
  }

  /** Has `t` a pending signal it does not block (signal_pending)? Ignored signals are never queued. */
  private signalPending(t: LinuxThread): boolean {
    return ((t.pending | t.process.pending) & (~t.sigmask | UNBLOCKABLE)) !== 0n
  }

  /**
   * A system call that a signal interrupted, when no handler runs for it
   * (the signal was ignored, continued or stopped the process), starts
   * again, as Linux restarts -ERESTARTSYS / -ERESTARTNOHAND calls; the mask
   * rt_sigsuspend replaced comes back first.
   */
  private restartInterrupted(t: LinuxThread): void {
    if (t.interruptedNr === 0) return
    const r = this.regs
    if (r.xNum(0) === 2 ** 64 - E.INTR) {
      r.setXNum(0, t.origX0)
      r.setPc(r.pc - 4n)
      if (t.savedMask !== null) {
        t.sigmask = t.savedMask
        t.savedMask = null
      }
    }
    t.interruptedNr = 0
  }

  /**
   * A sleeping thread is interrupted by a signal: its system call ends with
   * -EINTR (or restarts, SA_RESTART). A vfork parent waits on, unless the
   * signal is fatal (Linux's vfork wait is killable only): the child uses its
   * memory until it execs or exits; the signal is taken after.
   */
  private interrupt(t: LinuxThread, fatal = false): void {
    if (!fatal && t.blockedOn?.nr === Nr.clone && t.vforkChild !== 0) return
    const nr = t.blockedOn?.nr ?? 0
    this.makeRunnable(t)
    this.restartPending.delete(t)
    t.wakeResult = -E.INTR
    t.interruptedNr = nr
    if (t.ioDone > 0) {
      // A write that already moved bytes returns their count, and is not restarted (pipe_write).
      t.wakeResult = t.ioDone
      t.interruptedNr = 0
      t.ioDone = 0
    }
    t.blockedDeadline = null
    t.pollDeadline = null
    t.futexWoken = false
    for (const w of this.futexWaiters.values()) {
      const i = w.indexOf(t)
      if (i >= 0) w.splice(i, 1)
    }
  }

  /** A synchronous fault signal: delivered now; if blocked or ignored, the process dies of it. */
  force(t: LinuxThread, sig: number, code: number, addr: number): void {
    const p = t.process
    if (t.sigmask & sigbit(sig) || p.actions[sig].handler === 1) {
      p.actions[sig] = { handler: 0, flags: 0, restorer: 0, mask: 0n }
      t.sigmask &= ~sigbit(sig)
    }
    t.pending |= sigbit(sig)
    p.pendingInfo.set(sig, { signo: sig, code, addr })
  }

  private continueProcess(p: Process): void {
    p.pending &= ~(sigbit(Sig.STOP) | sigbit(Sig.TSTP) | sigbit(Sig.TTIN) | sigbit(Sig.TTOU))
    if (!p.stopped) return
    p.stopped = false
    p.stopReport = CONTINUED_STATUS
    for (const t of p.threads) if (t.state === 'stopped') this.makeRunnable(t)
    this.notifyParent(p, Sig.CONT)
  }

  /**
   * Before a thread returns to user mode: takes one unblocked pending signal
   * and acts on it — default action, or a frame for its handler. Returns
   * true when the thread no longer runs (it died or stopped).
   */
  deliverSignals(t: LinuxThread): boolean {
    const p = t.process
    for (;;) {
      const avail = (t.pending | p.pending) & (~t.sigmask | UNBLOCKABLE)
      if (avail === 0n) {
        this.restartInterrupted(t)
        return false
      }
      let sig = 1
      while (!(avail & sigbit(sig))) sig++
      if (t.pending & sigbit(sig)) t.pending &= ~sigbit(sig)
      else p.pending &= ~sigbit(sig)
      const info = p.pendingInfo.get(sig) ?? { signo: sig, code: 0 }
      const act = p.actions[sig]
      if (act.handler === 1) continue
      if (act.handler === 0) {
        const a = defaultAction(sig)
        if (a === SigAct.Ignore || a === SigAct.Cont) continue
        if (a === SigAct.Stop) {
          this.restartInterrupted(t)
          this.stopProcess(p, sig)
          return true
        }
        // Term or Core: the whole group dies of the signal.
        if (sig === Sig.SEGV || sig === Sig.BUS || sig === Sig.ILL) this.log(`lx: ${p.comm}[${p.pid}]: ${signalName(sig)} at 0x${(info.addr ?? 0).toString(16)}`)
        this.exitGroupNow(t, signaledStatus(sig, a === SigAct.Core))
        return true
      }
      // A handler: restart or fail the interrupted system call, then build the frame.
      const r = this.regs
      if (t.wakeResult === -E.INTR || r.xNum(0) === 2 ** 64 - E.INTR) {
        if (act.flags & SA_RESTART && t.interruptedNr !== 0 && t.interruptedNr !== 133 /* rt_sigsuspend never restarts */) {
          r.setXNum(0, t.origX0)
          r.setPc(r.pc - 4n)
        }
        t.interruptedNr = 0
        t.wakeResult = null
      }
      const oldMask = t.savedMask ?? t.sigmask
      t.savedMask = null
      const restorer = act.flags & SA_RESTORER ? act.restorer : SIGTRAMP_ADDR
      const stack = frameStack(t.altStack, Number(r.sp), (act.flags & SA_ONSTACK) !== 0)
      if (!pushFrame(p.mm, r, info, act.handler, restorer, oldMask, (act.flags & SA_SIGINFO) !== 0, stack)) {
        this.exitGroupNow(t, signaledStatus(Sig.SEGV, true))
        return true
      }
      t.sigmask |= act.mask | (act.flags & SA_NODEFER ? 0n : sigbit(sig))
      t.sigmask &= ~UNBLOCKABLE
      if (act.flags & SA_RESETHAND) p.actions[sig] = { handler: 0, flags: 0, restorer: 0, mask: 0n }
      return false
    }
  }

  sigreturn(t: LinuxThread): number {
    const sp = Number(this.regs.sp)
    const frame = popFrame(t.process.mm, this.regs)
    if (frame === null) {
      this.force(t, Sig.SEGV, 0, sp)
      return 0
    }
    t.sigmask = frame.mask & ~UNBLOCKABLE
    // restore_altstack: what uc_stack says, as sigaltstack from the handler's stack (an error changes nothing).
    setAltStack(t.altStack, sp, frame.ucStack)
    return this.regs.xNum(0)
  }

  private stopProcess(p: Process, sig: number): void {
    p.stopped = true
    p.stopReport = stoppedStatus(sig)
    for (const t of p.threads) if (t.state === 'runnable') {
      t.state = 'stopped'
      const i = this.runq.indexOf(t)
      if (i >= 0) this.runq.splice(i, 1)
    }
    this.notifyParent(p, sig)
  }

  /** SIGCHLD to the parent (unless it asked not to for stops) and a wakeup of its wait4. */
  notifyParent(p: Process, cause: number): void {
    const parent = p.parent
    if (!parent) return
    const stopOrCont = cause === Sig.STOP || cause === Sig.TSTP || cause === Sig.TTIN || cause === Sig.TTOU || cause === Sig.CONT
    if (!(stopOrCont && parent.actions[Sig.CHLD].flags & 1)) this.signalProcess(parent, Sig.CHLD, { pid: p.pid, code: stopOrCont ? (cause === Sig.CONT ? 6 : 5) : 1 })
    parent.childWait.wakeAll()
  }

  // ---------------------------------------------------------------- exits

  /** exit_group from a system call: kills the whole group now. */
  *exitGroup(t: LinuxThread, status: number): Generator<unknown, void, number> {
    this.exitGroupNow(t, status)
    yield* this.reapTasks()
  }


  *reapTasks(): Generator<unknown, void, number> {
    while (this.deadTasks.length > 0) yield* this.deleteTask(this.deadTasks.pop()!)
  }

  exitGroupNow(t: LinuxThread, status: number): void {
    const p = t.process
    if (p.zombie) return
    for (const th of [...p.threads]) this.reapThread(th)
    p.zombie = true
    cancelItimers(p)
    p.exitStatus = status
    p.files.users--
    if (p.files.users === 0) p.files.closeAll()
    if (--p.mm.users === 0) {
      p.mm.releaseAll()
      this.deadTasks.push(p.mm.task)
    }
    if (p.vforkDone) {
      p.vforkDone()
      p.vforkDone = null
    }
    // Children go to init.
    const init = this.procs.get(1)
    for (const c of p.children) {
      c.parent = init && init !== p ? init : null
      if (c.parent) c.parent.children.push(c)
    }
    p.children.length = 0
    if (p.pid === 1) {
      this.initExit = status
      return
    }
    this.notifyParent(p, Sig.CHLD)
    if (p.parent && (p.parent.actions[Sig.CHLD].handler === 1 || p.parent.actions[Sig.CHLD].flags & 2)) this.release(p)
  }

  /** Removes a thread from scheduling (exit, exec of another thread). */
  reapThread(th: LinuxThread): void {
    if (th.blockedOn) {
      th.blockedOn.release()
      th.blockedOn = null
    }
    th.state = 'zombie'
    const i = this.runq.indexOf(th)
    if (i >= 0) this.runq.splice(i, 1)
    this.restartPending.delete(th)
    this.threads.delete(th.tid)
    if (this.current === th) this.current = null
  }

  /** A reaped zombie leaves the process table. */
  release(p: Process): void {
    this.procs.delete(p.pid)
    const parent = p.parent
    if (parent) {
      const i = parent.children.indexOf(p)
      if (i >= 0) parent.children.splice(i, 1)
    }
  }
}

export function signalName(sig: number): string {
  const names: Record<number, string> = { 4: 'SIGILL', 5: 'SIGTRAP', 7: 'SIGBUS', 8: 'SIGFPE', 11: 'SIGSEGV' }
  return names[sig] ?? `signal ${sig}`
}

export { MemRight, STACK_TOP, exitedStatus, mapCap }
