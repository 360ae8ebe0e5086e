// SSE3: ADDSUB, horizontal add/subtract (single and double), the duplicating
// moves MOVSLDUP/MOVSHDUP/MOVDDUP and LDDQU. The arithmetic is fp.ts's (its
// NaN rules and round-to-nearest). MONITOR/MWAIT stay undefined: Linux does
// not enable them in user mode (#UD), as here.
import { DST, FADD, FSUB, SRC, commit, loadSrc, op32, op64 } from './fp'
import { R_XMM } from './layout'
import { ctx, reg } from './state'

@inline function xmm(i: u32): u32 { return ctx + R_XMM + (i << 4) }

/** ADDSUBPD (lane 8) / ADDSUBPS (lane 4): even lanes subtract, odd lanes add. */
export function addsub(lane: u32): void {
  if (!loadSrc(16, true)) return
  const d = xmm(reg)
  if (lane == 8) {
    store<u64>(DST, op64(FSUB, load<u64>(d), load<u64>(SRC)))
    store<u64>(DST, op64(FADD, load<u64>(d, 8), load<u64>(SRC, 8)), 8)
  } else {
    for (let i: u32 = 0; i < 4; i++) store<u32>(DST + i * 4, op32((i & 1) != 0 ? FADD : FSUB, load<u32>(d + i * 4), load<u32>(SRC + i * 4)))
  }
  commit()
}

/**
 * HADDPD/HSUBPD (lane 8), HADDPS/HSUBPS (lane 4): adjacent pairs of the
 * destination, then of the source, combined (k = FADD or FSUB: first − second).
 */
export function hop(k: u32, lane: u32): void {
  if (!loadSrc(16, true)) return
  const d = xmm(reg)
  if (lane == 8) {
    store<u64>(DST, op64(k, load<u64>(d), load<u64>(d, 8)))
    store<u64>(DST, op64(k, load<u64>(SRC), load<u64>(SRC, 8)), 8)
  } else {
    store<u32>(DST, op32(k, load<u32>(d), load<u32>(d, 4)))
    store<u32>(DST, op32(k, load<u32>(d, 8), load<u32>(d, 12)), 4)
    store<u32>(DST, op32(k, load<u32>(SRC), load<u32>(SRC, 4)), 8)
    store<u32>(DST, op32(k, load<u32>(SRC, 8), load<u32>(SRC, 12)), 12)
  }
  commit()
}

/** MOVSLDUP (odd = 0: lanes 0, 2 duplicated) and MOVSHDUP (odd = 1: lanes 1, 3). */
export function movsdup(odd: u32): void {
  if (!loadSrc(16, true)) return
  const a = load<u32>(SRC + odd * 4), b = load<u32>(SRC + 8 + odd * 4)
  store<u32>(DST, a); store<u32>(DST, a, 4); store<u32>(DST, b, 8); store<u32>(DST, b, 12)
  commit()
}

/** MOVDDUP: the low double (an unaligned m64) in both lanes. */
export function movddup(): void {
  if (!loadSrc(8, false)) return
  const v = load<u64>(SRC)
  store<u64>(DST, v); store<u64>(DST, v, 8)
  commit()
}

/** LDDQU: an unaligned 16-byte load (as MOVDQU). */
export function lddqu(): void {
  if (!loadSrc(16, false)) return
  v128.store(DST, v128.load(SRC))
  commit()
}
