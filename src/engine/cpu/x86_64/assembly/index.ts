// Exports of the x86-64 core module (../x86_64-core.ts is its TypeScript side,
// docs/cpu-x86_64.md the design).
import { CORE_BYTES, CTX_BASE, CTX_BYTES, C_INSTRET, C_TSCOFF, MAX_CORES, MAX_CTX, PAGECODE_BASE, PAGEGEN_BASE, RAM_BASE } from './layout'
import { clearAll as clearDecodedCache } from './dcache'
import * as mmu from './mmu'
import { run as runLoop, setJitThreshold as setThreshold, jitCalls as calls, jitRetired as retiredCompiled } from './exec'
import { lookup } from './dcache'
import { decode, forgetCodePage } from './decode'
import { R_RIP } from './layout'
import { setCtx, setRip } from './state'

/** Grows memory for `ramBytes` of RAM and resets all state. Returns the RAM base offset, or -1 when out of range. */
export function init(ramBytes: u32, cores: u32): i32 {
  if (cores == 0 || cores > MAX_CORES || (ramBytes & 0xFFFF) != 0 || ramBytes == 0 || ramBytes > 0x80000000) return -1
  const needPages = (RAM_BASE + ramBytes) >>> 16
  const have = <u32>memory.size()
  if (have < needPages && memory.grow(<i32>(needPages - have)) < 0) return -1
  mmu.ramBytes = ramBytes
  mmu.nCores = cores
  memory.fill(mmu.coreBase(0), 0, CORE_BYTES * MAX_CORES)
  for (let c: u32 = 0; c < cores; c++) mmu.flushCoreTlb(c)
  memory.fill(PAGEGEN_BASE, 0, (ramBytes >>> 12) * 4)
  memory.fill(PAGECODE_BASE, 0, ramBytes >>> 12)
  clearDecodedCache()
  return <i32>RAM_BASE
}

export function run(core: u32, ctx: u32, asid: i32, budget: i32): i32 { return runLoop(core, ctx, asid, budget) }

export function ctxBase(): u32 { return CTX_BASE }
export function ctxBytes(): u32 { return CTX_BYTES }
export function maxCtx(): u32 { return MAX_CTX }
export function coreBase(core: u32): u32 { return mmu.coreBase(core) }
export function flushTlb(): void { mmu.flushAll() }
export function flushTlbAsid(asid: i32): void { mmu.flushAsid(asid) }
export function flushTlbPage(asid: i32, va: f64): void { mmu.flushPage(asid, <u64>va) }
/** The host wrote RAM: cached instructions there are stale. */
export function invalidateCode(ramOff: u32, n: u32): void { mmu.invalidateCode(ramOff, n) }
export function instret(core: u32): f64 { return load<f64>(mmu.coreBase(core) + C_INSTRET) }
/** RDTSC on `core` reads instret(core) + off. */
export function setTscOffset(core: u32, off: f64): void { store<f64>(mmu.coreBase(core) + C_TSCOFF, off) }

/** Decoder probe for tests: the op of the instruction at `va` as `core` (asid 0) fetches it, or -1 when fetching faulted. Uses register block 0. */
export function decodeAt(core: u32, va: f64): i32 {
  mmu.enterCore(core, 0)
  forgetCodePage()
  setCtx(CTX_BASE)
  setRip(<u64>va)
  const op = decode()
  mmu.clearFault()
  store<u64>(CTX_BASE + R_RIP, 0)
  return op
}

/** Arrivals by a taken branch before a region is compiled; 0 turns the block compiler off. */
export function setJitThreshold(n: u32): void { setThreshold(n) }
/** The block compiler's view of the decoded-instruction cache: the current entry of the instruction at `ramOff`, else 0. */
export function jitEntry(ramOff: u32): u32 { return ramOff < mmu.ramBytes ? lookup(ramOff) : 0 }
/** Instructions retired by compiled regions, and calls of them, since init. */
export function jitRetired(): f64 { return retiredCompiled }
export function jitCalls(): f64 { return calls }
