import { describe, expect, it } from 'vitest'
import { R, TestDriver, TestRam, testIrq, type Buf, type DriverQueue, type InitOptions } from '../testing/virtio-driver'
import { VirtioMmio } from './mmio'
import { VirtioBlock, VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_RO, VIRTIO_BLK_F_SEG_MAX, type VirtioBlockOptions } from './block'
import { MemoryBackend, type BlockBackend } from './block-backend'
import { DeviceStatus } from './spec'

const SECTORS = 64
/** Byte i of the disk: a pattern in which every sector differs. */
const pattern = (i: number) => (i * 7 + (i >> 9)) & 0xff

class CountingBackend extends MemoryBackend {
  flushes = 0
  failFlush = false
  override flush(): boolean {
    this.flushes++
    return !this.failFlush
  }
}

function setup(opts: VirtioBlockOptions = {}, init: InitOptions = {}) {
  const disk = new Uint8Array(SECTORS * 512 + 100) // a partial sector at the end is not offered
  disk.forEach((_, i) => (disk[i] = pattern(i)))
  const backend = new CountingBackend(disk)
  const ram = new TestRam(2 << 20)
  const logs: string[] = []
  const blk = new VirtioBlock(backend, { serial: 'l4lab-disk-0', ...opts })
  const dev = new VirtioMmio(blk, ram.mem, testIrq().line, (m) => logs.push(m))
  const drv = new TestDriver(dev, ram)
  expect(drv.init(init)).toBe(true)
  return { disk, backend, ram, logs, blk, drv, q: drv.queues[0] }
}

function header(type: number, sector: number): Uint8Array {
  const h = new Uint8Array(16)
  const dv = new DataView(h.buffer)
  dv.setUint32(0, type, true)
  dv.setBigUint64(8, BigInt(sector), true)
  return h
}

/** One request the way Linux's virtio_blk lays it out: header, data buffers, status; returns what came back. */
function request(q: DriverQueue, type: number, sector: number, data: { out?: Uint8Array; in?: number }, opts: { indirect?: boolean; segments?: number } = {}) {
  const ram = q.driver.ram
  const bufs: Buf[] = [ram.buffer(header(type, sector))]
  const segments = opts.segments ?? 1
  const dataBufs: Buf[] = []
  const split = (len: number) => Array.from({ length: segments }, (_, i) => Math.floor((len * (i + 1)) / segments) - Math.floor((len * i) / segments))
  if (data.out) {
    let at = 0
    for (const n of split(data.out.length)) dataBufs.push(ram.buffer(data.out.subarray(at, (at += n))))
  }
  if (data.in !== undefined) for (const n of split(data.in)) dataBufs.push({ ...ram.buffer(n), write: true })
  const status = { ...ram.buffer(Uint8Array.of(0xee)), write: true }
  const head = q.add([...bufs, ...dataBufs.filter((b) => b.len > 0), status], { indirect: opts.indirect })
  const used = q.takeUsed()
  expect(used.map((u) => u.id)).toEqual([head])
  const bytes = data.in === undefined ? new Uint8Array(0) : concat(dataBufs.filter((b) => b.write).map((b) => ram.bytes(b.addr, b.len)))
  return { status: ram.bytes(status.addr, 1)[0], len: used[0].len, data: bytes }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) out.set(p, (at += p.length) - p.length)
  return out
}

const expected = (from: number, len: number) => Uint8Array.from({ length: len }, (_, i) => pattern(from + i))

