/**
 * What /proc shows of lx: its processes (from the process table and their
 * address spaces), memory (lx's dataspace), uptime and the CPU, read when a
 * /proc file is opened.
 */
import type { Lx } from '../lx'
import type { ProcInfo, ProcView } from '../fs/vfs/procfs'
import { DEV_CONSOLE } from '../fs/vfs/devfs'

/** USER_HZ's tick: /proc counts times in 10 ms. */
const TICK_NS = 10_000_000

export function procView(lx: Lx): ProcView {
  const ticks = (ns: number) => Math.floor(ns / TICK_NS)
  return {
    pids: () => [...lx.procs.keys()].sort((a, b) => a - b),
    process(pid): ProcInfo | null {
      const p = lx.procs.get(pid)
      if (!p) return null
      const main = p.threads[0]
      const running = lx.sched.current !== null && lx.sched.current.process === p
      const state = p.zombie ? 'Z' : p.stopped ? 'T' : running || p.threads.some((t) => t.state === 'runnable') ? 'R' : 'S'
      const utime = p.threads.reduce((n, t) => n + t.utimeNs, 0)
      const tty = lx.files.console
      return {
        pid,
        ppid: p.parent?.pid ?? 0,
        pgrp: p.pgid,
        session: p.sid,
        tty: tty && tty.sid === p.sid && tty.sid !== 0 ? DEV_CONSOLE : 0,
        tpgid: tty && tty.sid === p.sid ? tty.pgrp : -1,
        comm: p.comm,
        state,
        cmdline: p.argv,
        environ: p.envp,
        utime: ticks(utime),
        stime: 0,
        cutime: ticks(p.cutimeNs),
        cstime: 0,
        starttime: ticks(p.startNs - lx.bootNs),
        vsize: p.zombie ? 0 : p.mm.vsize,
        rss: p.zombie ? 0 : p.mm.rssPages,
        threads: Math.max(1, p.threads.length),
        uid: p.uid,
        gid: p.gid,
        umask: p.umask,
        nice: p.nice,
        sigPending: p.pending | (main?.pending ?? 0n),
        sigBlocked: main?.sigmask ?? 0n,
        sigIgnored: p.actions.reduce((m, a, i) => (i > 0 && a.handler === 1 ? m | (1n << BigInt(i - 1)) : m), 0n),
        sigCaught: p.actions.reduce((m, a, i) => (i > 0 && a.handler > 1 ? m | (1n << BigInt(i - 1)) : m), 0n),
        cwd: p.cwdPath,
        exe: p.exePath,
        fds: [...p.files.fds.entries()].map(([fd, e]) => [fd, lx.files.fdPath(e.file)]),
        fdInode: (fd) => p.files.get(fd)?.inode ?? null,
        fdFlags: (fd) => p.files.get(fd)?.flags ?? null,
        maps: () =>
          p.mm.vmas
            .map((v) => {
              const perms = `${v.prot & 1 ? 'r' : '-'}${v.prot & 2 ? 'w' : '-'}${v.prot & 4 ? 'x' : '-'}${v.flags & 1 ? 's' : 'p'}`
              const line = `${v.start.toString(16).padStart(8, '0')}-${v.end.toString(16).padStart(8, '0')} ${perms} ${v.offset.toString(16).padStart(8, '0')} 00:00 0`
              return v.name ? `${line.padEnd(72)} ${v.name}\n` : `${line}\n`
            })
            .join(''),
        exitSignal: p.exitSignal,
      }
    },
    meminfo() {
      const kib = (frames: number) => frames * 4
      const total = lx.memory.frames
      const free = lx.memory.free
      return { MemTotal: kib(total), MemFree: kib(free), MemAvailable: kib(free), AnonPages: kib(total - free) }
    },
    uptime() {
      const up = (lx.now() - lx.bootNs) / 1e9
      return { up, idle: Math.max(0, up - lx.busyNs / 1e9) }
    },
    cpuinfo: () => lx.arch.cpuinfo,
    mounts: () => lx.files.vfs.mountsText(),
    self: () => lx.sched.current?.process.pid ?? 0,
    kmsg: () => lx.kmsgLog.text(),
    version: () => 'Linux version 6.1.0-lx (l4lab) #1 SMP PREEMPT l4lab',
    stat: () => ({
      cpus: [{ user: ticks(lx.busyNs), nice: 0, system: 0, idle: ticks(Math.max(0, lx.now() - lx.bootNs - lx.busyNs)) }],
      btime: 1_767_225_600,
      processes: lx.nextPid - 1,
    }),
  }
}
