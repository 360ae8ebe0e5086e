// Memory: the soft TLB and the translation behind it, as on the AArch64 core
// (docs/cpu-aarch64.md, "Soft TLB"): per core three direct-mapped tables
// (read, write, execute) of [tag u64 = page | asid & 0xFFF][host u32][ram u32];
// a miss asks the host's `translate` callback (the kernel's memory space of the
// running task). A core that runs under an asid whose bits above 12 differ
// from those it filled its TLB under flushes it first, so a tag stays one
// compare.
//
// Faults. An access that cannot be translated records the fault (address,
// access, x86 page-fault error code) and sets `gFault`; from then on the
// instruction changes nothing (state.ts's writers check gFault), and the run
// loop puts RIP back on it, so the host can map the page and run it again.
//
// Code pages (dcache.ts). A RAM page whose decoded instructions are cached is
// a code page (PAGECODE = 1). INVARIANT: no write-TLB entry of any core points
// at a code page (markCode drops them, fillTlb installs none), so every guest
// store to one takes writeSlow, which bumps the page's generation: cached
// instructions of an older generation are stale.
import { Access, CoreExit, TranslateFault } from '../../core-abi'
import {
  CORE_BASE, CORE_BYTES, C_ACCESS, C_ASID_HI, C_FAULT, C_SYNDROME, C_TLB, PAGECODE_BASE, PAGEGEN_BASE, RAM_BASE, TLB_BYTES,
  TLB_ENTRIES, TLB_MASK, TLB_ENTRY_HOST, TLB_ENTRY_RAM,
} from './layout'

@external('env', 'translate')
declare function hostTranslate(asid: i32, vaddr: f64, access: i32): i32

export let ramBytes: u32 = 0
export let nCores: u32 = 1

export let curCore: u32 = 0
export let curAsid: i32 = 0
export let asidLow: u64 = 0
export let tlbR: u32 = 0
export let tlbW: u32 = 0
export let tlbX: u32 = 0

/** 0, or the exit reason an access of the current instruction raised. */
export let gFault: i32 = 0

export function coreBase(core: u32): u32 { return CORE_BASE + core * CORE_BYTES }

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

export function clearFault(): void { gFault = 0 }

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

/** Records a page fault: the error code as the x86 #PF pushes it (P, W/R, U/S = 1, I/D). */
function raisePageFault(va: u64, access: i32, present: bool): void {
  gFault = access == Access.Execute ? CoreExit.InstructionAbort : CoreExit.DataAbort
  const cb = coreBase(curCore)
  store<u64>(cb + C_FAULT, va)
  store<u32>(cb + C_ACCESS, access)
  let code: u32 = 4 // user mode
  if (present) code |= 1
  if (access == Access.Write) code |= 2
  if (access == Access.Execute) code |= 16
  store<u32>(cb + C_SYNDROME, code)
}

/**
 * Translates `va` for `access` and fills that TLB. Returns the host address
 * of the page, or 0 after raising a fault. Addresses at or above 2^47 are not
 * user addresses: no translation is asked for; the kernel half (canonical)
 * faults as a page fault, a non-canonical address as #GP (an Exception exit
 * with vector 13).
 */
export function fillTlb(va: u64, access: i32): u32 {
  if (gFault != 0) return 0
  let r: i32 = TranslateFault.Translation
  if ((va >>> 47) == 0) r = hostTranslate(curAsid, <f64>va, access)
  else if ((va >>> 47) != 0x1FFFF) {
    // A non-canonical address (bits 63..47 not all equal) is #GP, not #PF: Linux's SIGSEGV then says SI_KERNEL, no address.
    gFault = CoreExit.Exception
    return 0
  }
  if (r < 0 || <u32>r >= ramBytes) {
    raisePageFault(va, access, r == TranslateFault.Permission)
    return 0
  }
  const ramOff = <u32>r & ~<u32>0xFFF
  // INVARIANT (header): a code page gets no write-TLB entry.
  if (access == Access.Write && load<u8>(PAGECODE_BASE + (ramOff >>> 12)) != 0) return RAM_BASE + ramOff
  const tbl = access == Access.Read ? tlbR : access == Access.Write ? tlbW : tlbX
  const e = tbl + ((<u32>(va >>> 12) & TLB_MASK) << 4)
  store<u64>(e, (va & ~<u64>0xFFF) | asidLow)
  store<u32>(e, RAM_BASE + ramOff, TLB_ENTRY_HOST)
  store<u32>(e, ramOff, TLB_ENTRY_RAM)
  return RAM_BASE + ramOff
}

