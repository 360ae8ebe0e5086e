/**
 * The scheduling calls: nice values (getpriority/setpriority), CPU
 * affinity and the CPU number on lx's one CPU, sched_yield. A process's
 * nice value is kept, inherited by fork, and shown in /proc/PID/stat; lx's
 * round-robin scheduler does not weigh it (yet).
 */
import type { Lx } from '../lx'
import type { LinuxThread, Process } from './process'
import { int, type SyscallArgs } from './syscall'
import { u64le } from './uaccess'
import { Errno } from '../uapi'

const PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2

/** The processes `which`/`who` name, or an errno. */
function targets(lx: Lx, p: Process, which: number, who: number): Process[] | number {
  if (which !== PRIO_PROCESS && which !== PRIO_PGRP && which !== PRIO_USER) return -Errno.EINVAL
  const out: Process[] = []
  for (const q of lx.procs.values()) {
    if (q.zombie) continue
    if (which === PRIO_PROCESS ? q.pid === (who || p.pid) : which === PRIO_PGRP ? q.pgid === (who || p.pgid) : q.uid === (who || p.uid)) out.push(q)
  }
  return out.length > 0 ? out : -Errno.ESRCH
}

/** getpriority(which, who): the kernel's form, 20 - nice of the highest-priority target (1..40). */
export function getpriority(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const ts = targets(lx, t.process, int(a[0]), int(a[1]))
  if (typeof ts === 'number') return ts
  return 20 - Math.min(...ts.map((q) => q.nice))
}

/** setpriority(which, who, nice) */
export function setpriority(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const ts = targets(lx, p, int(a[0]), int(a[1]))
  if (typeof ts === 'number') return ts
  const nice = Math.max(-20, Math.min(19, int(a[2])))
  for (const q of ts) {
    if (p.uid !== 0 && q.uid !== p.uid) return -Errno.EPERM
    // Raising a priority needs CAP_SYS_NICE.
    if (nice < q.nice && p.uid !== 0) return -Errno.EACCES
  }
  for (const q of ts) q.nice = nice
  return 0
}

/** sched_setaffinity(pid, size, mask) on a one-CPU machine: the mask must hold CPU 0. */
export function sched_setaffinity(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const pid = int(a[0])
  const size = a[1]
  const mask = a[2]
  if (pid !== 0 && !lx.procs.has(pid)) return -Errno.ESRCH
  if (size <= 0) return -Errno.EINVAL
  const b = p.mm.read(mask, 1)
  if (b === null) return -Errno.EFAULT
  return b[0] & 1 ? 0 : -Errno.EINVAL
}

/** sched_getaffinity(pid, size, mask): CPU 0, in 8 bytes. */
export function sched_getaffinity(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  if (a[1] < 8) return -Errno.EINVAL
  return t.process.mm.write(a[2], u64le(1)) ? 8 : -Errno.EFAULT
}

/** sched_yield(): the next pick takes another runnable thread, if there is one. */
export function sched_yield(lx: Lx): number {
  lx.sched.needResched = true
  return 0
}

/** getcpu(cpu, node): CPU 0 of node 0. */
export function getcpu(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const mm = t.process.mm
  if (a[0]) mm.write(a[0], new Uint8Array(4))
  if (a[1]) mm.write(a[1], new Uint8Array(4))
  return 0
}
