// The run loop: decode, dispatch, count. Allocation-free. Every retired
// instruction (and every iteration of a REP string instruction) counts, so
// run() stops after exactly `budget` of them.
//
// Block compiler (../jit/, docs/cpu-x86_64.md "Block compiler"): an
// instruction reached by a taken branch counts arrivals in its cached entry;
// at the threshold the host compiles the region starting there from the
// cached entries and the entry keeps the function's table index. Arriving at
// such an entry calls the function, which runs whole passes only while the
// budget allows them and returns how many instructions it retired (0: it
// could not start, the interpreter runs the instruction). After a compiled
// region the next instruction counts as arrived by a branch, so regions chain
// without decoding in between. The lazy-flag state travels through the
// register block (R_CC_*), the one representation both sides share.
import { CoreExit } from '../../core-abi'
import { CcOp, DC_JIT_FN, DC_JIT_HOT, DC_KEY } from '../core-layout'
import { dispatch } from './generated/decoder'
import { decode, firstBytes, forgetCodePage, peekEntry } from './decode'
import { ccDst, ccOp, ccSrc, ccSrc2, loadFlags, materialize, rflags } from './flags'
import {
  C_IMM, C_INSTRET, C_PC, C_REASON, C_RETIRED, C_SYNDROME, R_CC_DST, R_CC_OP, R_CC_SRC, R_CC_SRC2, R_RFLAGS, R_RIP,
} from './layout'
import { asidLow, coreBase, enterCore, gFault, tlbR, tlbW } from './mmu'
import {
  clearExit, ctx as curCtx, exitReason, exitVector, extraRetired, raiseExit, rip, setBudgetLeft, setCtx, setExtraRetired, setRip,
  setRunRetired, startRip,
} from './state'

/** Compiles the region starting at RAM offset `ramOff` (its cached entry is
 *  current); returns its function-table index, 0 for not now, -1 for never. */
@external('env', 'jitCompile')
declare function hostJitCompile(ramOff: u32): i32

/** Arrivals by a taken branch before the host is asked to compile; 0 = off. */
export let jitThreshold: u32 = 0
/** Instructions retired by compiled regions since init (statistics). */
export let jitRetired: f64 = 0
/** Calls of compiled regions since init (statistics). */
export let jitCalls: f64 = 0
export function setJitThreshold(n: u32): void { jitThreshold = min<u32>(n, 0x7FFF) }

/** Counts an arrival at entry `e`; at the threshold asks for its region. */
function countArrival(e: u32): void {
  // Signed: after a refusal the counter restarts far below zero.
  const n = <i32>load<i16>(e, DC_JIT_HOT) + 1
  if (n < <i32>jitThreshold) { store<i16>(e, <i16>n, DC_JIT_HOT); return }
  store<i16>(e, 0, DC_JIT_HOT)
  const fn = hostJitCompile(load<u32>(e, DC_KEY) - 1)
  if (fn > 0 && fn <= 0xFFFF) store<u16>(e, <u16>fn, DC_JIT_FN)
  else if (fn < 0) store<i16>(e, -32768, DC_JIT_HOT)
}

/** Runs compiled function `fn` from RIP with `left` instructions of budget:
 *  the count it retired (0 when it could not start: nothing changed). */
function runCompiled(fn: u32, left: i32): i32 {
  const c = curCtx
  store<u32>(c + R_CC_OP, ccOp)
  store<u64>(c + R_CC_DST, ccDst)
  store<u64>(c + R_CC_SRC, ccSrc)
  store<u64>(c + R_CC_SRC2, ccSrc2)
  store<u64>(c + R_RFLAGS, rflags)
  const r = call_indirect<i32>(fn, c, left, tlbR, tlbW, asidLow, rip)
  jitCalls += 1
  if (r > 0) {
    jitRetired += <f64>r
    setRip(load<u64>(c + R_RIP))
    loadFlags(load<u32>(c + R_CC_OP), load<u64>(c + R_CC_DST), load<u64>(c + R_CC_SRC), load<u64>(c + R_CC_SRC2), load<u64>(c + R_RFLAGS))
  }
  return r
}

export function run(core: u32, ctx: u32, asid: i32, budget: i32): i32 {
  enterCore(core, asid)
  forgetCodePage()
  setCtx(ctx)
  setRip(load<u64>(ctx + R_RIP))
  loadFlags(load<u32>(ctx + R_CC_OP), load<u64>(ctx + R_CC_DST), load<u64>(ctx + R_CC_SRC), load<u64>(ctx + R_CC_SRC2), load<u64>(ctx + R_RFLAGS))
  clearExit()
  let retired: i32 = 0
  let reason: i32 = CoreExit.Budget
  // Whether RIP was reached by a taken branch (or a compiled region, or run's start).
  let arrived = true
  // Whether the instruction about to be interpreted is where a compiled region
  // stopped (one the compiler does not take): a region may start right after it.
  let resume = false
  while (retired < budget) {
    if (arrived && jitThreshold != 0) {
      const e = peekEntry()
      if (e != 0) {
        let fn = <u32>load<u16>(e, DC_JIT_FN)
        if (fn == 0) {
          countArrival(e)
          fn = <u32>load<u16>(e, DC_JIT_FN)
        }
        if (fn != 0) {
          const r = runCompiled(fn, budget - retired)
          if (r > 0) { retired += r; resume = true; continue }
        } else if (load<i16>(e, DC_JIT_HOT) < 0) resume = true // refused here: perhaps a region starts after it

      }
    }
    setBudgetLeft(budget - retired)
    setRunRetired(<f64>retired)
    setExtraRetired(0)
    const op = decode()
    const next = rip
    if (op >= 0) dispatch(<u32>op)
    arrived = rip != next || resume
    resume = false
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

