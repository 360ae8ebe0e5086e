import { describe, expect, it } from 'vitest'
import { R, TestDriver, TestRam, testIrq } from '../testing/virtio-driver'
import { GuestMemory } from '../hw/guest-memory'
import { PhysicalMemory } from '../hw/physical-memory'
import type { DmaMemory } from './memory'
import { VirtioMmio, LOG_LIMIT, VIRTIO_MMIO_VENDOR } from './mmio'
import { VirtioConsole, VIRTIO_CONSOLE_F_SIZE, VIRTIO_CONSOLE_F_EMERG_WRITE } from './console'
import { VirtioRng } from './rng'
import { DeviceStatus, VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_VERSION_1 } from './spec'

const ACKNOWLEDGE = DeviceStatus.ACKNOWLEDGE
const DRIVER = DeviceStatus.DRIVER
const FEATURES_OK = DeviceStatus.FEATURES_OK
const DRIVER_OK = DeviceStatus.DRIVER_OK
const DEVICE_NEEDS_RESET = DeviceStatus.DEVICE_NEEDS_RESET
const FAILED = DeviceStatus.FAILED

function setup(opts: { size?: { cols: number; rows: number } } = {}) {
  const ram = new TestRam()
  const out: number[] = []
  const logs: string[] = []
  const irq = testIrq()
  const console = new VirtioConsole({ output: (b) => out.push(...b), size: opts.size })
  const dev = new VirtioMmio(console, ram.mem, irq.line, (m) => logs.push(m))
  return { ram, out, logs, irq, console, dev, drv: new TestDriver(dev, ram) }
}

