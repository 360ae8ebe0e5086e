/**
 * Guest-physical memory as a device or a VMM reads it: a descriptor ring, a
 * buffer a guest driver points at, a kernel image being loaded. Every
 * address comes from a guest and may be wild, so every accessor checks that
 * the whole access lies in RAM and answers out-of-RAM with a value that says
 * so (null, false or -1), never an exception, and never touches anything
 * outside RAM. Little-endian, as both architectures modelled here are.
 *
 * The scalar reads allocate nothing: they return -1 for "not in RAM", which
 * no 8-, 16- or 32-bit value and no 64-bit value read as a number can be. A
 * 64-bit value comes back as a number: exact below 2^53, and a larger one is
 * never a RAM address anyway.
 */
import type { PhysicalMemory } from './physical-memory'

export class GuestMemory {
  private readonly dv: DataView

  constructor(readonly ram: PhysicalMemory) {
    const b = ram.bytes
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
  }

  /** The RAM offset of [pa, pa + length), or -1 when any byte of it is not RAM. */
  offset(pa: number, length: number): number {
    const off = pa - this.ram.base
    // Integers only: NaN, fractions and infinities fail the first test.
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(length) || off < 0 || length < 0 || off + length > this.ram.bytes.length) return -1
    return off
  }

  contains(pa: number, length: number): boolean {
    return this.offset(pa, length) >= 0
  }

  /** A view of [pa, pa + length) without a copy (it sees later guest writes), or null. */
  view(pa: number, length: number): Uint8Array | null {
    const off = this.offset(pa, length)
    return off < 0 ? null : this.ram.bytes.subarray(off, off + length)
  }

  /** A copy of [pa, pa + length), or null. */
  read(pa: number, length: number): Uint8Array | null {
    const v = this.view(pa, length)
    return v === null ? null : v.slice()
  }

  /** Writes `data` at `pa` (keeping decoded code coherent); false, and nothing written, when it does not fit in RAM. */
  write(pa: number, data: Uint8Array): boolean {
    const off = this.offset(pa, data.length)
    if (off < 0) return false
    this.ram.write(off, data)
    return true
  }

  u8(pa: number): number {
    const off = this.offset(pa, 1)
    return off < 0 ? -1 : this.ram.bytes[off]
  }

  u16(pa: number): number {
    const off = this.offset(pa, 2)
    return off < 0 ? -1 : this.dv.getUint16(off, true)
  }

  u32(pa: number): number {
    const off = this.offset(pa, 4)
    return off < 0 ? -1 : this.dv.getUint32(off, true)
  }

  u64(pa: number): number {
    const off = this.offset(pa, 8)
    return off < 0 ? -1 : this.dv.getUint32(off, true) + this.dv.getUint32(off + 4, true) * 4294967296
  }

  setU16(pa: number, v: number): boolean {
    const off = this.offset(pa, 2)
    if (off < 0) return false
    this.dv.setUint16(off, v, true)
    this.ram.invalidateCode(off, 2)
    return true
  }

  setU32(pa: number, v: number): boolean {
    const off = this.offset(pa, 4)
    if (off < 0) return false
    this.dv.setUint32(off, v >>> 0, true)
    this.ram.invalidateCode(off, 4)
    return true
  }

  setU64(pa: number, v: number): boolean {
    const off = this.offset(pa, 8)
    if (off < 0) return false
    this.dv.setUint32(off, v % 4294967296 >>> 0, true)
    this.dv.setUint32(off + 4, Math.floor(v / 4294967296) >>> 0, true)
    this.ram.invalidateCode(off, 8)
    return true
  }
}
