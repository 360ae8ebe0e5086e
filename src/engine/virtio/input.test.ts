import { describe, expect, it } from 'vitest'
import { R, TestDriver, TestRam, testIrq } from '../testing/virtio-driver'
import { VirtioMmio } from './mmio'
import { ABS_MAX, ABS_X, BTN_LEFT, EVENT_LIMIT, EV_ABS, EV_KEY, EV_LED, EV_REL, EV_REP, InputCfg, REL_WHEEL, VirtioInput, type InputKind } from './input'

function setup(kind: InputKind, opts: { queueSize?: number } = {}) {
  const dev = new VirtioInput(kind, { serial: 'vm1-kbd', ...opts })
  const ram = new TestRam(1 << 20)
  const irq = testIrq()
  const mmio = new VirtioMmio(dev, ram.mem, irq.line)
  const drv = new TestDriver(mmio, ram)
  expect(drv.init()).toBe(true)
  /** Linux's virtinput_cfg_select: write select and subsel, read size. */
  const select = (sel: number, sub: number): number => {
    mmio.write(R.Config, 1, BigInt(sel))
    mmio.write(R.Config + 1, 1, BigInt(sub))
    return drv.config(2, 1)
  }
  const union = (n: number): number[] => Array.from({ length: n }, (_, i) => drv.config(8 + i, 1))
  const bits = (n: number): number[] => {
    const b = union(n)
    return b.flatMap((byte, i) => Array.from({ length: 8 }, (_, j) => ((byte >> j) & 1 ? i * 8 + j : -1))).filter((c) => c >= 0)
  }
  /** Lends the device `n` event buffers of 8 bytes. */
  const lend = (n: number) => Array.from({ length: n }, () => {
    const b = { ...ram.buffer(8), write: true }
    drv.queues[0].add([b])
    return b
  })
  const event = (addr: number) => {
    const dv = new DataView(ram.bytes(addr, 8).slice().buffer)
    return [dv.getUint16(0, true), dv.getUint16(2, true), dv.getInt32(4, true)]
  }
  return { dev, ram, irq, mmio, drv, select, union, bits, lend, event }
}

