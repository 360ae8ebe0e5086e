/**
 * Who a process is (kernel/sys.c): ids, credentials, process groups and
 * sessions, its name (prctl PR_SET_NAME), umask, and uname. Credentials
 * are one uid and one gid: root may set them, everyone else gets EPERM.
 */
import type { Lx } from '../lx'
import type { LinuxThread, Process } from './process'
import type { SyscallArgs } from './syscall'
import { Errno } from '../uapi'

const enc = new TextEncoder()

export function getpid(_lx: Lx, t: LinuxThread): number {
  return t.process.pid
}

export function getppid(_lx: Lx, t: LinuxThread): number {
  return t.process.parent?.pid ?? 0
}

export function gettid(_lx: Lx, t: LinuxThread): number {
  return t.tid
}

/** getuid and geteuid: one uid. */
export function getuid(_lx: Lx, t: LinuxThread): number {
  return t.process.uid
}

/** getgid and getegid: one gid. */
export function getgid(_lx: Lx, t: LinuxThread): number {
  return t.process.gid
}

/** getresuid/getresgid: `id` three times. */
function getres(p: Process, id: number, a: SyscallArgs): number {
  const v = new Uint8Array(4)
  new DataView(v.buffer).setUint32(0, id, true)
  return p.mm.write(a[0], v) && p.mm.write(a[1], v) && p.mm.write(a[2], v) ? 0 : -Errno.EFAULT
}

/** getresuid(ruid, euid, suid) */
export function getresuid(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return getres(t.process, t.process.uid, a)
}

/** getresgid(rgid, egid, sgid) */
export function getresgid(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return getres(t.process, t.process.gid, a)
}

/** setuid(uid), as root. */
export function setuid(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  if (p.uid !== 0) return -Errno.EPERM
  p.uid = a[0]
  return 0
}

/** setgid(gid), as root. */
export function setgid(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  if (p.uid !== 0) return -Errno.EPERM
  p.gid = a[0]
  return 0
}

/** setreuid, setregid, setresuid, setresgid: allowed to root, and changing nothing. */
export function setreid(_lx: Lx, t: LinuxThread): number {
  return t.process.uid !== 0 ? -Errno.EPERM : 0
}

/** getgroups(size, list): no supplementary groups. */
export function getgroups(): number {
  return 0
}

/** setgroups(size, list), as root. */
export function setgroups(_lx: Lx, t: LinuxThread): number {
  return t.process.uid === 0 ? 0 : -Errno.EPERM
}

/** set_tid_address(tidptr): cleared (and futex-woken) when the thread exits. */
export function set_tid_address(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  t.clearChildTid = a[0]
  return t.tid
}

/** set_robust_list(head, len): accepted; lx does not walk robust lists. */
export function set_robust_list(): number {
  return 0
}

/** uname(buf): six fields of 65 bytes. */
export function uname(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const u = new Uint8Array(65 * 6)
  const fields = ['Linux', lx.opts.hostname, '6.1.0-lx', '#1 SMP PREEMPT l4lab', lx.arch.name, '(none)']
  fields.forEach((f, i) => u.set(enc.encode(f).subarray(0, 64), i * 65))
  return t.process.mm.write(a[0], u) ? 0 : -Errno.EFAULT
}

/** umask(mask): the old one. */
export function umask(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const old = p.umask
  p.umask = a[0] & 0o777
  return old
}

/** prctl(option, arg2, …): PR_SET_NAME and PR_GET_NAME. */
export function prctl(_lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  if (a[0] === 15) {
    // PR_SET_NAME
    const name = p.mm.readString(a[1], 16)
    if (name === null) return -Errno.EFAULT
    p.comm = name.slice(0, 15)
    return 0
  }
  if (a[0] === 16) return p.mm.write(a[1], new Uint8Array([...enc.encode(p.comm.slice(0, 15)), 0])) ? 0 : -Errno.EFAULT
  return -Errno.EINVAL
}

/** The process `pid` names (0: the caller). */
function processOf(lx: Lx, p: Process, pid: number): Process | undefined {
  return pid === 0 ? p : lx.procs.get(pid)
}

/** getpgid(pid) */
export function getpgid(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const q = processOf(lx, t.process, a[0])
  return q ? q.pgid : -Errno.ESRCH
}

/** getsid(pid) */
export function getsid(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const q = processOf(lx, t.process, a[0])
  return q ? q.sid : -Errno.ESRCH
}

/** setpgid(pid, pgid): the caller or a child of it, into a group of the same session. */
export function setpgid(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const p = t.process
  const q = processOf(lx, p, a[0])
  if (!q || (q !== p && q.parent !== p)) return -Errno.ESRCH
  const pgid = a[1] === 0 ? q.pid : a[1]
  if (pgid !== q.pid && ![...lx.procs.values()].some((x) => x.pgid === pgid && x.sid === q.sid)) return -Errno.EPERM
  if (q.sid === q.pid) return -Errno.EPERM
  q.pgid = pgid
  return 0
}

/** setsid(): a new session and group, without a controlling terminal. */
export function setsid(lx: Lx, t: LinuxThread): number {
  const p = t.process
  if (p.pgid === p.pid) return -Errno.EPERM
  p.sid = p.pgid = p.pid
  lx.files.detachTty(p)
  return p.pid
}
