/**
 * virtio block device (virtio 1.2, 5.2): one request queue over a
 * BlockBackend. Requests: VIRTIO_BLK_T_IN, OUT, FLUSH and GET_ID; any other
 * type completes with VIRTIO_BLK_S_UNSUPP. Offered: VIRTIO_BLK_F_SEG_MAX
 * (queue size − 2, as QEMU: a request's header and status take two
 * descriptors when the driver does not use an indirect table),
 * VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_FLUSH, and VIRTIO_BLK_F_RO for a
 * read-only disk.
 *
 * A request is a readable header (type, reserved, sector), data, and a
 * status byte, the last writable byte (5.2.6); the device reads them as
 * streams, however the driver cut them into buffers. Errors the driver can
 * cause are statuses, not queue failures: a data length that is not a
 * multiple of 512 or a range past the capacity is IOERR (as QEMU), a write
 * to a read-only disk is IOERR without writing (5.2.6.1). Only a chain with
 * no room for the header or the status breaks the queue, since there is no
 * way to answer it.
 *
 * The used length is every writable byte: the data the device could not
 * produce (a failed read, GET_ID's padding) is zeroed, so the driver never
 * sees stale memory counted as written (2.7.8.1). When the driver did not
 * negotiate VIRTIO_BLK_F_FLUSH, a write is flushed before it completes
 * (5.2.6.1: writes are then stable on completion).
 */
import type { BlockBackend } from './block-backend'
import { newCounters, readLe, writeLe, type ConfigAccessSize, type VirtioCounters, type VirtioDevice } from './device'
import { DeviceId } from './spec'
import type { DescriptorChain, Virtqueue } from './virtqueue'

export const VIRTIO_BLK_F_SEG_MAX = 1n << 2n
export const VIRTIO_BLK_F_RO = 1n << 5n
export const VIRTIO_BLK_F_BLK_SIZE = 1n << 6n
export const VIRTIO_BLK_F_FLUSH = 1n << 9n

export const enum BlkRequest {
  IN = 0,
  OUT = 1,
  FLUSH = 4,
  GET_ID = 8,
}

export const enum BlkStatus {
  OK = 0,
  IOERR = 1,
  UNSUPP = 2,
}

export const SECTOR_SIZE = 512
/** struct virtio_blk_req's header: le32 type, le32 reserved, le64 sector. */
const HEADER = 16
/** VIRTIO_BLK_T_GET_ID: a NUL-padded ASCII string of up to 20 bytes. */
export const ID_BYTES = 20
/** Struct virtio_blk_config through unused1 (everything any offered feature refers to, and zeroes). */
const CONFIG_SIZE = 60
const CONFIG_CAPACITY = 0
const CONFIG_SEG_MAX = 12
const CONFIG_BLK_SIZE = 20
/** Data moves between the backend and the guest in pieces of at most this. */
const CHUNK = 64 * 1024

export interface VirtioBlockOptions {
  readOnly?: boolean
  /** GET_ID's answer (cut to 20 bytes of UTF-8). */
  serial?: string
  /** QueueNumMax (default 256). */
  queueSize?: number
  /** blk_size, the optimal sector size (default 512; a power of two from 512). */
  blockSize?: number
}

export class VirtioBlock implements VirtioDevice {
  readonly deviceId = DeviceId.BLOCK
  readonly features: bigint
  readonly queueCount = 1
  readonly configSize = CONFIG_SIZE
  readonly counters: VirtioCounters = newCounters()
  /** Whole sectors of the backend. */
  readonly capacity: number
  private readonly queueSize: number
  private readonly config = new Uint8Array(CONFIG_SIZE)
  private readonly id = new Uint8Array(ID_BYTES)
  private readonly scratch = new Uint8Array(CHUNK)
  private readonly statusByte = new Uint8Array(1)
  private queue: Virtqueue | null = null
  /** VIRTIO_BLK_F_FLUSH negotiated: writes may stay volatile until a flush. */
  private writeback = false
  /** Bytes of the data area the current request has written (the rest is zeroed). */
  private written = 0

