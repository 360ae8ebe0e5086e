/**
 * The x86-64 calls that are not plain renumberings of arm64's: the legacy
 * calls asm-generic dropped (open, stat, fork, pipe, dup2, …), which Linux
 * itself implements as the *at calls with AT_FDCWD, clone's own argument
 * order, the open flags whose values differ from arm64's, and arch_prctl.
 * (Legacy calls that are Linux's generic code — poll, select, alarm,
 * pause, time, getdents — live with their relatives in core/ and fs/.)
 */
import type { Lx } from '../../lx'
import type { LinuxThread } from '../../core/process'
import { int, type SyscallArgs, type SyscallResult } from '../../core/syscall'
import { cloneThread } from '../../core/fork'
import * as fd from '../../fs/fd-calls'
import * as path from '../../fs/path-calls'
import * as stat from '../../fs/stat-calls'
import { getpgid } from '../../core/identity'
import { AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, O_CREAT, O_TRUNC, O_WRONLY } from '../../fs/vfs/types'
import { CloneF, Errno, Sig } from '../../uapi'
import { X86_64Cpu } from './cpu'

// ------------------------------------------------------------ open flags

/**
 * The four O_ flags whose values x86-64 keeps from i386 where asm-generic
 * (arm64, and lx's file layer) moved them: [x86-64, generic].
 */
const FLAG_PAIRS = [
  [0o40000, 0o200000], // O_DIRECT
  [0o100000, 0o400000], // O_LARGEFILE
  [0o200000, 0o40000], // O_DIRECTORY
  [0o400000, 0o100000], // O_NOFOLLOW
] as const
const MOVED = 0o740000

/** x86-64 open flags as lx's file layer (asm-generic) spells them. */
export function flagsToGeneric(x: number): number {
  let g = x & ~MOVED
  for (const [x86, generic] of FLAG_PAIRS) if (x & x86) g |= generic
  return g
}

/** lx's (asm-generic) open flags as x86-64 spells them (F_GETFL). */
export function flagsFromGeneric(g: number): number {
  let x = g & ~MOVED
  for (const [x86, generic] of FLAG_PAIRS) if (g & generic) x |= x86
  return x
}

/** openat(dirfd, path, flags, mode) */
export function openat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return fd.openat(lx, t, [a[0], a[1], flagsToGeneric(int(a[2])), a[3]])
}

/** open(path, flags, mode) */
export function open(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return fd.openat(lx, t, [AT_FDCWD, a[0], flagsToGeneric(int(a[1])), a[2]])
}

/** creat(path, mode) */
export function creat(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  return fd.openat(lx, t, [AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, a[1]])
}

/** fcntl(fd, cmd, arg): F_GETFL answers in x86-64's flag values (F_SETFL changes only O_APPEND/O_NONBLOCK, which agree). */
export function fcntl(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const r = fd.fcntl(lx, t, a)
  return int(a[1]) === 3 && r >= 0 ? flagsFromGeneric(r) : r
}

// ------------------------------------------------ legacy path calls (*at)

