/**
 * `l4lab exec [--arch aarch64|x86_64] [--rw] [--stats] ELF [ARGS…]`: a static
 * Linux program as the only process of an lx guest, with the host's file system as
 * its root (read-only unless --rw) and a private in-memory /tmp (what it
 * shows of the host is src/host/exec-fs.ts's decision); working
 * directory, environment, stdin/stdout/stderr and exit status pass through.
 * A program killed by a signal kills l4lab with the same signal (as
 * qemu-aarch64 does), after its output is written. ELF is found as a shell
 * finds a command: a name with a slash from the current directory, a bare
 * name in PATH. Without --arch the architecture is the ELF header's
 * (e_machine); anything else (a script, a file lx will refuse) runs on
 * aarch64, whose lx then says what is wrong with it.
 */
import { accessSync, closeSync, constants, fstatSync, openSync, readSync, statSync, writeSync } from 'node:fs'
import { isatty } from 'node:tty'
import { resolve } from 'node:path'
import { describeExecFailure, ExecSession, StdinBuffer, type HostStreamInfo } from '../engine/exec'
import { execTrees } from '../host/exec-fs'
import { buildGuestsFor } from './guests'
import { projectRoot } from './paths'
import { catchUp, idleWait, idleWaitMs } from './pace'

const SIGNALS: Record<number, NodeJS.Signals> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL',
  10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
}

export async function execCommand(argv: string[]): Promise<number> {
  let rw = false
  let stats = false
  let arch: string | null = null
  let strace = false
  let i = 0
  for (; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--rw') rw = true
    else if (a === '--stats') stats = true
    else if (a === '--strace') strace = true
    else if (a === '--arch') {
      if (i + 1 >= argv.length) {
        process.stderr.write('l4lab exec: --arch needs a value (aarch64 or x86_64)\n')
        return 2
      }
      arch = argv[++i]
    }
    else if (a.startsWith('--arch=')) arch = a.slice(7)
    else if (a === '--') {
      i++
      break
    } else if (a.startsWith('-') && a !== '-') {
      process.stderr.write(`l4lab exec: unknown option ${a}\n`)
      return 2
    } else break
  }
  if (arch !== null && arch !== 'aarch64' && arch !== 'x86_64') {
    process.stderr.write(`l4lab exec: unknown architecture ${arch} (aarch64 or x86_64)\n`)
    return 2
  }
  const program = argv[i]
  if (!program) {
    process.stderr.write('usage: l4lab exec [--arch aarch64|x86_64] [--rw] [--stats] ELF [ARGS…]\n')
    return 2
  }
  let cwd: string
  try {
    cwd = process.cwd()
  } catch (e) {
    // The guest's working directory is l4lab's, and there is none to give it.
    process.stderr.write(`l4lab exec: the current directory no longer exists (${(e as Error).message}); cd to one that does\n`)
    return 2
  }
  const path = program.includes('/') ? resolve(cwd, program) : findInPath(program, cwd)
  if (path === null) {
    process.stderr.write(`l4lab exec: ${program}: command not found\n`)
    return 127
  }
  const unbuilt = buildGuestsFor(path, projectRoot, (line) => process.stderr.write(`${line}\n`))
  if (unbuilt) {
    process.stderr.write(`l4lab exec: ${program}: ${unbuilt}\n`)
    return 127
  }
  const guestArch = arch ?? elfArch(path)
  const args = argv.slice(i + 1)
  const env = Object.entries(process.env).map(([k, v]) => `${k}=${v}`)
  // The host's wall clock, as qemu-aarch64 gives its guests (file dates and `date` agree with the host).
  const lxArgs = ['--arch', guestArch, '--init', path, '--cwd', cwd, '--mem', '256M', '--epoch', String(Date.now() / 1000)]
  if (strace) lxArgs.push('--strace')
  for (const e of env) lxArgs.push('--env', e)
  lxArgs.push('--', ...args)

  // What the program sees of the host's files (src/host/exec-fs.ts).
  const notice = (line: string): void => writeAll(2, new TextEncoder().encode(`l4lab exec: ${line}\n`))
  const trees = execTrees({ cwd, program: path, writable: rw, notice })
  if (typeof trees === 'string') {
    process.stderr.write(`l4lab exec: ${trees}\n`)
    return 1
  }
  const stdin = new StdinBuffer()
  let wake: (() => void) | null = null
  const poke = () => {
    const w = wake
    wake = null
    w?.()
  }
  process.stdin.on('data', (d: Buffer) => {
    stdin.push(new Uint8Array(d.buffer, d.byteOffset, d.byteLength))
    poke()
  })
  process.stdin.on('end', () => {
    stdin.end()
    poke()
  })
  process.stdin.on('error', () => {
    stdin.end()
    poke()
  })

  const t0 = performance.now()
  const board = new ExecSession({
    lxArgs,
    ports: {
      rootFs: trees.rootFs,
      stdio: { write: (fd, data) => writeAll(fd, data), describe: (fd) => describeFd(fd) },
      stdin,
      binds: trees.binds,
    },
    log: (text) => {
      if (!text.startsWith('moe:')) writeAll(2, new TextEncoder().encode(text))
    },
    ramMiB: 384,
    arch: guestArch,
  })
  const startWall = performance.now()
  for (;;) {
    const running = board.run(20e6)
    if (!running) break
    if (!board.idle && board.booted.kernel.anyReady()) {
      // Let stdin data in between slices.
      await new Promise((r) => setImmediate(r))
      continue
    }
    // Idle: a timer (sleep) or input will wake the program; virtual time keeps pace with the wall clock.
    const k = board.booted.kernel
    await idleWait(idleWaitMs(k, startWall), (w) => (wake = w))
    wake = null
    catchUp(k, startWall)
  }
  process.stdin.destroy()
  trees.close()
  const outcome = board.outcome
  if (strace && outcome) writeAll(2, new TextEncoder().encode(outcome.lx.kmsgLog.text()))
  // As a shell reports a program it cannot execute; lx has said nothing itself.
  if (outcome?.failure) process.stderr.write(`l4lab exec: cannot start ${path}: ${describeExecFailure(outcome.failure)}\n`)
  const status = outcome?.status ?? (127 << 8)
  if (stats && outcome) {
    const k = board.booted.kernel
    const lx = outcome.lx
    const secs = (performance.now() - t0) / 1000
    const unknown = [...lx.unknownSyscalls.entries()].map(([nr, n]) => `${nr}×${n}`).join(' ') || 'none'
    const syscalls = [...lx.syscallCounts.values()].reduce((a, b) => a + b, 0)
    const jit = k.core?.compilerStats?.()
    process.stderr.write(
      [
        `l4lab: instructions: ${k.stats.instructions}`,
        `l4lab: mips: ${(k.stats.instructions / 1e6 / secs).toFixed(1)}`,
        `l4lab: seconds: ${secs.toFixed(3)}`,
        `l4lab: syscalls: ${syscalls}`,
        `l4lab: unknown_syscalls: ${unknown}`,
        `l4lab: page_faults: ${lx.pageFaults}`,
        `l4lab: ipcs: ${k.stats.ipcs}`,
        ...(jit ? [`l4lab: compiled_regions: ${jit.regions} (${jit.instructions} instructions${jit.failed ? `, ${jit.failed} failed` : ''})`] : []),
        ...(jit?.retired !== undefined ? [`l4lab: compiled_retired: ${jit.retired} in ${jit.calls} calls`] : []),
        '',
      ].join('\n'),
    )
  }
  const sig = status & 0x7f
  if (sig !== 0) {
    const name = SIGNALS[sig]
    if (name && name !== 'SIGKILL') {
      process.removeAllListeners(name)
      process.kill(process.pid, name)
      await new Promise((r) => setTimeout(r, 100))
    }
    return 128 + sig
  }
  return (status >> 8) & 0xff
}