describe('virtio-input', () => {
  it('is device 18 with two queues and identifies itself in its configuration (5.8.5)', () => {
    const { drv, select, union } = setup('keyboard')
    expect(drv.r(R.DeviceID)).toBe(18)
    expect(drv.queues.length).toBe(2)
    const n = select(InputCfg.ID_NAME, 0)
    expect(String.fromCharCode(...union(n))).toBe('l4lab virtio keyboard')
    expect(String.fromCharCode(...union(select(InputCfg.ID_SERIAL, 0)))).toBe('vm1-kbd')
    expect(select(InputCfg.ID_DEVIDS, 0)).toBe(8)
    expect(union(8)).toEqual([0x06, 0, 0x27, 0x06, 1, 0, 1, 0])
    // Unknown selections have size 0 and a zero union.
    expect(select(0x7f, 0)).toBe(0)
    expect(select(InputCfg.ID_DEVIDS, 1)).toBe(0)
    expect(union(4)).toEqual([0, 0, 0, 0])
  })

  it('a keyboard offers keys 1..255, LEDs and autorepeat, and no pointer', () => {
    const { select, bits } = setup('keyboard')
    const n = select(InputCfg.EV_BITS, EV_KEY)
    expect(n).toBe(32)
    const keys = bits(n)
    expect(keys[0]).toBe(1)
    expect(keys.length).toBe(255)
    expect(bits(select(InputCfg.EV_BITS, EV_LED))).toEqual([0, 1, 2])
    expect(select(InputCfg.EV_BITS, EV_REP)).toBe(1)
    expect(select(InputCfg.EV_BITS, EV_ABS)).toBe(0)
    expect(select(InputCfg.ABS_INFO, ABS_X)).toBe(0)
  })

  it('a tablet offers buttons, a wheel and two absolute axes with their range', () => {
    const { select, bits, union } = setup('tablet')
    expect(bits(select(InputCfg.EV_BITS, EV_KEY))).toEqual([BTN_LEFT, BTN_LEFT + 1, BTN_LEFT + 2])
    expect(bits(select(InputCfg.EV_BITS, EV_REL))).toEqual([REL_WHEEL])
    expect(bits(select(InputCfg.EV_BITS, EV_ABS))).toEqual([0, 1])
    expect(bits(select(InputCfg.PROP_BITS, 0))).toEqual([0])
    expect(select(InputCfg.ABS_INFO, ABS_X)).toBe(20)
    const dv = new DataView(Uint8Array.from(union(20)).buffer)
    expect([dv.getUint32(0, true), dv.getUint32(4, true)]).toEqual([0, ABS_MAX])
    expect(select(InputCfg.ABS_INFO, 5)).toBe(0)
  })

  it('only select and subsel are writable', () => {
    const { mmio, select, drv } = setup('keyboard')
    const size = select(InputCfg.ID_NAME, 0)
    mmio.write(R.Config + 2, 1, 99n)
    mmio.write(R.Config + 8, 4, 0x41414141n)
    expect(drv.config(2, 1)).toBe(size)
    expect(drv.config(8, 1)).toBe('l'.charCodeAt(0))
  })

  it('posted events wait for flush, then fill the lent buffers in order and notify once', () => {
    const { dev, drv, irq, lend, event } = setup('keyboard')
    const bufs = lend(4)
    dev.post(EV_KEY, 30, 1)
    dev.post(0, 0, 0)
    dev.post(EV_KEY, 30, 0)
    expect(drv.queues[0].takeUsed()).toEqual([])
    expect(irq.level()).toBe(false)
    dev.flush()
    const used = drv.queues[0].takeUsed()
    expect(used.map((u) => u.len)).toEqual([8, 8, 8])
    expect(bufs.slice(0, 3).map((b) => event(b.addr))).toEqual([[EV_KEY, 30, 1], [0, 0, 0], [EV_KEY, 30, 0]])
    expect(irq.rises()).toBe(1)
    expect(dev.pending).toBe(0)
    expect(dev.counters).toMatchObject({ requests: 3, bytesIn: 24 })
  })

  it('keeps events the driver has no buffers for, and sends them when it lends some', () => {
    const { dev, drv, lend, event } = setup('tablet')
    dev.post(EV_ABS, ABS_X, 1234)
    dev.post(EV_ABS, 1, -1)
    dev.flush()
    expect(dev.pending).toBe(2)
    const [a] = lend(1)
    expect(event(a.addr)).toEqual([EV_ABS, ABS_X, 1234])
    expect(dev.pending).toBe(1)
    const [b] = lend(1)
    expect(event(b.addr)).toEqual([EV_ABS, 1, -1])
    expect(drv.queues[0].takeUsed().length).toBe(2)
  })

  it('drops what does not fit in its ring and counts it', () => {
    const { dev } = setup('keyboard')
    for (let i = 0; i < EVENT_LIMIT; i++) expect(dev.post(EV_KEY, 2, i & 1)).toBe(true)
    expect(dev.post(EV_KEY, 2, 1)).toBe(false)
    expect(dev.dropped).toBe(1)
    expect(dev.pending).toBe(EVENT_LIMIT)
  })

  it('gives a too-small buffer back unused and counts an error', () => {
    const { dev, drv, ram } = setup('keyboard')
    drv.queues[0].add([{ ...ram.buffer(4), write: true }])
    dev.post(EV_KEY, 2, 1)
    dev.flush()
    expect(drv.queues[0].takeUsed()).toEqual([{ id: expect.any(Number), len: 0 }])
    expect(dev.counters.errors).toBe(1)
    expect(dev.pending).toBe(1)
  })

  it('takes LED reports on statusq and returns them', () => {
    const { dev, drv, ram } = setup('keyboard')
    const report = new Uint8Array(8)
    new DataView(report.buffer).setUint16(0, EV_LED, true)
    const head = drv.queues[1].add([{ ...ram.buffer(report), write: false }])
    expect(drv.queues[1].takeUsed()).toEqual([{ id: head, len: 0 }])
    expect(dev.counters.bytesOut).toBe(8)
  })
})
