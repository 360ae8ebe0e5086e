import { describe, expect, it } from 'vitest'
import { TestDriver, TestRam, testIrq } from '../testing/virtio-driver'
import { VirtioMmio } from './mmio'
import { INPUT_LIMIT, VirtioConsole } from './console'

const enc = new TextEncoder()
const text = (b: ArrayLike<number>) => String.fromCharCode(...Array.from(b))

function setup() {
  const ram = new TestRam()
  const out: Uint8Array[] = []
  const console = new VirtioConsole({ output: (b) => out.push(b), size: { cols: 80, rows: 24 } })
  const dev = new VirtioMmio(console, ram.mem, testIrq().line)
  const drv = new TestDriver(dev, ram)
  return { ram, out, console, drv, output: () => text(out.flatMap((b) => [...b])) }
}

describe('virtio-console', () => {
  it('transmitq: what the driver sends reaches the output, and the buffer comes back with length 0', () => {
    const { drv, ram, output, console } = setup()
    drv.init()
    const tx = drv.queues[1]
    const head = tx.add([ram.buffer(enc.encode('hello, ')), ram.buffer(enc.encode('world\n'))])
    expect(output()).toBe('hello, world\n')
    expect(tx.takeUsed()).toEqual([{ id: head, len: 0 }])
    expect(console.counters).toMatchObject({ requests: 1, bytesOut: 13 })
  })

  it('receiveq: input waits for receive buffers and fills them in order', () => {
    const { drv, ram, console } = setup()
    drv.init()
    expect(console.input(enc.encode('typed before any buffer'))).toBe(23)
    expect(console.pendingInput).toBe(23)
    const rx = drv.queues[0]
    const a = { ...ram.buffer(10), write: true }
    const b = { ...ram.buffer(64), write: true }
    rx.add([a])
    rx.add([b])
    expect(rx.takeUsed().map((u) => u.len)).toEqual([10, 13])
    expect(text(ram.bytes(a.addr, 10)) + text(ram.bytes(b.addr, 13))).toBe('typed before any buffer')
    expect(console.pendingInput).toBe(0)
    // A buffer already posted takes input at once.
    const c = { ...ram.buffer(64), write: true }
    rx.add([c])
    console.input(enc.encode('ls\r'))
    expect(rx.takeUsed()).toEqual([{ id: 2, len: 3 }])
    expect(text(ram.bytes(c.addr, 3))).toBe('ls\r')
    expect(console.counters.bytesIn).toBe(26)
  })

  it('input before DRIVER_OK is held, and the device consumes no buffer before it', () => {
    const { drv, ram, console } = setup()
    drv.init({ noDriverOk: true })
    const rx = drv.queues[0]
    const a = { ...ram.buffer(8), write: true }
    rx.add([a], { kick: false })
    console.input(enc.encode('early'))
    expect(rx.usedIdx()).toBe(0)
    drv.addStatus(4) // DRIVER_OK
    expect(rx.takeUsed()).toEqual([{ id: 0, len: 5 }])
    expect(text(ram.bytes(a.addr, 5))).toBe('early')
  })

  it('the input buffer is bounded and says how much it took; the ring wraps', () => {
    const { drv, ram, console } = setup()
    drv.init()
    const big = new Uint8Array(INPUT_LIMIT - 10).fill(0x61)
    expect(console.input(big)).toBe(INPUT_LIMIT - 10)
    expect(console.input(enc.encode('0123456789abc'))).toBe(10)
    expect(console.input(enc.encode('x'))).toBe(0)
    const rx = drv.queues[0]
    const first = { ...ram.buffer(INPUT_LIMIT - 4), write: true }
    rx.add([first])
    expect(console.pendingInput).toBe(4)
    expect(console.input(enc.encode('WXYZ!'))).toBe(5) // written across the end of the ring
    const second = { ...ram.buffer(16), write: true }
    rx.add([second])
    expect(text(ram.bytes(second.addr, 9))).toBe('6789WXYZ!')
  })

  it('input is kept across a reset and delivered to the next driver', () => {
    const { drv, ram, console } = setup()
    drv.init()
    console.input(enc.encode('keep'))
    drv.init()
    const a = { ...ram.buffer(8), write: true }
    drv.queues[0].add([a])
    expect(text(ram.bytes(a.addr, 4))).toBe('keep')
  })

  it('emerg_wr writes a byte to the output even on an unconfigured device', () => {
    const { drv, output, console } = setup()
    drv.dev.write(0x108, 4, 0x21n)
    drv.dev.write(0x108, 1, 0x0an)
    expect(output()).toBe('!\n')
    expect(console.counters.bytesOut).toBe(2)
  })
})
