// Memory: the soft TLB, the translation regime behind it, and the tracking of
// RAM pages that hold decoded code.
//
// Translation regime. Today every context runs in an "EL0 task space": the
// host (the kernel's memory space of the running task) translates a virtual
// page on a TLB miss through the imported `translate` callback. The VM issue
// adds guest stage-1 (walked by the core) composed with stage-2 (the host
// callback); `Regime` names the choice so fillTlb is the one place to change.
//
// TLB. Per core, three direct-mapped tables (read, write, execute) of
// TLB_ENTRIES entries: [tag u64][host u32][ramOff u32]. The tag is the page
// address with the low 12 bits holding asid & 0xFFF; when a core runs under an
// asid whose upper bits differ from those it filled the TLB under, its TLB is
// flushed, so the tag stays one compare.
//
// Code pages. slotMap[ppn] >= 0 means the RAM page holds decoded code.
// INVARIANT: no write-TLB entry of any core points at such a page, so every
// guest store to code goes through writeSlow, which drops the decoded entries
// it overwrites. allocSlot enforces this when a page becomes code.
//
// Write tracking. trackMap[ppn] is 0 (not tracked), TRACK_CLEAN or
// TRACK_WRITTEN, for pages the host watches (a display's framebuffer): it
// learns which were stored to without comparing them. INVARIANT: no write-TLB
// entry points at a TRACK_CLEAN page, so the first store after the host looked
// misses the TLB and fillTlb marks the page; host writes and slow-path stores
// mark it in invalidateCode. dropTrackedWrites restores the invariant before
// the host turns marks back to clean. Untracked pages pay one byte compare
// per write-TLB miss, nothing on a hit.
import { Access, CoreExit, TranslateFault } from '../../core-abi'
import {
  HOT_BASE, HOT_ENTRIES,
  CODE_BASE, CORE_BASE, CORE_BYTES, C_ACCESS, C_ASID_HI, C_FAULT, C_SYNDROME, C_TLB, ENTRY_BYTES, MAX_CORES,
  NSLOTS, RAM_BASE, SLOTJIT_BASE, SLOTMAP_BASE, SLOTPPN_BASE, SLOT_BYTES, SLOT_ENTRIES, TLB_BYTES, TLB_ENTRIES,
  TLB_MASK, TLB_ENTRY_HOST, TLB_ENTRY_RAM, TRACK_BASE,
} from './layout'
import { Op } from './ops'
import { deviceMemory, sysTranslate } from './walk'

@external('env', 'translate')
declare function hostTranslate(asid: i32, vaddr: f64, access: i32): i32

export const enum Regime { El0Task = 0 }

/** Op.JIT (ops.ts), here as a number: mmu.ts sits below the decoder. */
const JIT_OP: u16 = <u16>Op.JIT

export let ramBytes: u32 = 0
export let ramPages: u32 = 0
export let nCores: u32 = 1

// State of the core that is running now (set by enterCore).
export let curCore: u32 = 0
export let curAsid: i32 = 0
export let asidLow: u64 = 0
export let tlbR: u32 = 0
export let tlbW: u32 = 0
export let tlbX: u32 = 0
export let regime: Regime = Regime.El0Task

// A system context (docs/cpu-aarch64-system.md) runs now: its block's
// address, 0 while a task runs. Physical addresses [ramPa, ramPa + ramBytes)
// are RAM; anything else a system context reaches is a device.
export let sysCtx: u32 = 0
/** The key the host translates a system context's stage 2 under (Core.run's asid). */
export let sysHostKey: i32 = 0
export let ramPa: u64 = 0x40000000
export function setSysCtx(c: u32, hostKey: i32): void { sysCtx = c; sysHostKey = hostKey; alignCheck = false; spMask = 0 }
/** SCTLR_ELx.A of the running system context's regime: every unaligned data access faults (alignment, DFSC 0x21). */
export let alignCheck: bool = false
export function setAlignCheck(on: bool): void { alignCheck = on }
export function setRamPa(pa: u64): void { ramPa = pa }

// Fault raised by a slow path: 0 or an exit reason. The run loop checks it
// after every access that may have taken the slow path.
export let gFault: i32 = 0

export function coreBase(core: u32): u32 { return CORE_BASE + core * CORE_BYTES }

/** The system layer handled the fault the loop left with: translations may run again (fillTlb refuses while one is raised). */
export function clearFault(): void { gFault = 0 }

/** The TLB view accesses use from now on (system.ts: LDTR/STTR borrow EL0's), and a clean fault state. */
export function setView(tag: u32): void {
  asidLow = <u64>(tag & 0xFFF)
  gFault = 0
}