  constructor(
    private readonly backend: BlockBackend,
    opts: VirtioBlockOptions = {},
  ) {
    this.queueSize = opts.queueSize ?? 256
    const blockSize = opts.blockSize ?? SECTOR_SIZE
    if (this.queueSize < 4) throw new RangeError(`virtio-blk queue size ${this.queueSize} leaves no room for data (at least 4)`)
    if (blockSize < SECTOR_SIZE || (blockSize & (blockSize - 1)) !== 0) throw new RangeError(`virtio-blk block size ${blockSize} is not a power of two from 512`)
    this.capacity = Math.floor(backend.size / SECTOR_SIZE)
    this.features = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH | (opts.readOnly ? VIRTIO_BLK_F_RO : 0n)
    writeLe(this.config, CONFIG_CAPACITY, 8, this.capacity)
    writeLe(this.config, CONFIG_SEG_MAX, 4, this.queueSize - 2)
    writeLe(this.config, CONFIG_BLK_SIZE, 4, blockSize)
    this.id.set(new TextEncoder().encode(opts.serial ?? '').subarray(0, ID_BYTES))
  }

  queueMax(_n: number): number {
    return this.queueSize
  }

  readConfig(offset: number, size: ConfigAccessSize): number {
    return readLe(this.config, offset, size)
  }

  writeConfig(): boolean {
    return false // Nothing is writable without VIRTIO_BLK_F_CONFIG_WCE.
  }

  bind(): void {}

  activate(features: bigint, queues: readonly Virtqueue[]): void {
    this.queue = queues[0]
    this.writeback = (features & VIRTIO_BLK_F_FLUSH) !== 0n
  }

  notify(): void {
    const q = this.queue
    if (q === null) return
    for (let chain = q.pop(); chain !== null; chain = q.pop()) {
      if (chain.readableBytes < HEADER || chain.writableBytes < 1) {
        return q.fail(`request at head ${chain.head} has ${chain.readableBytes} readable and ${chain.writableBytes} writable bytes, no room for header and status (5.2.6)`)
      }
      const type = chain.readU32(0)
      const sector = chain.readU64(8)
      if (type < 0 || sector < 0) return
      this.written = 0
      const status = this.perform(chain, type, sector)
      const dataLength = chain.writableBytes - 1
      if (status < 0 || !chain.zero(this.written, dataLength - this.written)) return
      this.statusByte[0] = status
      if (!chain.write(dataLength, this.statusByte)) return
      this.counters.requests++
      if (status !== BlkStatus.OK) this.counters.errors++
      q.push(chain.head, chain.writableBytes)
    }
    q.notifyDriver()
  }

  reset(): void {
    this.queue = null
    this.writeback = false
  }

  /** Carries out one request: its status, or −1 when the queue failed. */
  private perform(chain: DescriptorChain, type: number, sector: number): number {
    switch (type) {
      case BlkRequest.IN:
        return this.readSectors(chain, sector)
      case BlkRequest.OUT:
        return this.writeSectors(chain, sector)
      case BlkRequest.FLUSH:
        return this.backend.flush() ? BlkStatus.OK : BlkStatus.IOERR
      case BlkRequest.GET_ID: {
        const n = Math.min(ID_BYTES, chain.writableBytes - 1)
        if (!chain.write(0, this.id.subarray(0, n))) return -1
        this.written = n
        return BlkStatus.OK
      }
      default:
        return BlkStatus.UNSUPP
    }
  }

  private readSectors(chain: DescriptorChain, sector: number): number {
    const length = chain.writableBytes - 1
    if (!this.inRange(sector, length)) return BlkStatus.IOERR
    for (let done = 0; done < length; ) {
      const piece = this.scratch.subarray(0, Math.min(CHUNK, length - done))
      if (!this.backend.read(sector * SECTOR_SIZE + done, piece)) return BlkStatus.IOERR
      if (!chain.write(done, piece)) return -1
      this.written = done += piece.length
    }
    this.counters.bytesIn += length
    return BlkStatus.OK
  }

  private writeSectors(chain: DescriptorChain, sector: number): number {
    const length = chain.readableBytes - HEADER
    if (this.features & VIRTIO_BLK_F_RO || !this.inRange(sector, length)) return BlkStatus.IOERR
    for (let done = 0; done < length; ) {
      const piece = this.scratch.subarray(0, Math.min(CHUNK, length - done))
      if (!chain.read(HEADER + done, piece)) return -1
      if (!this.backend.write(sector * SECTOR_SIZE + done, piece)) return BlkStatus.IOERR
      done += piece.length
    }
    if (!this.writeback && !this.backend.flush()) return BlkStatus.IOERR
    this.counters.bytesOut += length
    return BlkStatus.OK
  }

  /** Whole sectors, all below the capacity (a sector number above 2^53 is far past any capacity). */
  private inRange(sector: number, length: number): boolean {
    return length % SECTOR_SIZE === 0 && sector + length / SECTOR_SIZE <= this.capacity
  }
}
