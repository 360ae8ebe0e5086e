/**
 * Where a virtio block device keeps its bytes. Offsets and lengths come from
 * the device, which has checked them against `size`; a backend still answers
 * out-of-range or failed I/O with false (the guest sees VIRTIO_BLK_S_IOERR),
 * never with an exception. The file-backed one is host code
 * (src/host/file-backend.ts): the engine uses no Node modules.
 */
export interface BlockBackend {
  /** Bytes; the device offers the whole 512-byte sectors of it. */
  readonly size: number
  /** Fills `into` with the bytes at `offset`. */
  read(offset: number, into: Uint8Array): boolean
  write(offset: number, data: Uint8Array): boolean
  /** Makes completed writes stable (VIRTIO_BLK_T_FLUSH). */
  flush(): boolean
}

/** A disk in a byte array (tests, scratch disks); it is the array, not a copy. */
export class MemoryBackend implements BlockBackend {
  constructor(readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.length
  }

  read(offset: number, into: Uint8Array): boolean {
    if (!this.fits(offset, into.length)) return false
    into.set(this.bytes.subarray(offset, offset + into.length))
    return true
  }

  write(offset: number, data: Uint8Array): boolean {
    if (!this.fits(offset, data.length)) return false
    this.bytes.set(data, offset)
    return true
  }

  flush(): boolean {
    return true
  }

  private fits(offset: number, length: number): boolean {
    return Number.isSafeInteger(offset) && offset >= 0 && offset + length <= this.bytes.length
  }
}
