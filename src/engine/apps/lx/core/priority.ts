/**
 * Nice values (getpriority/setpriority) and CPU affinity on lx's one CPU.
 * A process's nice value is kept, inherited by fork, and shown in
 * /proc/PID/stat; lx's round-robin scheduler does not weigh it (yet).
 */
import type { Lx } from '../lx'
import type { Process } from './process'
import { E } from '../uapi'

const PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2

/** The processes `which`/`who` name, or an errno. */
function targets(lx: Lx, p: Process, which: number, who: number): Process[] | number {
  if (which !== PRIO_PROCESS && which !== PRIO_PGRP && which !== PRIO_USER) return -E.INVAL
  const out: Process[] = []
  for (const q of lx.procs.values()) {
    if (q.zombie) continue
    if (which === PRIO_PROCESS ? q.pid === (who || p.pid) : which === PRIO_PGRP ? q.pgid === (who || p.pgid) : q.uid === (who || p.uid)) out.push(q)
  }
  return out.length > 0 ? out : -E.SRCH
}

/** The kernel's getpriority: 20 - nice of the highest-priority target (1..40). */
export function getpriority(lx: Lx, p: Process, which: number, who: number): number {
  const ts = targets(lx, p, which, who)
  if (typeof ts === 'number') return ts
  return 20 - Math.min(...ts.map((q) => q.nice))
}

export function setpriority(lx: Lx, p: Process, which: number, who: number, prio: number): number {
  const ts = targets(lx, p, which, who)
  if (typeof ts === 'number') return ts
  const nice = Math.max(-20, Math.min(19, prio))
  for (const q of ts) {
    if (p.uid !== 0 && q.uid !== p.uid) return -E.PERM
    // Raising a priority needs CAP_SYS_NICE.
    if (nice < q.nice && p.uid !== 0) return -E.ACCES
  }
  for (const q of ts) q.nice = nice
  return 0
}

/** sched_setaffinity on a one-CPU machine: the mask must hold CPU 0. */
export function setaffinity(lx: Lx, p: Process, pid: number, size: number, mask: number): number {
  if (pid !== 0 && !lx.procs.has(pid)) return -E.SRCH
  if (size <= 0) return -E.INVAL
  const b = p.mm.read(mask, 1)
  if (b === null) return -E.FAULT
  return b[0] & 1 ? 0 : -E.INVAL
}
