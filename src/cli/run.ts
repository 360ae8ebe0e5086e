/**
 * `l4lab run SCENARIO.lua [--timeout S] [--expect REGEX] [--send TEXT]`: a
 * scenario, headless. Each console's lines go to stdout as "name| text"
 * (terminal escape sequences removed). --send types TEXT (escapes \n \r \t
 * \e \xNN) into the first guest console once that console has printed
 * something, or into NAME with "NAME:TEXT"; "+MS:" before the text waits MS
 * milliseconds after the previous send (sends go out in order). --expect exits 0 as soon as a
 * line matches REGEX (matched against "name| text"); without it the run ends
 * when the board has nothing left to do.
 *
 * Exit status: 0 done (or matched); 1 the scenario failed (its error, with
 * file:line, on stderr), --expect never matched, or --timeout passed; 2 a
 * bad command line — including a --send to a console the scenario does not
 * have, known once its script has run (the scenario's status).
 */
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { createSession, type Session, type VmDescriptor } from '../engine'
import { parseOrExplain } from './args'
import { boardFiles, scenarioModules } from '../host/lab-config'
import { scenarioBoardOrThrow, type ScenarioBoard } from '../host/board-files'

export async function runCommand(argv: string[]): Promise<number> {
  const parsed = parseOrExplain(
    {
      args: argv,
      options: {
        timeout: { type: 'string', short: 't' },
        expect: { type: 'string', short: 'e' },
        send: { type: 'string', short: 's', multiple: true },
      },
      allowPositionals: true,
    },
    'run',
  )
  if (!parsed) return 2
  const file = parsed.positionals[0] ?? 'resources/scenarios/default.lua'
  let source: string
  try {
    source = readFileSync(file, 'utf8')
  } catch (e) {
    process.stderr.write(`l4lab run: cannot read ${file}: ${(e as Error).message}\n`)
    return 2
  }
  const timeoutS = parsed.values.timeout === undefined ? 30 : Number(parsed.values.timeout)
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) {
    process.stderr.write('l4lab run: --timeout must be a positive number of seconds\n')
    return 2
  }
  let expect: RegExp | null = null
  if (parsed.values.expect !== undefined) {
    try {
      expect = new RegExp(parsed.values.expect)
    } catch (e) {
      process.stderr.write(`l4lab run: --expect: ${(e as Error).message}\n`)
      return 2
    }
  }
  const sends = (parsed.values.send ?? []).map(parseSend)
  let modules: Record<string, Uint8Array>
  let boardSpec: ScenarioBoard
  try {
    modules = scenarioModules(source)
    boardSpec = scenarioBoardOrThrow(basename(file), source, boardFiles())
  } catch (e) {
    process.stderr.write(`l4lab run: ${(e as Error).message}\n`)
    return 2
  }

  const partial = new Map<string, string>()
  const pendingCr = new Map<string, boolean>()
  let matched = false
  const printed = new Set<string>()
  let vms: readonly VmDescriptor[] = []
  const dec = new TextDecoder()
  const emitLine = (vm: string, text: string) => {
    if (matched) return
    const line = `${vm}| ${text}`
    process.stdout.write(`${line}\n`)
    if (expect && expect.test(line)) matched = true
  }
  const board: Session = createSession(
    { kind: 'scenario', scenario: { name: basename(file), source }, modules, ...boardSpec },
    {
      consoleOutput(vm, data) {
        printed.add(vm)
        // A bare CR returns to column 0, and what follows overwrites the line (line editors redraw this way).
        let line = partial.get(vm) ?? ''
        let cr = pendingCr.get(vm) ?? false
        for (const ch of stripTerminal(dec.decode(data, { stream: true }))) {
          if (ch === '\n') {
            emitLine(vm, line)
            line = ''
            cr = false
          } else if (ch === '\r') {
            cr = true
          } else {
            if (cr) line = ''
            cr = false
            line += ch
          }
        }
        partial.set(vm, line)
        pendingCr.set(vm, cr)
      },
      vmsChanged(v) {
        vms = v
      },
      // Read after every slice, with board.status().
      statusChanged() {},
    },
    { now: () => performance.now() },
  )

  const deadline = performance.now() + timeoutS * 1000
  let lastSend = performance.now()
  const enc = new TextEncoder()
  for (;;) {
    if (matched) return finish(0)
    // Deliver --send texts in order, once their console is up and their delay has passed.
    const s = sends.find((x) => !x.done)
    if (s) {
      const target = s.vm ?? vms.find((v) => !v.system)?.name
      // Once the script has run, the consoles there are are all there will be.
      if (board.status().state === 'running' && (!target || !vms.some((v) => v.name === target))) {
        const names = vms.map((v) => v.name).join(', ')
        process.stderr.write(`l4lab run: --send: ${target ? `the scenario has no console ${target}` : 'the scenario has no guest console'} (its consoles: ${names || 'none'})\n`)
        return finish(2)
      }
      if (target && printed.has(target) && performance.now() >= lastSend + s.delayMs) {
        const r = board.input(target, enc.encode(s.text))
        if (!r.ok) {
          process.stderr.write(`l4lab run: --send: ${r.error}\n`)
          return finish(2)
        }
        s.done = true
        lastSend = performance.now()
      }
    }
    const wait = board.run(20)
    // A prompt ends no line: --expect sees what waits on a console too.
    if (expect) {
      for (const [vm, text] of partial) {
        if (!text.trim() || !expect.test(`${vm}| ${text}`)) continue
        emitLine(vm, text)
        partial.set(vm, '')
      }
    }
    const status = board.status()
    if (status.state === 'failed') {
      finish(1)
      process.stderr.write(`l4lab run: the scenario failed: ${status.error}\n`)
      return 1
    }
    if (matched) return finish(0)
    const now = performance.now()
    if (now >= deadline) {
      finish(1)
      process.stderr.write(`l4lab run: timed out after ${timeoutS} s${expect ? ` without a line matching ${expect}` : ''}\n`)
      return 1
    }
    if (wait === Infinity && !expect && sends.every((x) => x.done)) return finish(0)
    await new Promise((r) => setTimeout(r, Number.isFinite(wait) ? Math.min(wait, deadline - now, 50) : Math.min(50, deadline - now)))
  }

  function finish(code: number): number {
    for (const [vm, text] of partial) if (text.trim()) emitLine(vm, text.replace(/\r/g, ''))
    return code
  }
}

interface Send {
  vm: string | null
  text: string
  delayMs: number
  done: boolean
}

function parseSend(arg: string): Send {
  const m = /^([A-Za-z0-9_.-]+):(.*)$/s.exec(arg)
  const named = m && !/^[a-z]+:\/\//.test(arg)
  let raw = named ? m![2] : arg
  let delayMs = 0
  const d = /^\+(\d+):(.*)$/s.exec(raw)
  if (d) {
    delayMs = Number(d[1])
    raw = d[2]
  }
  const text = raw.replace(/\\(x[0-9a-fA-F]{2}|[nrte\\])/g, (_, c: string) =>
    c[0] === 'x' ? String.fromCharCode(parseInt(c.slice(1), 16)) : ({ n: '\n', r: '\r', t: '\t', e: '\x1b', '\\': '\\' } as Record<string, string>)[c],
  )
  return { vm: named ? m![1] : null, text, delayMs, done: false }
}

/** Removes terminal control sequences (CSI, OSC, lone ESC pairs) for line-oriented output. */
export function stripTerminal(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-Z\\-_]/g, '')
}
