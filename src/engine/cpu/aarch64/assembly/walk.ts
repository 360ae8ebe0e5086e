// Address translation of a system context (docs/cpu-aarch64-system.md):
// stage 1 of the EL1&0 or the EL2 regime walked in guest memory (4 KiB
// granule, TTBR0/TTBR1, block and page descriptors, AP, UXN/PXN, AF,
// hierarchical APTable/XNTable), then stage 2 for EL1&0 when HCR_EL2.VM is
// set — walked here (VTTBR, VTCR, S2AP) when the core implements EL2, asked
// of the host when EL2 is the host. The result is a physical address; RAM
// gives its offset, anything else is a device (a Stage2Abort for the system
// layer). A fault records its syndrome as the architecture reports it.
import { Access, CoreExit } from '../../core-abi'
import { C_IPA, RAM_BASE, R_EL, R_MODE, R_SYSREGS } from './layout'
import { SysMode, SysReg } from '../core-layout'
import { coreBase, curCore, ramBytes, ramPa, raiseFault, sysCtx, sysHostKey } from './mmu'

@external('env', 'translate')
declare function hostTranslate(asid: i32, vaddr: f64, access: i32): i32

@inline function sreg(r: SysReg): u64 { return load<u64>(sysCtx + R_SYSREGS + (<u32>r << 3)) }

const PA_MASK: u64 = 0x0000FFFFFFFFF000

/** Whether the last translation found Device memory (stage 1's MAIR attribute): its unaligned accesses fault. */
export let deviceMemory: bool = false

/** Whether the last Stage2Abort raised was a stage-2 fault (true) or a device access (false). */
export let stage2Walk: bool = false

// Fault status codes (DFSC/IFSC) without the level.
const FSC_TRANSLATION: u32 = 0x04
const FSC_ACCESS: u32 = 0x08
const FSC_PERMISSION: u32 = 0x0C
const FSC_WALK_ABORT: u32 = 0x14

/** The TLB view of the running context: ASID (8 bits), privileged (bit 8), EL2 regime (bit 9), MMU off (bit 10). */
export function sysTlbTag(): u32 {
  const el = load<u32>(sysCtx + R_EL)
  if (el == 2) return (sreg(SysReg.SCTLR_EL2) & 1) != 0 ? 0x300 : 0x700
  if ((sreg(SysReg.SCTLR_EL1) & 1) == 0) return 0x400 | (el << 8)
  const tcr = sreg(SysReg.TCR_EL1)
  const ttbr = (tcr & (<u64>1 << 22)) != 0 ? sreg(SysReg.TTBR1_EL1) : sreg(SysReg.TTBR0_EL1) // TCR.A1
  return <u32>(ttbr >>> 48) & 0xFF | (el << 8)
}

/** A physical address's RAM offset, or -1 (a device, or nothing). */
@inline function ramOffset(pa: u64): i64 {
  const off = pa - ramPa
  return pa >= ramPa && off < <u64>ramBytes ? <i64>off : -1
}

/**
 * Stage 2 of an IPA (EL1&0 with HCR_EL2.VM): the PA, or -1 after raising a
 * stage-2 fault for EL2 (`s1ptw`: the access was stage 1's table walk).
 */
