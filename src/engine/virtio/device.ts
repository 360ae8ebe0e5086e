/**
 * A virtio device apart from its transport (virtio 1.2, 2 and 5): what it
 * offers, its configuration space, its queues' limits, and what it does
 * when a queue is notified. The transport (mmio.ts; later a shared-memory
 * one for pv guests) owns the status state machine, the feature
 * negotiation, the Virtqueue objects and the interrupt; a device never sees
 * which transport serves it.
 *
 * Life cycle, driven by the transport:
 *   bind(link)              once, when the transport is built
 *   activate(features, qs)  the driver set DRIVER_OK; `qs[i]` is queue i
 *                           (not necessarily ready: check `usable`)
 *   notify(i)               the driver made buffers available in queue i
 *   reset()                 the driver wrote 0 to the status: forget the
 *                           queues and the negotiated features
 * The transport calls notify() only between activate() and reset(), and
 * never while the device needs a reset or the driver has FAILED it (the
 * queues are halted then: pop() answers null). A device that works on its
 * own account (console input arriving) just pops: a halted or not ready
 * queue gives nothing.
 */
import type { Virtqueue } from './virtqueue'

/** Figures for the lab, per device. Plain numbers; nobody resets them but their owner. */
export interface VirtioCounters {
  /** Chains the device completed (block requests, console buffers, entropy requests). */
  requests: number
  /** Bytes the device wrote into guest buffers (block reads, console input, entropy). */
  bytesIn: number
  /** Bytes the device took from guest buffers (block writes, console output). */
  bytesOut: number
  /** Notifications sent to the driver (used buffer and configuration change). */
  interrupts: number
  /** Requests completed with an error status, and queues or devices the driver broke. */
  errors: number
}

export function newCounters(): VirtioCounters {
  return { requests: 0, bytesIn: 0, bytesOut: 0, interrupts: 0, errors: 0 }
}

/** What the transport lends a device. */
export interface TransportLink {
  /** The device configuration changed: bump the generation and notify the driver (2.4.2, 4.2.2.1). */
  configChanged(): void
}

export type ConfigAccessSize = 1 | 2 | 4

export interface VirtioDevice {
  /** Device ID (5): 2 block, 3 console, 4 entropy, 18 input. */
  readonly deviceId: number
  /** The device's own feature bits (0–23, 50–127); the transport adds the ring features it offers. */
  readonly features: bigint
  /** Number of virtqueues. */
  readonly queueCount: number
  /** QueueNumMax of queue `n` (< queueCount): a power of two up to 32768. */
  queueMax(n: number): number
  /** Bytes of device configuration space. */
  readonly configSize: number
  /** `size` bytes at `offset`, little-endian; the transport has checked they lie in configSize. */
  readConfig(offset: number, size: ConfigAccessSize): number
  /** A driver write; false when nothing there is writable (the transport logs it). */
  writeConfig(offset: number, size: ConfigAccessSize, value: number): boolean
  bind(link: TransportLink): void
  activate(features: bigint, queues: readonly Virtqueue[]): void
  notify(queue: number): void
  reset(): void
  readonly counters: VirtioCounters
}

/** Reads `size` bytes at `offset` of a little-endian configuration image (zero past its end). */
export function readLe(config: Uint8Array, offset: number, size: ConfigAccessSize): number {
  let v = 0
  for (let i = size - 1; i >= 0; i--) v = v * 256 + (config[offset + i] ?? 0)
  return v
}

/** Writes `value` as `size` little-endian bytes at `offset` of a configuration image. */
export function writeLe(config: Uint8Array, offset: number, size: ConfigAccessSize | 8, value: number): void {
  for (let i = 0; i < size; i++) {
    config[offset + i] = value % 256
    value = Math.floor(value / 256)
  }
}
