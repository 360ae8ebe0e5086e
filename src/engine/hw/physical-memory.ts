/**
 * Board RAM as the kernel sees it: an array of 4 KiB frames. When the board
 * has an emulated CPU, the bytes live in the CPU core's linear memory (so
 * guest loads and stores reach them directly); a board of native µApps only
 * gets a plain buffer. Frame numbers are RAM-relative; the physical address
 * of frame f is `base + f * 4096`.
 */
import { PAGE_SHIFT, PAGE_SIZE } from '../util/page'

export class PhysicalMemory {
  readonly frames: number

  constructor(
    readonly bytes: Uint8Array,
    /** Physical address of the first RAM byte (the board's memory map decides). */
    readonly base: number,
    /** Tells the CPU core that the host wrote RAM (decoded code there is stale). */
    readonly invalidateCode: (ramOffset: number, length: number) => void = () => {},
  ) {
    if (bytes.length % PAGE_SIZE !== 0) throw new RangeError('RAM size must be a multiple of 4 KiB')
    this.frames = bytes.length >>> PAGE_SHIFT
  }

  frameOfAddress(pa: number): number {
    const f = Math.floor((pa - this.base) / PAGE_SIZE)
    return f >= 0 && f < this.frames ? f : -1
  }

  addressOfFrame(frame: number): number {
    return this.base + frame * PAGE_SIZE
  }

  /** Copies bytes into RAM on behalf of the host and keeps decoded code coherent. */
  write(ramOffset: number, data: Uint8Array): void {
    this.bytes.set(data, ramOffset)
    this.invalidateCode(ramOffset, data.length)
  }

  /** Zeroes a frame (fresh memory handed to a client). */
  clearFrame(frame: number): void {
    this.bytes.fill(0, frame * PAGE_SIZE, (frame + 1) * PAGE_SIZE)
    this.invalidateCode(frame * PAGE_SIZE, PAGE_SIZE)
  }

  copyFrame(from: number, to: number): void {
    this.bytes.copyWithin(to * PAGE_SIZE, from * PAGE_SIZE, (from + 1) * PAGE_SIZE)
    this.invalidateCode(to * PAGE_SIZE, PAGE_SIZE)
  }
}
