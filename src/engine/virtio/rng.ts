/**
 * virtio entropy device (virtio 1.2, 5.4): one queue, requestq; the device
 * fills each request's writable buffers with random bytes, at most
 * REQUEST_MAX of them per request ("MAY use less than the entire buffer",
 * 5.4.6.1), so a guest asking for gigabytes gets them in bounded pieces. No
 * features, no configuration space. The byte source is injectable (tests
 * use a fixed sequence); the default is Web Crypto's getRandomValues, which
 * every host of the engine has.
 */
import { newCounters, type VirtioCounters, type VirtioDevice } from './device'
import { DeviceId } from './spec'
import type { Virtqueue } from './virtqueue'

/** Largest request served at once (also getRandomValues's limit per call). */
export const REQUEST_MAX = 65536

export interface VirtioRngOptions {
  /** Fills its argument with random bytes. */
  source?: (into: Uint8Array) => void
  /** QueueNumMax (default 64). */
  queueSize?: number
}

export class VirtioRng implements VirtioDevice {
  readonly deviceId = DeviceId.ENTROPY
  readonly features = 0n
  readonly queueCount = 1
  readonly configSize = 0
  readonly counters: VirtioCounters = newCounters()
  private readonly source: (into: Uint8Array) => void
  private readonly queueSize: number
  private readonly scratch = new Uint8Array(REQUEST_MAX)
  private queue: Virtqueue | null = null

  constructor(opts: VirtioRngOptions = {}) {
    this.source = opts.source ?? ((into) => crypto.getRandomValues(into))
    this.queueSize = opts.queueSize ?? 64
  }

  queueMax(): number {
    return this.queueSize
  }

  readConfig(): number {
    return 0
  }

  writeConfig(): boolean {
    return false
  }

  bind(): void {}

  activate(_features: bigint, queues: readonly Virtqueue[]): void {
    this.queue = queues[0]
  }

  notify(): void {
    const q = this.queue
    if (q === null) return
    for (let chain = q.pop(); chain !== null; chain = q.pop()) {
      const bytes = this.scratch.subarray(0, Math.min(REQUEST_MAX, chain.writableBytes))
      this.source(bytes)
      if (!chain.write(0, bytes)) return
      this.counters.requests++
      this.counters.bytesIn += bytes.length
      q.push(chain.head, bytes.length)
    }
    q.notifyDriver()
  }

  reset(): void {
    this.queue = null
  }
}
