/**
 * A small virtio driver for tests: it lays out split virtqueues in a
 * GuestMemory and talks to a VirtioMmio through its registers, following the
 * sequence of Linux's virtio_mmio.c and virtio.c (reset, ACKNOWLEDGE, DRIVER,
 * features high word then low, FEATURES_OK read back, each queue set up
 * through QueueSel / QueueNum / the area registers / QueueReady, DRIVER_OK).
 * It also writes raw descriptors, for tests that break the rules on purpose.
 * RAM sits between two guard pages of the backing buffer, which no access
 * may ever change.
 */
import { PhysicalMemory } from '../hw/physical-memory'
import { GuestMemory } from '../hw/guest-memory'
import { InterruptLines, type IrqLine } from '../hw/irq-line'
import type { VirtioMmio } from '../virtio/mmio'
import { DeviceStatus, VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE } from '../virtio/spec'

export const RAM_BASE = 0x4000_0000
const GUARD = 4096

export class TestRam {
  readonly backing: Uint8Array
  readonly mem: GuestMemory
  private next: number

  constructor(readonly size = 1 << 20) {
    this.backing = new Uint8Array(size + 2 * GUARD)
    this.mem = new GuestMemory(new PhysicalMemory(this.backing.subarray(GUARD, GUARD + size), RAM_BASE))
    this.next = RAM_BASE
  }

  /** Bump allocation of zeroed guest memory. */
  alloc(size: number, align = 16): number {
    const pa = Math.ceil(this.next / align) * align
    if (pa + size > RAM_BASE + this.size) throw new Error('test RAM exhausted')
    this.next = pa + size
    return pa
  }

  /** A buffer holding `data` (or `length` zero bytes). */
  buffer(data: Uint8Array | number): Buf {
    const bytes = typeof data === 'number' ? new Uint8Array(data) : data
    const addr = this.alloc(Math.max(bytes.length, 1), 8)
    this.mem.write(addr, bytes)
    return { addr, len: bytes.length }
  }

  bytes(pa: number, len: number): Uint8Array {
    return this.mem.read(pa, len)!
  }

  /** A copy of the whole backing buffer, guards included. */
  snapshot(): Uint8Array {
    return this.backing.slice()
  }

  /** Guest-physical address (or guard offset, as a negative or past-the-end PA) of each byte that differs from `before`. */
  changes(before: Uint8Array): number[] {
    const out: number[] = []
    for (let i = 0; i < before.length; i++) if (before[i] !== this.backing[i]) out.push(RAM_BASE - GUARD + i)
    return out
  }
}

export interface Buf {
  addr: number
  len: number
  /** Device-writable. */
  write?: boolean
}

/** A level line that remembers its level and counts rises. */
export function testIrq(): { line: IrqLine; level: () => boolean; rises: () => number } {
  const bank = new InterruptLines(1)
  return { line: bank.line(0)!, level: () => bank.level(0), rises: () => bank.risings(0) }
}

export const enum R {
  MagicValue = 0x000, Version = 0x004, DeviceID = 0x008, VendorID = 0x00c, DeviceFeatures = 0x010, DeviceFeaturesSel = 0x014,
  DriverFeatures = 0x020, DriverFeaturesSel = 0x024, QueueSel = 0x030, QueueNumMax = 0x034, QueueNum = 0x038, QueueReady = 0x044,
  QueueNotify = 0x050, InterruptStatus = 0x060, InterruptACK = 0x064, Status = 0x070, QueueDescLow = 0x080, QueueDescHigh = 0x084,
  QueueDriverLow = 0x090, QueueDriverHigh = 0x094, QueueDeviceLow = 0x0a0, QueueDeviceHigh = 0x0a4, SHMSel = 0x0ac,
  SHMLenLow = 0x0b0, SHMLenHigh = 0x0b4, SHMBaseLow = 0x0b8, SHMBaseHigh = 0x0bc, ConfigGeneration = 0x0fc, Config = 0x100,
}

export interface InitOptions {
  /** Features the driver would like; it accepts those offered (default: all offered). */
  want?: bigint
  /** Accept exactly these, offered or not (tests of refusal). */
  accept?: bigint
  /** Queue sizes to ask for (default: each queue's maximum). */
  sizes?: number[]
  /** Stop before DRIVER_OK. */
  noDriverOk?: boolean
}

export class TestDriver {
  queues: DriverQueue[] = []
  features = 0n

  constructor(
    readonly dev: VirtioMmio,
    readonly ram: TestRam,
  ) {}

  r(off: number): number {
    return Number(this.dev.read(off, 4))
  }

  w(off: number, v: number): void {
    this.dev.write(off, 4, BigInt(v >>> 0))
  }

  status(): number {
    return this.r(R.Status)
  }

  addStatus(bit: number): void {
    this.w(R.Status, this.status() | bit)
  }

  offered(): bigint {
    this.w(R.DeviceFeaturesSel, 1)
    const hi = BigInt(this.r(R.DeviceFeatures))
    this.w(R.DeviceFeaturesSel, 0)
    return (hi << 32n) | BigInt(this.r(R.DeviceFeatures))
  }