export function enterCore(core: u32, asid: i32): void {
  const cb = coreBase(core)
  curCore = core
  curAsid = asid
  asidLow = <u64>(asid & 0xFFF)
  tlbR = cb + C_TLB
  tlbW = tlbR + TLB_BYTES
  tlbX = tlbW + TLB_BYTES
  const hi = <u32>asid >>> 12
  if (load<u32>(cb + C_ASID_HI) != hi) {
    flushCoreTlb(core)
    store<u32>(cb + C_ASID_HI, hi)
  }
  gFault = 0
}

export function flushCoreTlb(core: u32): void {
  const t = coreBase(core) + C_TLB
  for (let i: u32 = 0; i < 3 * TLB_ENTRIES; i++) store<u64>(t + (i << 4), -1)
}

export function flushAll(): void {
  for (let c: u32 = 0; c < nCores; c++) flushCoreTlb(c)
}

export function flushAsid(asid: i32): void {
  const low = <u64>(asid & 0xFFF)
  for (let c: u32 = 0; c < nCores; c++) {
    const t = coreBase(c) + C_TLB
    for (let i: u32 = 0; i < 3 * TLB_ENTRIES; i++) {
      const e = t + (i << 4)
      const tag = load<u64>(e)
      if (tag != <u64>-1 && (tag & 0xFFF) == low) store<u64>(e, -1)
    }
  }
}

export function flushPage(asid: i32, va: u64): void {
  const tag = (va & ~<u64>0xFFF) | <u64>(asid & 0xFFF)
  const idx = (<u32>(va >>> 12) & TLB_MASK) << 4
  for (let c: u32 = 0; c < nCores; c++) {
    const t = coreBase(c) + C_TLB
    for (let k: u32 = 0; k < 3; k++) {
      const e = t + k * TLB_BYTES + idx
      if (load<u64>(e) == tag) store<u64>(e, -1)
    }
  }
}

export function raiseFault(reason: i32, va: u64, access: i32, fsc: u32): void {
  gFault = reason
  const cb = coreBase(curCore)
  store<u64>(cb + C_FAULT, va)
  store<u32>(cb + C_ACCESS, access)
  // ESR_ELx-shaped syndrome: EC (0x24 data abort / 0x20 instruction abort
  // from a lower EL), IL, WnR, and the fault status code.
  const ec: u32 = access == Access.Execute ? 0x20 : 0x24
  const wnr: u32 = access == Access.Write ? 1 << 6 : 0
  store<u32>(cb + C_SYNDROME, (ec << 26) | (1 << 25) | wnr | fsc)
}

/**
 * A non-canonical address no translation ever maps: what a load or store with
 * a misaligned SP goes to. In the middle of its 2^48-byte window, so that any
 * immediate offset keeps it there and fillTlb knows it by its top 16 bits (a
 * register offset of 2^47 or more would leave the window and fault as a
 * translation fault instead).
 */
export const SP_POISON: u64 = 0x0BAD800000000000

/**
 * 15 while SP alignment checking is on (system.ts sets it per run), else 0:
 * a load or store whose base is SP with any of these bits set goes to
 * SP_POISON + offset instead, and fillTlb raises the fault there.
 */
export let spMask: u32 = 0
export function setSpMask(m: u32): void { spMask = m }

/** An SP alignment fault (EC 0x26), raised by fillTlb for a poisoned address before anything is accessed. */
function raiseSpAlignment(): u64 {
  gFault = CoreExit.Alignment
  const cb = coreBase(curCore)
  store<u32>(cb + C_ACCESS, Access.Read)
  store<u32>(cb + C_SYNDROME, (0x26 << 26) | (1 << 25))
  return SP_POISON
}

export function raiseAlignment(va: u64, access: i32): void {
  raiseFault(CoreExit.Alignment, va, access, 0x21)
}

/** Looks the page up through the regime and fills the TLB of `kind`. Returns
 *  the RAM offset of the page, or -1 after raising a fault. */
