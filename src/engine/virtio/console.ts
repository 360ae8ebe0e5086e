/**
 * virtio console (virtio 1.2, 5.3), one port: receiveq0 (queue 0) carries
 * host input to the guest, transmitq0 (queue 1) guest output to the host.
 * No multiport (the control queues do not exist). Offered:
 * VIRTIO_CONSOLE_F_EMERG_WRITE always (a byte written to emerg_wr goes to the
 * output, even before the driver set anything up, 5.3.5.1), and
 * VIRTIO_CONSOLE_F_SIZE when constructed with a size (resize() changes it and
 * notifies the driver, 5.3.6).
 *
 * Configuration layout as Linux's include/uapi/linux/virtio_console.h reads
 * it: cols at 0, rows at 2, max_nr_ports at 4, emerg_wr at 8. (The spec's
 * struct lists rows first; every implementation, Linux included, puts cols
 * first.)
 *
 * Input waits in a bounded buffer (INPUT_LIMIT bytes) until the driver has
 * receive buffers; input() says how much it took, so nothing is dropped
 * silently. It is kept across a device reset: a rebooting guest gets what
 * was typed while it rebooted.
 */
import { newCounters, readLe, type ConfigAccessSize, type TransportLink, type VirtioCounters, type VirtioDevice } from './device'
import { DeviceId } from './spec'
import type { Virtqueue } from './virtqueue'

export const VIRTIO_CONSOLE_F_SIZE = 1n << 0n
export const VIRTIO_CONSOLE_F_EMERG_WRITE = 1n << 2n
export const INPUT_LIMIT = 64 * 1024
const RECEIVEQ = 0
const TRANSMITQ = 1
const CONFIG_SIZE = 12
const EMERG_WR = 8
/** Largest piece of output handed to `output` at once. */
const OUTPUT_CHUNK = 64 * 1024

export interface VirtioConsoleOptions {
  /** Where guest output goes; each call gets a fresh array it may keep. */
  output: (bytes: Uint8Array) => void
  /** Offer VIRTIO_CONSOLE_F_SIZE with this size. */
  size?: { cols: number; rows: number }
  /** QueueNumMax of both queues (default 128). */
  queueSize?: number
}

export class VirtioConsole implements VirtioDevice {
  readonly deviceId = DeviceId.CONSOLE
  readonly features: bigint
  readonly queueCount = 2
  readonly configSize = CONFIG_SIZE
  readonly counters: VirtioCounters = newCounters()
  private readonly output: (bytes: Uint8Array) => void
  private readonly queueSize: number
  private readonly config = new Uint8Array(CONFIG_SIZE)
  private link: TransportLink | null = null
  private queues: readonly Virtqueue[] | null = null
  /** Pending input: a ring of INPUT_LIMIT bytes, `inputCount` of them from `inputHead`. */
  private readonly inputRing = new Uint8Array(INPUT_LIMIT)
  private inputHead = 0
  private inputCount = 0

  constructor(opts: VirtioConsoleOptions) {
    this.output = opts.output
    this.queueSize = opts.queueSize ?? 128
    this.features = VIRTIO_CONSOLE_F_EMERG_WRITE | (opts.size ? VIRTIO_CONSOLE_F_SIZE : 0n)
    if (opts.size) this.setSize(opts.size.cols, opts.size.rows)
  }

  /** Bytes of input waiting for receive buffers. */
  get pendingInput(): number {
    return this.inputCount
  }

  /** Queues host input; returns how many bytes it took (the rest did not fit in the buffer). */
  input(bytes: Uint8Array): number {
    const n = Math.min(bytes.length, INPUT_LIMIT - this.inputCount)
    const tail = (this.inputHead + this.inputCount) % INPUT_LIMIT
    const first = Math.min(n, INPUT_LIMIT - tail)
    this.inputRing.set(bytes.subarray(0, first), tail)
    this.inputRing.set(bytes.subarray(first, n), 0)
    this.inputCount += n
    this.receive()
    return n
  }

  /** The terminal's size changed: the driver is told (only when VIRTIO_CONSOLE_F_SIZE is offered). */
  resize(cols: number, rows: number): void {
    if (!(this.features & VIRTIO_CONSOLE_F_SIZE)) return
    this.setSize(cols, rows)
    this.link?.configChanged()
  }

  queueMax(_n: number): number {
    return this.queueSize
  }

  readConfig(offset: number, size: ConfigAccessSize): number {
    return readLe(this.config, offset, size)
  }

  writeConfig(offset: number, _size: ConfigAccessSize, value: number): boolean {
    if (offset !== EMERG_WR) return false
    this.counters.bytesOut++
    this.output(Uint8Array.of(value & 0xff))
    return true
  }

  bind(link: TransportLink): void {
    this.link = link
  }

  activate(_features: bigint, queues: readonly Virtqueue[]): void {
    this.queues = queues
  }

  notify(queue: number): void {
    if (queue === RECEIVEQ) this.receive()
    else if (queue === TRANSMITQ) this.transmit()
  }

  reset(): void {
    this.queues = null
  }

  /** Moves pending input into receive buffers while there are both. */
  private receive(): void {
    const q = this.queues?.[RECEIVEQ]
    if (q === undefined || !q.usable) return
    while (this.inputCount > 0) {
      const chain = q.pop()
      if (chain === null) break
      const n = Math.min(this.inputCount, chain.writableBytes)
      // At most two pieces: up to the end of the ring, then from its start.
      const first = Math.min(n, INPUT_LIMIT - this.inputHead)
      if (!chain.write(0, this.inputRing.subarray(this.inputHead, this.inputHead + first))) return
      if (!chain.write(first, this.inputRing.subarray(0, n - first))) return
      this.inputHead = (this.inputHead + n) % INPUT_LIMIT
      this.inputCount -= n
      // A receive buffer with nothing writable breaks 5.3.6.1 (the driver puts no readable buffer in a receiveq).
      if (chain.writableBytes === 0) this.counters.errors++
      this.counters.requests++
      this.counters.bytesIn += n
      q.push(chain.head, n)
    }
    q.notifyDriver()
  }

  private transmit(): void {
    const q = this.queues?.[TRANSMITQ]
    if (q === undefined) return
    for (let chain = q.pop(); chain !== null; chain = q.pop()) {
      for (let done = 0; done < chain.readableBytes; ) {
        const piece = new Uint8Array(Math.min(OUTPUT_CHUNK, chain.readableBytes - done))
        if (!chain.read(done, piece)) return
        this.output(piece)
        done += piece.length
      }
      this.counters.requests++
      this.counters.bytesOut += chain.readableBytes
      // Nothing written: a transmit buffer's used length is 0.
      q.push(chain.head, 0)
    }
    q.notifyDriver()
  }

  private setSize(cols: number, rows: number): void {
    const dv = new DataView(this.config.buffer)
    dv.setUint16(0, cols, true)
    dv.setUint16(2, rows, true)
  }
}
