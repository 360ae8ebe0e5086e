import { describe, expect, it } from 'vitest'
import { ConsoleHub } from './console-hub'
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
})