export function fillTlb(va: u64, access: i32): i32 {
  if (gFault != 0) return -1 // the instruction already faulted: nothing more happens
  if ((va >>> 48) == (SP_POISON >>> 48)) { raiseSpAlignment(); return -1 }
  let r: i32 = -1
  if (sysCtx != 0) {
    r = sysTranslate(va, access)
    if (r < 0) return -1
  } else if ((va >>> 48) == 0) r = hostTranslate(curAsid, <f64>va, access)
  if (r < 0 || <u32>r >= ramBytes) {
    const reason = access == Access.Execute ? CoreExit.InstructionAbort : CoreExit.DataAbort
    // Level-3 translation fault (0b000111) or permission fault (0b001111).
    raiseFault(reason, va, access, r == TranslateFault.Permission ? 0x0F : 0x07)
    return -1
  }
  const ramOff = <u32>r & ~<u32>0xFFF
  if (access == Access.Write) markWritten(ramOff >>> 12)
  const tbl = access == Access.Read ? tlbR : access == Access.Write ? tlbW : tlbX
  // INVARIANT (see header): a code page gets no write-TLB entry.
  if (access == Access.Write && load<i32>(SLOTMAP_BASE + ((ramOff >>> 12) << 2)) >= 0) return <i32>ramOff
  // Under SCTLR.A every data access takes the slow path, which checks alignment; so does every access to Device memory.
  if ((alignCheck || (sysCtx != 0 && deviceMemory)) && access != Access.Execute) return <i32>ramOff
  const e = tbl + ((<u32>(va >>> 12) & TLB_MASK) << 4)
  store<u64>(e, (va & ~<u64>0xFFF) | asidLow)
  store<u32>(e, RAM_BASE + ramOff, TLB_ENTRY_HOST)
  store<u32>(e, ramOff, TLB_ENTRY_RAM)
  return <i32>ramOff
}

// ---- write tracking (see header) -------------------------------------------

export const TRACK_CLEAN: u8 = 1
export const TRACK_WRITTEN: u8 = 2

@inline function markWritten(ppn: u32): void {
  if (load<u8>(TRACK_BASE + ppn) != 0) store<u8>(TRACK_BASE + ppn, TRACK_WRITTEN)
}

/** Starts or stops tracking RAM page `ppn`; a page starts as written (the host has not looked yet). */
export function trackWrites(ppn: u32, on: bool): void {
  if (ppn < ramPages) store<u8>(TRACK_BASE + ppn, on ? TRACK_WRITTEN : 0)
}

/** Drops every write-TLB entry of a written tracked page: the host is about to mark them clean. */
export function dropTrackedWrites(): void {
  for (let c: u32 = 0; c < nCores; c++) {
    const t = coreBase(c) + C_TLB + TLB_BYTES
    for (let i: u32 = 0; i < TLB_ENTRIES; i++) {
      const e = t + (i << 4)
      if (load<u64>(e) != <u64>-1 && load<u8>(TRACK_BASE + (load<u32>(e, TLB_ENTRY_RAM) >>> 12)) == TRACK_WRITTEN) store<u64>(e, -1)
    }
  }
}

// ---- decoded-code slots ----------------------------------------------------

let nextSlot: u32 = 0
/** Slots handed out since the instance was made: those above have never been
 *  written, and wasm memory starts zeroed, so they need no clearing. */
let slotsUsed: u32 = 0

/** Bumped whenever compiled entries may have been dropped (a store into a
 *  page with compiled code, slot recycling): the run loop reinstalls a
 *  function it took out only while this is unchanged (exec.ts relink). */
export let codeEpoch: u32 = 0

export function slotAddr(slot: i32): u32 { return CODE_BASE + <u32>slot * SLOT_BYTES }

/** Dedicates a slot to RAM page `ppn`, dropping every write-TLB entry that
 *  points at it. When the pool is exhausted every slot is recycled. */
export function allocSlot(ppn: u32, refetchOp: u16): i32 {
  if (nextSlot >= NSLOTS) {
    codeEpoch++
    for (let s: u32 = 0; s < NSLOTS; s++) store<i32>(SLOTMAP_BASE + (load<u32>(SLOTPPN_BASE + (s << 2)) << 2), -1)
    nextSlot = 0
  }
  const slot = nextSlot++
  const a = slotAddr(<i32>slot)
  // A fresh slot is left untouched: decoding writes only the entries that
  // run, so the 16 KiB of a page mostly not executed are never faulted in.
  if (slot < slotsUsed) memory.fill(a, 0, SLOT_BYTES)
  else slotsUsed = slot + 1
  store<u16>(a + (SLOT_ENTRIES - 1) * ENTRY_BYTES, refetchOp, 4) // page-end sentinel
  store<u32>(SLOTPPN_BASE + (slot << 2), ppn)
  store<i32>(SLOTMAP_BASE + (ppn << 2), <i32>slot)
  store<u8>(SLOTJIT_BASE + slot, 0)
  const host = RAM_BASE + (ppn << 12)
  for (let c: u32 = 0; c < nCores; c++) {
    const t = coreBase(c) + C_TLB + TLB_BYTES
    for (let i: u32 = 0; i < TLB_ENTRIES; i++) {
      const e = t + (i << 4)
      if (load<u32>(e, TLB_ENTRY_HOST) == host) store<u64>(e, -1)
    }
  }
  return <i32>slot
}