  /** The whole of Linux's probe; returns false when the device refused the features. */
  init(opts: InitOptions = {}): boolean {
    if (this.r(R.MagicValue) !== 0x74726976 || this.r(R.Version) !== 2 || this.r(R.DeviceID) === 0) throw new Error('not a virtio-mmio v2 device')
    this.w(R.Status, 0)
    this.addStatus(DeviceStatus.ACKNOWLEDGE)
    this.addStatus(DeviceStatus.DRIVER)
    const offered = this.offered()
    this.features = opts.accept ?? offered & (opts.want ?? offered)
    this.w(R.DriverFeaturesSel, 1)
    this.w(R.DriverFeatures, Number(this.features >> 32n))
    this.w(R.DriverFeaturesSel, 0)
    this.w(R.DriverFeatures, Number(this.features & 0xffff_ffffn))
    this.addStatus(DeviceStatus.FEATURES_OK)
    if (!(this.status() & DeviceStatus.FEATURES_OK)) {
      this.addStatus(DeviceStatus.FAILED)
      return false
    }
    this.queues = []
    for (let i = 0; ; i++) {
      this.w(R.QueueSel, i)
      const max = this.r(R.QueueNumMax)
      if (max === 0) break
      if (this.r(R.QueueReady) !== 0) throw new Error(`queue ${i} already in use`)
      this.queues.push(this.setupQueue(i, opts.sizes?.[i] ?? max))
    }
    if (!opts.noDriverOk) this.addStatus(DeviceStatus.DRIVER_OK)
    return true
  }

  setupQueue(index: number, size: number): DriverQueue {
    const q = new DriverQueue(this, index, size, this.ram.alloc(16 * size, 16), this.ram.alloc(6 + 2 * size, 2), this.ram.alloc(6 + 8 * size, 4))
    this.w(R.QueueSel, index)
    this.w(R.QueueNum, size)
    this.w(R.QueueDescLow, q.desc)
    this.w(R.QueueDescHigh, 0)
    this.w(R.QueueDriverLow, q.avail)
    this.w(R.QueueDriverHigh, 0)
    this.w(R.QueueDeviceLow, q.used)
    this.w(R.QueueDeviceHigh, 0)
    this.w(R.QueueReady, 1)
    return q
  }

  /** What the interrupt handler does: read InterruptStatus, acknowledge it. */
  takeInterrupt(): number {
    const s = this.r(R.InterruptStatus)
    this.w(R.InterruptACK, s)
    return s
  }

  /** A config-space read as Linux's vm_get does it. */
  config(offset: number, size: 1 | 2 | 4): number {
    return Number(this.dev.read(R.Config + offset, size))
  }
}

export interface UsedElem {
  id: number
  len: number
}

export class DriverQueue {
  /** The driver's avail idx (free-running, 16-bit). */
  availIdx = 0
  lastUsed = 0
  private nextDesc = 0

  constructor(
    readonly driver: TestDriver,
    readonly index: number,
    readonly size: number,
    readonly desc: number,
    readonly avail: number,
    readonly used: number,
  ) {}

  private get mem(): GuestMemory {
    return this.driver.ram.mem
  }

  setDesc(i: number, addr: number, len: number, flags: number, next: number, table = this.desc): void {
    const d = table + 16 * i
    this.mem.setU64(d, addr)
    this.mem.setU32(d + 8, len)
    this.mem.setU16(d + 12, flags)
    this.mem.setU16(d + 14, next)
  }

  /** Puts a chain of `bufs` in the table (in an indirect table when asked) and makes it available; returns its head. */
  add(bufs: Buf[], opts: { indirect?: boolean; kick?: boolean } = {}): number {
    let head: number
    if (opts.indirect) {
      const table = this.driver.ram.alloc(16 * bufs.length, 16)
      bufs.forEach((b, i) => this.setDesc(i, b.addr, b.len, (b.write ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < bufs.length ? VIRTQ_DESC_F_NEXT : 0), i + 1, table))
      head = this.take()
      this.setDesc(head, table, 16 * bufs.length, VIRTQ_DESC_F_INDIRECT, 0)
    } else {
      const ids = bufs.map(() => this.take())
      bufs.forEach((b, i) => this.setDesc(ids[i], b.addr, b.len, (b.write ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < bufs.length ? VIRTQ_DESC_F_NEXT : 0), ids[i + 1] ?? 0))
      head = ids[0]
    }
    this.publish(head)
    if (opts.kick !== false) this.kick()
    return head
  }

  /** Writes `head` into the next available slot and bumps avail idx. */
  publish(head: number): void {
    this.mem.setU16(this.avail + 4 + 2 * (this.availIdx % this.size), head)
    this.availIdx = (this.availIdx + 1) & 0xffff
    this.mem.setU16(this.avail + 2, this.availIdx)
  }

  kick(): void {
    this.driver.w(R.QueueNotify, this.index)
  }

  /** Used elements the device returned since the last call. */
  takeUsed(): UsedElem[] {
    const out: UsedElem[] = []
    const idx = this.mem.u16(this.used + 2)
    for (; this.lastUsed !== idx; this.lastUsed = (this.lastUsed + 1) & 0xffff) {
      const e = this.used + 4 + 8 * (this.lastUsed % this.size)
      out.push({ id: this.mem.u32(e), len: this.mem.u32(e + 4) })
    }
    return out
  }

  usedIdx(): number {
    return this.mem.u16(this.used + 2)
  }

  setAvailFlags(flags: number): void {
    this.mem.setU16(this.avail, flags)
  }

  setUsedEvent(v: number): void {
    this.mem.setU16(this.avail + 4 + 2 * this.size, v)
  }

  availEvent(): number {
    return this.mem.u16(this.used + 4 + 8 * this.size)
  }

  /** Descriptor indices round-robin: tests keep fewer than `size` in flight. */
  private take(): number {
    const i = this.nextDesc
    this.nextDesc = (this.nextDesc + 1) % this.size
    return i
  }
}
