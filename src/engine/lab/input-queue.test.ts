import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { CONSOLE_INPUT_LIMIT, InputQueue } from './input-queue'
import { ScenarioSession } from './scenario-session'
import { bootDefault } from '../testing/default-scenario'

describe('a VM’s console input queue (issue 11, item 14)', () => {
  it('holds at most CONSOLE_INPUT_LIMIT bytes, refuses what does not fit whole, and hands bytes on in order', () => {
    const q = new InputQueue()
    expect(q.push(new Uint8Array(CONSOLE_INPUT_LIMIT - 10).fill(1))).toBe(true)
    expect(q.push(new Uint8Array(11).fill(2))).toBe(false)
    expect(q.push(Uint8Array.of(3, 4, 5))).toBe(true)
    expect(q.length).toBe(CONSOLE_INPUT_LIMIT - 7)
    const got: Uint8Array[] = []
    // A taker with room for 1000 bytes, then for everything.
    q.drain((b) => (got.push(b.slice(0, 1000)), Math.min(b.length, 1000)))
    expect(q.length).toBe(CONSOLE_INPUT_LIMIT - 1007)
    q.drain((b) => (got.push(b.slice()), b.length))
    expect(q.length).toBe(0)
    const all = Buffer.concat(got)
    expect(all.length).toBe(CONSOLE_INPUT_LIMIT - 7)
    expect([...all.subarray(-4)]).toEqual([1, 3, 4, 5])
  })

  it('a paste larger than the terminal’s 64 KiB buffer reaches the guest whole, as it reads', () => {
    const b = bootDefault('vm1')
    let at = b.type('vm1', 'wc -c\r')
    b.until('vm1', /wc -c[^\n]*\n/, at)
    // 2000 lines of 100 bytes (the tty turns each CR into a newline).
    b.type('vm1', `${'x'.repeat(99)}\r`.repeat(2000))
    at = b.type('vm1', '\x04')
    b.until('vm1', /\r\n200000\r\n/, at - 300, 20_000)
  })

  it('input for a VM that reads none stops at the limit: the rest is refused with the reason, not dropped unseen', () => {
    const source = readFileSync(new URL('../../../resources/scenarios/hello.lua', import.meta.url), 'utf8')
    let wall = 0
    const board = new ScenarioSession({ kind: 'scenario', scenario: { name: 'hello.lua', source }, paced: false, ramMiB: 32 }, { consoleOutput: () => {}, vmsChanged: () => {}, statusChanged: () => {} }, () => (wall += 0.01))
    for (let i = 0; i < 1000 && board.run(50) !== Infinity; i++);
    const chunk = new Uint8Array(32 * 1024).fill(0x61)
    const results = []
    // The terminal takes 64 KiB, the queue 1 MiB more; the client never reads.
    for (let i = 0; i < 40; i++) {
      results.push(board.input('client', chunk))
      board.run(5)
    }
    expect(results.filter((r) => r.ok).length).toBe(2 + CONSOLE_INPUT_LIMIT / chunk.length)
    expect(results.at(-1)).toEqual({ ok: false, error: `client's console input is full (${CONSOLE_INPUT_LIMIT} bytes typed or pasted that it has not read yet): 32768 bytes dropped` })
  })
})
