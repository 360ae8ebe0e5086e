// The generic timer of a system context (docs/cpu-aarch64-system.md): the
// physical count is the instructions the core retired plus the host's
// offset (C_CNTVOFF: time the board let pass while the core slept), the
// virtual count subtracts CNTVOFF_EL2. The EL1 physical (CNTP), virtual
// (CNTV) and EL2 physical (CNTHP) timers compare against them; their output
// lines are what the board's interrupt controller sees.
import { C_CNTVOFF, C_INSTRET, C_TIMER_LINES, R_SYSREGS } from './layout'
import { SysReg } from '../core-layout'
import { coreBase } from './mmu'

@inline function sreg(c: u32, r: SysReg): u64 { return load<u64>(c + R_SYSREGS + (<u32>r << 3)) }
@inline function setSreg(c: u32, r: SysReg, v: u64): void { store<u64>(c + R_SYSREGS + (<u32>r << 3), v) }

/** The physical count on `core` now (before the instruction being emulated). */
export function physicalCount(core: u32): u64 {
  const cb = coreBase(core)
  return <u64>(load<f64>(cb + C_INSTRET) + load<f64>(cb + C_CNTVOFF))
}

// Timer numbers: the bit of each in C_TIMER_LINES.
export const T_PHYS: u32 = 0
export const T_VIRT: u32 = 1
export const T_HYP: u32 = 2

@inline function ctlReg(t: u32): SysReg { return t == T_PHYS ? SysReg.CNTP_CTL : t == T_VIRT ? SysReg.CNTV_CTL : SysReg.CNTHP_CTL }
@inline function cvalReg(t: u32): SysReg { return t == T_PHYS ? SysReg.CNTP_CVAL : t == T_VIRT ? SysReg.CNTV_CVAL : SysReg.CNTHP_CVAL }

/** The count timer `t` compares with. */
function countFor(c: u32, core: u32, t: u32): u64 {
  const p = physicalCount(core)
  return t == T_VIRT ? p - sreg(c, SysReg.CNTVOFF_EL2) : p
}

/** CTL as read: ENABLE (0), IMASK (1) as written, ISTATUS (2) from the comparison. */
export function readCtl(c: u32, core: u32, t: u32): u64 {
  const ctl = sreg(c, ctlReg(t)) & 3
  const fired: u64 = countFor(c, core, t) >= sreg(c, cvalReg(t)) ? 4 : 0
  return (ctl & 1) != 0 ? ctl | fired : ctl
}

export function writeCtl(c: u32, t: u32, v: u64): void { setSreg(c, ctlReg(t), v & 3) }
export function readCval(c: u32, t: u32): u64 { return sreg(c, cvalReg(t)) }
export function writeCval(c: u32, t: u32, v: u64): void { setSreg(c, cvalReg(t), v) }
/** TVAL: the signed 32-bit distance to CVAL. */
export function readTval(c: u32, core: u32, t: u32): u64 { return <u64>(<u32>(sreg(c, cvalReg(t)) - countFor(c, core, t))) }
export function writeTval(c: u32, core: u32, t: u32, v: u64): void {
  setSreg(c, cvalReg(t), countFor(c, core, t) + <u64><i64><i32><u32>v)
}

/** Updates C_TIMER_LINES: a timer's line is high while it is enabled, unmasked and has fired. */
export function updateTimerLines(c: u32, core: u32): u32 {
  let lines: u32 = 0
  for (let t: u32 = 0; t < 3; t++) if ((readCtl(c, core, t) & 7) == 5) lines |= 1 << t
  store<u32>(coreBase(core) + C_TIMER_LINES, lines)
  return lines
}

/**
 * Instructions until the next enabled, unmasked timer that has not fired
 * yet does (so a run can end right there); -1 when none will.
 */
export function ticksToNextTimer(c: u32, core: u32): f64 {
  let best: f64 = -1
  for (let t: u32 = 0; t < 3; t++) {
    const ctl = sreg(c, ctlReg(t))
    if ((ctl & 3) != 1) continue
    const now = countFor(c, core, t)
    const cval = sreg(c, cvalReg(t))
    if (now >= cval) continue
    const d = <f64>(cval - now)
    if (best < 0 || d < best) best = d
  }
  return best
}
