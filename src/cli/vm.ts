/**
 * `l4lab vm --board arm-ve --kernel IMAGE [--initrd FILE] [--dtb FILE]
 * [--append ARGS] [--mem MiB] [--cpus N] [--disk FILE[,ro]]…`: an
 * unmodified Linux kernel in a VM under uvmm, booted directly as
 * `qemu-system-aarch64 -kernel` boots it. The guest's serial port and hvc0
 * are stdio (a raw terminal when stdin is one; ^A x quits, as in qemu).
 * Exit status 0 when the guest powers off or resets, 1 with a message when
 * it cannot boot or crashes.
 */
import { readFileSync, writeSync } from 'node:fs'
import { isatty } from 'node:tty'
import { basename } from 'node:path'
import { VmSession, type RomFile } from '../engine'
import { FileBackend } from '../host/file-backend'
import { catchUp, idleWait, idleWaitMs } from './pace'

const USAGE = 'usage: l4lab vm --board arm-ve --kernel IMAGE [--initrd FILE] [--dtb FILE] [--append ARGS] [--mem MiB] [--cpus N] [--disk FILE[,ro]]…\n'

interface VmArgs {
  board: string
  kernel: string
  initrd: string | null
  dtb: string | null
  append: string
  memMiB: number
  cpus: number
  disks: { path: string; readOnly: boolean }[]
}

function parse(argv: string[]): VmArgs | string {
  const a: VmArgs = { board: 'arm-ve', kernel: '', initrd: null, dtb: null, append: 'console=ttyAMA0', memMiB: 256, cpus: 1, disks: [] }
  for (let i = 0; i < argv.length; i++) {
    let opt = argv[i]
    let value: string | undefined
    const eq = opt.indexOf('=')
    if (opt.startsWith('--') && eq > 0) {
      value = opt.slice(eq + 1)
      opt = opt.slice(0, eq)
    }
    const v = (): string => {
      if (value !== undefined) return value
      if (i + 1 >= argv.length) throw new Error(`${opt} needs a value`)
      return argv[++i]
    }
    switch (opt) {
      case '--board': a.board = v(); break
      case '--kernel': a.kernel = v(); break
      case '--initrd': a.initrd = v(); break
      case '--dtb': a.dtb = v(); break
      case '--append': a.append = v(); break
      case '--mem': {
        const m = /^(\d+)([MG]?)$/i.exec(v())
        if (!m) return '--mem: MiB, or a size such as 512M or 1G'
        a.memMiB = Number(m[1]) * (m[2].toUpperCase() === 'G' ? 1024 : 1)
        break
      }
      case '--cpus': a.cpus = Number(v()); break
      case '--disk': {
        const [path, ...opts] = v().split(',')
        const bad = opts.find((o) => o !== 'ro' && o !== 'rw')
        if (!path || bad) return `--disk ${path}: FILE[,ro]`
        a.disks.push({ path, readOnly: opts.includes('ro') })
        break
      }
      default:
        return `unknown option ${opt}`
    }
  }
  if (a.board !== 'arm-ve') return `unknown board ${a.board} (arm-ve)`
  if (!a.kernel) return 'no kernel: give --kernel IMAGE'
  if (!Number.isInteger(a.cpus) || a.cpus < 1 || a.cpus > 8) return '--cpus: 1 to 8'
  if (a.memMiB < 32 || a.memMiB > 2048 || a.memMiB % 2 !== 0) return '--mem: an even number of MiB from 32 to 2048'
  return a
}

/** A disk image file, read and written in place (read-only with ,ro). */
function fileDisk(path: string, readOnly: boolean, index: number): RomFile | string {
  const r = FileBackend.open(path, { readOnly })
  if (!r.ok) return r.reason
  return { name: `disk${index}/${basename(path)}`, readOnly, backend: r.disk, close: () => r.disk.close() }
}