/** Drops the decoded entries covering RAM bytes [ramOff, ramOff + n). */
export function invalidateCode(ramOff: u32, n: u32): void {
  if (n == 0) return
  let p = ramOff >>> 12
  const last = (ramOff + n - 1) >>> 12
  for (; p <= last && p < ramPages; p++) {
    markWritten(p)
    const slot = load<i32>(SLOTMAP_BASE + (p << 2))
    if (slot < 0) continue
    const pageStart = p << 12
    const lo = max(ramOff, pageStart) - pageStart
    const hi = min(ramOff + n, pageStart + 4096) - pageStart
    const a = slotAddr(slot)
    // The entry before the first overwritten word may have fused it (ALU2).
    for (let w = lo >= 4 ? (lo >>> 2) - 1 : 0; w < ((hi + 3) >>> 2); w++) {
      store<u32>(a + w * ENTRY_BYTES, 0, 4)
      // A word the compiler refused may now be one it takes: end the back-off (exec.ts jitInstall).
      const k = HOT_BASE + ((((a + w * ENTRY_BYTES) >>> 4) & (HOT_ENTRIES - 1)) << 1)
      if (load<i16>(k) < 0) store<i16>(k, 0)
    }
    // A compiled region may span any words of its page: drop them all. The
    // host's cache checks the words again before it reinstalls one.
    if (load<u8>(SLOTJIT_BASE + slot) != 0) {
      codeEpoch++
      for (let w: u32 = 0; w < SLOT_ENTRIES - 1; w++) {
        if (load<u16>(a + w * ENTRY_BYTES, 4) == JIT_OP) store<u32>(a + w * ENTRY_BYTES, 0, 4)
      }
      store<u8>(SLOTJIT_BASE + slot, 0)
    }
  }
}

// ---- slow paths --------------------------------------------------------------

function byteHost(va: u64, access: i32, size: u32): u32 {
  if (alignCheck && (<u32>va & (size - 1)) != 0) {
    raiseAlignment(va, access)
    return 0
  }
  const tbl = access == Access.Read ? tlbR : tlbW
  const e = tbl + ((<u32>(va >>> 12) & TLB_MASK) << 4)
  if (load<u64>(e) == ((va & ~<u64>0xFFF) | asidLow)) return load<u32>(e, TLB_ENTRY_HOST) + (<u32>va & 0xFFF)
  const r = fillTlb(va, access)
  if (r < 0) return 0
  if (sysCtx != 0 && deviceMemory && (<u32>va & (size - 1)) != 0) {
    raiseAlignment(va, access)
    return 0
  }
  return RAM_BASE + <u32>r + (<u32>va & 0xFFF)
}

/** A read the TLB fast path could not serve: a miss or a page-crossing access. */
export function readSlow(va: u64, size: u32): u64 {
  if ((<u32>va & 0xFFF) + size <= 4096) {
    const h = byteHost(va, Access.Read, size)
    if (h == 0) return 0
    if (size == 8) return load<u64>(h)
    if (size == 4) return load<u32>(h)
    if (size == 2) return load<u16>(h)
    return load<u8>(h)
  }
  // Crossing a page: translate both pages before reading anything.
  const h0 = byteHost(va, Access.Read, size)
  if (h0 == 0) return 0
  const va1 = (va + 4096) & ~<u64>0xFFF
  const h1 = byteHost(va1, Access.Read, 1)
  if (h1 == 0) return 0
  const n0: u32 = 4096 - (<u32>va & 0xFFF)
  let v: u64 = 0
  for (let i: u32 = 0; i < size; i++) {
    const b: u64 = i < n0 ? load<u8>(h0 + i) : load<u8>(h1 + i - n0)
    v |= b << (<u64>i * 8)
  }
  return v
}

function writeHost(h: u32, size: u32, v: u64): void {
  if (size == 8) store<u64>(h, v)
  else if (size == 4) store<u32>(h, <u32>v)
  else if (size == 2) store<u16>(h, <u16>v)
  else store<u8>(h, <u8>v)
  invalidateCode(h - RAM_BASE, size)
}

export function writeSlow(va: u64, size: u32, v: u64): void {
  if ((<u32>va & 0xFFF) + size <= 4096) {
    const h = byteHost(va, Access.Write, size)
    if (h != 0) writeHost(h, size, v)
    return
  }
  const h0 = byteHost(va, Access.Write, size)
  if (h0 == 0) return
  const va1 = (va + 4096) & ~<u64>0xFFF
  const h1 = byteHost(va1, Access.Write, 1)
  if (h1 == 0) return
  const n0: u32 = 4096 - (<u32>va & 0xFFF)
  for (let i: u32 = 0; i < size; i++) {
    const b = <u8>(v >>> (<u64>i * 8))
    if (i < n0) writeHost(h0 + i, 1, b)
    else writeHost(h1 + i - n0, 1, b)
  }
}

/** Host address for a whole aligned block (exclusives, DC ZVA); 0 on fault. */
export function hostFor(va: u64, access: i32): u32 {
  return byteHost(va, access, 1)
}

