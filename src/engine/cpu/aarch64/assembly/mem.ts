// Guest memory accesses from handlers: the TLB fast path inlined (tag compare
// plus add), the rest in mmu.ts. After any access that may have missed, the
// caller checks `gFault`.
import { TLB_MASK, TLB_ENTRY_HOST } from './layout'
import { asidLow, readSlow, tlbR, tlbW, writeSlow } from './mmu'

/** Host address for `size` bytes at `va` if the read TLB has the page and the
 *  access stays inside it; 0 otherwise.
 *  INVARIANT: a TLB entry's host address is RAM_BASE + a page offset that
 *  fillTlb checked against ramBytes, and off <= 4096 - size, so the access
 *  lies inside guest RAM; wasm's own bounds check is the only other one. */
@inline export function hostR(va: u64, size: u32): u32 {
  const e = tlbR + ((<u32>(va >>> 12) & TLB_MASK) << 4)
  const off = <u32>va & 0xFFF
  if (load<u64>(e) == ((va & ~<u64>0xFFF) | asidLow) && off <= 4096 - size) return load<u32>(e, TLB_ENTRY_HOST) + off
  return 0
}

@inline export function hostW(va: u64, size: u32): u32 {
  const e = tlbW + ((<u32>(va >>> 12) & TLB_MASK) << 4)
  const off = <u32>va & 0xFFF
  if (load<u64>(e) == ((va & ~<u64>0xFFF) | asidLow) && off <= 4096 - size) return load<u32>(e, TLB_ENTRY_HOST) + off
  return 0
}

@inline export function ld64(va: u64): u64 {
  const h = hostR(va, 8)
  if (h != 0) return load<u64>(h)
  return readSlow(va, 8)
}
@inline export function ld32(va: u64): u64 {
  const h = hostR(va, 4)
  if (h != 0) return <u64>load<u32>(h)
  return readSlow(va, 4)
}
@inline export function ld16(va: u64): u64 {
  const h = hostR(va, 2)
  if (h != 0) return <u64>load<u16>(h)
  return readSlow(va, 2)
}
@inline export function ld8(va: u64): u64 {
  const h = hostR(va, 1)
  if (h != 0) return <u64>load<u8>(h)
  return readSlow(va, 1)
}
/** Zero-extended load of 1 << log2size bytes. */
export function ldN(va: u64, log2size: u32): u64 {
  if (log2size == 3) return ld64(va)
  if (log2size == 2) return ld32(va)
  if (log2size == 1) return ld16(va)
  return ld8(va)
}

@inline export function st64(va: u64, v: u64): void {
  const h = hostW(va, 8)
  if (h != 0) store<u64>(h, v)
  else writeSlow(va, 8, v)
}
@inline export function st32(va: u64, v: u64): void {
  const h = hostW(va, 4)
  if (h != 0) store<u32>(h, <u32>v)
  else writeSlow(va, 4, v)
}
@inline export function st16(va: u64, v: u64): void {
  const h = hostW(va, 2)
  if (h != 0) store<u16>(h, <u16>v)
  else writeSlow(va, 2, v)
}
@inline export function st8(va: u64, v: u64): void {
  const h = hostW(va, 1)
  if (h != 0) store<u8>(h, <u8>v)
  else writeSlow(va, 1, v)
}
export function stN(va: u64, log2size: u32, v: u64): void {
  if (log2size == 3) st64(va, v)
  else if (log2size == 2) st32(va, v)
  else if (log2size == 1) st16(va, v)
  else st8(va, v)
}
