/**
 * VMIN/VTIME on lx's console tty (a VM's console: an exec board without host
 * streams), by a static program reading in non-canonical mode while the
 * test types at chosen virtual times. Linux's rules (termios(3)): VMIN=0
 * VTIME>0 returns at the first byte or 0 after VTIME tenths of a second;
 * VMIN=0 VTIME=0 returns at once; VMIN>0 VTIME=0 waits for VMIN bytes (or
 * a buffer's worth); VMIN>0 VTIME>0 returns VMIN bytes or, once a byte came,
 * what there is when VTIME passes without another.
 */
import { beforeAll, expect, it } from 'vitest'
import { ExecSession } from '../../src/engine/lab/exec-session'
import type { Vcon } from '../../src/engine/kernel/objects/vcon'
import { execTrees } from '../../src/host/exec-fs'
import { program } from './harness'

let prog = ''
beforeAll(() => {
  prog = program('vtime')
}, 120_000)

/** Typing for each step: after "ready STEP" appears, `text` at +`afterMs` of virtual time. */
const TYPING: Record<string, { afterMs: number; text: string }> = {
  'timer-byte': { afterMs: 300, text: 'a' },
  min: { afterMs: 200, text: 'xyz' },
  interbyte: { afterMs: 100, text: '12' },
  'small-buffer': { afterMs: 0, text: 'q' },
}

it('non-canonical console reads follow VMIN and VTIME in virtual time', () => {
  let out = ''
  const trees = execTrees({ cwd: process.cwd(), program: prog, writable: false })
  if (typeof trees === 'string') throw new Error(trees)
  const board = new ExecSession({
    lxArgs: ['--init', prog],
    // The host's files as exec shows them: the program is found wherever the checkout is, /tmp included.
    ports: { rootFs: trees.rootFs, binds: trees.binds },
    // The tty's output processing ends lines with \r\n.
    log: (text) => (out += text.replaceAll('\r', '')),
  })
  const k = board.booted.kernel
  const vcon = [...k.objects].find((o) => o.kind === 'vcon') as Vcon
  const typed = new Set<string>()
  let pending: { at: number; text: string } | null = null
  for (let spent = 0; spent < 30e9 && board.run(1e6); spent += 1e6) {
    for (const m of out.matchAll(/^ready (\S+)$/gm)) {
      const step = TYPING[m[1]]
      if (!step || typed.has(m[1])) continue
      typed.add(m[1])
      pending = { at: k.now + step.afterMs * 1e6, text: step.text }
    }
    if (pending && k.now >= pending.at) {
      vcon.pushInput(new TextEncoder().encode(pending.text))
      pending = null
    }
  }
  trees.close()
  expect(board.outcome?.status, out).toBe(0)
  const result = (name: string) => {
    const m = new RegExp(`^${name}: (-?\\d+) '([^']*)' (\\d+) ms$`, 'm').exec(out)
    expect(m, `${name} in:\n${out}`).not.toBeNull()
    return { n: Number(m![1]), data: m![2], ms: Number(m![3]) }
  }
  const near = (ms: number, want: number) => ms >= want && ms < want + 60
  const timer = result('timer')
  expect(timer.n).toBe(0)
  expect(near(timer.ms, 500), `timer took ${timer.ms} ms`).toBe(true)
  const poll = result('poll')
  expect(poll.n).toBe(0)
  expect(poll.ms).toBeLessThan(20)
  const byte = result('timer-byte')
  expect(byte).toMatchObject({ n: 1, data: 'a' })
  expect(near(byte.ms, 300), `timer-byte took ${byte.ms} ms`).toBe(true)
  const min = result('min')
  expect(min).toMatchObject({ n: 3, data: 'xyz' })
  expect(near(min.ms, 200), `min took ${min.ms} ms`).toBe(true)
  const inter = result('interbyte')
  expect(inter).toMatchObject({ n: 2, data: '12' })
  expect(near(inter.ms, 300), `interbyte took ${inter.ms} ms`).toBe(true)
  expect(result('small-buffer')).toMatchObject({ n: 1, data: 'q' })
})
