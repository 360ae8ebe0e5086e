// Condition codes over the flag registers (shared by the integer and FP units).
import { R_CF, R_NF, R_VF, R_ZF } from './layout'

/** ConditionHolds(cc) of the ARM ARM over the flags as the context keeps them
 *  (layout.ts: QEMU's NF/ZF/CF/VF). Inlined into the run loop's branches. */
@inline export function condHolds(c: u32, cc: u32): bool {
  let r: bool
  switch (cc >>> 1) {
    case 0: r = load<u64>(c + R_ZF) == 0; break
    case 1: r = load<u64>(c + R_CF) != 0; break
    case 2: r = load<i64>(c + R_NF) < 0; break
    case 3: r = load<i64>(c + R_VF) < 0; break
    case 4: r = load<u64>(c + R_CF) != 0 && load<u64>(c + R_ZF) != 0; break
    case 5: r = (load<i64>(c + R_NF) ^ load<i64>(c + R_VF)) >= 0; break
    case 6: r = load<u64>(c + R_ZF) != 0 && (load<i64>(c + R_NF) ^ load<i64>(c + R_VF)) >= 0; break
    default: return true // AL, NV
  }
  return (cc & 1) != 0 ? !r : r
}

/** The same, as a call (the FP unit's FCSEL/FCCMP, off the hot path). */
export function condHoldsExt(c: u32, cc: u32): bool {
  return condHolds(c, cc)
}
