import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { R, RAM_BASE, TestDriver, TestRam, testIrq } from '../testing/virtio-driver'
import { VirtioMmio } from './mmio'
import { VirtioConsole } from './console'
import { VirtioBlock } from './block'
import { MemoryBackend } from './block-backend'
import { VirtioRng } from './rng'
import { EV_KEY, VirtioInput } from './input'
import type { VirtioDevice } from './device'
import { DeviceStatus, VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_VERSION_1, VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE } from './spec'

const RAM_SIZE = 256 * 1024
const QUEUE_SIZE = 8
const DATA = 64 * 1024
const INDIRECT_TABLES = 4
const INDIRECT_ENTRIES = 8

/** Byte equality without the cost of a deep comparison. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** FUZZ_SCALE=50 for a long run; the default keeps each property near a second. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1)

type Kind = 'console' | 'block' | 'rng' | 'input'

function device(kind: Kind): { dev: VirtioDevice; console?: VirtioConsole; input?: VirtioInput } {
  if (kind === 'input') {
    const input = new VirtioInput('keyboard', { queueSize: QUEUE_SIZE })
    return { dev: input, input }
  }
  if (kind === 'block') return { dev: new VirtioBlock(new MemoryBackend(new Uint8Array(16 * 512)), { queueSize: QUEUE_SIZE }) }
  if (kind === 'rng') return { dev: new VirtioRng({ source: (b) => b.fill(0xa5), queueSize: QUEUE_SIZE }) }
  const console = new VirtioConsole({ output: () => {}, queueSize: QUEUE_SIZE })
  return { dev: console, console }
}

describe('virtio fuzz', () => {
  it('random descriptor tables, rings and indices: no exception, writes only to named writable buffers and the used ring', () => {
    // Where a descriptor points: into the data area, at an indirect table, or somewhere wild (not RAM, or across its end).
    const index = fc.oneof({ weight: 60, arbitrary: fc.integer({ min: 0, max: QUEUE_SIZE - 1 }) }, { weight: 1, arbitrary: fc.integer({ min: QUEUE_SIZE, max: QUEUE_SIZE + 1 }) })
    const descriptor = fc.record({
      target: fc.oneof(
        { weight: 6, arbitrary: fc.record({ area: fc.constant<'data'>('data'), at: fc.integer({ min: 0, max: DATA - 1 }) }) },
        { weight: 2, arbitrary: fc.record({ area: fc.constant<'table'>('table'), at: fc.integer({ min: 0, max: INDIRECT_TABLES - 1 }) }) },
        { weight: 1, arbitrary: fc.record({ area: fc.constant<'wild'>('wild'), at: fc.constantFrom(0, RAM_BASE - 4, RAM_BASE + RAM_SIZE - 2, 2 ** 60, 2 ** 64 - 1) }) },
      ),
      len: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(1, 16, 512, 1024, 2000) }, { weight: 4, arbitrary: fc.integer({ min: 0, max: 1100 }) }, { weight: 1, arbitrary: fc.constantFrom(16 * INDIRECT_ENTRIES, 24, 0xffff_ffff) }),
      // Mostly well-formed (so that requests get served), sometimes anything.
      // -1: chained or not, device-writable from the table's `split` on (readable before writable, as 2.7.4.2 wants).
      flags: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(-1, -2) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 7 }) }),
      // -1: the following descriptor, as a driver chains them; otherwise any index.
      next: fc.oneof({ weight: 4, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: index }),
    })
    const scenario = fc.record({
      kind: fc.constantFrom<Kind>('console', 'block', 'rng', 'input'),
      features: fc.subarray([VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC]),
      seed: fc.integer(),
      split: fc.integer({ min: 0, max: QUEUE_SIZE }),
      descs: fc.array(descriptor, { minLength: QUEUE_SIZE * (3 + INDIRECT_TABLES), maxLength: QUEUE_SIZE * (3 + INDIRECT_TABLES) }),
      rounds: fc.array(
        fc.record({
          queue: fc.integer({ min: 0, max: 2 }),
          heads: fc.array(index, { maxLength: 3 }),
          jump: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) }),
          usedEvent: fc.integer({ min: 0, max: 0xffff }),
          availFlags: fc.integer({ min: 0, max: 1 }),
          input: fc.integer({ min: 0, max: 300 }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    })
    fc.assert(
      fc.property(scenario, (s) => {
        const ram = new TestRam(RAM_SIZE)
        const irq = testIrq()
        const { dev, console, input } = device(s.kind)
        const mmio = new VirtioMmio(dev, ram.mem, irq.line)
        const drv = new TestDriver(mmio, ram)
        const accept = s.features.reduce((a, f) => a | f, VIRTIO_F_VERSION_1)
        expect(drv.init({ want: accept })).toBe(true)
        const dataBase = ram.alloc(DATA, 16)
        const tables = ram.alloc(16 * INDIRECT_ENTRIES * INDIRECT_TABLES, 16)
        // Random data (for block: a few valid headers at its start), random descriptors everywhere.
        const data = new Uint8Array(DATA)
        let x = s.seed | 1
        for (let i = 0; i < DATA; i++) {
          x ^= x << 13
          x ^= x >>> 17
          x ^= x << 5
          data[i] = x & 0xff
        }
        ram.mem.write(dataBase, data)
        for (const [i, type] of [0, 1, 4, 8, 0].entries()) {
          ram.mem.setU32(dataBase + 16 * i, type)
          ram.mem.setU64(dataBase + 16 * i + 8, i)
        }
        const place = (d: (typeof s.descs)[number]) =>
          d.target.area === 'data' ? dataBase + d.target.at : d.target.area === 'table' ? tables + 16 * INDIRECT_ENTRIES * d.target.at : d.target.at
        let k = 0
        const next = (i: number, d: (typeof s.descs)[number]) => (d.next < 0 ? (i + 1) % QUEUE_SIZE : d.next)
        const flags = (i: number, d: (typeof s.descs)[number]) => (d.flags >= 0 ? d.flags : (d.flags === -1 ? VIRTQ_DESC_F_NEXT : 0) | (i >= s.split ? VIRTQ_DESC_F_WRITE : 0))
        for (const q of drv.queues) for (let i = 0; i < QUEUE_SIZE; i++, k++) q.setDesc(i, place(s.descs[k]), s.descs[k].len, flags(i, s.descs[k]), next(i, s.descs[k]))
        const q0 = drv.queues[0]
        for (let i = 0; i < INDIRECT_ENTRIES * INDIRECT_TABLES; i++, k++) q0.setDesc(i, place(s.descs[k]), s.descs[k].len, flags(i % INDIRECT_ENTRIES, s.descs[k]), next(i % INDIRECT_ENTRIES, s.descs[k]), tables)
        // What the device may write: buffers of WRITE descriptors (not indirect pointers), and each used ring.
        const allowed: [number, number][] = drv.queues.map((q) => [q.used, 6 + 8 * q.size])
        // (INDIRECT_ENTRIES equals QUEUE_SIZE, so every table has QUEUE_SIZE entries.)
        const tableBases = [...drv.queues.map((q) => q.desc), ...Array.from({ length: INDIRECT_TABLES }, (_, t) => tables + 16 * INDIRECT_ENTRIES * t)]
        for (const t of tableBases) {
          for (let i = 0; i < QUEUE_SIZE; i++) {
            const flags = ram.mem.u16(t + 16 * i + 12)
            if (flags & VIRTQ_DESC_F_WRITE && !(flags & VIRTQ_DESC_F_INDIRECT)) allowed.push([ram.mem.u64(t + 16 * i), ram.mem.u32(t + 16 * i + 8)])
          }
        }
        for (const round of s.rounds) {
          const q = drv.queues[round.queue % drv.queues.length]
          for (const h of round.heads) q.publish(h)
          if (round.jump !== null) ram.mem.setU16(q.avail + 2, round.jump)
          q.setUsedEvent(round.usedEvent)
          q.setAvailFlags(round.availFlags)
          // Compared from here on: what the device writes, not the driver.
          const before = ram.snapshot()
          q.kick()
          if (console && round.input) console.input(new Uint8Array(round.input).fill(0x41))
          if (input && round.input) {
            // Host input arrives between the driver's kicks; flush is what the VMM's loop calls.
            for (let i = 0; i < round.input % 40; i++) input.post(EV_KEY, 30, i & 1)
            input.flush()
          }
          expect(irq.level()).toBe(drv.r(R.InterruptStatus) !== 0)
          for (const pa of ram.changes(before)) {
            if (!allowed.some(([a, n]) => pa >= a && pa < a + n)) throw new Error(`${s.kind}: write at ${pa.toString(16)} outside the named buffers`)
          }
        }
        // The device either works or says it needs a reset; a broken queue never leaves it half-alive.
        const status = drv.status()
        if (status & DeviceStatus.DEVICE_NEEDS_RESET) expect(drv.r(R.InterruptStatus) & 2).toBe(2)
      }),
      { numRuns: 400 * SCALE },
    )
  })

  it('random block requests of a legal shape: the disk and the guest buffers match a model, nothing else is written', () => {
    const SECTORS = 32
    const req = fc.record({
      type: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(0, 1) }, { weight: 1, arbitrary: fc.constantFrom(4, 8, 11, 0xffff_ffff) }),
      sector: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: SECTORS }) }, { weight: 1, arbitrary: fc.constantFrom(2 ** 32, 2 ** 53, 2 ** 63) }),
      length: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 8 }).map((n) => 512 * n) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3000 }) }),
      // Where the byte stream is cut into buffers (header, data and status all may share or split buffers).
      cuts: fc.array(fc.integer({ min: 1, max: 4200 }), { maxLength: 3 }), // at most 8 buffers: the queue size
      indirect: fc.boolean(),
      fill: fc.integer({ min: 0, max: 255 }),
    })
    fc.assert(
      fc.property(fc.boolean(), fc.array(req, { minLength: 1, maxLength: 8 }), (readOnly, reqs) => {
        const disk = new Uint8Array(SECTORS * 512)
        for (let i = 0; i < disk.length; i++) disk[i] = (i * 31) & 0xff
        const model = disk.slice()
        const ram = new TestRam(RAM_SIZE)
        const blk = new VirtioBlock(new MemoryBackend(disk), { readOnly, serial: 'fuzz', queueSize: QUEUE_SIZE })
        const mmio = new VirtioMmio(blk, ram.mem, testIrq().line)
        const drv = new TestDriver(mmio, ram)
        expect(drv.init()).toBe(true)
        const q = drv.queues[0]
        for (const r of reqs) {
          // The readable stream: header (and OUT data); the writable one: IN / GET_ID data, then the status.
          const out = new Uint8Array(16 + (r.type === 1 ? r.length : 0)).fill(r.fill)
          const dv = new DataView(out.buffer)
          dv.setUint32(0, r.type, true)
          dv.setUint32(4, 0, true)
          dv.setBigUint64(8, BigInt(r.sector), true)
          const inLength = (r.type === 1 ? 0 : r.length) + 1
          const cut = (total: number, write: boolean) => {
            const points = [...new Set(r.cuts.filter((c) => c < total))].sort((a, b) => a - b)
            return [0, ...points].map((p, i, all) => ({ ...ram.buffer(write ? total - p : out.subarray(p)), write, len: (all[i + 1] ?? total) - p }))
          }
          const bufs = [...cut(out.length, false), ...cut(inLength, true)]
          for (const b of bufs) if (b.write) ram.mem.write(b.addr, new Uint8Array(b.len).fill(0xee))
          const head = q.add(bufs, { indirect: r.indirect, kick: false })
          const before = ram.snapshot()
          q.kick()
          const writable = bufs.filter((b) => b.write)
          const got = new Uint8Array(inLength)
          let at = 0
          for (const b of writable) got.set(ram.bytes(b.addr, b.len), (at += b.len) - b.len)
          // The model.
          const inRange = r.length % 512 === 0 && r.sector + r.length / 512 <= SECTORS
          let status = 2
          let data = new Uint8Array(inLength - 1)
          if (r.type === 0) {
            status = inRange ? 0 : 1
            if (inRange) data = model.slice(r.sector * 512, r.sector * 512 + r.length)
          } else if (r.type === 1) {
            status = inRange && !readOnly ? 0 : 1
            if (status === 0) model.set(out.subarray(16), r.sector * 512)
          } else if (r.type === 4) status = 0
          else if (r.type === 8) {
            status = 0
            data.set(new TextEncoder().encode('fuzz').subarray(0, data.length))
          }
          expect(q.takeUsed()).toEqual([{ id: head, len: inLength }])
          expect(got[inLength - 1]).toBe(status)
          expect(same(got.subarray(0, inLength - 1), data)).toBe(true)
          expect(same(disk, model)).toBe(true)
          const usedRing = [q.used, q.used + 6 + 8 * QUEUE_SIZE]
          for (const pa of ram.changes(before)) {
            const named = writable.some((b) => pa >= b.addr && pa < b.addr + b.len) || (pa >= usedRing[0] && pa < usedRing[1])
            if (!named) throw new Error(`write at ${pa.toString(16)} outside the named buffers`)
          }
        }
        expect(drv.status() & DeviceStatus.DEVICE_NEEDS_RESET).toBe(0)
      }),
      { numRuns: 200 * SCALE },
    )
  })

  it('random register accesses: no exception, a consistent status and interrupt line, nothing written to idle RAM', () => {
    const reg = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...[0x000, 0x004, 0x008, 0x00c, 0x010, 0x014, 0x020, 0x024, 0x030, 0x034, 0x038, 0x044, 0x050, 0x060, 0x064, 0x070, 0x080, 0x084, 0x090, 0x094, 0x0a0, 0x0a4, 0x0ac, 0x0b0, 0x0c0, 0x0fc, 0x100, 0x104, 0x108]) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1ff }) },
    )
    const value = fc.oneof(
      fc.constantFrom(0n, 1n, 2n, 3n, 4n, 7n, 8n, 0xfn, 0x40n, 0x80n, 0xffn, 0xffff_ffffn, 0x4000_0000n, 0x4000_1000n, 0x4000_2000n),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    )
    const access = fc.record({ write: fc.boolean(), off: reg, size: fc.constantFrom<1 | 2 | 4 | 8>(4, 4, 4, 1, 2, 8), value, init: fc.integer({ min: 0, max: 19 }).map((n) => n === 0) })
    fc.assert(
      fc.property(fc.constantFrom<Kind>('console', 'block', 'rng', 'input'), fc.array(access, { maxLength: 200 }), (kind, accesses) => {
        const ram = new TestRam(64 * 1024)
        const irq = testIrq()
        const { dev, console, input } = device(kind)
        const mmio = new VirtioMmio(dev, ram.mem, irq.line)
        const drv = new TestDriver(mmio, new TestRam(64 * 1024))
        const before = ram.snapshot()
        for (const a of accesses) {
          if (a.init) drv.init() // with rings in another RAM: the device follows the registers
          else if (a.write) mmio.write(a.off, a.size, a.value & ((1n << BigInt(8 * a.size)) - 1n))
          else mmio.read(a.off, a.size)
          console?.input(Uint8Array.of(1))
          if (input) {
            input.post(EV_KEY, 2, 1)
            input.flush()
          }
          const status = drv.status()
          expect(status & ~0xcf).toBe(0)
          if (status & DeviceStatus.DRIVER_OK) expect(status & DeviceStatus.FEATURES_OK).toBeTruthy()
          if (status & DeviceStatus.FEATURES_OK) expect(status & DeviceStatus.DRIVER).toBeTruthy()
          expect(irq.level()).toBe(drv.r(R.InterruptStatus) !== 0)
        }
        // This RAM is all zeroes: any ring placed in it is empty, so the device has nothing to write.
        expect(ram.changes(before)).toEqual([])
      }),
      { numRuns: 300 * SCALE },
    )
  })
})
