import { describe, expect, it } from 'vitest'
import { TestDriver, TestRam, testIrq } from '../testing/virtio-driver'
import { VirtioMmio } from './mmio'
import { REQUEST_MAX, VirtioRng } from './rng'

function setup(rng: VirtioRng) {
  const ram = new TestRam(1 << 20)
  const drv = new TestDriver(new VirtioMmio(rng, ram.mem, testIrq().line), ram)
  expect(drv.init()).toBe(true)
  return { ram, drv, q: drv.queues[0] }
}

describe('virtio-rng', () => {
  it('fills writable buffers from its source, across buffers', () => {
    let n = 0
    const rng = new VirtioRng({ source: (b) => b.forEach((_, i) => (b[i] = n++)) })
    const { ram, q } = setup(rng)
    const a = { ...ram.buffer(3), write: true }
    const b = { ...ram.buffer(5), write: true }
    const head = q.add([a, b])
    expect(q.takeUsed()).toEqual([{ id: head, len: 8 }])
    expect([...ram.bytes(a.addr, 3), ...ram.bytes(b.addr, 5)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(rng.counters).toMatchObject({ requests: 1, bytesIn: 8 })
  })

  it('serves at most REQUEST_MAX bytes per request', () => {
    const rng = new VirtioRng({ source: (b) => b.fill(0x5a) })
    const { ram, q } = setup(rng)
    const big = { ...ram.buffer(REQUEST_MAX + 100), write: true }
    q.add([big])
    expect(q.takeUsed()[0].len).toBe(REQUEST_MAX)
    const bytes = ram.bytes(big.addr, REQUEST_MAX + 100)
    expect(bytes[REQUEST_MAX - 1]).toBe(0x5a)
    expect(bytes[REQUEST_MAX]).toBe(0)
  })

  it('uses Web Crypto by default', () => {
    const { ram, q } = setup(new VirtioRng())
    const buf = { ...ram.buffer(256), write: true }
    q.add([buf])
    // 256 random bytes are all zero with probability 2^-2048.
    expect(ram.bytes(buf.addr, 256).some((x) => x !== 0)).toBe(true)
  })
})
