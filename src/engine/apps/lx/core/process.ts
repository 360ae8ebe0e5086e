/**
 * Linux processes and threads as lx keeps them. A process (thread group)
 * owns an address space (an L4 task), a file table, signal handlers,
 * credentials and its place in the process tree; a thread has registers, a
 * signal mask and pending signals. Only one thread of lx runs guest code at
 * a time, on lx's vCPU.
 */
import type { OpenFile, Inode } from '../fs/vfs/types'
import type { Mm } from '../mm/mm'
import type { WaitQueue } from '../fs/vfs/types'
import { NSIG } from '../uapi'
import type { SigInfo } from '../arch/aarch64/sigframe'
import { newItimer, type Itimer } from './itimer'
import { noAltStack, type AltStack } from './altstack'

export interface SigAction {
  /** 0 = SIG_DFL, 1 = SIG_IGN, else the handler's address. */
  handler: number
  flags: number
  restorer: number
  /** Bits 1..64 of sa_mask, as a bigint (64 signals). */
  mask: bigint
}

export class FdTable {
  readonly fds = new Map<number, { file: OpenFile; cloexec: boolean }>()
  /** How many tables share this one (CLONE_FILES). */
  users = 1

  get(fd: number): OpenFile | undefined {
    return this.fds.get(fd)?.file
  }

  /** The lowest free descriptor ≥ `from`, or -1 past the limit. */
  lowest(from = 0, limit = 1024): number {
    for (let fd = from; fd < limit; fd++) if (!this.fds.has(fd)) return fd
    return -1
  }

  install(fd: number, file: OpenFile, cloexec: boolean): void {
    const old = this.fds.get(fd)
    this.fds.set(fd, { file, cloexec })
    ref(file)
    if (old) unref(old.file)
  }

  close(fd: number): boolean {
    const e = this.fds.get(fd)
    if (!e) return false
    this.fds.delete(fd)
    unref(e.file)
    return true
  }

  clone(): FdTable {
    const t = new FdTable()
    for (const [fd, e] of this.fds) t.install(fd, e.file, e.cloexec)
    return t
  }

  closeOnExec(): void {
    for (const [fd, e] of [...this.fds]) if (e.cloexec) this.close(fd)
  }

  closeAll(): void {
    for (const fd of [...this.fds.keys()]) this.close(fd)
  }
}

/** Open file descriptions are shared by dup and fork; the last close closes. */
const openCount = new WeakMap<OpenFile, number>()
export function ref(f: OpenFile): void {
  openCount.set(f, (openCount.get(f) ?? 0) + 1)
}
export function unref(f: OpenFile): void {
  const n = (openCount.get(f) ?? 1) - 1
  if (n <= 0) {
    openCount.delete(f)
    f.close()
  } else openCount.set(f, n)
}

export type ThreadState = 'runnable' | 'sleeping' | 'stopped' | 'zombie'

export class LinuxThread {
  state: ThreadState = 'runnable'
  /** Saved registers (a CPU context snapshot) while not on the vCPU. */
  regs: Uint8Array
  sigmask = 0n
  pending = 0n
  /** set_tid_address / CLONE_CHILD_CLEARTID. */
  clearChildTid = 0
  /** What to do when woken: retry the system call that blocked. */
  blockedOn: { nr: number; release: () => void; deadline: number } | null = null
  /** rt_sigsuspend / ppoll with a mask: the mask to restore after the handler. */
  savedMask: bigint | null = null
  /** The result for the system call that completes when the thread next runs (a wakeup with a value). */
  wakeResult: number | null = null
  utimeNs = 0
  stimeNs = 0
  /** sigaltstack's alternate signal stack (altstack.ts). */
  altStack: AltStack = noAltStack()
  /** x0 at system call entry, for SA_RESTART. */
  origX0 = 0
  /** The system call a signal interrupted (0: none). */
  interruptedNr = 0
  /** The deadline of a sleep in progress (nanosleep, futex timeouts), across its retries. */
  blockedDeadline: number | null = null
  /** ppoll/pselect6 timeout in progress. */
  pollDeadline: number | null = null
  /** Bytes a blocking write has already written, kept across its retries (see rw.ts). */
  ioDone = 0
  /** A futex wake reached this thread. */
  futexWoken = false
  /** vfork: the child the parent waits for (its pid is the result). */
  vforkChild = 0

  constructor(
    readonly tid: number,
    public process: Process,
    regs: Uint8Array,
  ) {
    this.regs = regs
  }
}

export class Process {
  readonly threads: LinuxThread[] = []
  parent: Process | null = null
  readonly children: Process[] = []
  pgid: number
  sid: number
  uid = 0
  gid = 0
  umask = 0o022
  /** setpriority's nice value, -20..19 (priority.ts). */
  nice = 0
  cwd: Inode
  cwdPath = '/'
  comm: string
  argv: string[] = []
  envp: string[] = []
  exePath = ''
  readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, () => ({ handler: 0, flags: 0, restorer: 0, mask: 0n }))
  /** Process-directed pending signals. */
  pending = 0n
  /** What each pending signal carries (sender, fault address…). */
  readonly pendingInfo = new Map<number, SigInfo>()
  /** The signal the parent gets when this process ends (clone's exit signal). */
  exitSignal = 17
  /** Exit status as wait4 reports it (set when a zombie). */
  exitStatus = 0
  zombie = false
  /** A stop or continue to report to the parent once (WUNTRACED / WCONTINUED). */
  stopReport: number | null = null
  stopped = false
  /** Waiters for a child state change (wait4). */
  readonly childWait: WaitQueue
  /** The vfork parent waits until exec or exit. */
  vforkDone: (() => void) | null = null
  startNs = 0
  /** setitimer's ITIMER_REAL, ITIMER_VIRTUAL and ITIMER_PROF (itimer.ts); fork clears them, execve keeps them. */
  readonly itimers: Itimer[] = [newItimer(), newItimer(), newItimer()]
  /** Accumulated times of reaped children (for times() and /proc). */
  cutimeNs = 0
  cstimeNs = 0
  /** The L4 task capability slot of its address space lives in mm.task. */
  constructor(
    readonly pid: number,
    public mm: Mm,
    public files: FdTable,
    cwd: Inode,
    comm: string,
    childWait: WaitQueue,
  ) {
    this.pgid = pid
    this.sid = pid
    this.cwd = cwd
    this.comm = comm
    this.childWait = childWait
  }

  get mainThread(): LinuxThread | undefined {
    return this.threads[0]
  }
}

/** wait status words. */
export function exitedStatus(code: number): number {
  return (code & 0xff) << 8
}
export function signaledStatus(sig: number, core = false): number {
  return (sig & 0x7f) | (core ? 0x80 : 0)
}
export function stoppedStatus(sig: number): number {
  return ((sig & 0xff) << 8) | 0x7f
}
export const CONTINUED_STATUS = 0xffff
