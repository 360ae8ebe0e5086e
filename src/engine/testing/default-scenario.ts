/**
 * The default scenario (two lx VMs with our rootfs) on a ScenarioSession that
 * runs unpaced, for tests that type into the VMs' consoles and read them.
 */
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { ScenarioSession } from '../lab/scenario-session'

const dec = new TextDecoder()
const enc = new TextEncoder()
const root = new URL('../../../', import.meta.url)

/** Boots default.lua (with `only`, just that VM) and waits for the shell prompts. */
export function bootDefault(only?: string) {
  const out = new Map<string, string>()
  const states = new Map<string, string>()
  const board = new ScenarioSession(
    {
      kind: 'scenario',
      scenario: { name: 'default.lua', source: defaultLua(only) },
      modules: { 'rootfs.cpio': gunzipSync(readFileSync(new URL('resources/guests/aarch64/rootfs.cpio.gz', root))) },
      paced: false,
    },
    {
      consoleOutput: (vm, d) => out.set(vm, (out.get(vm) ?? '') + dec.decode(d)),
      vmsChanged: (vms) => vms.forEach((v) => states.set(v.name, v.state)),
      statusChanged: () => {},
    },
    () => performance.now(),
  )
  /** Runs the board until `vm`'s console (after `from`) matches, or fails after `limit` rounds. */
  const until = (vm: string, pattern: RegExp, from = 0, limit = 3_000) => {
    for (let i = 0; i < limit; i++) {
      if (pattern.test((out.get(vm) ?? '').slice(from))) return
      board.run(20)
    }
    throw new Error(`no ${pattern} on ${vm}; console: ${JSON.stringify((out.get(vm) ?? '').slice(from).slice(-400))}`)
  }
  const type = (vm: string, text: string) => {
    const at = (out.get(vm) ?? '').length
    board.input(vm, enc.encode(text))
    return at
  }
  until('vm1', /vm1:\/# /)
  if (!only) until('vm2', /vm2:\/# /)
  return { board, out, states, until, type }
}

/**
 * default.lua's console VMs, or with `only` the one VM it names. Without its
 * display VM (gfx, which draws without end): these tests type into consoles
 * and read figures; lab/display-session.test.ts runs gfx.
 */
function defaultLua(only?: string): string {
  const source = readFileSync(new URL('resources/scenarios/default.lua', root), 'utf8').replace(/^display_vm\(.*$/m, '')
  return only ? source.replace(/^vm\("vm2".*$/m, '') : source
}

/** Runs the board until the board's answer to a control request is in. */
export async function settle(board: ScenarioSession, answer: ReturnType<ScenarioSession['control']>): Promise<unknown> {
  let result: unknown
  void Promise.resolve(answer).then((r) => (result = r))
  for (let i = 0; i < 3_000 && result === undefined; i++) {
    board.run(20)
    await Promise.resolve()
  }
  return result
}