/**
 * A command name without a slash, looked up as execvp(3) does: in each PATH
 * entry in turn (an empty entry is the current directory), the first
 * regular file we may execute. The guest's PATH is the host's, so a shell
 * inside finds the same program.
 */
function findInPath(name: string, cwd: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const candidate = resolve(cwd, dir || '.', name)
    try {
      if (!statSync(candidate).isFile()) continue
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // Not here, or not ours to run: the next entry.
    }
  }
  return null
}

/** ELF's e_machine values for the architectures lx runs. */
const EM_X86_64 = 62

/**
 * The architecture of an ELF file by its header's e_machine: x86_64 for
 * EM_X86_64, else aarch64. A `#!` script is its interpreter's (the root is
 * the host's, so the interpreter's path is a host path), followed as deep as
 * lx follows interpreters.
 */
function elfArch(path: string, depth = 0): 'aarch64' | 'x86_64' {
  const head = Buffer.alloc(256)
  let n = 0
  try {
    const fd = openSync(path, 'r')
    try {
      n = readSync(fd, head, 0, head.length, 0)
    } finally {
      closeSync(fd)
    }
  } catch {
    return 'aarch64'
  }
  const interpreter = /^#![ \t]*([^ \t\n]+)/.exec(head.subarray(0, n).toString('latin1'))
  if (interpreter && depth < 4) return elfArch(interpreter[1], depth + 1)
  const elf = n >= 20 && head.readUInt32BE(0) === 0x7f454c46
  return elf && head.readUInt16LE(18) === EM_X86_64 ? 'x86_64' : 'aarch64'
}

/** What a host fd is, as the guest's fstat and isatty should see it. */
function describeFd(fd: 0 | 1 | 2): HostStreamInfo | null {
  try {
    const st = fstatSync(fd)
    const stream = [process.stdin, process.stdout, process.stderr][fd] as { columns?: number; rows?: number }
    return {
      mode: st.mode,
      size: st.isFile() ? st.size : 0,
      dev: st.dev,
      ino: st.ino,
      rdev: st.rdev,
      tty: isatty(fd) ? { cols: stream.columns ?? 80, rows: stream.rows ?? 24 } : null,
    }
  } catch {
    return null
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  let off = 0
  while (off < data.length) {
    try {
      off += writeSync(fd, data, off, data.length - off)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue
      return
    }
  }
}
