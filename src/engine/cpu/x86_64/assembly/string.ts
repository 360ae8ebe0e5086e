// String instructions with REP/REPE/REPNE. A repeated instruction runs as
// many iterations as the run's budget allows, each one counting as a retired
// instruction (so virtual time and budgets stay exact); when iterations
// remain, RIP stays on it and the next run continues it — as an interrupted
// REP resumes on hardware. Registers move after each iteration's accesses
// succeeded, so a fault leaves a restartable state.
import { CcOp, Fl } from '../core-layout'
import { rflags, setLazy } from './flags'
import { ld, st } from './mem'
import { gFault } from './mmu'
import {
  RAX, RCX, RDI, RSI, asz, budgetLeft, getReg, gpr, osz, rep, segBase, setExtraRetired, setGpr, setReg, setRip, sizeMask,
  startRip,
} from './state'

const MOVS: u32 = 0
const CMPS: u32 = 1
const STOS: u32 = 2
const LODS: u32 = 3
const SCAS: u32 = 4

@inline function addrMask(): u64 { return asz == 4 ? <u64>0xFFFFFFFF : <u64>-1 }

function setIndex(r: u32, v: u64): void {
  if (asz == 4) setReg(4, r, v)
  else setGpr(r, v)
}

/** One iteration; returns false when a REPE/REPNE comparison ends the loop. */
function step(k: u32, delta: u64): bool {
  const size = osz
  const am = addrMask()
  const si = gpr(RSI) & am
  const di = gpr(RDI) & am
  switch (k) {
    case MOVS: {
      const v = ld(si + segBase, size)
      st(di, size, v)
      if (gFault != 0) return false
      setIndex(RSI, si + delta); setIndex(RDI, di + delta)
      return true
    }
    case STOS: {
      st(di, size, getReg(size, RAX))
      if (gFault != 0) return false
      setIndex(RDI, di + delta)
      return true
    }
    case LODS: {
      const v = ld(si + segBase, size)
      if (gFault != 0) return false
      setReg(size, RAX, v)
      setIndex(RSI, si + delta)
      return true
    }
    case CMPS: {
      const a = ld(si + segBase, size)
      const b = ld(di, size)
      if (gFault != 0) return false
      setLazy(CcOp.SUB, size, (a - b) & sizeMask(size), b, 0)
      setIndex(RSI, si + delta); setIndex(RDI, di + delta)
      return rep == 0xF3 ? a == b : a != b
    }
    default: { // SCAS
      const a = getReg(size, RAX)
      const b = ld(di, size)
      if (gFault != 0) return false
      setLazy(CcOp.SUB, size, (a - b) & sizeMask(size), b, 0)
      setIndex(RDI, di + delta)
      return rep == 0xF3 ? a == b : a != b
    }
  }
}

function strop(k: u32): void {
  const delta: u64 = (rflags & Fl.DF) != 0 ? 0 - <u64>osz : <u64>osz
  if (rep == 0) { step(k, delta); return }
  const am = addrMask()
  let n = gpr(RCX) & am
  if (n == 0) return
  let done: i32 = 0
  while (true) {
    const go = step(k, delta)
    if (gFault != 0) { setExtraRetired(done); return }
    done++
    n--
    setIndex(RCX, n)
    if (n == 0 || ((k == CMPS || k == SCAS) && !go)) break
    if (done >= budgetLeft) { setRip(startRip); break }
  }
  setExtraRetired(done - 1)
}

export function movs(): void { strop(MOVS) }
export function cmps(): void { strop(CMPS) }
export function stos(): void { strop(STOS) }
export function lods(): void { strop(LODS) }
export function scas(): void { strop(SCAS) }
