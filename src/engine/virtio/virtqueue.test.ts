import { describe, expect, it } from 'vitest'
import { R, RAM_BASE, TestDriver, TestRam, testIrq, type InitOptions } from '../testing/virtio-driver'
import { VirtioMmio } from './mmio'
import { VirtioRng } from './rng'
import { DeviceStatus, VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC, VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE } from './spec'

/** An entropy device whose bytes count up from 1, so every byte written is known. */
function setup(init: InitOptions = {}, queueSize = 16) {
  const ram = new TestRam()
  const irq = testIrq()
  const logs: string[] = []
  let n = 0
  const rng = new VirtioRng({ source: (b) => b.forEach((_, i) => (b[i] = ++n & 0xff)), queueSize })
  const dev = new VirtioMmio(rng, ram.mem, irq.line, (m) => logs.push(m))
  const drv = new TestDriver(dev, ram)
  expect(drv.init(init)).toBe(true)
  return { ram, irq, logs, rng, dev, drv, q: drv.queues[0] }
}

describe('split virtqueue', () => {
  it('returns each chain in the used ring with the bytes written, and interrupts', () => {
    const { ram, q, drv, irq } = setup()
    const a = ram.buffer(3)
    const b = ram.buffer(2)
    const head = q.add([{ ...a, write: true }, { ...b, write: true }])
    expect(q.takeUsed()).toEqual([{ id: head, len: 5 }])
    expect([...ram.bytes(a.addr, 3), ...ram.bytes(b.addr, 2)]).toEqual([1, 2, 3, 4, 5])
    expect(irq.level()).toBe(true)
    expect(drv.takeInterrupt()).toBe(1)
    expect(irq.level()).toBe(false)
  })

  it('without VIRTIO_F_EVENT_IDX, VIRTQ_AVAIL_F_NO_INTERRUPT suppresses the notification', () => {
    const { ram, q, rng } = setup({ want: ~VIRTIO_F_EVENT_IDX })
    q.setAvailFlags(1)
    q.add([{ ...ram.buffer(4), write: true }])
    expect(q.takeUsed()).toHaveLength(1)
    expect(rng.counters.interrupts).toBe(0)
    q.setAvailFlags(0)
    q.add([{ ...ram.buffer(4), write: true }])
    expect(rng.counters.interrupts).toBe(1)
  })

  it('with VIRTIO_F_EVENT_IDX, notifies only when used idx passes used_event, and ignores NO_INTERRUPT', () => {
    const { ram, q, rng } = setup()
    q.setUsedEvent(2)
    q.setAvailFlags(1) // to be ignored (2.7.7.2)
    const counts: number[] = []
    for (let i = 0; i < 4; i++) {
      q.add([{ ...ram.buffer(1), write: true }])
      counts.push(rng.counters.interrupts)
    }
    // Entries 0, 1, 2, 3 were written; only entry 2 is used_event.
    expect(counts).toEqual([0, 0, 1, 1])
    // A batch of three (entries 4, 5, 6) handled by one notify crosses used_event 5 once.
    q.setUsedEvent(5)
    for (let i = 0; i < 3; i++) q.add([{ ...ram.buffer(1), write: true }], { kick: false })
    q.kick()
    expect(rng.counters.interrupts).toBe(2)
    expect(q.takeUsed()).toHaveLength(7)
  })

  it('with VIRTIO_F_EVENT_IDX, asks for the next notification through avail_event', () => {
    const { ram, q } = setup()
    for (let i = 0; i < 3; i++) q.add([{ ...ram.buffer(1), write: true }])
    expect(q.availEvent()).toBe(3)
  })

  it('follows indirect tables, alone or after direct descriptors', () => {
    const { ram, q } = setup()
    const bufs = [ram.buffer(2), ram.buffer(3), ram.buffer(1)].map((b) => ({ ...b, write: true }))
    const head = q.add(bufs, { indirect: true })
    expect(q.takeUsed()).toEqual([{ id: head, len: 6 }])
    expect([...ram.bytes(bufs[0].addr, 2), ...ram.bytes(bufs[1].addr, 3), ...ram.bytes(bufs[2].addr, 1)]).toEqual([1, 2, 3, 4, 5, 6])
    // Direct descriptor 5 → indirect descriptor 6 (2.7.5.3.2: the device must handle it).
    const d = ram.buffer(2)
    const e = ram.buffer(2)
    const table = ram.alloc(16, 16)
    q.setDesc(0, e.addr, 2, VIRTQ_DESC_F_WRITE, 0, table)
    q.setDesc(5, d.addr, 2, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 6)
    q.setDesc(6, table, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE, 0) // WRITE on the pointer is ignored
    q.publish(5)
    q.kick()
    expect(q.takeUsed()).toEqual([{ id: 5, len: 4 }])
    expect([...ram.bytes(d.addr, 2), ...ram.bytes(e.addr, 2)]).toEqual([7, 8, 9, 10])
  })

  it('keeps going across the wrap-around of the 16-bit indices', () => {
    const { ram, q, rng } = setup({}, 4)
    const buf = { ...ram.buffer(1), write: true }
    q.setUsedEvent(0xffff)
    let done = 0
    for (let i = 0; i < 70_000; i++) {
      q.add([buf])
      done += q.takeUsed().length
    }
    expect(done).toBe(70_000)
    expect(q.usedIdx()).toBe(70_000 & 0xffff)
    expect(ram.bytes(buf.addr, 1)[0]).toBe(70_000 & 0xff)
    // used_event 0xffff: the entry written at index 65535 (the 65536th) notified, once.
    expect(rng.counters.interrupts).toBe(1)
    expect(rng.counters.errors).toBe(0)
  })
})

