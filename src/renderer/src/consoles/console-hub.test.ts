import { describe, expect, it } from 'vitest'
import { ConsoleHub, INPUT_PIECE, inputPieces } from './console-hub'
import { FakeBridge, twoBoards } from '../testing/fake-bridge'

const enc = new TextEncoder()
const dec = new TextDecoder()

describe('ConsoleHub', () => {
  it('gives a new terminal the history first, then only newer output, for its VM only', async () => {
    const bridge = new FakeBridge(twoBoards())
    let release!: (v: Uint8Array) => void
    bridge.answers['console.history'] = () => new Promise<Uint8Array>((r) => (release = r))
    const hub = new ConsoleHub(bridge)
    let seen = ''
    hub.attach('b0/vm1', (d) => (seen += dec.decode(d)))
    // Output before the history reply is part of the history: not shown twice.
    bridge.emit('console.output', { vm: 'b0/vm1', data: enc.encode('old') })
    release(enc.encode('history:old'))
    await new Promise((r) => setTimeout(r, 0))
    bridge.emit('console.output', { vm: 'b0/vm1', data: enc.encode('|new') })
    bridge.emit('console.output', { vm: 'b1/vm2', data: enc.encode('other') })
    expect(seen).toBe('history:old|new')
  })

  it('sends keyboard input and sizes to the right VM', () => {
    const bridge = new FakeBridge(twoBoards())
    const hub = new ConsoleHub(bridge)
    hub.input('b1/vm2', 'ls\r')
    hub.resize('b1/vm2', 100, 30)
    expect(bridge.calls).toEqual([
      { name: 'console.input', args: { vm: 'b1/vm2', data: 'ls\r' } },
      { name: 'console.resize', args: { vm: 'b1/vm2', cols: 100, rows: 30 } },
    ])
  })

  it('sends a paste over the 64 KiB a call takes as ordered pieces under it, keystrokes after it (issue 11, item 4)', () => {
    const bridge = new FakeBridge(twoBoards())
    const hub = new ConsoleHub(bridge)
    const paste = 'line of a large paste\r'.repeat(70_000) // 1.5 MB
    hub.input('b0/vm1', paste)
    hub.input('b0/vm1', 'typed after\r')
    const sent = bridge.calls.map((c) => c.args as { vm: string; data: string })
    expect(sent.every((a) => a.vm === 'b0/vm1' && a.data.length <= INPUT_PIECE && a.data.length <= 65536)).toBe(true)
    expect(sent.map((a) => a.data).join('')).toBe(paste + 'typed after\r')
    expect(sent.at(-1)!.data).toBe('typed after\r')
  })

  it('never cuts a paste between the halves of a surrogate pair', () => {
    const text = 'a' + '😀'.repeat(10)
    const pieces = inputPieces(text, 4)
    expect(pieces.join('')).toBe(text)
    const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
    for (const p of pieces) expect(p).not.toMatch(lone)
  })

  it('tells the terminal why input did not go through, once until input gets through again (issue 11)', async () => {
    const bridge = new FakeBridge(twoBoards())
    bridge.answers['console.history'] = () => new Uint8Array(0)
    const hub = new ConsoleHub(bridge)
    let seen = ''
    hub.attach('b0/vm1', (d) => (seen += dec.decode(d)))
    await new Promise((r) => setTimeout(r, 0))
    let refuse = true
    bridge.answers['console.input'] = () => {
      if (refuse) throw new Error('input not sent: the connection is lost and 1048576 characters already wait for it')
      return null
    }
    hub.input('b0/vm1', 'a')
    hub.input('b0/vm1', 'b')
    await new Promise((r) => setTimeout(r, 0))
    expect(seen).toBe('\r\n[l4lab: input not sent: the connection is lost and 1048576 characters already wait for it]\r\n')
    refuse = false
    hub.input('b0/vm1', 'c')
    await new Promise((r) => setTimeout(r, 0))
    refuse = true
    hub.input('b0/vm1', 'd')
    await new Promise((r) => setTimeout(r, 0))
    expect(seen.match(/input not sent/g)).toHaveLength(2)
  })

  it('after a lost connection comes back, starts each terminal afresh from the scroll-back, then live output (issue 11)', async () => {
    const bridge = new FakeBridge(twoBoards())
    let history = 'before'
    bridge.answers['console.history'] = () => enc.encode(history)
    const hub = new ConsoleHub(bridge)
    let seen = ''
    hub.attach('b0/vm1', (d) => (seen += dec.decode(d)))
    await new Promise((r) => setTimeout(r, 0))
    hub.connection(true) // the first connection: nothing to refill
    hub.connection(false)
    history = 'before|while away'
    hub.connection(true)
    await new Promise((r) => setTimeout(r, 0))
    bridge.emit('console.output', { vm: 'b0/vm1', data: enc.encode('|after') })
    expect(seen).toBe('before\x1bcbefore|while away|after')
  })
})
