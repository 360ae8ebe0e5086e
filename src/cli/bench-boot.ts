/**
 * `l4lab bench boot [SCENARIO] [--rounds N]`: how long after a board starts
 * each of its guests shows a shell prompt, as the lab runs it (virtual time
 * paced to the wall clock). Each round boots a fresh board in this process
 * and runs it until every VM console ends in a prompt; the figures are wall
 * milliseconds from reading the scenario's rom modules, as median and range per VM,
 * and the first round's on its own (a fresh engine worker's case).
 */
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { createSession } from '../engine'
import { defaultScenarioPath, scenarioModules } from '../host/lab-config'
import { stripTerminal } from './run'

/** A shell prompt at the end of the output: ours ("vm1:/# ") and busybox's ("/ # "). */
const PROMPT = /[#$] $/
const ROUND_LIMIT_MS = 20_000
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
  const times = new Map<string, number[]>()
  for (let round = 0; round < rounds; round++) {
    const text = new Map<string, string>()
    const system = new Set<string>()
    const seen = new Map<string, number>()
    const dec = new TextDecoder()
    const t0 = performance.now()
    // Reading (and unpacking) the rom modules is part of a board's start.
    let modules: Record<string, Uint8Array>
    try {
      modules = scenarioModules(source)
    } catch (e) {
      process.stderr.write(`l4lab bench boot: ${(e as Error).message}\n`)
      return 2
    }
    const board = createSession(
      { kind: 'scenario', scenario: { name: basename(file), source }, modules },
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
      { now: () => performance.now() },
    )
    // Guests with a shell; a VM with a display (default.lua's gfx runs mandel) shows no prompt.
    const guests = () => board.vms().filter((v) => !v.system && !v.display).map((v) => v.name)
    while (performance.now() - t0 < ROUND_LIMIT_MS) {
      const wait = board.run(5)
      const status = board.status()
      if (status.state === 'failed') {
        // No prompt will come: say why now rather than after the round's limit.
        process.stderr.write(`l4lab bench boot: the scenario failed: ${status.error}\n`)
        return 1
      }
      if (guests().length > 0 && guests().every((vm) => seen.has(vm))) break
      // Idle until a timer: sleep as the engine worker would.
      if (wait > 0) Atomics.wait(SLEEP, 0, 0, Math.min(Number.isFinite(wait) ? wait : 5, 5))
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
  return 0
}
