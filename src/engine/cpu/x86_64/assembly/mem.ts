// Guest memory accesses from handlers: the TLB fast path inlined (tag compare,
// page-crossing check, add), the rest in mmu.ts. Loads return 0 after a fault;
// the handler's later writes are then ignored (state.ts), and the run loop
// reports the fault.
import { TLB_MASK, TLB_ENTRY_HOST } from './layout'
import { asidLow, gFault, readSlow, tlbR, tlbW, writeSlow } from './mmu'

/** Host address for `size` bytes at `va` if the read TLB has the page and the access stays inside it; 0 otherwise.
 *  INVARIANT: a TLB entry's host address is RAM_BASE + a page offset fillTlb checked against ramBytes, and
 *  off <= 4096 - size, so the access lies inside guest RAM. */
@inline function hostR(va: u64, size: u32): u32 {
  const e = tlbR + ((<u32>(va >>> 12) & TLB_MASK) << 4)
  const off = <u32>va & 0xFFF
  if (load<u64>(e) == ((va & ~<u64>0xFFF) | asidLow) && off <= 4096 - size) return load<u32>(e, TLB_ENTRY_HOST) + off
  return 0
}

@inline function hostW(va: u64, size: u32): u32 {
  const e = tlbW + ((<u32>(va >>> 12) & TLB_MASK) << 4)
  const off = <u32>va & 0xFFF
  if (load<u64>(e) == ((va & ~<u64>0xFFF) | asidLow) && off <= 4096 - size) return load<u32>(e, TLB_ENTRY_HOST) + off
  return 0
}

/** Zero-extended load of `size` (1, 2, 4, 8) bytes. */
export function ld(va: u64, size: u32): u64 {
  const h = hostR(va, size)
  if (h != 0) {
    if (size == 8) return load<u64>(h)
    if (size == 4) return <u64>load<u32>(h)
    if (size == 2) return <u64>load<u16>(h)
    return <u64>load<u8>(h)
  }
  return readSlow(va, size)
}

export function st(va: u64, size: u32, v: u64): void {
  if (gFault != 0) return // the instruction already faulted: it changes nothing more
  const h = hostW(va, size)
  if (h != 0) {
    if (size == 8) store<u64>(h, v)
    else if (size == 4) store<u32>(h, <u32>v)
    else if (size == 2) store<u16>(h, <u16>v)
    else store<u8>(h, <u8>v)
    return
  }
  writeSlow(va, size, v)
}
