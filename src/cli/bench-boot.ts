/**
 * `l4lab bench boot [SCENARIO] [--rounds N]`: how long after a board starts
 * each of its guests shows a shell prompt, as the lab runs it (virtual time
 * paced to the wall clock). Each round boots a fresh board in this process
 * and runs it until every VM console ends in a prompt; the figures are wall
 * milliseconds from reading the scenario's rom modules, as median and range per VM,
 * and the first round's on its own (a fresh engine worker's case).
 *
 * Where each round's time went follows as `boot.phase.NAME_ms` lines (see
 * bootPhases); they add up to the round, the time until the last prompt.
 * Last, `boot.cpu_ms`: the process's CPU time in a round, the steadier figure
 * on a machine others share.
 */
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { createSession, type Session, type SessionWallTime } from '../engine'
import { scenarioBoardOrThrow, type ScenarioBoard } from '../host/board-files'
import { boardFiles, defaultScenarioPath, scenarioModules } from '../host/lab-config'
import { stripTerminal } from './run'

/** A shell prompt at the end of the output: ours ("vm1:/# ") and busybox's ("/ # "). */
export const PROMPT = /[#$] $/
export const ROUND_LIMIT_MS = 20_000
/** Nobody notifies it: waiting on it is a sleep. */
const SLEEP = new Int32Array(new SharedArrayBuffer(4))

export function benchBoot(argv: string[]): number {
  const file = argv.find((a) => !a.startsWith('--')) ?? defaultScenarioPath()
  const roundsArg = argv.find((a) => a.startsWith('--rounds='))
  const rounds = roundsArg ? Number(roundsArg.slice(9)) : 5
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) {
    process.stderr.write('l4lab bench boot: --rounds=N wants 1..100\n')
    return 2
  }
  let source: string
  try {
    source = readFileSync(file, 'utf8')
  } catch (e) {
    process.stderr.write(`l4lab bench boot: cannot read ${file}: ${(e as Error).message}\n`)
    return 2
  }
  // The board its board line names (x86.lua runs on pc), as `run` and the lab start it.
  let boardSpec: ScenarioBoard
  try {
    boardSpec = scenarioBoardOrThrow(basename(file), source, boardFiles())
  } catch (e) {
    process.stderr.write(`l4lab bench boot: ${(e as Error).message}\n`)
    return 2
  }
  const times = new Map<string, number[]>()
  const phases = new Map<string, number[]>()
  // Process CPU time per round (all threads: V8 compiles and collects garbage on its own):
  // on a shared machine the wall time of a round also holds the time others had the CPU.
  const cpuMs: number[] = []
  for (let round = 0; round < rounds; round++) {
    const text = new Map<string, string>()
    const system = new Set<string>()
    const seen = new Map<string, number>()
    const dec = new TextDecoder()
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    // Reading (and unpacking) the rom modules is part of a board's start.
    let modules: Record<string, Uint8Array>
    try {
      modules = scenarioModules(source)
    } catch (e) {
      process.stderr.write(`l4lab bench boot: ${(e as Error).message}\n`)
      return 2
    }
    const modulesMs = performance.now() - t0
    const board = createSession(
      { kind: 'scenario', scenario: { name: basename(file), source }, modules, ...boardSpec },
      {
        consoleOutput(vm, data) {
          const s = ((text.get(vm) ?? '') + stripTerminal(dec.decode(data))).slice(-200)
          text.set(vm, s)
          if (!seen.has(vm) && PROMPT.test(s)) seen.set(vm, performance.now() - t0)
        },
        vmsChanged(vms) {
          for (const v of vms) if (v.system) system.add(v.name)
        },
        // Read after every slice, with board.status().
        statusChanged() {},
      },
      { now: () => performance.now(), measureWall: true },
    )
    const guests = () => guestNames(board)
    const failed = runUntilPrompts(board, seen, t0)
    if (failed) {
      process.stderr.write(`l4lab bench boot: ${failed}\n`)
      return 1
    }
    const used = process.cpuUsage(cpu0)
    cpuMs.push((used.user + used.system) / 1000)
    const wall = board.wallTime?.()
    if (wall) {
      const all = bootPhases(modulesMs, Math.max(...seen.values()), wall, guests())
      for (const [name, ms] of all) {
        let list = phases.get(name)
        if (!list) phases.set(name, (list = []))
        list.push(ms)
      }
    }
    for (const vm of guests()) {
      const t = seen.get(vm)
      if (t === undefined) {
        process.stderr.write(`l4lab bench boot: ${vm} showed no prompt within ${ROUND_LIMIT_MS / 1000} s; its console ends ${JSON.stringify((text.get(vm) ?? '').slice(-80))}\n`)
        return 1
      }
      let list = times.get(vm)
      if (!list) times.set(vm, (list = []))
      list.push(t)
    }
  }
  for (const [vm, list] of times) {
    const sorted = [...list].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)]
    // The first round is what a new engine worker sees (it also compiles the CPU core).
    process.stdout.write(
      `boot.${vm}.prompt_ms: ${median.toFixed(1)} ms (${sorted[0].toFixed(1)}–${sorted[sorted.length - 1].toFixed(1)} over ${rounds} rounds; first ${list[0].toFixed(1)})\n`,
    )
  }
  for (const [name, list] of phases) {
    const sorted = [...list].sort((a, b) => a - b)
    process.stdout.write(`boot.phase.${name}_ms: ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms (median; first ${list[0].toFixed(1)})\n`)
  }
  const sortedCpu = [...cpuMs].sort((a, b) => a - b)
  process.stdout.write(`boot.cpu_ms: ${sortedCpu[Math.floor(sortedCpu.length / 2)].toFixed(1)} ms (median; first ${cpuMs[0].toFixed(1)})\n`)
  return 0
}