describe('broken queues', () => {
  type Breaker = (s: ReturnType<typeof setup>) => void
  const cases: [string, Breaker, RegExp, InitOptions?][] = [
    ['a loop', ({ q, ram }) => {
      const b = ram.buffer(1)
      q.setDesc(0, b.addr, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1)
      q.setDesc(1, b.addr, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0)
      q.publish(0)
    }, /chain at head 0 is longer than 16 descriptors/],
    ['a loop in an indirect table', ({ q, ram }) => {
      const b = ram.buffer(1)
      const t = ram.alloc(32, 16)
      q.setDesc(0, b.addr, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1, t)
      q.setDesc(1, b.addr, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0, t)
      q.setDesc(0, t, 32, VIRTQ_DESC_F_INDIRECT, 0)
      q.publish(0)
    }, /longer than 16 descriptors/],
    ['next beyond the queue size', ({ q, ram }) => {
      q.setDesc(3, ram.buffer(1).addr, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 16)
      q.publish(3)
    }, /descriptor 3 of head 3 has next 16, beyond its table of 16/],
    ['a head beyond the queue size', ({ q }) => q.publish(99), /available ring entry 99 is beyond the queue size 16/],
    ['avail idx too far ahead', ({ q, ram }) => ram.mem.setU16(q.avail + 2, 17), /available idx 17 is 17 entries ahead/],
    ['a buffer outside RAM', ({ q }) => {
      q.setDesc(0, RAM_BASE + (1 << 20) - 2, 4, VIRTQ_DESC_F_WRITE, 0)
      q.publish(0)
    }, /buffer at 0x400ffffe length 4 of the chain at head 0 is not RAM/],
    ['a buffer at an address above 2^53', ({ q }) => {
      q.setDesc(0, 2 ** 60, 4, VIRTQ_DESC_F_WRITE, 0)
      q.publish(0)
    }, /buffer at 0x1000000000000000 length 4 .* is not RAM/],
    ['an indirect table outside RAM', ({ q }) => {
      q.setDesc(0, 0x1000, 16, VIRTQ_DESC_F_INDIRECT, 0)
      q.publish(0)
    }, /descriptor 0 at 0x1000 is not RAM/],
    ['an indirect table of a bad length', ({ q, ram }) => {
      q.setDesc(0, ram.alloc(32), 24, VIRTQ_DESC_F_INDIRECT, 0)
      q.publish(0)
    }, /indirect table of head 0 has length 24/],
    ['an empty indirect table', ({ q, ram }) => {
      q.setDesc(0, ram.alloc(32), 0, VIRTQ_DESC_F_INDIRECT, 0)
      q.publish(0)
    }, /has length 0/],
    ['an indirect table longer than the queue', ({ q, ram }) => {
      q.setDesc(0, ram.alloc(17 * 16), 17 * 16, VIRTQ_DESC_F_INDIRECT, 0)
      q.publish(0)
    }, /has length 272, not a multiple of 16 up to 256/],
    ['a nested indirect descriptor', ({ q, ram }) => {
      const t = ram.alloc(16, 16)
      q.setDesc(0, t, 16, VIRTQ_DESC_F_INDIRECT, 0, t)
      q.setDesc(0, t, 16, VIRTQ_DESC_F_INDIRECT, 0)
      q.publish(0)
    }, /indirect table of head 0 holds another indirect descriptor/],
    ['INDIRECT with NEXT', ({ q, ram }) => {
      q.setDesc(0, ram.alloc(16, 16), 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1)
      q.publish(0)
    }, /indirect descriptor 0 has VIRTQ_DESC_F_NEXT set/],
    ['indirect without the feature', ({ q, ram }) => {
      q.setDesc(0, ram.alloc(16, 16), 16, VIRTQ_DESC_F_INDIRECT, 0)
      q.publish(0)
    }, /VIRTIO_F_INDIRECT_DESC was not negotiated/, { want: ~VIRTIO_F_INDIRECT_DESC }],
    ['a readable buffer after a writable one', ({ q, ram }) => {
      q.add([{ ...ram.buffer(1), write: true }, ram.buffer(1)], { kick: false })
    }, /device-readable buffer after a device-writable one/],
    ['a chain over 2^32 bytes', ({ q, ram }) => {
      const b = ram.buffer(1)
      q.setDesc(0, b.addr, 0xffff_ffff, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1)
      q.setDesc(1, b.addr, 2, VIRTQ_DESC_F_WRITE, 0)
      q.publish(0)
    }, /longer than 2\^32 bytes/],
  ]

  for (const [name, breakIt, why, init] of cases) {
    it(`${name}: DEVICE_NEEDS_RESET, a config interrupt, one log line, nothing written`, () => {
      const s = setup(init)
      const { q, drv, ram, logs, irq } = s
      breakIt(s)
      const before = ram.snapshot()
      expect(() => q.kick()).not.toThrow()
      expect(drv.status() & DeviceStatus.DEVICE_NEEDS_RESET).toBeTruthy()
      expect(drv.r(R.InterruptStatus)).toBe(2)
      expect(irq.level()).toBe(true)
      expect(logs).toHaveLength(1)
      expect(logs[0]).toMatch(why)
      expect(logs[0]).toMatch(/the device needs a reset$/)
      expect(ram.changes(before)).toEqual([])
      expect(s.rng.counters.errors).toBe(1)
      // Nothing more happens until reset; then the device works again.
      q.add([{ ...ram.buffer(1), write: true }])
      expect(q.usedIdx()).toBe(0)
      expect(logs).toHaveLength(1)
      expect(drv.init()).toBe(true)
      const b = ram.buffer(1)
      drv.queues[0].add([{ ...b, write: true }])
      expect(drv.queues[0].takeUsed()).toHaveLength(1)
    })
  }

  it('a chain whose second buffer is outside RAM: only the first buffer is written', () => {
    const { q, ram, drv } = setup()
    const good = ram.buffer(2)
    q.setDesc(0, good.addr, 2, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1)
    q.setDesc(1, 0x10, 2, VIRTQ_DESC_F_WRITE, 0)
    q.publish(0)
    const before = ram.snapshot()
    q.kick()
    expect(ram.changes(before)).toEqual([good.addr, good.addr + 1])
    expect(drv.status() & DeviceStatus.DEVICE_NEEDS_RESET).toBeTruthy()
    expect(q.usedIdx()).toBe(0)
  })
})
