/**
 * How threads and processes end, and how parents learn of it (Linux's
 * kernel/exit.c): exit and exit_group, zombies, re-parenting to init,
 * wait4 and waitid. A process whose last user of its address space is gone
 * leaves its L4 task to be deleted at the next opportunity (core/tasks.ts).
 */
import type { Lx } from '../lx'
import { exitedStatus, type LinuxThread, type Process } from './process'
import { BLOCKED, int, type SyscallArgs, type SyscallResult } from './syscall'
import { notifyParent } from './signals'
import { cancelItimers } from './itimer'
import { futexWake } from './futex'
import { PROCESS_PAGES, reapTasks, THREAD_PAGES } from './tasks'
import { Errno, Sig, Wait } from '../uapi'

/** exit_group from a system call: kills the whole group now. */
export function* exitGroup(lx: Lx, t: LinuxThread, status: number): Generator<unknown, void, number> {
  exitGroupNow(lx, t, status)
  yield* reapTasks(lx)
}

/** The group of `t` ends with `status`: its threads go, it becomes a zombie for its parent (or init) to reap. */
export function exitGroupNow(lx: Lx, t: LinuxThread, status: number): void {
  const p = t.process
  if (p.zombie) return
  for (const th of [...p.threads]) reapThread(lx, th)
  p.zombie = true
  cancelItimers(p)
  p.exitStatus = status
  p.files.users--
  if (p.files.users === 0) p.files.closeAll()
  if (--p.mm.users === 0) {
    p.mm.releaseAll()
    lx.deadTasks.push(p.mm.task)
  }
  if (p.vforkDone) {
    p.vforkDone()
    p.vforkDone = null
  }
  // Children go to init.
  const init = lx.procs.get(1)
  for (const c of p.children) {
    c.parent = init && init !== p ? init : null
    if (c.parent) c.parent.children.push(c)
  }
  p.children.length = 0
  if (p.pid === 1) {
    lx.initExit = status
    return
  }
  notifyParent(lx, p, Sig.CHLD)
  if (p.parent && (p.parent.actions[Sig.CHLD].handler === 1 || p.parent.actions[Sig.CHLD].flags & 2)) release(lx, p)
}

/** Removes a thread from scheduling (exit, exec of another thread). */
export function reapThread(lx: Lx, th: LinuxThread): void {
  if (th.blockedOn) {
    th.blockedOn.release()
    th.blockedOn = null
  }
  th.state = 'zombie'
  lx.sched.dequeue(th)
  lx.restartPending.delete(th)
  if (lx.threads.delete(th.tid)) lx.memory.uncharge(THREAD_PAGES)
  if (lx.sched.current === th) lx.sched.current = null
}

/** A reaped zombie leaves the process table. */
export function release(lx: Lx, p: Process): void {
  if (lx.procs.delete(p.pid)) lx.memory.uncharge(PROCESS_PAGES)
  const parent = p.parent
  if (parent) {
    const i = parent.children.indexOf(p)
    if (i >= 0) parent.children.splice(i, 1)
  }
}

/** exit(code): this thread ends; the last one ends the group. */
export function* exit(lx: Lx, t: LinuxThread, a: SyscallArgs): Generator<unknown, SyscallResult, number> {
  const p = t.process
  if (t.clearChildTid) {
    p.mm.write(t.clearChildTid, new Uint8Array(4))
    futexWake(lx, p, t.clearChildTid, 1)
  }
  const live = p.threads.filter((x) => x.state !== 'zombie')
  if (live.length <= 1) {
    yield* exitGroup(lx, t, exitedStatus(int(a[0])))
    return 'noreturn'
  }
  reapThread(lx, t)
  p.threads.splice(p.threads.indexOf(t), 1)
  return 'noreturn'
}

/** exit_group(code) */
export function* exit_group(lx: Lx, t: LinuxThread, a: SyscallArgs): Generator<unknown, SyscallResult, number> {
  yield* exitGroup(lx, t, exitedStatus(int(a[0])))
  return 'noreturn'
}

/** Does wait's `pid` (> 0 one child, 0 the caller's group, < -1 group -pid, -1 any) name child `p`? */
function collectable(p: Process, pid: number, caller: Process): boolean {
  if (pid > 0) return p.pid === pid
  if (pid === 0) return p.pgid === caller.pgid
  if (pid < -1) return p.pgid === -pid
  return true
}

/** wait4(pid, wstatus, options, rusage) */
export function wait4(lx: Lx, t: LinuxThread, a: SyscallArgs): SyscallResult {
  const pid = int(a[0])
  const wstatus = a[1]
  const options = int(a[2])
  const rusage = a[3]
  const p = t.process
  const kids = p.children.filter((c) => collectable(c, pid, p))
  if (kids.length === 0) return -Errno.ECHILD
  for (const c of kids) {
    let status: number | null = null
    if (c.zombie) status = c.exitStatus
    else if (c.stopReport !== null && (c.stopReport === 0xffff ? options & Wait.Continued : options & Wait.Untraced)) {
      status = c.stopReport
      c.stopReport = null
    }
    if (status === null) continue
    if (wstatus && !p.mm.write(wstatus, new Uint8Array(new Int32Array([status]).buffer))) return -Errno.EFAULT
    if (rusage) p.mm.write(rusage, new Uint8Array(144))
    if (c.zombie) {
      p.cutimeNs += c.threads.reduce((n, th) => n + th.utimeNs, 0) + c.cutimeNs
      release(lx, c)
    }
    return c.pid
  }
  if (options & Wait.NoHang) return 0
  lx.sched.sleepOn(t, [p.childWait])
  return BLOCKED
}

/** waitid(idtype, id, infop, options) */
export function waitid(lx: Lx, t: LinuxThread, a: SyscallArgs): SyscallResult {
  const idtype = int(a[0])
  const id = int(a[1])
  const infop = a[2]
  const options = int(a[3])
  const pid = idtype === 0 ? -1 : idtype === 1 ? id : -id
  const p = t.process
  const kids = p.children.filter((c) => collectable(c, pid, p))
  if (kids.length === 0) return -Errno.ECHILD
  for (const c of kids) {
    if (!(c.zombie && options & Wait.Exited)) continue
    const st = c.exitStatus
    const info = new Uint8Array(128)
    const dv = new DataView(info.buffer)
    dv.setInt32(0, Sig.CHLD, true)
    const killed = (st & 0x7f) !== 0
    dv.setInt32(8, killed ? ((st & 0x80) ? 3 : 2) : 1, true)
    dv.setInt32(16, c.pid, true)
    dv.setInt32(20, 0, true)
    dv.setInt32(24, killed ? st & 0x7f : (st >> 8) & 0xff, true)
    if (infop && !p.mm.write(infop, info)) return -Errno.EFAULT
    if (!(options & Wait.NoWait)) release(lx, c)
    return 0
  }
  if (options & Wait.NoHang) {
    if (infop) p.mm.write(infop, new Uint8Array(128))
    return 0
  }
  lx.sched.sleepOn(t, [p.childWait])
  return BLOCKED
}