function stage2(ipa: u64, va: u64, access: i32, s1ptw: bool): i64 {
  if ((load<u32>(sysCtx + R_MODE) & SysMode.HostEl2) != 0) {
    // The host answers with its page's RAM offset; the offset within the page is the IPA's.
    const r = hostTranslate(sysHostKey, <f64>ipa, access)
    if (r >= 0) return <i64>ramPa + <i64>r + <i64>(ipa & 0xFFF)
    raiseFault(CoreExit.Stage2Abort, va, access, FSC_TRANSLATION | 3)
    store<u64>(coreBase(curCore) + C_IPA, ipa)
    stage2Walk = true
    return -1
  }
  const vtcr = sreg(SysReg.VTCR_EL2)
  const t0sz = <u32>vtcr & 0x3F
  const inputBits = 64 - t0sz
  const sl0 = <u32>(vtcr >>> 6) & 3
  const start: u32 = sl0 == 0 ? 2 : sl0 == 1 ? 1 : 0
  if ((ipa >>> inputBits) != 0) return s2Fault(ipa, va, access, FSC_TRANSLATION, start, s1ptw)
  let table = sreg(SysReg.VTTBR_EL2) & PA_MASK
  for (let level = start; level <= 3; level++) {
    const shift = 12 + 9 * (3 - level)
    const bits = level == start ? inputBits - shift : 9
    const idx = (ipa >>> shift) & ((<u64>1 << bits) - 1)
    const off = ramOffset(table + idx * 8)
    if (off < 0) return s2Fault(ipa, va, access, FSC_WALK_ABORT, level, s1ptw)
    const d = load<u64>(RAM_BASE + <u32>off)
    if ((d & 1) == 0 || (level == 3 && (d & 2) == 0)) return s2Fault(ipa, va, access, FSC_TRANSLATION, level, s1ptw)
    if (level < 3 && (d & 2) != 0) { table = d & PA_MASK; continue }
    if (level == 0) return s2Fault(ipa, va, access, FSC_TRANSLATION, level, s1ptw)
    if ((d & (1 << 10)) == 0) return s2Fault(ipa, va, access, FSC_ACCESS, level, s1ptw)
    const s2ap = <u32>(d >>> 6) & 3
    const ok = access == Access.Read ? (s2ap & 1) != 0
      : access == Access.Write ? (s2ap & 2) != 0
      : (s2ap & 1) != 0 && (d & (<u64>1 << 54)) == 0
    if (!ok) return s2Fault(ipa, va, access, FSC_PERMISSION, level, s1ptw)
    const mask = (<u64>1 << shift) - 1
    return <i64>((d & PA_MASK & ~mask) | (ipa & mask))
  }
  return -1
}

function s2Fault(ipa: u64, va: u64, access: i32, fsc: u32, level: u32, s1ptw: bool): i64 {
  raiseFault(CoreExit.Stage2Abort, va, access, fsc | level | (s1ptw ? 1 << 7 : 0))
  store<u64>(coreBase(curCore) + C_IPA, ipa)
  stage2Walk = true
  return -1
}

/** Where stage 1 ends for EL1&0: through stage 2 when HCR_EL2.VM is set. */
@inline function afterStage1(ipa: u64, va: u64, access: i32, el: u32, s1ptw: bool): i64 {
  if (el < 2 && (sreg(SysReg.HCR_EL2) & 1) != 0) return stage2(ipa, va, access, s1ptw)
  return <i64>ipa
}

/**
 * Translates `va` for `access` in the running system context: the RAM
 * offset of its page, or -1 after raising a fault (a Stage2Abort for a
 * device address).
 */
export function sysTranslate(va: u64, access: i32): i32 {
  deviceMemory = false
  const el = load<u32>(sysCtx + R_EL)
  const sctlr = sreg(el == 2 ? SysReg.SCTLR_EL2 : SysReg.SCTLR_EL1)
  let pa: i64
  // With stage 1 off, data accesses are to Device-nGnRnE memory: unaligned ones fault.
  if ((sctlr & 1) == 0) { deviceMemory = true; pa = afterStage1(va, va, access, el, false) }
  else pa = stage1(va, access, el, sctlr)
  if (pa < 0) return -1
  const off = ramOffset(<u64>pa)
  if (off >= 0) return <i32>off
  if (access == Access.Execute) {
    raiseFault(CoreExit.InstructionAbort, va, access, 0x10) // synchronous external abort
    return -1
  }
  raiseFault(CoreExit.Stage2Abort, va, access, 0)
  store<u64>(coreBase(curCore) + C_IPA, <u64>pa)
  stage2Walk = false
  return -1
}

function s1Fault(va: u64, access: i32, fsc: u32, level: u32): i64 {
  raiseFault(access == Access.Execute ? CoreExit.InstructionAbort : CoreExit.DataAbort, va, access, fsc | level)
  return -1
}