/** The host address of the page holding `va`, through the TLB of `access`; 0 after a fault. */
export function pageHost(va: u64, access: i32): u32 {
  const tbl = access == Access.Read ? tlbR : access == Access.Write ? tlbW : tlbX
  const e = tbl + ((<u32>(va >>> 12) & TLB_MASK) << 4)
  if (load<u64>(e) == ((va & ~<u64>0xFFF) | asidLow)) return load<u32>(e, TLB_ENTRY_HOST)
  return fillTlb(va, access)
}

/** A read the fast path did not take: a TLB miss or an access crossing a page (both pages are translated before anything is read). */
export function readSlow(va: u64, size: u32): u64 {
  const off = <u32>va & 0xFFF
  const h0 = pageHost(va, Access.Read)
  if (h0 == 0) return 0
  if (off + size <= 4096) {
    const h = h0 + off
    if (size == 8) return load<u64>(h)
    if (size == 4) return <u64>load<u32>(h)
    if (size == 2) return <u64>load<u16>(h)
    return <u64>load<u8>(h)
  }
  const h1 = pageHost((va + 4096) & ~<u64>0xFFF, Access.Read)
  if (h1 == 0) return 0
  const n0: u32 = 4096 - off
  let v: u64 = 0
  for (let i: u32 = 0; i < size; i++) {
    const b: u64 = i < n0 ? <u64>load<u8>(h0 + off + i) : <u64>load<u8>(h1 + i - n0)
    v |= b << (<u64>i * 8)
  }
  return v
}

/** A write the fast path did not take; nothing is written unless every byte's page translates. */
export function writeSlow(va: u64, size: u32, v: u64): void {
  const off = <u32>va & 0xFFF
  const h0 = pageHost(va, Access.Write)
  if (h0 == 0) return
  if (off + size <= 4096) {
    const h = h0 + off
    if (size == 8) store<u64>(h, v)
    else if (size == 4) store<u32>(h, <u32>v)
    else if (size == 2) store<u16>(h, <u16>v)
    else store<u8>(h, <u8>v)
    codeWritten(h0 - RAM_BASE)
    return
  }
  const h1 = pageHost((va + 4096) & ~<u64>0xFFF, Access.Write)
  if (h1 == 0) return
  const n0: u32 = 4096 - off
  for (let i: u32 = 0; i < size; i++) {
    const b = <u8>(v >>> (<u64>i * 8))
    if (i < n0) store<u8>(h0 + off + i, b)
    else store<u8>(h1 + i - n0, b)
  }
  codeWritten(h0 - RAM_BASE)
  codeWritten(h1 - RAM_BASE)
}

// ---- code pages ------------------------------------------------------------

/** RAM at `ramOff` changed: if its page holds cached instructions, they are stale now. */
@inline export function codeWritten(ramOff: u32): void {
  const ppn = ramOff >>> 12
  if (load<u8>(PAGECODE_BASE + ppn) != 0) store<u32>(PAGEGEN_BASE + (ppn << 2), load<u32>(PAGEGEN_BASE + (ppn << 2)) + 1)
}

/** The host wrote `n` bytes of RAM at `ramOff`. */
export function invalidateCode(ramOff: u32, n: u32): void {
  if (n == 0 || ramOff >= ramBytes) return
  const last = min<u32>(ramOff + n - 1, ramBytes - 1) >>> 12
  for (let p = ramOff >>> 12; p <= last; p++) codeWritten(p << 12)
}

/** Page `ppn` starts holding cached instructions: no core may keep a write-TLB entry for it (header). */
export function markCode(ppn: u32): void {
  if (load<u8>(PAGECODE_BASE + ppn) != 0) return
  store<u8>(PAGECODE_BASE + ppn, 1)
  const ram = ppn << 12
  for (let c: u32 = 0; c < nCores; c++) {
    const t = coreBase(c) + C_TLB + TLB_BYTES
    for (let i: u32 = 0; i < TLB_ENTRIES; i++) {
      const e = t + (i << 4)
      if (load<u32>(e, TLB_ENTRY_RAM) == ram) store<u64>(e, -1)
    }
  }
}

@inline export function pageGen(ppn: u32): u32 { return load<u32>(PAGEGEN_BASE + (ppn << 2)) }

/** Checks that `size` bytes at `va` can be written, without writing (a read-modify-write's write must not fault after its read). */
export function probeWrite(va: u64, size: u32): bool {
  if (pageHost(va, Access.Write) == 0) return false
  if ((<u32>va & 0xFFF) + size > 4096 && pageHost((va + 4096) & ~<u64>0xFFF, Access.Write) == 0) return false
  return true
}
