/**
 * x86-64's system call table: the generic calls (../generic-calls.ts) at
 * syscall_64.tbl's numbers (unistd.ts), and what x86-64 does differently:
 * open flags translated at the entry (fcntl, openat), clone's argument
 * order, arch_prctl, and the legacy calls asm-generic dropped (legacy.ts,
 * most as the *at call with AT_FDCWD). Numbers not here are unknown:
 * -ENOSYS, counted for `l4lab exec --stats`.
 */
import { Nr } from './unistd'
import * as legacy from './legacy'
import { call, numberedTable, unimplemented, yielding } from '../../core/syscall'
import { genericCalls } from '../generic-calls'
import * as sig from '../../core/signal-calls'
import * as time from '../../core/time'
import { alarm } from '../../core/itimer'
import * as fd from '../../fs/fd-calls'
import { poll, select } from '../../fs/poll'

export const syscalls = numberedTable(Nr, {
  ...genericCalls,
  fcntl: call(legacy.fcntl),
  openat: call(legacy.openat),
  clone: yielding(legacy.clone),
  arch_prctl: call(legacy.arch_prctl),

  // ------------------------------------ x86-64's legacy calls (legacy.ts)
  open: call(legacy.open),
  creat: call(legacy.creat),
  stat: call(legacy.statPath),
  lstat: call(legacy.lstat),
  access: call(legacy.access),
  mkdir: call(legacy.mkdir),
  mknod: call(legacy.mknod),
  rmdir: call(legacy.rmdir),
  unlink: call(legacy.unlink),
  rename: call(legacy.rename),
  link: call(legacy.link),
  symlink: call(legacy.symlink),
  readlink: call(legacy.readlink),
  chmod: call(legacy.chmod),
  chown: call(legacy.chown),
  lchown: call(legacy.lchown),
  pipe: call(legacy.pipe),
  dup2: call(fd.dup2),
  getdents: call(fd.getdents),
  poll: call(poll),
  select: call(select),
  alarm: call(alarm),
  pause: call(sig.pause),
  time: call(time.time),
  getpgrp: call(legacy.getpgrp),
  fork: yielding(legacy.fork),
  vfork: yielding(legacy.vfork),
  mincore: unimplemented,
})
