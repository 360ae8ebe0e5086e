// The GICv3 virtual CPU interface (GIC architecture v3, chapter 6): what a
// hypervisor at EL2 — the guest's own, or our kernel for a VM — programs
// through ICH_HCR_EL2, ICH_VMCR_EL2 and the four list registers ICH_LR<n>_EL2,
// and what EL1 then sees through the ICC_* registers when HCR_EL2.IMO routes
// them to it (the ICV_* view): a virtual interrupt is signalled while a list
// register holds a pending Group 1 interrupt above the virtual priority mask
// and running priority. The state lives in the context (it moves with the
// vCPU); five priority bits, one active-priority register.
import { R_MODE, R_SYSREGS } from './layout'
import { SysMode, SysReg } from '../core-layout'
import { deactivate as deactivatePhysical } from './gic'

export const LIST_REGS: u32 = 4
const STATE_SHIFT: u64 = 62
const SPURIOUS: u64 = 1023

@inline function sreg(c: u32, r: SysReg): u64 { return load<u64>(c + R_SYSREGS + (<u32>r << 3)) }
@inline function setSreg(c: u32, r: SysReg, v: u64): void { store<u64>(c + R_SYSREGS + (<u32>r << 3), v) }
@inline function lr(c: u32, n: u32): u64 { return sreg(c, <SysReg>(<u32>SysReg.ICH_LR0 + n)) }
@inline function setLr(c: u32, n: u32, v: u64): void { setSreg(c, <SysReg>(<u32>SysReg.ICH_LR0 + n), v) }
@inline function lrState(v: u64): u32 { return <u32>(v >>> STATE_SHIFT) }
@inline function lrPrio(v: u64): u32 { return <u32>(v >>> 48) & 0xF8 }

/** ICH_VTR_EL2: four list registers, five priority and preemption bits, 16-bit INTIDs. */
export const ICH_VTR: u64 = (4 << 29) | (4 << 26) | (LIST_REGS - 1)

function runningPriority(c: u32): u32 {
  const ap = <u32>sreg(c, SysReg.ICH_AP1R0)
  return ap == 0 ? 0x100 : ctz(ap) << 3
}

/** The list register of the highest-priority pending Group 1 interrupt, or -1. */
function best(c: u32): i32 {
  let n: i32 = -1
  let prio: u32 = 0x100
  for (let i: u32 = 0; i < LIST_REGS; i++) {
    const v = lr(c, i)
    if ((lrState(v) & 1) == 0 || ((v >>> 60) & 1) == 0 || lrState(v) == 3) continue
    if (lrPrio(v) < prio) { prio = lrPrio(v); n = <i32>i }
  }
  return n
}

/** Whether a virtual IRQ is signalled to EL1. */
export function virqPending(c: u32): bool {
  if ((sreg(c, SysReg.ICH_HCR) & 1) == 0) return false
  const vmcr = sreg(c, SysReg.ICH_VMCR)
  if ((vmcr & 2) == 0) return false // VENG1
  const n = best(c)
  if (n < 0) return false
  const p = lrPrio(lr(c, <u32>n))
  return p < (<u32>(vmcr >>> 24) & 0xF8) && p < runningPriority(c)
}

/** ICV_IAR1_EL1: acknowledges the virtual interrupt signalled (1023 when none). */
export function acknowledge(c: u32): u64 {
  if (!virqPending(c)) return SPURIOUS
  const n = <u32>best(c)
  const v = lr(c, n)
  setLr(c, n, (v & ~(<u64>3 << STATE_SHIFT)) | (<u64>2 << STATE_SHIFT)) // pending → active
  setSreg(c, SysReg.ICH_AP1R0, sreg(c, SysReg.ICH_AP1R0) | (<u64>1 << (lrPrio(v) >>> 3)))
  return v & 0xFFFFFFFF
}

export function highestPending(c: u32): u64 {
  const n = best(c)
  return n < 0 ? SPURIOUS : lr(c, <u32>n) & 0xFFFFFFFF
}