export async function vmCommand(argv: string[]): Promise<number> {
  let args: VmArgs | string
  try {
    args = parse(argv)
  } catch (e) {
    args = (e as Error).message
  }
  if (typeof args === 'string') {
    process.stderr.write(`l4lab vm: ${args}\n${USAGE}`)
    return 2
  }
  const modules: Record<string, Uint8Array> = {}
  // The RTC shows the host's time, as qemu's does.
  const uvmmArgs: string[] = ['--mem', `${args.memMiB}M`, '--cpus', String(args.cpus), '--epoch', String(Math.floor(Date.now() / 1000))]
  const read = (what: string, path: string): Uint8Array | null => {
    try {
      return new Uint8Array(readFileSync(path))
    } catch (e) {
      process.stderr.write(`l4lab vm: ${what} ${path}: ${(e as Error).message}\n`)
      return null
    }
  }
  const kernel = read('kernel', args.kernel)
  if (!kernel) return 1
  modules['vm/kernel'] = kernel
  uvmmArgs.push('--kernel', 'rom/vm/kernel')
  if (args.initrd) {
    const b = read('initrd', args.initrd)
    if (!b) return 1
    modules['vm/initrd'] = b
    uvmmArgs.push('--initrd', 'rom/vm/initrd')
  }
  if (args.dtb) {
    const b = read('device tree', args.dtb)
    if (!b) return 1
    modules['vm/dtb'] = b
    uvmmArgs.push('--dtb', 'rom/vm/dtb')
  }
  const disks: Record<string, RomFile> = {}
  for (const [i, d] of args.disks.entries()) {
    const f = fileDisk(d.path, d.readOnly, i)
    if (typeof f === 'string') {
      process.stderr.write(`l4lab vm: disk ${f}\n`)
      return 1
    }
    disks[f.name] = f
    uvmmArgs.push('--disk', `rom/${f.name}${d.readOnly ? ',ro' : ''}`)
  }
  uvmmArgs.push('--', ...args.append.split(/\s+/).filter(Boolean))

  const tty = isatty(0)
  let quitting = false
  let sawCtrlA = false
  const session = new VmSession({
    uvmmArgs,
    modules,
    disks,
    ramMiB: args.memMiB + 64,
    output: (bytes) => writeAll(1, bytes),
  })
  let wake: (() => void) | null = null
  const poke = (): void => {
    const w = wake
    wake = null
    w?.()
  }
  if (tty) process.stdin.setRawMode(true)
  process.stdin.on('data', (d: Buffer) => {
    const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
    const keep: number[] = []
    for (const b of bytes) {
      // ^A x quits, ^A ^A sends one ^A (qemu's escapes).
      if (sawCtrlA) {
        sawCtrlA = false
        if (b === 0x78) quitting = true
        else if (b === 0x01) keep.push(b)
        continue
      }
      if (b === 0x01 && tty) sawCtrlA = true
      else keep.push(b)
    }
    if (keep.length > 0) session.input(Uint8Array.from(keep))
    poke()
  })
  process.stdin.on('error', () => {})
  const startWall = performance.now()
  try {
    for (;;) {
      if (quitting) break
      if (!session.run(20e6)) break
      const k = session.booted.kernel
      if (k.anyReady()) {
        await new Promise((r) => setImmediate(r))
        continue
      }
      // Idle: the guest waits for a timer or input; its virtual time keeps pace with the wall clock.
      await idleWait(idleWaitMs(k, startWall), (w) => (wake = w))
      wake = null
      catchUp(k, startWall)
    }
  } finally {
    if (tty) process.stdin.setRawMode(false)
    process.stdin.destroy()
    for (const d of Object.values(disks)) d.close?.()
  }
  if (quitting) {
    process.stderr.write('\nl4lab vm: terminated (^A x)\n')
    return 0
  }
  const o = session.outcome
  if (!o) return 1
  if (o.kind === 'off' || o.kind === 'reset') return 0
  process.stderr.write(`\nl4lab vm: ${o.kind === 'failed' ? 'cannot boot' : 'the guest crashed'}: ${o.detail}\n`)
  return 1
}

function writeAll(fd: number, data: Uint8Array): void {
  let at = 0
  while (at < data.length) {
    try {
      at += writeSync(fd, data, at)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue
      throw e
    }
  }
}
