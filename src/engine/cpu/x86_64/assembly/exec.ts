// The run loop: decode, dispatch, count. Allocation-free. Every retired
// instruction (and every iteration of a REP string instruction) counts, so
// run() stops after exactly `budget` of them.
import { CoreExit } from '../../core-abi'
import { CcOp } from '../core-layout'
import { dispatch } from './generated/decoder'
import { decode, firstBytes, forgetCodePage } from './decode'
import { ccDst, ccSrc, ccSrc2, loadFlags, materialize, rflags } from './flags'
import {
  C_IMM, C_INSTRET, C_PC, C_REASON, C_RETIRED, C_SYNDROME, R_CC_DST, R_CC_OP, R_CC_SRC, R_CC_SRC2, R_RFLAGS, R_RIP,
} from './layout'
import { coreBase, enterCore, gFault } from './mmu'
import {
  clearExit, exitReason, exitVector, extraRetired, raiseExit, rip, setBudgetLeft, setCtx, setExtraRetired, setRip,
  setRunRetired, startRip,
} from './state'

export function run(core: u32, ctx: u32, asid: i32, budget: i32): i32 {
  enterCore(core, asid)
  forgetCodePage()
  setCtx(ctx)
  setRip(load<u64>(ctx + R_RIP))
  loadFlags(load<u32>(ctx + R_CC_OP), load<u64>(ctx + R_CC_DST), load<u64>(ctx + R_CC_SRC), load<u64>(ctx + R_CC_SRC2), load<u64>(ctx + R_RFLAGS))
  clearExit()
  let retired: i32 = 0
  let reason: i32 = CoreExit.Budget
  while (retired < budget) {
    setBudgetLeft(budget - retired)
    setRunRetired(<f64>retired)
    setExtraRetired(0)
    const op = decode()
    if (op >= 0) dispatch(<u32>op)
    if ((gFault | exitReason) != 0) {
      if (gFault != 0) {
        // A fault: nothing of the instruction happened (but finished REP iterations did).
        reason = gFault
        retired += extraRetired
        setRip(startRip)
        // The one fault an access raises that is not a page fault: #GP for a non-canonical address (mmu.ts).
        if (gFault == CoreExit.Exception) raiseExit(CoreExit.Exception, 13)
      } else if (exitReason == CoreExit.Syscall || exitReason == CoreExit.Breakpoint) {
        reason = exitReason
        retired += 1
      } else {
        reason = exitReason
        setRip(startRip)
      }
      break
    }
    retired += 1 + extraRetired
  }
  const cb = coreBase(core)
  store<u32>(cb + C_REASON, reason)
  store<f64>(cb + C_RETIRED, <f64>retired)
  store<f64>(cb + C_INSTRET, load<f64>(cb + C_INSTRET) + <f64>retired)
  store<u64>(cb + C_PC, rip)
  if (reason == CoreExit.Undefined) store<u32>(cb + C_SYNDROME, firstBytes())
  if (reason == CoreExit.Exception || reason == CoreExit.Breakpoint) store<u32>(cb + C_IMM, exitVector)
  // The host only ever sees materialized flags (core-layout.ts R_RFLAGS).
  materialize()
  store<u64>(ctx + R_RIP, rip)
  store<u64>(ctx + R_RFLAGS, rflags)
  store<u32>(ctx + R_CC_OP, CcOp.EFLAGS)
  store<u64>(ctx + R_CC_DST, ccDst)
  store<u64>(ctx + R_CC_SRC, ccSrc)
  store<u64>(ctx + R_CC_SRC2, ccSrc2)
  return reason
}

