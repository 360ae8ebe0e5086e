/**
 * The lx program: options, memory from moe, the root file system, the
 * console, then the first process and the vCPU loop.
 *
 *   lx [--arch aarch64|x86_64] [--initrd rom/NAME] [--init PATH] [--mem SIZE]
 *      [--hostname NAME] [--seed N] [--cwd DIR] [--env NAME=VALUE]…
 *      [--fb WIDTHxHEIGHT] [-- ARG…]
 *
 * Without --initrd the root is the host's file system, which the board must
 * lend (`l4lab exec`). Arguments after `--` are init's argv[1..]. --arch
 * names the programs' architecture, which is the board's CPU's (the kernel
 * info page says which; asking for another is an error). --fb gives the VM a display: /dev/fb0 of that
 * size and /dev/input/event0, event1.
 */
import { BaseCap, Err } from '../../kernel/uapi'
import { vconWrite } from '../../l4/l4sys'
import { dsRead, memAlloc, nsQuery } from '../../l4/l4re'
import type { NativeProgram, ProgramEnv } from '../../l4/runtime/program'
import { Lx } from './lx'
import { aarch64 } from './arch/aarch64'
import { x86_64 } from './arch/x86_64'
import type { LxArch } from './arch/arch'
import type { CpuArch } from '../../kernel/uapi'
import { LxMemory } from './mm/memory'
import { boot, bindHostInput, bindInputIrq } from './core/boot'
import { LxDisplay, parseFbSize } from './fs/display'
import { describeExecFailure, type ExecFailure } from './core/exec-failure'
import { run } from './core/loop'
import { killPgrp } from './core/signals'
import { procView } from './core/procview'
import { HostInput, HostOutput, LxFiles, StreamFs, type FdTable, type StdinBuffer, type StdioPort } from './fs'
import { Vfs } from './fs/vfs/vfs'
import { RamFs } from './fs/vfs/ramfs'
import { loadInitramfs } from './fs/vfs/initramfs'
import type { FileSystem, OpenFile } from './fs/vfs/types'
import { DevFs } from './fs/vfs/devfs'
import { ProcFs } from './fs/vfs/procfs'
import { makeSysFs } from './fs/vfs/sysfs'
import { Tty } from './fs/vfs/tty'

/** What a board lends lx for `l4lab exec`: the host's files and standard streams. */
export interface LxHostPorts {
  /** The host's root file system (read-only unless the board made it writable). */
  rootFs?: () => FileSystem
  stdio?: StdioPort
  stdin?: StdinBuffer
  /** The ICU line the board raises when host input arrives (lx binds an Irq to it). */
  inputLine?: number
  /** Host directories to show at the same path inside the private /tmp (the working directory, the program's). */
  binds?: { path: string; fs: () => FileSystem }[]
  /** Told when lx has its memory and starts (the lab reads its figures from it). */
  onStart?(lx: Lx): void
  /** Told when lx has made its display (--fb): the lab can show it from now on. */
  onDisplay?(lx: Lx): void
  /** Told when init exits, with its wait status. */
  onExit?(status: number, lx: Lx): void
  /** Told when init cannot start, and why (then lx does not say it on its log). */
  onStartFailed?(path: string, failure: ExecFailure, lx: Lx): void
}

/** The architectures lx runs programs of, by the name --arch takes. */
const ARCHES: Readonly<Record<'aarch64' | 'x86_64', LxArch>> = { aarch64, x86_64 }

export interface LxArgs {
  arch: LxArch
  initrd: string | null
  init: string
  mem: number
  hostname: string
  seed: number
  cwd: string
  env: string[]
  argv: string[]
  strace: boolean
  epochNs?: number
  fb: { width: number; height: number } | null
}

