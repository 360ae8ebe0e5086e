// Exports of the AArch64 core module (see ../aarch64-core.ts for the TypeScript
// side and docs/cpu-aarch64.md for the design).
import {
  CODE_BASE, CORE_BYTES, CTX_BASE, CTX_BYTES, C_CNTVOFF, C_EX_VALID, C_INSTRET, C_LAST_SYS, MAX_CORES, MAX_CTX, NSLOTS, R_MODE,
  HOT_BASE, HOT_ENTRIES, RAM_BASE, TRACK_BASE, SLOTJIT_BASE, SLOTMAP_BASE, SLOTPPN_BASE, SLOT_BYTES, GIC_BASE, C_IRQ_LINES,
} from './layout'
import { Op } from './ops'
import * as mmu from './mmu'
import { buildTable, decodeOne, decodeRowMask, decodeRowOp, decodeRowValue, decodeRows, decodeTableError } from './decode'
import * as exec from './exec'
import { REFETCH_ENTRY, run as runLoop } from './exec'
import { runSystem, wakeable } from './system'
import { setCounterHz as setSysCounterHz } from './sysreg'
import * as timer from './timer'
import { GIC_BYTES } from '../../../hw/gic-state'

export { decodeRows, decodeRowMask, decodeRowValue, decodeRowOp, decodeTableError }

/** Grows memory for `ramBytes` of RAM and resets all state. Returns the RAM
 *  base offset, or -1 when the request is out of range. */
export function init(ramBytes: u32, cores: u32): i32 {
  if (cores == 0 || cores > MAX_CORES || (ramBytes & 0xFFFF) != 0 || ramBytes == 0 || ramBytes > 0x80000000) return -1
  const needPages = (RAM_BASE + ramBytes) >>> 16
  const have = <u32>memory.size()
  if (have < needPages && memory.grow(<i32>(needPages - have)) < 0) return -1
  mmu.ramBytes = ramBytes
  mmu.ramPages = ramBytes >>> 12
  mmu.nCores = cores
  // Only the cores the board has: every loop over cores stops at nCores, and
  // the blocks of the others (3 MiB for 16) stay untouched, so a fresh
  // instance's memory is never faulted in for them (a board's start paid
  // for those page faults).
  memory.fill(mmu.coreBase(0), 0, CORE_BYTES * cores)
  for (let c: u32 = 0; c < cores; c++) mmu.flushCoreTlb(c)
  memory.fill(SLOTMAP_BASE, 0xFF, mmu.ramPages * 4)
  memory.fill(SLOTPPN_BASE, 0, NSLOTS * 4)
  memory.fill(TRACK_BASE, 0, mmu.ramPages)
  memory.fill(REFETCH_ENTRY, 0, 16)
  memory.fill(HOT_BASE, 0, HOT_ENTRIES * 2)
  memory.fill(SLOTJIT_BASE, 0, NSLOTS)
  memory.fill(GIC_BASE, 0, GIC_BYTES)
  store<u16>(REFETCH_ENTRY, <u16>Op.REFETCH, 4)
  buildTable()
  return <i32>RAM_BASE
}

export function run(core: u32, ctx: u32, asid: i32, budget: i32): i32 {
  if (load<u32>(ctx + R_MODE) != 0) return runSystem(core, ctx, asid, budget)
  const cb = mmu.coreBase(core)
  if (load<u32>(cb + C_LAST_SYS) != 0) {
    mmu.flushCoreTlb(core)
    store<u32>(cb + C_LAST_SYS, 0)
  }
  return runLoop<u32>(core, ctx, asid, budget)
}

/** A register block goes back to the pool: no core may take its soft TLB for the block's next owner's. */
export function forgetContext(ctx: u32): void {
  for (let core: u32 = 0; core < mmu.nCores; core++) {
    const cb = mmu.coreBase(core)
    if (load<u32>(cb + C_LAST_SYS) == ctx) store<u32>(cb + C_LAST_SYS, 0xFFFFFFFF)
  }
}

/** The GICv3 state block the board's distributor and redistributors share with the CPU interface. */
export function gicBase(): u32 { return GIC_BASE }
/** The board's interrupt lines into `core` (bit 0 IRQ), besides the GIC's. */
export function setIrqLines(core: u32, lines: u32): void { store<u32>(mmu.coreBase(core) + C_IRQ_LINES, lines) }
/** Instructions until a timer of system context `ctx` on `core` fires (-1: none will): how long a WFI may sleep. */
export function ticksToNextTimer(core: u32, ctx: u32): f64 { return timer.ticksToNextTimer(ctx, core) }
/** Time the board let pass on `core` without instructions (a WFI's sleep): the counters move on. */
export function advanceCounter(core: u32, ticks: f64): void {
  const cb = mmu.coreBase(core)
  store<f64>(cb + C_CNTVOFF, load<f64>(cb + C_CNTVOFF) + ticks)
}

/** Where board RAM sits in the physical address space of system contexts. */
export function setRamPa(pa: f64): void { mmu.setRamPa(<u64>pa) }

/** Turns the block compiler on (taken branches to an entry before
 *  it is compiled) or off (0). */
export function setJitThreshold(n: u32): void { exec.jitThreshold = min(n, 0x7FFF) }

export function ctxBase(): u32 { return CTX_BASE }
export function ctxBytes(): u32 { return CTX_BYTES }
export function maxCtx(): u32 { return MAX_CTX }
export function coreBase(core: u32): u32 { return mmu.coreBase(core) }

export function flushTlb(): void { mmu.flushAll() }
export function flushTlbAsid(asid: i32): void { mmu.flushAsid(asid) }
export function flushTlbPage(asid: i32, va: f64): void { mmu.flushPage(asid, <u64>va) }
export function invalidateCode(ramOff: u32, n: u32): void { mmu.invalidateCode(ramOff, n) }
/** Write tracking of RAM pages (mmu.ts): the map the host reads and turns back to clean, one byte a page. */
export function trackBase(): u32 { return TRACK_BASE }
export function trackWrites(ppn: u32, on: bool): void { mmu.trackWrites(ppn, on) }
export function dropTrackedWrites(): void { mmu.dropTrackedWrites() }
export function clearExclusive(core: u32): void { store<u32>(mmu.coreBase(core) + C_EX_VALID, 0) }
export function setCounterOffset(core: u32, off: f64): void { store<f64>(mmu.coreBase(core) + C_CNTVOFF, off) }
/** CNTFRQ_EL0 as every context reads it. */
export function setCounterHz(hz: f64): void { setSysCounterHz(<u64>hz) }
export function instret(core: u32): f64 { return load<f64>(mmu.coreBase(core) + C_INSTRET) }

/** Decoder probe for tests and the random-program generator: the op the
 *  decoder assigns to an instruction word (2 = undefined). */
export function decodeOp(insn: u32): u32 { return <u32>decodeOne(insn) }
export function codeBytes(): u32 { return CODE_BASE + NSLOTS * SLOT_BYTES }

/** Whether `core`, asleep in WFI with system context `ctx`, has an interrupt to wake it (its timers updated first). */
export function wfiWakeable(core: u32, ctx: u32): bool { return wakeable(core, ctx) }
