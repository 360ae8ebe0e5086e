// AdvSIMD data processing and scalar FP (step 3).
import { EXIT_UNDEFINED } from './layout'
import { Op } from './ops'

export function execSimdData(c: u32, op: Op, insn: u32, aux: u32, imm: u64): i32 {
  return EXIT_UNDEFINED
}