describe('virtio-mmio registers', () => {
  it('GuestMemory is a DmaMemory', () => {
    const mem: DmaMemory = new GuestMemory(new PhysicalMemory(new Uint8Array(4096), 0x1000))
    expect(mem.setU32(0x1004, 0xdeadbeef)).toBe(true)
    expect(mem.u32(0x1004)).toBe(0xdeadbeef)
    expect(mem.u64(0x2000)).toBe(-1)
  })

  it('identifies itself as a version 2 device with its ID, our vendor, and no shared memory', () => {
    const { drv } = setup()
    expect(drv.r(R.MagicValue)).toBe(0x74726976) // "virt"
    expect(drv.r(R.Version)).toBe(2)
    expect(drv.r(R.DeviceID)).toBe(3)
    expect(drv.r(R.VendorID)).toBe(VIRTIO_MMIO_VENDOR)
    drv.w(R.SHMSel, 0)
    expect([drv.r(R.SHMLenLow), drv.r(R.SHMLenHigh), drv.r(R.SHMBaseLow), drv.r(R.SHMBaseHigh)]).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff])
  })

  it('offers the ring features and the device features through DeviceFeaturesSel', () => {
    const { drv } = setup({ size: { cols: 80, rows: 25 } })
    expect(drv.offered()).toBe(VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX | VIRTIO_CONSOLE_F_SIZE | VIRTIO_CONSOLE_F_EMERG_WRITE)
    drv.w(R.DeviceFeaturesSel, 2)
    expect(drv.r(R.DeviceFeatures)).toBe(0)
  })

  it('goes through the Linux init sequence to DRIVER_OK', () => {
    const { drv, dev } = setup()
    expect(drv.init()).toBe(true)
    expect(drv.status()).toBe(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK)
    expect(drv.queues.map((q) => q.size)).toEqual([128, 128])
    drv.w(R.QueueSel, 1)
    expect(drv.r(R.QueueReady)).toBe(1)
    drv.w(R.QueueSel, 2)
    expect(drv.r(R.QueueNumMax)).toBe(0) // no such queue
    expect(dev.counters.errors).toBe(0)
  })

  it('refuses FEATURES_OK without VIRTIO_F_VERSION_1, and for features not offered', () => {
    const a = setup()
    expect(a.drv.init({ accept: VIRTIO_F_INDIRECT_DESC })).toBe(false)
    expect(a.drv.status()).toBe(ACKNOWLEDGE | DRIVER | FAILED)
    expect(a.logs.join('\n')).toMatch(/FEATURES_OK refused: .*VIRTIO_F_VERSION_1/)
    const b = setup()
    expect(b.drv.init({ accept: VIRTIO_F_VERSION_1 | (1n << 40n) })).toBe(false)
    expect(b.logs.join('\n')).toMatch(/features 0x10000000000 that are not offered/)
    // A later, correct attempt after reset succeeds.
    expect(b.drv.init()).toBe(true)
  })

  it('takes status bits only in order and never lets the driver clear one or set DEVICE_NEEDS_RESET', () => {
    const { drv, logs } = setup()
    drv.w(R.Status, DRIVER)
    expect(drv.status()).toBe(0)
    drv.w(R.Status, ACKNOWLEDGE)
    drv.w(R.Status, ACKNOWLEDGE | DRIVER_OK)
    expect(drv.status()).toBe(ACKNOWLEDGE)
    drv.w(R.Status, ACKNOWLEDGE | DRIVER | DEVICE_NEEDS_RESET)
    expect(drv.status()).toBe(ACKNOWLEDGE | DRIVER)
    drv.w(R.Status, DRIVER)
    expect(drv.status()).toBe(ACKNOWLEDGE | DRIVER)
    drv.w(R.Status, ACKNOWLEDGE | DRIVER | 0x20)
    expect(drv.status()).toBe(ACKNOWLEDGE | DRIVER)
    expect(logs.filter((l) => /Status .* ignored/.test(l))).toHaveLength(4)
  })

  it('writing 0 to Status resets the device and every queue and drops the interrupt', () => {
    const { drv, irq, console } = setup()
    drv.init()
    console.input(new TextEncoder().encode('x'))
    drv.queues[0].add([{ ...drv.ram.buffer(8), write: true }])
    expect(irq.level()).toBe(true)
    drv.w(R.Status, 0)
    expect(drv.status()).toBe(0)
    expect(irq.level()).toBe(false)
    expect(drv.r(R.InterruptStatus)).toBe(0)
    for (const q of [0, 1]) {
      drv.w(R.QueueSel, q)
      expect(drv.r(R.QueueReady)).toBe(0)
    }
  })

  it('logs and ignores wrong-size, unaligned, read-only, write-only and unknown accesses', () => {
    const { drv, dev, logs } = setup()
    expect(dev.read(R.MagicValue, 2)).toBe(0n)
    expect(dev.read(R.MagicValue + 1, 4)).toBe(0n)
    dev.write(R.Status, 1, 1n)
    dev.write(R.MagicValue, 4, 5n)
    expect(drv.r(R.QueueNum)).toBe(0)
    expect(drv.r(0x0c0)).toBe(0) // QueueReset: RING_RESET is not offered
    drv.w(0x0f0, 1)
    expect(drv.status()).toBe(0)
    expect(drv.r(R.MagicValue)).toBe(0x74726976)
    expect(logs).toEqual([
      'virtio-console: 2-byte read at 0x0: control registers take 32-bit aligned accesses (4.2.2.2)',
      'virtio-console: 4-byte read at 0x1: control registers take 32-bit aligned accesses (4.2.2.2)',
      'virtio-console: 1-byte write at 0x70: control registers take 32-bit aligned accesses (4.2.2.2)',
      'virtio-console: write to read-only register MagicValue (0x0)',
      'virtio-console: read of write-only register QueueNum (0x38)',
      'virtio-console: read of unknown register 0xc0',
      'virtio-console: write of 0x1 to unknown register 0xf0',
    ])
  })

  it('caps its log lines', () => {
    const { dev, logs } = setup()
    for (let i = 0; i < 1000; i++) dev.read(1, 1)
    expect(logs).toHaveLength(LOG_LIMIT + 1)
    expect(logs.at(-1)).toBe('virtio-console: further messages suppressed')
  })

  it('ignores queue setup outside FEATURES_OK..DRIVER_OK and on a ready queue', () => {
    const { drv, logs } = setup()
    drv.init()
    const q = drv.queues[0]
    drv.w(R.QueueSel, 0)
    drv.w(R.QueueNum, 4)
    drv.w(R.QueueDescLow, 0x1234)
    drv.w(R.QueueReady, 0)
    drv.w(R.QueueReady, 1)
    expect(logs.filter((l) => /ignored: queues are set up after FEATURES_OK/.test(l))).toHaveLength(3)
    // Still the original layout: I/O on queue 1 works, and queue 0 stays disabled.
    drv.w(R.QueueSel, 0)
    expect(drv.r(R.QueueReady)).toBe(0)
    expect(q.size).toBe(128)
  })

  it('ignores DriverFeatures outside DRIVER..FEATURES_OK', () => {
    const { drv, logs } = setup()
    drv.w(R.DriverFeatures, 1)
    expect(logs[0]).toMatch(/DriverFeatures ignored/)
  })

  it('a bad queue layout at QueueReady sets DEVICE_NEEDS_RESET, and DRIVER_OK then brings a config interrupt', () => {
    const { drv, irq, logs } = setup()
    drv.init({ noDriverOk: true, sizes: [128, 128] })
    drv.w(R.Status, 0)
    drv.init({ noDriverOk: true, sizes: [3, 128] }) // not a power of two
    expect(drv.status() & DEVICE_NEEDS_RESET).toBe(DEVICE_NEEDS_RESET)
    expect(logs.join('\n')).toMatch(/queue 0: queue size 3 is not a power of two.*the device needs a reset/)
    expect(irq.level()).toBe(false)
    drv.addStatus(DRIVER_OK)
    expect(drv.r(R.InterruptStatus)).toBe(2)
    expect(irq.level()).toBe(true)
  })

  it('rejects misaligned rings and rings outside RAM', () => {
    for (const [reg, value, why] of [
      [R.QueueDescLow, 0x4000_0008, /descriptor table at 0x40000008 is not 16-byte aligned/],
      [R.QueueDriverLow, 0x4000_0001, /available ring at 0x40000001 is not 2-byte aligned/],
      [R.QueueDeviceLow, 0x4010_0000 - 8, /used ring at 0x400ffff8 length 1030 is not RAM/],
      [R.QueueDescHigh, 1, /descriptor table at 0x1400.* is not RAM/],
    ] as const) {
      const { drv, logs } = setup()
      drv.init({ noDriverOk: true })
      drv.w(R.QueueSel, 0)
      drv.w(R.QueueReady, 0) // take it back to change it
      drv.w(reg, value)
      drv.w(R.QueueReady, 1)
      expect(logs.join('\n')).toMatch(why)
      expect(drv.status() & DEVICE_NEEDS_RESET).toBeTruthy()
    }
  })

  it('acknowledges interrupts bit by bit; the line follows InterruptStatus', () => {
    const { drv, irq, console } = setup({ size: { cols: 80, rows: 24 } })
    drv.init()
    drv.queues[0].add([{ ...drv.ram.buffer(8), write: true }])
    console.input(Uint8Array.of(65))
    console.resize(100, 30)
    expect(drv.r(R.InterruptStatus)).toBe(3)
    drv.w(R.InterruptACK, 1)
    expect(irq.level()).toBe(true)
    drv.w(R.InterruptACK, 2)
    expect(irq.level()).toBe(false)
    expect(console.counters.interrupts).toBe(2)
  })

  it('a resize bumps ConfigGeneration and the new size reads back (cols first, as Linux reads it)', () => {
    const { drv, console } = setup({ size: { cols: 80, rows: 24 } })
    drv.init()
    const gen = drv.r(R.ConfigGeneration)
    expect([drv.config(0, 2), drv.config(2, 2)]).toEqual([80, 24])
    console.resize(132, 43)
    expect(drv.r(R.ConfigGeneration)).toBe(gen + 1)
    expect(drv.takeInterrupt()).toBe(2)
    expect([drv.config(0, 2), drv.config(2, 2), drv.config(0, 4)]).toEqual([132, 43, 132 + 43 * 65536])
  })

  it('config space: bounds and alignment are checked, 8-byte reads are split', () => {
    const { drv, dev, logs } = setup({ size: { cols: 1, rows: 2 } })
    expect(dev.read(0x100, 8)).toBe(0x0002_0001n)
    expect(dev.read(0x101, 2)).toBe(0n)
    expect(dev.read(0x10c, 1)).toBe(0n)
    dev.write(0x100, 2, 7n)
    expect(drv.config(0, 2)).toBe(1)
    expect(logs).toEqual([
      'virtio-console: unaligned 2-byte read at configuration offset 0x1 (4.2.2.2)',
      'virtio-console: 1-byte read at configuration offset 0xc, past its 12 bytes',
      'virtio-console: write of 0x7 to read-only configuration offset 0x0',
    ])
  })

  it('QueueNotify before DRIVER_OK or for a queue that is not ready does nothing', () => {
    const { drv, out, logs } = setup()
    drv.init({ noDriverOk: true })
    drv.queues[1].add([drv.ram.buffer(new TextEncoder().encode('early'))])
    expect(out).toEqual([])
    expect(logs.at(-1)).toMatch(/QueueNotify 1 before DRIVER_OK ignored/)
    // DRIVER_OK looks at every ready queue once: the early buffer goes out then.
    drv.addStatus(DRIVER_OK)
    expect(String.fromCharCode(...out)).toBe('early')
    drv.w(R.QueueNotify, 7)
    expect(logs.at(-1)).toMatch(/QueueNotify for queue 7, which does not exist/)
  })

  it('after FAILED the device uses no queue until reset', () => {
    const { drv, out } = setup()
    drv.init()
    drv.addStatus(FAILED)
    drv.queues[1].add([drv.ram.buffer(Uint8Array.of(1))])
    expect(out).toEqual([])
    expect(drv.queues[1].usedIdx()).toBe(0)
  })

  it('serves the entropy device over the same transport', () => {
    const ram = new TestRam()
    const dev = new VirtioMmio(new VirtioRng({ source: (b) => b.fill(7) }), ram.mem, testIrq().line)
    const drv = new TestDriver(dev, ram)
    expect(drv.init()).toBe(true)
    expect(drv.r(R.DeviceID)).toBe(4)
    expect(drv.queues).toHaveLength(1)
  })
})