/** A VM with a shell prompt to wait for: not the system log, and not a VM with a display (default.lua's gfx runs mandel). */
export function shellGuest(v: { system?: boolean; display?: unknown }): boolean {
  return !v.system && !v.display
}

export function guestNames(board: Session): string[] {
  return board.vms().filter(shellGuest).map((v) => v.name)
}

/**
 * Runs `board` as the engine worker would (paced, sleeping while it idles)
 * until every guest VM is in `seen` (its console showed a prompt), for at
 * most ROUND_LIMIT_MS from `t0`. Returns why it stopped early (the scenario
 * failed), or null; a VM without a prompt is the caller's to report.
 */
export function runUntilPrompts(board: Session, seen: ReadonlyMap<string, number>, t0: number): string | null {
  while (performance.now() - t0 < ROUND_LIMIT_MS) {
    const wait = board.run(5)
    const status = board.status()
    // No prompt will come: say why now rather than after the round's limit.
    if (status.state === 'failed') return `the scenario failed: ${status.error}`
    const guests = guestNames(board)
    if (guests.length > 0 && guests.every((vm) => seen.has(vm))) return null
    // Idle until a timer: sleep as the engine worker would.
    if (wait > 0) Atomics.wait(SLEEP, 0, 0, Math.min(Number.isFinite(wait) ? wait : 5, 5))
  }
  return null
}

/**
 * One round's wall time by phase, in the order a board starts:
 * - modules: the host reads the rom modules (and makes busybox's root image);
 * - board: the CPU core (its wasm compiled, the first time in a process, and
 *   instantiated), RAM and devices;
 * - bootstrap: the kernel and the base system's tasks set up;
 * - base: sigma0, moe and cons serving (memory, rom, consoles);
 * - ned: ned running the scenario (fengari: the Lua prelude and the script);
 * - lx_start: the VMs' lx before their first guest instruction (memory, the
 *   initramfs read from rom and unpacked, init's ELF loaded);
 * - lx: the VMs' lx since (system calls, page faults, consoles);
 * - guest: the VMs' emulated code;
 * - rest: everything else until the last prompt (other tasks, the board's
 *   run loop, the consoles' output reaching the host, waits for the clock).
 */
export function bootPhases(modulesMs: number, totalMs: number, wall: SessionWallTime, guests: readonly string[]): [string, number][] {
  const base = new Set(['sigma0', 'moe', 'cons'])
  const sum = { base: 0, ned: 0, lx_start: 0, lx: 0, guest: 0, other: 0 }
  for (const [task, t] of wall.byTask) {
    if (guests.includes(task)) {
      sum.lx_start += t.nativeStart
      sum.lx += t.native
      sum.guest += t.user
    } else {
      const all = t.nativeStart + t.native + t.user
      if (task === 'ned') sum.ned += all
      else if (base.has(task)) sum.base += all
      else sum.other += all
    }
  }
  const out: [string, number][] = [
    ['modules', modulesMs],
    ['board', wall.boardMs],
    ['bootstrap', wall.bootstrapMs],
    ['base', sum.base],
    ['ned', sum.ned],
    ['lx_start', sum.lx_start],
    ['lx', sum.lx],
    ['guest', sum.guest],
  ]
  const accounted = out.reduce((a, [, ms]) => a + ms, 0)
  out.push(['rest', totalMs - accounted])
  return out
}
