/**
 * `l4lab bench console [SCENARIO] [--mb=N] [--rounds=N]`: how fast a guest's
 * console output reaches the host side of the engine worker (issue 12, item 7).
 *
 * The board runs in a real engine worker under the engine host, as the lab
 * runs it (default.lua: two lx VMs). When both show their prompt, the first
 * VM runs `yes LINE | head -c BYTES` and then prints a marker; the figure is
 * the bytes that arrived as `console.output` events between typing the
 * command and the marker, over that wall time, after a warm-up round that
 * is not counted (the first run of a program compiles its loops). A second figure has both VMs
 * write at once (the sum of their bytes over the time until both are done).
 * Bytes are counted as the host sees them: after the tty turned each "\n"
 * into "\r\n", so a round moves more than BYTES.
 */
import { shellGuest } from './bench-boot'
import { basename } from 'node:path'
import { EngineHost } from '../host/engine-host'
import { defaultScenarioPath, scenarioLab } from '../host/lab-config'
import { labVersion, workerUrl } from './paths'
import { stripTerminal } from './run'

/** A shell prompt at the end of the output: ours ("vm1:/# ") and busybox's ("/ # "). */
const PROMPT = /[#$] $/
/** 63 characters and a newline: a line as long as lines usually are, and more than yes's default. */
const LINE = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!'
/** The quotes keep the command's echo from matching: only the shell's output reads "bench-done". */
const MARKER = 'bench-done'
const COMMAND_MARKER = "bench-''done"
const BOOT_LIMIT_MS = 60_000
const ROUND_LIMIT_MS = 120_000

export interface ConsoleBenchOptions {
  scenario: string
  bytes: number
  rounds: number
}

/** What one VM's console output looks like to the bench: a tail to look for prompts and markers in, and a byte count. */
interface Watch {
  tail: string
  bytes: number
  messages: number
  /** performance.now() when the marker arrived since the last reset, or null. */
  doneAt: number | null
}

export async function benchConsole(argv: string[]): Promise<number> {
  const opts = parseArgs(argv)
  if (typeof opts === 'string') {
    process.stderr.write(`l4lab bench console: ${opts}\n`)
    return 2
  }
  let boards
  try {
    boards = scenarioLab(opts.scenario)
  } catch (e) {
    process.stderr.write(`l4lab bench console: ${(e as Error).message}\n`)
    return 2
  }
  const host = new EngineHost({ workerUrl, boards, version: labVersion() })
  try {
    return await measure(host, opts)
  } catch (e) {
    process.stderr.write(`l4lab bench console: ${(e as Error).message}\n`)
    return 1
  } finally {
    await host.dispose()
  }
}

function parseArgs(argv: string[]): ConsoleBenchOptions | string {
  const num = (name: string, fallback: number) => {
    const a = argv.find((x) => x.startsWith(`--${name}=`))
    return a === undefined ? fallback : Number(a.slice(name.length + 3))
  }
  const mb = num('mb', 8)
  const rounds = num('rounds', 3)
  if (!(mb > 0 && mb <= 1024)) return '--mb=N wants a size in MB, more than 0 and at most 1024'
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) return '--rounds=N wants 1..20'
  const unknown = argv.find((a) => a.startsWith('--') && !a.startsWith('--mb=') && !a.startsWith('--rounds='))
  if (unknown) return `unknown option ${unknown}`
  return { scenario: argv.find((a) => !a.startsWith('--')) ?? defaultScenarioPath(), bytes: Math.round(mb * 1e6), rounds }
}