/** stat(path, statbuf) */
export const statPath = (lx: Lx, t: LinuxThread, a: SyscallArgs): number => stat.newfstatat(lx, t, [AT_FDCWD, a[0], a[1], 0])
/** lstat(path, statbuf) */
export const lstat = (lx: Lx, t: LinuxThread, a: SyscallArgs): number => stat.newfstatat(lx, t, [AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW])
/** access(path, mode) */
export const access = (lx: Lx, t: LinuxThread, a: SyscallArgs): number => path.faccessat(lx, t, [AT_FDCWD, a[0], a[1]])
/** mkdir(path, mode) */
export const mkdir = (lx: Lx, t: LinuxThread, a: SyscallArgs): number => path.mkdirat(lx, t, [AT_FDCWD, a[0], a[1]])
/** mknod(path, mode, dev) */
export const mknod = (lx: Lx, t: LinuxThread, a: SyscallArgs): number => path.mknodat(lx, t, [AT_FDCWD, a[0], a[1], a[2]])
/** rmdir(path) */
export const rmdir = (lx: Lx, t: LinuxThread, a: SyscallArgs): number => path.unlinkat(lx, t, [AT_FDCWD, a[0], AT_REMOVEDIR])
/** unlink(path) */
export const unlink = (lx: Lx, t: LinuxThread, a: SyscallArgs): number => path.unlinkat(lx, t, [AT_FDCWD, a[0], 0])
/** rename(old, new) */
export const rename = (lx: Lx, t: LinuxThread, a: SyscallArgs): number => path.renameat(lx, t, [AT_FDCWD, a[0], AT_FDCWD, a[1]])
/** link(old, new) */
export const link = (lx: Lx, t: LinuxThread, a: SyscallArgs): number => path.linkat(lx, t, [AT_FDCWD, a[0], AT_FDCWD, a[1], 0])
/** symlink(target, linkpath) */
export const symlink = (lx: Lx, t: LinuxThread, a: SyscallArgs): number => path.symlinkat(lx, t, [a[0], AT_FDCWD, a[1]])
/** readlink(path, buf, size) */
export const readlink = (lx: Lx, t: LinuxThread, a: SyscallArgs): number => path.readlinkat(lx, t, [AT_FDCWD, a[0], a[1], a[2]])
/** chmod(path, mode) */
export const chmod = (lx: Lx, t: LinuxThread, a: SyscallArgs): number => path.fchmodat(lx, t, [AT_FDCWD, a[0], a[1]])
/** chown(path, owner, group) */
export const chown = (lx: Lx, t: LinuxThread, a: SyscallArgs): number => path.fchownat(lx, t, [AT_FDCWD, a[0], a[1], a[2], 0])
/** lchown(path, owner, group) */
export const lchown = (lx: Lx, t: LinuxThread, a: SyscallArgs): number => path.fchownat(lx, t, [AT_FDCWD, a[0], a[1], a[2], AT_SYMLINK_NOFOLLOW])
/** pipe(fds) */
export const pipe = (lx: Lx, t: LinuxThread, a: SyscallArgs): number => fd.pipe2(lx, t, [a[0], 0])
/** getpgrp() */
export const getpgrp = (lx: Lx, t: LinuxThread): number => getpgid(lx, t, [0])

// ------------------------------------------------------------- processes

type Gen = Generator<unknown, SyscallResult, number>

/** clone(flags, stack, parent_tid, child_tid, tls): x86-64 swaps the last two against arm64. */
export function clone(lx: Lx, t: LinuxThread, a: SyscallArgs): Gen {
  return cloneThread(lx, t, a[0], a[1], a[2], a[4], a[3])
}

/** fork(): a clone with SIGCHLD and nothing shared. */
export function fork(lx: Lx, t: LinuxThread): Gen {
  return cloneThread(lx, t, Sig.CHLD, 0, 0, 0, 0)
}

/** vfork(): the parent sleeps until the child execs or exits, sharing its memory meanwhile. */
export function vfork(lx: Lx, t: LinuxThread): Gen {
  return cloneThread(lx, t, CloneF.Vm | CloneF.Vfork | Sig.CHLD, 0, 0, 0, 0)
}

// ----------------------------------------------------------- arch_prctl

const enum ArchPrctl { SetGs = 0x1001, SetFs = 0x1002, GetFs = 0x1003, GetGs = 0x1004 }
/** TASK_SIZE_MAX of 4-level paging: a base at or above it is refused (EPERM), as do_arch_prctl_64 does. */
const TASK_SIZE_MAX = 2 ** 47 - 4096

/** arch_prctl(code, addr): the FS and GS bases of the calling thread (glibc's TLS is FS-relative). */
export function arch_prctl(lx: Lx, t: LinuxThread, a: SyscallArgs): number {
  const cpu = lx.cpu
  if (!(cpu instanceof X86_64Cpu)) return -Errno.EINVAL
  const r = cpu.r
  const code = int(a[0])
  const addr = a[1]
  switch (code) {
    case ArchPrctl.SetFs:
    case ArchPrctl.SetGs:
      if (addr < 0 || addr >= TASK_SIZE_MAX) return -Errno.EPERM
      if (code === ArchPrctl.SetFs) r.setFsBase(BigInt(addr))
      else r.setGsBase(BigInt(addr))
      return 0
    case ArchPrctl.GetFs:
    case ArchPrctl.GetGs: {
      const b = new Uint8Array(8)
      new DataView(b.buffer).setBigUint64(0, code === ArchPrctl.GetFs ? r.fsBase : r.gsBase, true)
      return t.process.mm.write(addr, b) ? 0 : -Errno.EFAULT
    }
    default:
      return -Errno.EINVAL
  }
}