describe('virtio-blk', () => {
  it('offers SEG_MAX, BLK_SIZE and FLUSH, and describes the disk in its configuration', () => {
    const { drv } = setup({ queueSize: 128, blockSize: 4096 })
    expect(drv.offered() & 0xffffffn).toBe(VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH)
    expect([drv.config(0, 4), drv.config(4, 4)]).toEqual([SECTORS, 0]) // capacity, as vm_get reads a le64
    expect(drv.config(12, 4)).toBe(126) // seg_max
    expect(drv.config(20, 4)).toBe(4096) // blk_size
    expect(drv.r(R.DeviceID)).toBe(2)
  })

  it('reads sectors with known content, in one buffer, in many, and through an indirect table', () => {
    const { q, blk } = setup()
    let r = request(q, 0, 3, { in: 1024 })
    expect(r.status).toBe(0)
    expect(r.len).toBe(1025)
    expect(r.data).toEqual(expected(3 * 512, 1024))
    r = request(q, 0, 10, { in: 8 * 512 }, { segments: 5 })
    expect(r.data).toEqual(expected(10 * 512, 8 * 512))
    r = request(q, 0, 0, { in: SECTORS * 512 }, { segments: 40, indirect: true })
    expect(r.status).toBe(0)
    expect(r.data).toEqual(expected(0, SECTORS * 512))
    expect(blk.counters).toMatchObject({ requests: 3, bytesIn: (2 + 8 + SECTORS) * 512, errors: 0 })
  })

  it('reads a request framed any way: header split over two buffers, data and status in one', () => {
    const { q, ram } = setup()
    const h = header(0, 5)
    const dataAndStatus = { ...ram.buffer(513), write: true }
    const head = q.add([ram.buffer(h.subarray(0, 5)), ram.buffer(h.subarray(5)), dataAndStatus])
    expect(q.takeUsed()).toEqual([{ id: head, len: 513 }])
    const got = ram.bytes(dataAndStatus.addr, 513)
    expect(got.subarray(0, 512)).toEqual(expected(5 * 512, 512))
    expect(got[512]).toBe(0)
  })

  it('writes sectors, and flushes on FLUSH', () => {
    const { q, disk, backend, blk } = setup()
    const data = Uint8Array.from({ length: 1536 }, (_, i) => (i * 13) & 0xff)
    const r = request(q, 1, 7, { out: data }, { segments: 3 })
    expect(r).toMatchObject({ status: 0, len: 1 })
    expect(disk.subarray(7 * 512, 10 * 512)).toEqual(data)
    expect(disk.subarray(6 * 512, 7 * 512)).toEqual(expected(6 * 512, 512))
    expect(disk.subarray(10 * 512, 11 * 512)).toEqual(expected(10 * 512, 512))
    // F_FLUSH negotiated: the write was not flushed on its own; FLUSH flushes.
    expect(backend.flushes).toBe(0)
    expect(request(q, 4, 0, {}).status).toBe(0)
    expect(backend.flushes).toBe(1)
    backend.failFlush = true
    expect(request(q, 4, 0, {}).status).toBe(1)
    expect(blk.counters).toMatchObject({ requests: 3, bytesOut: 1536, errors: 1 })
  })

  it('without VIRTIO_BLK_F_FLUSH negotiated, every write is flushed before it completes', () => {
    const { q, backend } = setup({}, { want: ~VIRTIO_BLK_F_FLUSH })
    request(q, 1, 0, { out: new Uint8Array(512) })
    request(q, 1, 1, { out: new Uint8Array(512) })
    expect(backend.flushes).toBe(2)
  })

  it('GET_ID returns the serial, NUL-padded to 20 bytes', () => {
    const { q } = setup()
    const r = request(q, 8, 0, { in: 20 })
    expect(r).toMatchObject({ status: 0, len: 21 })
    expect(new TextDecoder().decode(r.data)).toBe('l4lab-disk-0\0\0\0\0\0\0\0\0')
    const long = setup({ serial: 'a-serial-number-longer-than-20' })
    expect(new TextDecoder().decode(request(long.q, 8, 0, { in: 20 }).data)).toBe('a-serial-number-long')
  })

  it('a read-only disk offers VIRTIO_BLK_F_RO and fails writes with IOERR without writing', () => {
    const { q, disk, drv } = setup({ readOnly: true })
    expect(drv.offered() & VIRTIO_BLK_F_RO).toBe(VIRTIO_BLK_F_RO)
    const before = disk.slice()
    expect(request(q, 1, 0, { out: new Uint8Array(512).fill(1) }).status).toBe(1)
    expect(disk).toEqual(before)
    expect(request(q, 0, 0, { in: 512 }).status).toBe(0)
    expect(request(q, 4, 0, {}).status).toBe(0)
  })

  it('IOERR past the capacity (the partial last sector included) and for lengths not a multiple of 512; data area zeroed', () => {
    const { q, disk } = setup()
    for (const [sector, len] of [[SECTORS - 1, 1024], [SECTORS, 512], [2 ** 53, 512], [2 ** 63, 512], [0, 100]]) {
      const r = request(q, 0, sector, { in: len })
      expect(r.status).toBe(1)
      expect(r.len).toBe(len + 1)
      expect(r.data).toEqual(new Uint8Array(len))
    }
    const before = disk.slice()
    expect(request(q, 1, SECTORS - 1, { out: new Uint8Array(1024) }).status).toBe(1)
    expect(request(q, 1, 0, { out: new Uint8Array(511) }).status).toBe(1)
    expect(disk).toEqual(before)
  })

  it('checks the range itself: a backend never sees an offset past the capacity', () => {
    const seen: number[] = []
    const lax: BlockBackend = { size: 8 * 512, read: (o) => (seen.push(o), true), write: (o) => (seen.push(o), true), flush: () => true }
    const ram = new TestRam()
    const drv = new TestDriver(new VirtioMmio(new VirtioBlock(lax), ram.mem, testIrq().line), ram)
    drv.init()
    const q = drv.queues[0]
    expect(request(q, 0, 8, { in: 512 }).status).toBe(1)
    expect(request(q, 0, 7, { in: 1024 }).status).toBe(1)
    expect(request(q, 1, 8, { out: new Uint8Array(512) }).status).toBe(1)
    expect(seen).toEqual([])
    expect(request(q, 0, 7, { in: 512 }).status).toBe(0)
    expect(seen).toEqual([7 * 512])
  })

  it('a failing backend read is IOERR', () => {
    const backend: BlockBackend = { size: 4096, read: () => false, write: () => false, flush: () => true }
    const ram = new TestRam()
    const drv = new TestDriver(new VirtioMmio(new VirtioBlock(backend), ram.mem, testIrq().line), ram)
    drv.init()
    expect(request(drv.queues[0], 0, 0, { in: 512 }).status).toBe(1)
    expect(request(drv.queues[0], 1, 0, { out: new Uint8Array(512) }).status).toBe(1)
  })

  it('unknown request types are UNSUPP', () => {
    const { q } = setup()
    for (const type of [2, 11, 13, 14, 0xffffffff]) expect(request(q, type, 0, { in: 16 }).status).toBe(2)
  })

  it('a request without room for a header or a status breaks the queue', () => {
    const { q, ram, drv, logs } = setup()
    q.add([ram.buffer(header(0, 0)), ram.buffer(512)]) // no writable status
    expect(drv.status() & DeviceStatus.DEVICE_NEEDS_RESET).toBeTruthy()
    expect(logs[0]).toMatch(/request at head 0 has 528 readable and 0 writable bytes/)
  })

  it('a disk larger than 2^32 sectors reports its capacity in both words', () => {
    const huge: BlockBackend = { size: 2 ** 42, read: () => true, write: () => true, flush: () => true }
    const ram = new TestRam()
    const drv = new TestDriver(new VirtioMmio(new VirtioBlock(huge), ram.mem, testIrq().line), ram)
    expect([drv.config(0, 4), drv.config(4, 4)]).toEqual([0, 2 ** 33 / 2 ** 32])
  })
})