async function measure(host: EngineHost, opts: ConsoleBenchOptions): Promise<number> {
  const watches = new Map<string, Watch>()
  const dec = new Map<string, TextDecoder>()
  host.on('console.output', ({ vm, data }) => {
    let w = watches.get(vm)
    if (!w) watches.set(vm, (w = { tail: '', bytes: 0, messages: 0, doneAt: null }))
    let d = dec.get(vm)
    if (!d) dec.set(vm, (d = new TextDecoder()))
    w.bytes += data.length
    w.messages++
    // Only the end matters (prompt, marker): decode at most the last bytes of a large piece.
    w.tail = (w.tail + stripTerminal(d.decode(data.length > 512 ? data.subarray(data.length - 512) : data, { stream: true }))).slice(-256)
    if (w.doneAt === null && w.tail.includes(MARKER)) w.doneAt = performance.now()
  })
  await host.start()
  const board = host.snapshot().boards[0]
  if (board.state !== 'running' && board.state !== 'booting') throw new Error(`the board is ${board.state}${board.error ? `: ${board.error}` : ''}`)
  const guests = () => host.snapshot().boards[0].vms.filter(shellGuest).map((v) => v.id)
  // ned starts the VMs one by one: the board is running once the script has run to its end.
  const started = () => {
    const b = host.snapshot().boards[0]
    if (b.state === 'failed' || b.state === 'crashed') throw new Error(`the board is ${b.state}${b.error ? `: ${b.error}` : ''}`)
    return b.state === 'running'
  }
  await until(() => started() && guests().length >= 1 && guests().every((vm) => PROMPT.test(watches.get(vm)?.tail ?? '')), BOOT_LIMIT_MS, () => `no prompt within ${BOOT_LIMIT_MS / 1000} s on ${guests().join(', ') || 'any VM'}`)
  const vms = guests()
  // A first, smaller round that is not counted: the CPU core compiles yes's and head's loops in it.
  await writeRound(host, watches, vms.slice(0, 1), Math.min(opts.bytes, 2e6))
  const one: number[] = []
  const both: number[] = []
  let messagesPerMb = 0
  for (let round = 0; round < opts.rounds; round++) {
    const r1 = await writeRound(host, watches, vms.slice(0, 1), opts.bytes)
    one.push(r1.mbps)
    messagesPerMb = r1.messagesPerMb
    if (vms.length > 1) both.push((await writeRound(host, watches, vms.slice(0, 2), opts.bytes)).mbps)
  }
  const name = basename(opts.scenario)
  process.stdout.write(`console.worker_mb_s: ${range(one)}; ${vms[0]} writing, ${vms.length} VMs running, ${name})\n`)
  if (both.length > 0) process.stdout.write(`console.worker_mb_s.two_writers: ${range(both)}; ${vms.slice(0, 2).join(' and ')} writing at once, together)\n`)
  process.stdout.write(`console.worker_messages_per_mb: ${messagesPerMb.toFixed(1)} messages\n`)
  process.stdout.write(`console.bytes_per_round: ${opts.bytes} bytes per writer (${opts.rounds} rounds)\n`)
  return 0
}

/** `vms` each write `bytes` at once; MB/s of all their output together, and the worker's messages per MB. */
async function writeRound(host: EngineHost, watches: Map<string, Watch>, vms: string[], bytes: number): Promise<{ mbps: number; messagesPerMb: number }> {
  for (const vm of vms) {
    const w = watches.get(vm)!
    w.bytes = 0
    w.messages = 0
    w.doneAt = null
    w.tail = ''
  }
  const t0 = performance.now()
  for (const vm of vms) await host.command('console.input', { vm, data: `yes ${LINE} | head -c ${bytes}; echo; echo ${COMMAND_MARKER}\n` })
  await until(() => vms.every((vm) => watches.get(vm)!.doneAt !== null), ROUND_LIMIT_MS, () => `${vms.join(', ')} did not finish writing ${bytes} bytes within ${ROUND_LIMIT_MS / 1000} s`)
  const t1 = Math.max(...vms.map((vm) => watches.get(vm)!.doneAt!))
  const total = vms.reduce((n, vm) => n + watches.get(vm)!.bytes, 0)
  const messages = vms.reduce((n, vm) => n + watches.get(vm)!.messages, 0)
  // Let the prompt come back before the next round types.
  await until(() => vms.every((vm) => PROMPT.test(watches.get(vm)!.tail)), ROUND_LIMIT_MS, () => 'no prompt after the round')
  return { mbps: total / 1e6 / ((t1 - t0) / 1000), messagesPerMb: messages / (total / 1e6) }
}

function until(done: () => boolean, limitMs: number, why: () => string): Promise<void> {
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const look = () => {
      try {
        if (done()) return resolve()
      } catch (e) {
        return reject(e as Error)
      }
      if (performance.now() - t0 > limitMs) return reject(new Error(why()))
      setTimeout(look, 2)
    }
    look()
  })
}

/** "median MB/s (min–max over n rounds" of MB/s figures, one decimal; the caller closes the parenthesis. */
function range(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b)
  const median = s[s.length >> 1]
  return `${median.toFixed(1)} MB/s (${s[0].toFixed(1)}–${s[s.length - 1].toFixed(1)} over ${s.length} rounds`
}
