/**
 * The system call path: an svc upcall → the architecture's table (number →
 * entry, arch/<arch>/syscalls.ts, as xv6's syscalls[] or Linux's
 * sys_call_table) → a handler in core/, mm/ or fs/ → the result register.
 *
 * A handler gets the six argument registers already decoded to numbers
 * (`SyscallArgs`, filled in place: a call allocates no argument vector) and
 * returns
 * - a number: the result (a negative errno on failure);
 * - BLOCKED: the thread sleeps (the handler put it on wait queues); the
 *   call is made again from the start when the thread is woken, or ends in
 *   -EINTR / restarts when a signal comes first;
 * - 'noreturn': the registers are as the call left them (execve,
 *   rt_sigreturn, exit).
 * Handlers that need IPC to the kernel (memory, tasks) are generators and
 * marked `yielding` in the table; the others are plain functions, called
 * without a generator.
 *
 * A number without an entry returns -ENOSYS and is counted (`l4lab exec
 * --stats`); calls glibc merely probes have entries that answer ENOSYS
 * without counting.
 */
import type { Lx } from '../lx'
import type { LinuxThread } from './process'
import { Errno } from '../uapi'
import { signalPending, interrupt } from './signals'

/** x0–x5 (or the architecture's argument registers) as numbers; valid during the call only. */
export type SyscallArgs = readonly number[]

/** The thread sleeps; its call is made again when it is woken. */
export const BLOCKED: { readonly block: true } = Object.freeze({ block: true })

export type SyscallResult = number | typeof BLOCKED | 'noreturn'

type Handler<R> = (lx: Lx, t: LinuxThread, a: SyscallArgs) => R

export type SyscallEntry =
  | { readonly yields: false; readonly run: Handler<SyscallResult> }
  | { readonly yields: true; readonly run: Handler<Generator<unknown, SyscallResult, number>> }

/** A handler that answers without IPC. */
export function call(run: Handler<SyscallResult>): SyscallEntry {
  return { yields: false, run }
}

/** A handler that may yield to the kernel (a generator). */
export function yielding(run: Handler<Generator<unknown, SyscallResult, number>>): SyscallEntry {
  return { yields: true, run }
}

/** Known calls lx does not implement: ENOSYS without counting them as unknown (glibc probes rseq, memfd_create…). */
export const unimplemented: SyscallEntry = call(() => -Errno.ENOSYS)

/** System call number → entry; numbers without one are unknown. */
export type SyscallTable = readonly (SyscallEntry | undefined)[]

/**
 * An architecture's table: each call of `calls` at its number in `numbers`
 * (the arch's unistd.ts). A call the arch does not number, or two at one
 * number, is a mistake in the table: thrown when lx loads.
 */
export function numberedTable(numbers: Readonly<Record<string, number>>, calls: Readonly<Record<string, SyscallEntry>>): SyscallTable {
  const table: (SyscallEntry | undefined)[] = []
  for (const [name, entry] of Object.entries(calls)) {
    const nr = numbers[name]
    if (nr === undefined) throw new Error(`lx: the system call table names ${name}, which has no number here`)
    if (table[nr] !== undefined) throw new Error(`lx: two system calls at number ${nr} (${name})`)
    table[nr] = entry
  }
  return table
}


/** A 64-bit argument as a C int (pid_t, fd, flags): its low 32 bits, signed. */
export const int = (v: number): number => v % 4294967296 | 0

/** Runs the system call the current thread `t` made (its registers are on the vCPU). */
export function* syscall(lx: Lx, t: LinuxThread): Generator<unknown, void, number> {
  const cpu = lx.cpu
  const nr = cpu.syscallNr()
  lx.syscalls++
  lx.syscallCounts.set(nr, (lx.syscallCounts.get(nr) ?? 0) + 1)
  const a = lx.syscallArgs
  cpu.readArgs(a)
  const traced = lx.opts.strace ? a.slice(0, 4) : null
  t.origArg0 = a[0]
  t.origNr = nr
  const entry = lx.arch.syscalls[nr]
  let result: SyscallResult
  if (entry === undefined) {
    lx.unknownSyscalls.set(nr, (lx.unknownSyscalls.get(nr) ?? 0) + 1)
    result = -Errno.ENOSYS
  } else result = entry.yields ? yield* entry.run(lx, t, a) : entry.run(lx, t, a)
  if (traced) lx.log(`strace ${t.process.pid}/${t.tid} ${nr}(${traced.map((x) => (x > 0xffff ? '0x' + x.toString(16) : x)).join(', ')}) = ${typeof result === 'object' ? 'blocked' : result}`)
  if (result === 'noreturn') return
  if (typeof result === 'object') {
    // Blocked: the call is retried when the thread is woken.
    lx.restartPending.add(t)
    // As wait_event_interruptible: no sleep with a signal the thread would take (it may
    // have come while the thread was woken and about to retry).
    if (t.state === 'sleeping' && signalPending(t)) interrupt(lx, t)
    return
  }
  lx.restartPending.delete(t)
  t.ioDone = 0
  if (result === -Errno.ERESTARTSYS) {
    // The console raised SIGTTOU at a background caller (tty_check_change): like a call a
    // signal interrupted, it restarts after the stop, or ends in EINTR if a handler without
    // SA_RESTART runs.
    t.interrupted = 'sys'
    cpu.setReturn(-Errno.EINTR)
    return
  }
  cpu.setReturn(result)
}