/** Deactivates the list register holding `id`; a hardware interrupt (HW) deactivates its physical INTID too. */
export function deactivate(c: u32, core: u32, id: u64): void {
  for (let i: u32 = 0; i < LIST_REGS; i++) {
    const v = lr(c, i)
    if ((v & 0xFFFFFFFF) != id || (lrState(v) & 2) == 0) continue
    setLr(c, i, v & ~(<u64>2 << STATE_SHIFT))
    if (((v >>> 61) & 1) == 0) return
    const pintid = <u32>(v >>> 32) & 0x1FFF
    // Under a host EL2 a forwarded timer PPI is masked, not active, in the host's view: unmask it.
    if ((load<u32>(c + R_MODE) & SysMode.HostEl2) != 0 && (pintid == 27 || pintid == 30))
      setSreg(c, SysReg.HOST_TMASK, sreg(c, SysReg.HOST_TMASK) & ~<u64>(pintid == 27 ? 2 : 1))
    else deactivatePhysical(core, pintid)
    return
  }
}

/** ICV_EOIR1_EL1: drops the virtual running priority; with VEOIM clear, deactivates too. */
export function endOfInterrupt(c: u32, core: u32, id: u64): void {
  const ap = sreg(c, SysReg.ICH_AP1R0)
  if (ap != 0) setSreg(c, SysReg.ICH_AP1R0, ap & (ap - 1))
  if ((sreg(c, SysReg.ICH_VMCR) & (1 << 9)) == 0) deactivate(c, core, id)
}

export function readPmr(c: u32): u64 { return (sreg(c, SysReg.ICH_VMCR) >>> 24) & 0xF8 }
export function writePmr(c: u32, v: u64): void {
  setSreg(c, SysReg.ICH_VMCR, (sreg(c, SysReg.ICH_VMCR) & 0x00FFFFFF) | ((v & 0xF8) << 24))
}
export function readIgrpen1(c: u32): u64 { return (sreg(c, SysReg.ICH_VMCR) >>> 1) & 1 }
export function writeIgrpen1(c: u32, v: u64): void {
  setSreg(c, SysReg.ICH_VMCR, (sreg(c, SysReg.ICH_VMCR) & ~<u64>2) | ((v & 1) << 1))
}
export function runningPriorityReg(c: u32): u64 { return <u64>min(runningPriority(c), 0xFF) }

/** ICH_ELRSR_EL2: list registers free for a new interrupt. */
export function emptyLrs(c: u32): u64 {
  let r: u64 = 0
  for (let i: u32 = 0; i < LIST_REGS; i++) {
    const v = lr(c, i)
    if (lrState(v) == 0 && !(((v >>> 61) & 1) == 0 && ((v >>> 41) & 1) != 0)) r |= <u64>1 << i
  }
  return r
}

/** ICH_EISR_EL2: list registers whose interrupt was deactivated with a maintenance request (EOI, bit 41). */
export function eoiLrs(c: u32): u64 {
  let r: u64 = 0
  for (let i: u32 = 0; i < LIST_REGS; i++) {
    const v = lr(c, i)
    if (lrState(v) == 0 && ((v >>> 61) & 1) == 0 && ((v >>> 41) & 1) != 0) r |= <u64>1 << i
  }
  return r
}

/** ICH_MISR_EL2: EOI (bit 0) and underflow (UIE, bit 1: at most one valid list register). */
export function maintenance(c: u32): u64 {
  const hcr = sreg(c, SysReg.ICH_HCR)
  if ((hcr & 1) == 0) return 0
  let m: u64 = eoiLrs(c) != 0 ? 1 : 0
  if ((hcr & 2) != 0) {
    let valid: u32 = 0
    for (let i: u32 = 0; i < LIST_REGS; i++) if (lrState(lr(c, i)) != 0) valid++
    if (valid <= 1) m |= 2
  }
  return m
}