function stage1(va: u64, access: i32, el: u32, sctlr: u64): i64 {
  const e2 = el == 2
  const tcr = sreg(e2 ? SysReg.TCR_EL2 : SysReg.TCR_EL1)
  let tsz: u32
  let ttbr: u64
  if (e2 || (va >>> 63) == 0) {
    tsz = <u32>tcr & 0x3F
    ttbr = sreg(e2 ? SysReg.TTBR0_EL2 : SysReg.TTBR0_EL1)
    if (!e2 && (tcr & (1 << 7)) != 0) return s1Fault(va, access, FSC_TRANSLATION, 0) // EPD0
    if ((va >>> (64 - tsz)) != 0) return s1Fault(va, access, FSC_TRANSLATION, 0)
  } else {
    tsz = <u32>(tcr >>> 16) & 0x3F
    ttbr = sreg(SysReg.TTBR1_EL1)
    if ((tcr & (1 << 23)) != 0) return s1Fault(va, access, FSC_TRANSLATION, 0) // EPD1
    if ((~va >>> (64 - tsz)) != 0) return s1Fault(va, access, FSC_TRANSLATION, 0)
  }
  if (tsz < 16) tsz = 16
  if (tsz > 39) tsz = 39
  const inputBits = 64 - tsz
  const levels = (inputBits - 12 + 8) / 9
  const start = 4 - levels
  let table = ttbr & 0x0000FFFFFFFFFFFE & ~<u64>0xFFF
  // Hierarchical controls the table descriptors on the way add.
  let apTable: u32 = 0
  let xnTable: u32 = 0
  for (let level = start; level <= 3; level++) {
    const shift = 12 + 9 * (3 - level)
    const bits = level == start ? inputBits - shift : 9
    const idx = (va >>> shift) & ((<u64>1 << bits) - 1)
    const descIpa = table + idx * 8
    const descPa = afterStage1(descIpa, va, Access.Read, el, true)
    if (descPa < 0) return -1
    const off = ramOffset(<u64>descPa)
    if (off < 0) return s1Fault(va, access, FSC_WALK_ABORT, level)
    const d = load<u64>(RAM_BASE + <u32>off)
    if ((d & 1) == 0 || (level == 3 && (d & 2) == 0)) return s1Fault(va, access, FSC_TRANSLATION, level)
    if (level < 3 && (d & 2) != 0) {
      apTable |= <u32>(d >>> 61) & 3
      xnTable |= <u32>(d >>> 59) & 3 // bit 0 PXNTable, bit 1 UXNTable (XNTable at EL2)
      table = d & PA_MASK
      continue
    }
    if (level == 0) return s1Fault(va, access, FSC_TRANSLATION, level)
    if ((d & (1 << 10)) == 0) return s1Fault(va, access, FSC_ACCESS, level)
    if (!permitted(d, access, el, apTable, xnTable, sctlr)) return s1Fault(va, access, FSC_PERMISSION, level)
    // Device memory (MAIR attribute 0b0000dd00): unaligned accesses fault.
    const attr = <u32>(sreg(e2 ? SysReg.MAIR_EL2 : SysReg.MAIR_EL1) >>> (<u64>(((<u32>d >>> 2) & 7) << 3))) & 0xFF
    deviceMemory = (attr & 0xF0) == 0
    const mask = (<u64>1 << shift) - 1
    return afterStage1((d & PA_MASK & ~mask) | (va & mask), va, access, el, false)
  }
  return -1
}

/** Stage-1 permissions of a block or page descriptor for an access at `el`. */
function permitted(d: u64, access: i32, el: u32, apTable: u32, xnTable: u32, sctlr: u64): bool {
  let ap = <u32>(d >>> 6) & 3 // AP[2:1]
  if (el == 2) {
    const ro = (ap & 2) != 0 || (apTable & 2) != 0
    if (access == Access.Write) return !ro
    if (access == Access.Execute) return (d & (<u64>1 << 54)) == 0 && (xnTable & 2) == 0 && !((sctlr & (1 << 19)) != 0 && !ro)
    return true
  }
  // APTable[0] takes EL0 access away, APTable[1] write access.
  if ((apTable & 1) != 0) ap &= ~1
  if ((apTable & 2) != 0) ap |= 2
  const el0Read = (ap & 1) != 0
  const writable = (ap & 2) == 0
  if (access == Access.Execute) {
    if (el == 0) return (d & (<u64>1 << 54)) == 0 && (xnTable & 2) == 0 && !((sctlr & (1 << 19)) != 0 && writable && el0Read)
    // EL1 never executes what EL0 may write, nor PXN memory.
    return (d & (<u64>1 << 53)) == 0 && (xnTable & 1) == 0 && !(el0Read && writable) && !((sctlr & (1 << 19)) != 0 && writable)
  }
  if (el == 0 && !el0Read) return false
  if (access == Access.Write) return writable
  return true
}
