/**
 * clone and clone3 (Linux's kernel/fork.c): a new thread of the caller's
 * process (CLONE_THREAD), or a new process that shares the address space
 * (CLONE_VM) or gets a copy-on-write copy of it in a new L4 task (fork),
 * with the file table shared (CLONE_FILES) or copied. A vfork parent sleeps
 * until the child execs or exits.
 */
import type { Lx } from '../lx'
import { LinuxThread, Process } from './process'
import { BLOCKED, type SyscallArgs, type SyscallResult } from './syscall'
import { nameTask, newTask, PROCESS_PAGES, THREAD_PAGES } from './tasks'
import type { Mm } from '../mm/mm'
import { WaitQueue } from '../fs/vfs/types'
import { CloneF, Errno } from '../uapi'

type Gen = Generator<unknown, SyscallResult, number>

/** clone(flags, stack, parent_tid, tls, child_tid): arm64's (and the generic) argument order. */
export function clone(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  return cloneThread(lx, t, a[0], a[1], a[2], a[3], a[4])
}

/** clone3(struct clone_args *, size) */
export function* clone3(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  const b = t.process.mm.read(a[0], Math.min(a[1], 88))
  if (!b || a[1] < 64) return -Errno.EINVAL
  const dv = new DataView(b.buffer)
  const q = (o: number) => dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 4294967296
  // struct clone_args: flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls.
  // The exit signal has a field of its own (clone's low byte of flags is refused here).
  if (q(0) % 256 !== 0) return -Errno.EINVAL
  const flags = q(0) + (q(32) & 0xff)
  const stack = q(40) + q(48)
  return yield* cloneThread(lx, t, flags, stack, q(24), q(56), q(16))
}

export function* cloneThread(lx: Lx, t: LinuxThread, flags: number, stack: number, ptid: number, tls: number, ctid: number): Gen {
  const p = t.process
  if (t.vforkChild) {
    // The vfork parent's retry after the child exec'ed or exited: the call returns the child's pid.
    const pid = t.vforkChild
    t.vforkChild = 0
    return pid
  }
  const exitSignal = flags & 0xff
  const thread = (flags & CloneF.Thread) !== 0
  if (thread && !(flags & CloneF.Vm && flags & CloneF.Sighand)) return -Errno.EINVAL
  yield* lx.memory.reserve(64)
  // The child's task, process and (unless it shares ours) page-table bookkeeping.
  const pages = THREAD_PAGES + (thread ? 0 : PROCESS_PAGES) + (flags & CloneF.Vm ? 0 : p.mm.bookkeepingPages())
  if (!lx.memory.charge(pages)) return -Errno.EAGAIN
  let child: Process
  const tid = lx.nextPid++
  if (thread) {
    child = p
  } else {
    let mm: Mm
    if (flags & CloneF.Vm) {
      mm = p.mm
      mm.users++
    } else {
      const task = yield* newTask(lx)
      if (task < 0) {
        lx.nextPid--
        lx.memory.uncharge(pages)
        return -Errno.EAGAIN
      }
      mm = yield* p.mm.fork(lx.sys, task)
    }
    const files = flags & CloneF.Files ? p.files : p.files.clone()
    if (flags & CloneF.Files) files.users++
    child = new Process(tid, mm, files, p.cwd, p.comm, new WaitQueue())
    child.inherit(p)
    child.startNs = lx.now()
    child.exitSignal = exitSignal
    lx.procs.set(tid, child)
    if (!(flags & CloneF.Vm)) yield* nameTask(lx, child)
  }
  // The child's registers: x0 = 0, a new stack and TLS if given.
  const ct = new LinuxThread(tid, child, lx.cpu.childRegs(stack, flags & CloneF.Settls ? tls : null))
  ct.sigmask = t.sigmask
  // A new thread of the same memory starts without the alternate stack; a forked child keeps it.
  if (!(flags & CloneF.Vm) || flags & CloneF.Vfork) ct.altStack = { ...t.altStack }
  child.threads.push(ct)
  lx.threads.set(tid, ct)
  // As kernel_clone: a parent_tid that cannot be written is not an error (the child exists by now).
  if (flags & CloneF.ParentSettid) p.mm.write(ptid, new Uint8Array(new Uint32Array([tid]).buffer))
  if (flags & CloneF.ChildSettid) child.mm.write(ctid, new Uint8Array(new Uint32Array([tid]).buffer))
  if (flags & CloneF.ChildCleartid) ct.clearChildTid = ctid
  lx.sched.makeRunnable(ct)
  if (flags & CloneF.Vfork) {
    // The parent sleeps until the child execs or exits.
    const done = new WaitQueue()
    child.vforkDone = () => done.wakeAll()
    lx.sched.sleepOn(t, [done])
    t.vforkChild = tid
    return BLOCKED
  }
  return tid
}