/** lx's options; `board` is the board's CPU architecture, the only one lx can run programs of. */
export function parseLxArgs(args: string[], board: CpuArch = 'aarch64'): LxArgs | string {
  const out: LxArgs = { arch: ARCHES[board], initrd: null, init: '/bin/sh', mem: 64 << 20, hostname: 'lx', seed: 1, cwd: '/', env: [], argv: [], strace: false, fb: null }
  for (let i = 1; i < args.length; i++) {
    const a = args[i]
    const v = () => args[++i]
    switch (a) {
      case '--arch': {
        const name = v() ?? ''
        if (name !== 'aarch64' && name !== 'x86_64') return `--arch: aarch64 or x86_64, not "${name}"`
        if (name !== board) return `--arch ${name}: this board's CPU is ${board}; lx runs programs of its board's architecture`
        out.arch = ARCHES[name]
        break
      }
      case '--initrd':
        out.initrd = (v() ?? '').replace(/^rom\//, '')
        break
      case '--init':
        out.init = v() ?? ''
        break
      case '--mem': {
        const m = /^(\d+)([KMG]?)$/i.exec(v() ?? '')
        if (!m) return `--mem: a size such as 64M`
        out.mem = Number(m[1]) * ({ '': 1, K: 1024, M: 1 << 20, G: 1 << 30 } as Record<string, number>)[m[2].toUpperCase()]
        break
      }
      case '--epoch': {
        const sec = Number(v())
        if (!Number.isFinite(sec)) return '--epoch: seconds since 1970'
        out.epochNs = sec * 1e9
        break
      }
      case '--fb': {
        const fb = parseFbSize(v() ?? '')
        if (typeof fb === 'string') return fb
        out.fb = fb
        break
      }
      case '--strace':
        out.strace = true
        break
      case '--hostname':
        out.hostname = v() ?? 'lx'
        break
      case '--seed':
        out.seed = Number(v())
        break
      case '--cwd':
        out.cwd = v() ?? '/'
        break
      case '--env':
        out.env.push(v() ?? '')
        break
      case '--':
        out.argv = args.slice(i + 1)
        i = args.length
        break
      default:
        return `unknown option ${a}`
    }
  }
  if (!out.init.startsWith('/')) return '--init must be an absolute path'
  if (out.mem < 1 << 20) return '--mem must be at least 1M'
  if (out.fb && out.fb.width * out.fb.height * 4 > out.mem / 2) return `--fb ${out.fb.width}x${out.fb.height}: the framebuffer would take more than half of --mem`
  return out
}

export function lxProgram(host: LxHostPorts | null): NativeProgram {
  return {
    name: 'lx',
    summary: 'a Linux personality: static aarch64 or x86-64 Linux programs as L4 tasks',
    *main(env: ProgramEnv) {
      const sys = env.sys
      const say = (msg: string) => vconWrite(sys, BaseCap.Log, `lx: ${msg}\n`)
      const parsed = parseLxArgs(env.args, sys.cpuArch)
      if (typeof parsed === 'string') {
        yield* say(parsed)
        return
      }
      const lx = new Lx(env, { memBytes: parsed.mem, hostname: parsed.hostname, seed: parsed.seed, strace: parsed.strace, epochNs: parsed.epochNs }, parsed.arch)
      // Memory: one dataspace from our allocator (its quota is our limit).
      const ds = env.slots.alloc()
      const r = yield* memAlloc(sys, env.caps.mem, parsed.mem, ds)
      if (r < 0) {
        const why = r === -Err.ENoMem ? 'ENOMEM, more than the allocator has left' : `L4 error ${r}`
        yield* say(`cannot get ${parsed.mem / 2 ** 20} MiB of memory (${parsed.mem} bytes): ${why}`)
        return
      }
      lx.memory = new LxMemory(sys, ds, parsed.mem)
      host?.onStart?.(lx)
      yield* lx.memory.reserve()

      // The root file system.
      let rootFs: FileSystem
      const clock = () => (parsed.epochNs ?? 1_767_225_600e9) + sys.clock()
      if (parsed.initrd) {
        const slot = env.slots.alloc()
        const q = yield* nsQuery(sys, env.caps.rom, parsed.initrd, slot)
        if (q < 0) {
          yield* say(`initrd ${parsed.initrd}: not in rom (error ${q})`)
          return
        }
        const bytes = yield* dsRead(sys, slot, 0x1_0000_0000)
        if (typeof bytes === 'number') {
          yield* say(`initrd ${parsed.initrd}: cannot read (error ${bytes})`)
          return
        }
        // File data lives in the engine's memory, charged to the VM's: a guest filling its disk stops there.
        yield* lx.memory.reserve(Math.ceil(bytes.length / 4096) + 64)
        const ram = new RamFs({ type: 'rootfs', clock, rootMode: 0o755, maxBytes: parsed.mem, charge: lx.memory })
        // `bytes` is our own copy of the module: its files are views of it until written.
        const loaded = loadInitramfs(ram, bytes, { borrow: true })
        if (!loaded.ok) {
          yield* say(loaded.error)
          return
        }
        rootFs = ram
      } else if (host?.rootFs) {
        rootFs = host.rootFs()
      } else {
        yield* say('no root file system: give --initrd rom/NAME')
        return
      }
      const vfs = new Vfs(rootFs, { clock, charge: lx.memory }, parsed.initrd ? 'rootfs' : 'host')
      const tmp = new RamFs({ type: 'tmpfs', clock, maxBytes: Math.floor(parsed.mem / 2), charge: lx.memory })
      if (vfs.mount('/tmp', tmp, 'tmpfs') < 0 && parsed.initrd) yield* say('no /tmp directory to mount a tmpfs on')
      for (const b of host?.binds ?? []) {
        // The directories leading to the bind, inside the private /tmp, then the host's directory on top.
        const parts = b.path.split('/').filter(Boolean)
        for (let i = 2; i <= parts.length; i++) vfs.mkdir(vfs.root, '/' + parts.slice(0, i).join('/'), 0o755, { uid: 0, gid: 0 })
        const r = vfs.mount(b.path, b.fs(), 'hostfs')
        if (r < 0) yield* say(`cannot show ${b.path} inside /tmp (error ${r})`)
      }
      // The console: a tty on our log (a cons client: the VM's terminal), unless the board lends host streams.
      const tty = host?.stdio
        ? null
        : new Tty({
            write: (b) => lx.console.write(b),
            signalPgrp: (pgrp, sig) => killPgrp(lx, pgrp, sig),
            caller: () => lx.ttyCaller(),
            clock: () => sys.clock() / 1e6,
          })
      const dev = new DevFs({ random: (b) => lx.random(b), console: tty ?? undefined, kmsg: lx.kmsgLog, clock })
      vfs.devices = dev.openDevice
      if (parsed.fb) {
        const r = yield* attachDisplay(lx, dev, parsed.fb.width, parsed.fb.height)
        if (typeof r === 'string') yield* say(r)
      }
      if (vfs.mount('/dev', dev, 'devtmpfs') < 0 && parsed.initrd) yield* say('no /dev directory to mount devtmpfs on')
      if (vfs.mount('/proc', new ProcFs(procView(lx), clock), 'proc') < 0 && parsed.initrd) yield* say('no /proc directory to mount proc on')
      // lx's own /sys, over the host's under exec; an initramfs without /sys goes without.
      vfs.mount('/sys', makeSysFs({ cpus: 1, clock }), 'sysfs')
      lx.files = new LxFiles(lx, vfs, tty)
      if (host?.stdio) {
        const port = host.stdio
        const stdin = host.stdin
        // The host's streams: inodes of a file system of this lx's own (numbered per VM).
        const streams = new StreamFs()
        lx.files.openConsole = (files: FdTable) => {
          const outs: OpenFile[] = [stdin ? new HostInput(streams, stdin, port.describe?.(0) ?? null) : new HostOutput(streams, port, 1), new HostOutput(streams, port, 1), new HostOutput(streams, port, 2)]
          outs.forEach((f, i) => files.install(i, f, false))
        }
      }
      const cwd = vfs.resolveDir(vfs.root, parsed.cwd, { uid: 0, gid: 0 })
      const root = typeof cwd === 'number' ? vfs.root : cwd
      const envp = parsed.env.length > 0 ? parsed.env : ['HOME=/root', 'PATH=/bin:/sbin:/usr/bin:/usr/sbin', 'TERM=xterm-256color', 'USER=root', 'SHELL=/bin/sh']
      if (host?.inputLine !== undefined) {
        const r = yield* bindHostInput(lx, host.inputLine)
        if (r < 0) yield* say(`no host input interrupt (error ${r})`)
      }
      const pid = yield* boot(lx, { path: parsed.init, argv: [parsed.init, ...parsed.argv], envp }, root)
      if (typeof pid !== 'number') {
        yield* lx.console.flush()
        if (host?.onStartFailed) host.onStartFailed(parsed.init, pid, lx)
        else yield* say(`cannot start ${parsed.init}: ${describeExecFailure(pid)}`)
        return
      }
      const init = lx.procs.get(pid)!
      init.cwdPath = parsed.cwd
      // Now that lx's thread is its vCPU (boot), the lab can find lx's task from it.
      if (lx.display) host?.onDisplay?.(lx)
      yield* run(lx)
      yield* lx.console.flush()
      host?.onExit?.(lx.initExit ?? 0, lx)
    },
  }
}

/** Makes the framebuffer (frames lx keeps for good), its devices and the input Irq. */
function* attachDisplay(lx: Lx, dev: DevFs, width: number, height: number): Generator<unknown, LxDisplay | string, number> {
  const pages = Math.ceil((width * height * 4) / 4096)
  yield* lx.memory.reserve(pages)
  const frames = new Int32Array(pages)
  for (let i = 0; i < pages; i++) {
    const f = lx.memory.alloc()
    if (f < 0) {
      for (let j = 0; j < i; j++) lx.memory.release(frames[j])
      return `--fb ${width}x${height}: no memory for the framebuffer (${pages} pages)`
    }
    frames[i] = f
  }
  const d = new LxDisplay(lx, width, height, frames)
  d.register(dev)
  const r = yield* bindInputIrq(lx)
  if (r < 0) return `no input interrupt for the display (error ${r})`
  lx.display = d
  return d
}
