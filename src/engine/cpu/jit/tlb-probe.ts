// The soft-TLB fast path in compiled code, as both cores lay their TLBs out
// (docs/cpu-aarch64.md, "Soft TLB"): direct-mapped entries of
// [tag u64 = page | asid bits][host address u32][RAM offset u32], one table
// per access kind, passed to a compiled region as a parameter.
import { type FunctionWriter, W } from '../wasm/wasm-writer'

export interface TlbLayout {
  entries: number
  entryBytes: number
  /** Offset of the host address in an entry. */
  hostOffset: number
}

/**
 * Pushes an i32 that is 1 when `size` bytes at i64 local `va` miss the table
 * at i32 local/param `tlb` (tag ≠ page | asid, i64 param `asid`) or cross a
 * page; leaves the entry's address in i32 local `te` and the page offset in
 * i32 local `toff` for emitHostAddress.
 */
export function emitTlbMiss(f: FunctionWriter, t: TlbLayout, va: number, tlb: number, asid: number, size: number, te: number, toff: number): void {
  f.get(va).i64(12n).op(W.i64ShrU, W.i32WrapI64).i32(t.entries - 1).op(W.i32And).i32(Math.log2(t.entryBytes)).op(W.i32Shl)
  f.get(tlb).op(W.i32Add).tee(te)
  f.mem(W.i64Load)
  f.get(va).i64(~0xfffn).op(W.i64And).get(asid).op(W.i64Or, W.i64Ne)
  f.get(va).op(W.i32WrapI64).i32(0xfff).op(W.i32And).tee(toff).i32(4096 - size).op(W.i32GtU, W.i32Or)
}

/** After a hit: pushes the host address of the access (the entry's page plus the offset). */
export function emitHostAddress(f: FunctionWriter, t: TlbLayout, te: number, toff: number): void {
  f.get(te).mem(W.i32Load, t.hostOffset).get(toff).op(W.i32Add)
}
