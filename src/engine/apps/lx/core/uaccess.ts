/**
 * Values as user memory holds them (little-endian, as both architectures
 * lx runs are): the bytes a system call copies out.
 */

/** An unsigned 64-bit field from a number below 2^53. */
export function u64le(v: number): Uint8Array {
  const b = new Uint8Array(8)
  const dv = new DataView(b.buffer)
  dv.setUint32(0, v % 4294967296 >>> 0, true)
  dv.setUint32(4, Math.floor(v / 4294967296) >>> 0, true)
  return b
}

/** A signed 64-bit field (time_t, long). */
export function i64le(v: number): Uint8Array {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigInt64(0, BigInt(Math.trunc(v)), true)
  return b
}

/** A 64-bit set (sigset_t). */
export function u64Bytes(v: bigint): Uint8Array {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigUint64(0, v, true)
  return b
}
