/**
 * Guest memory as a virtio device reaches it (DMA): descriptor tables, rings
 * and the buffers they name. Every address in those comes from the guest, so
 * every method checks the whole access lies in RAM and answers otherwise with
 * null, false or -1, writing nothing. hw/guest-memory's GuestMemory has this
 * shape; a VMM whose RAM is made of separate frames can provide its own.
 * There is deliberately no view(): RAM need not be one contiguous buffer.
 */
export interface DmaMemory {
  /** A copy of [pa, pa + len), or null when any byte of it is not RAM. */
  read(pa: number, len: number): Uint8Array | null
  /** Writes data at pa; false, and nothing written, when it does not all fit in RAM. */
  write(pa: number, data: Uint8Array): boolean
  /** Little-endian loads; -1 when not RAM. A 64-bit value above 2^53 comes back rounded (never a RAM address). */
  u16(pa: number): number
  u32(pa: number): number
  u64(pa: number): number
  /** Little-endian stores; false, and nothing written, when not RAM. */
  setU16(pa: number, v: number): boolean
  setU32(pa: number, v: number): boolean
}
