/**
 * Linux processes and threads as lx keeps them. A process (thread group)
 * owns an address space (an L4 task), a file table, signal handlers,
 * credentials and its place in the process tree; a thread has registers, a
 * signal mask and pending signals. Only one thread of lx runs guest code at
 * a time, on lx's vCPU.
 */
import type { Inode, WaitQueue } from '../fs/vfs/types'
import type { FdTable } from '../fs/fdtable'
import type { Mm } from '../mm/mm'
import { NSIG } from '../uapi'
import { defaultSigAction, type SigAction, type SigInfo } from './signal-defs'
import { newItimer, type Itimer } from './itimer'
import { noAltStack, type AltStack } from './altstack'

export type ThreadState = 'runnable' | 'sleeping' | 'stopped' | 'zombie'

/**
 * How a system call a signal interrupted goes on when no handler runs, or
 * one does (Linux's -ERESTARTSYS and -ERESTARTNOHAND): 'sys' restarts
 * unless a handler without SA_RESTART runs; 'nohand' restarts only when no
 * handler runs (rt_sigsuspend).
 */
export type Restart = 'sys' | 'nohand'

export class LinuxThread {
  state: ThreadState = 'runnable'
  /** Saved registers (a CPU context snapshot) while not on the vCPU. */
  regs: Uint8Array
  sigmask = 0n
  pending = 0n
  /** set_tid_address / CLONE_CHILD_CLEARTID. */
  clearChildTid = 0
  /** The sleep of a blocked system call (retried when woken): how it ends, and how it restarts after a signal. */
  blockedOn: { restart: Restart; release: () => void; deadline: number } | null = null
  /** rt_sigsuspend / ppoll with a mask: the mask to restore after the handler. */
  savedMask: bigint | null = null
  /** The result for the system call that completes when the thread next runs (a wakeup with a value). */
  wakeResult: number | null = null
  utimeNs = 0
  stimeNs = 0
  /** sigaltstack's alternate signal stack (altstack.ts). */
  altStack: AltStack = noAltStack()
  /** The first argument register at system call entry (arm64's orig_x0), for restarts. */
  origArg0 = 0
  /** The system call's number (x86-64's orig_ax: RAX holds the result by then), for restarts. */
  origNr = 0
  /** The system call a signal interrupted, by how it restarts (null: none). */
  interrupted: Restart | null = null
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
  readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, defaultSigAction)
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

  /** fork: the child (this) becomes `parent`'s, with its ids, group, session, umask, nice value, command line and signal actions. */
  inherit(parent: Process): void {
    this.parent = parent
    parent.children.push(this)
    this.cwdPath = parent.cwdPath
    this.pgid = parent.pgid
    this.sid = parent.sid
    this.uid = parent.uid
    this.gid = parent.gid
    this.umask = parent.umask
    this.nice = parent.nice
    this.argv = parent.argv
    this.envp = parent.envp
    this.exePath = parent.exePath
    for (let s = 1; s <= NSIG; s++) this.actions[s] = { ...parent.actions[s] }
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
