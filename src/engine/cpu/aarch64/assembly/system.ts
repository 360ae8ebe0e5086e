// The system layer (docs/cpu-aarch64-system.md): runs a system context —
// one with EL0–EL2 state — through the interpreter loop, and handles what
// the loop leaves for it: exceptions are taken in the guest (ESR, FAR, ELR,
// SPSR, PSTATE, the SP switch, the vector), privileged instructions are
// emulated (MSR/MRS of the system registers, MSR to PSTATE fields, ERET,
// HVC, SMC, WFI/WFE), and what the host owns returns as an exit.
import { Access, CoreExit } from '../../core-abi'
import {
  C_ACCESS, C_FAULT, C_IMM, C_INSTRET, C_IPA, C_LAST_SYS, C_PC, C_REASON, C_RETIRED, C_SYNDROME, RAM_BASE, R_EL, R_MODE, R_PC,
  R_PSTATE, R_SP, R_SPALIGN, R_SYSREGS, R_TPIDRRO,
} from './layout'
import { SysMode, SysReg } from '../core-layout'
import { alignCheck, clearFault, coreBase, setSpMask, curCore, fillTlb, flushAll, flushCoreTlb, gFault, readSlow, setAlignCheck, setSysCtx, setView, writeSlow } from './mmu'
import { stage2Walk, sysTlbTag } from './walk'
import * as timer from './timer'
import * as gic from './gic'
import * as vgic from './vgic'
import { C_IRQ_LINES, C_LAST_KEY, C_TIMER_LINES } from './layout'
import { GIC_C_AP1R0, GIC_C_BPR1, GIC_C_CTLR, GIC_C_IGRPEN1, GIC_C_PMR } from '../../../hw/gic-state'
import { nzcvValue, run as runLoop, setNzcvBits } from './exec'
import { counterHz, readSys, sysOk, writeSys } from './sysreg'
import { ID_CTR, ID_DCZID, ID_ISAR0, ID_ISAR1, ID_MIDR } from '../core-layout'

// PSTATE bits as SPSR holds them.
const PS_SPSEL: u32 = 1
const PS_F: u32 = 1 << 6
const PS_I: u32 = 1 << 7
const PS_A: u32 = 1 << 8
const PS_D: u32 = 1 << 9
const PS_DAIF: u32 = PS_D | PS_A | PS_I | PS_F
const PS_IL: u32 = 1 << 20

// Exception classes (ESR_ELx.EC).
const EC_UNKNOWN: u32 = 0x00
const EC_WFX: u32 = 0x01
const EC_HVC: u32 = 0x16
const EC_SMC: u32 = 0x17
const EC_SYSREG: u32 = 0x18
const EC_PC_ALIGN: u32 = 0x22
const EC_DABT_LOW: u32 = 0x24
const IL: u32 = 1 << 25

/** ID_AA64PFR0 of a system context: EL0, EL1 and EL2 in AArch64 state, no EL3; FP and AdvSIMD; GICv3 CPU interface. */
const SYS_PFR0: u64 = 0x01000111 // GIC [27:24] = 1: the GICv3 system-register interface
/** ID_AA64MMFR0: 48-bit PA, 8-bit ASIDs, 4 KiB granule only (TGran64 = 0xF, TGran16 = 0). */
const SYS_MMFR0: u64 = 0x0F000005

@inline function sreg(c: u32, r: SysReg): u64 { return load<u64>(c + R_SYSREGS + (<u32>r << 3)) }
@inline function setSreg(c: u32, r: SysReg, v: u64): void { store<u64>(c + R_SYSREGS + (<u32>r << 3), v) }
@inline function curEl(c: u32): u32 { return load<u32>(c + R_EL) }
@inline function hostEl2(c: u32): bool { return (load<u32>(c + R_MODE) & SysMode.HostEl2) != 0 }

/** The bank that holds the SP of (el, spsel). */
function spBank(el: u32, spsel: u32): SysReg {
  if (spsel == 0 || el == 0) return SysReg.SP_EL0
  return el == 1 ? SysReg.SP_EL1 : SysReg.SP_EL2
}

/** Banks the current SP and loads the one of (el, spsel): the loop always uses R_SP. */
function switchSp(c: u32, el: u32, spsel: u32): void {
  const ps = load<u32>(c + R_PSTATE)
  setSreg(c, spBank(curEl(c), ps & PS_SPSEL), load<u64>(c + R_SP))
  store<u64>(c + R_SP, sreg(c, spBank(el, spsel)))
}

function spsrNow(c: u32): u64 {
  const ps = load<u32>(c + R_PSTATE)
  return nzcvValue(c) | <u64>(ps & (PS_DAIF | PS_IL)) | <u64>(curEl(c) << 2) | <u64>(ps & PS_SPSEL)
}

/**
 * Takes an exception to `target` (1 or 2): SPSR and ELR of that level get
 * the state left, ESR the syndrome (synchronous ones), and the PC the vector
 * at VBAR + the offset for where it came from + 0x80 × `kind` (0 synchronous,
 * 1 IRQ, 2 FIQ, 3 SError).
 */
export function takeException(c: u32, target: u32, kind: u32, esr: u64, retPc: u64): void {
  const from = curEl(c)
  const ps = load<u32>(c + R_PSTATE)
  const spsr = spsrNow(c)
  let offset: u64 = 0x400 // from a lower EL in AArch64
  if (from == target) offset = (ps & PS_SPSEL) != 0 ? 0x200 : 0
  switchSp(c, target, 1)
  store<u32>(c + R_EL, target)
  store<u32>(c + R_PSTATE, (ps & ~(PS_SPSEL | PS_IL)) | PS_SPSEL | PS_DAIF)
  const e2 = target == 2
  setSreg(c, e2 ? SysReg.SPSR_EL2 : SysReg.SPSR_EL1, spsr)
  setSreg(c, e2 ? SysReg.ELR_EL2 : SysReg.ELR_EL1, retPc)
  if (kind == 0) setSreg(c, e2 ? SysReg.ESR_EL2 : SysReg.ESR_EL1, esr)
  const vbar = sreg(c, e2 ? SysReg.VBAR_EL2 : SysReg.VBAR_EL1) & ~<u64>0x7FF
  store<u64>(c + R_PC, vbar + offset + <u64>(kind << 7))
}

/** ERET at EL1 or EL2: PSTATE from SPSR, PC from ELR; an illegal return keeps the EL and sets PSTATE.IL. */
function eret(c: u32): void {
  const el = curEl(c)
  const e2 = el == 2
  const spsr = sreg(c, e2 ? SysReg.SPSR_EL2 : SysReg.SPSR_EL1)
  const elr = sreg(c, e2 ? SysReg.ELR_EL2 : SysReg.ELR_EL1)
  const m = <u32>spsr & 0x1F
  const target = (m >>> 2) & 3
  const spsel = m & 1
  const illegal = (m & 0x10) != 0 || (m & 2) != 0 || target > el || (target == 0 && spsel != 0)
  setNzcvBits(c, <u32>(spsr >>> 28) & 15)
  if (illegal) {
    store<u32>(c + R_PSTATE, (load<u32>(c + R_PSTATE) & ~PS_DAIF) | (<u32>spsr & PS_DAIF) | PS_IL)
  } else {
    switchSp(c, target, spsel)
    store<u32>(c + R_EL, target)
    store<u32>(c + R_PSTATE, (<u32>spsr & (PS_DAIF | PS_IL)) | spsel)
  }
  store<u64>(c + R_PC, elr)
}

// ---- system registers ---------------------------------------------------------------

@inline function key(op0: u32, op1: u32, crn: u32, crm: u32, op2: u32): u32 {
  return ((op0 & 1) << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2
}

/** The slot of a plain (side-effect free) register and the lowest EL that reaches it; -1 if not one. */
let minEl: u32 = 1
function slotOf(k: u32): i32 {
  minEl = 1
  switch (k) {
    case key(3, 0, 1, 0, 0): return SysReg.SCTLR_EL1
    case key(3, 0, 1, 0, 1): return SysReg.ACTLR_EL1
    case key(3, 0, 1, 0, 2): return SysReg.CPACR_EL1
    case key(3, 0, 2, 0, 0): return SysReg.TTBR0_EL1
    case key(3, 0, 2, 0, 1): return SysReg.TTBR1_EL1
    case key(3, 0, 2, 0, 2): return SysReg.TCR_EL1
    case key(3, 0, 4, 0, 0): return SysReg.SPSR_EL1
    case key(3, 0, 4, 0, 1): return SysReg.ELR_EL1
    case key(3, 0, 5, 1, 0): return SysReg.AFSR0_EL1
    case key(3, 0, 5, 1, 1): return SysReg.AFSR1_EL1
    case key(3, 0, 5, 2, 0): return SysReg.ESR_EL1
    case key(3, 0, 6, 0, 0): return SysReg.FAR_EL1
    case key(3, 0, 7, 4, 0): return SysReg.PAR_EL1
    case key(3, 0, 10, 2, 0): return SysReg.MAIR_EL1
    case key(3, 0, 10, 3, 0): return SysReg.AMAIR_EL1
    case key(3, 0, 12, 0, 0): return SysReg.VBAR_EL1
    case key(3, 0, 13, 0, 1): return SysReg.CONTEXTIDR_EL1
    case key(3, 0, 13, 0, 4): return SysReg.TPIDR_EL1
    case key(3, 0, 14, 1, 0): return SysReg.CNTKCTL_EL1
    case key(2, 0, 0, 2, 2): return SysReg.MDSCR_EL1
  }
  minEl = 2
  switch (k) {
    case key(3, 4, 0, 0, 0): return SysReg.VPIDR_EL2
    case key(3, 4, 0, 0, 5): return SysReg.VMPIDR_EL2
    case key(3, 4, 1, 0, 0): return SysReg.SCTLR_EL2
    case key(3, 4, 1, 0, 1): return SysReg.ACTLR_EL2
    case key(3, 4, 1, 1, 0): return SysReg.HCR_EL2
    case key(3, 4, 1, 1, 1): return SysReg.MDCR_EL2
    case key(3, 4, 1, 1, 2): return SysReg.CPTR_EL2
    case key(3, 4, 1, 1, 3): return SysReg.HSTR_EL2
    case key(3, 4, 2, 0, 0): return SysReg.TTBR0_EL2
    case key(3, 4, 2, 0, 2): return SysReg.TCR_EL2
    case key(3, 4, 2, 1, 0): return SysReg.VTTBR_EL2
    case key(3, 4, 2, 1, 2): return SysReg.VTCR_EL2
    case key(3, 4, 4, 0, 0): return SysReg.SPSR_EL2
    case key(3, 4, 4, 0, 1): return SysReg.ELR_EL2
    case key(3, 4, 4, 1, 0): return SysReg.SP_EL1
    case key(3, 4, 5, 1, 0): return SysReg.AFSR0_EL2
    case key(3, 4, 5, 1, 1): return SysReg.AFSR1_EL2
    case key(3, 4, 5, 2, 0): return SysReg.ESR_EL2
    case key(3, 4, 6, 0, 0): return SysReg.FAR_EL2
    case key(3, 4, 6, 0, 4): return SysReg.HPFAR_EL2
    case key(3, 4, 10, 2, 0): return SysReg.MAIR_EL2
    case key(3, 4, 10, 3, 0): return SysReg.AMAIR_EL2
    case key(3, 4, 12, 0, 0): return SysReg.VBAR_EL2
    case key(3, 4, 13, 0, 2): return SysReg.TPIDR_EL2
    case key(3, 4, 14, 0, 3): return SysReg.CNTVOFF_EL2
    case key(3, 4, 14, 1, 0): return SysReg.CNTHCTL_EL2
  }
  return -1
}

/** ID registers of the S3_0_C0 space at EL1 (the AArch32 ones read as zero, as on a CPU without AArch32). */
function idReg(c: u32, crm: u32, op2: u32): u64 {
  if (crm == 0) {
    if (op2 == 0) return ID_MIDR
    // MPIDR: EL1 reads the virtual one EL2 set up.
    if (op2 == 5) return curEl(c) == 2 ? sreg(c, SysReg.MPIDR_EL1) : sreg(c, SysReg.VMPIDR_EL2)
    return 0
  }
  if (crm == 4 && op2 == 0) return SYS_PFR0
  if (crm == 5 && op2 == 0) return 0x6 // ID_AA64DFR0: Armv8 debug, no PMU, one breakpoint and watchpoint pair
  if (crm == 6 && op2 == 0) return ID_ISAR0
  if (crm == 6 && op2 == 1) return ID_ISAR1
  if (crm == 7 && op2 == 0) return SYS_MMFR0
  return 0
}

/** A trapped MSR/MRS: ESR ISS as EC 0x18 has it. */
function sysregIss(insn: u32): u32 {
  const op0 = (insn >>> 19) & 3, op1 = (insn >>> 16) & 7, crn = (insn >>> 12) & 15
  const crm = (insn >>> 8) & 15, op2 = (insn >>> 5) & 7, rt = insn & 31
  const read: u32 = (insn >>> 21) & 1
  return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | read
}

/** Set when the instruction that led to TAKEN completed (ERET, HVC): it counts as retired. */
let completed = false

// Results of emulating one instruction.
const DONE: i32 = -1 // emulated; the PC moves on
const TAKEN: i32 = -2 // an exception was taken in the guest (the PC is its vector)

/** The X register `r` (31 reads as zero). */
@inline function xr(c: u32, r: u32): u64 { return r == 31 ? 0 : load<u64>(c + (r << 3)) }
@inline function setXr(c: u32, r: u32, v: u64): void { if (r != 31) store<u64>(c + (r << 3), v) }

/** Undefined at the current EL: to EL1 from EL0 and EL1, to EL2 at EL2. */
function undefined(c: u32, pc: u64): i32 {
  const el = curEl(c)
  takeException(c, el == 2 ? 2 : 1, 0, <u64>((EC_UNKNOWN << 26) | IL), pc)
  return TAKEN
}

/** A trap to EL2: taken by the core's EL2, or an exit when EL2 is the host. */
function trapToEl2(c: u32, pc: u64, esr: u32, exit: i32): i32 {
  if (hostEl2(c)) {
    store<u32>(coreBase(curCore) + C_SYNDROME, esr)
    return exit
  }
  takeException(c, 2, 0, <u64>esr, pc)
  return TAKEN
}

function mrsMsr(c: u32, insn: u32, pc: u64): i32 {
  const el = curEl(c)
  const read = ((insn >>> 21) & 1) != 0
  const k = (insn >>> 5) & 0x7FFF
  const rt = insn & 31
  const op1 = (insn >>> 16) & 7, crn = (insn >>> 12) & 15, crm = (insn >>> 8) & 15, op2 = (insn >>> 5) & 7
  if (((insn >>> 19) & 3) == 3 && crn == 14 && (op1 == 3 || op1 == 4)) {
    const r = timerAccess(c, insn, pc, read, op1, crm, op2, rt)
    if (r != NOT_MINE) return r
  }
  if (el > 0 && ((insn >>> 19) & 3) == 3 && crn == 12 && (op1 == 0 || (op1 == 4 && crm == 9 && op2 == 5))) {
    // At EL1 with HCR_EL2.IMO the CPU interface is the virtual one EL2 programs.
    const virtual = el == 1 && (sreg(c, SysReg.HCR_EL2) & (1 << 4)) != 0
    // Generating SGIs (ICC_SGI0R, SGI1R, ASGI1R) traps to EL2 under IMO (GICv3 12.2.1): the hypervisor routes them.
    if (virtual && !read && crm == 11 && op2 >= 5) return trapToEl2(c, pc, (EC_SYSREG << 26) | IL | sysregIss(insn), CoreExit.SysReg)
    const r = virtual ? icvAccess(c, read, crm, op2, rt) : iccAccess(c, read, op1, crm, op2, rt)
    if (r != NOT_MINE) return r
  }
  if (el == 2 && ((insn >>> 19) & 3) == 3 && crn == 12 && op1 == 4) {
    const r = ichAccess(c, read, crm, op2, rt)
    if (r != NOT_MINE) return r
  }
  if (el == 0 && read && k == key(3, 3, 0, 0, 1)) { // CTR_EL0: EL0 reads it when SCTLR_EL1.UCT allows
    if ((sreg(c, SysReg.SCTLR_EL1) & (1 << 15)) == 0) return trapToEl1(c, insn, pc)
    if ((sreg(c, SysReg.HCR_EL2) & (1 << 17)) != 0) return trapToEl2(c, pc, (EC_SYSREG << 26) | IL | sysregIss(insn), CoreExit.SysReg)
    setXr(c, rt, ID_CTR)
    return DONE
  }
  if (el == 0 && read && k == key(3, 3, 0, 0, 7)) { setXr(c, rt, ID_DCZID); return DONE }
  if (el == 0) {
    // What EL0 reaches besides: NZCV, FPCR/FPSR, TPIDR_EL0, TPIDRRO_EL0 (sysreg.ts).
    if (read) {
      const v = readSys(c, k, nzcvValue(c), 0)
      if (!sysOk) return undefined(c, pc)
      setXr(c, rt, v)
    } else if (!writeSys(c, k, xr(c, rt))) return undefined(c, pc)
    return DONE
  }
  const hcr = sreg(c, SysReg.HCR_EL2)
  if (k == key(3, 0, 4, 6, 0)) { // ICC_PMR_EL1 (ICV_PMR_EL1 at EL1 under HCR_EL2.IMO)
    if (el == 1 && (hcr & (1 << 4)) != 0) {
      if (read) setXr(c, rt, vgic.readPmr(c)); else vgic.writePmr(c, xr(c, rt))
      return DONE
    }
    const regs = gic.cpuRegs(curCore)
    if (read) setXr(c, rt, load<u32>(regs + GIC_C_PMR)); else store<u32>(regs + GIC_C_PMR, <u32>xr(c, rt) & 0xF8)
    return DONE
  }
  if (k == key(3, 0, 12, 1, 0)) { // ISR_EL1: what is pending, as EL1 would take it
    if (!read) return undefined(c, pc)
    setXr(c, rt, pendingStatus(c, curCore))
    return DONE
  }
  // PSTATE fields and banked stack pointers.
  if (k == key(3, 0, 4, 2, 2)) { if (!read) return undefined(c, pc); setXr(c, rt, <u64>(el << 2)); return DONE } // CurrentEL
  if (k == key(3, 3, 4, 2, 1)) { // DAIF
    if (read) setXr(c, rt, <u64>(load<u32>(c + R_PSTATE) & PS_DAIF))
    else store<u32>(c + R_PSTATE, (load<u32>(c + R_PSTATE) & ~PS_DAIF) | (<u32>xr(c, rt) & PS_DAIF))
    return DONE
  }
  if (k == key(3, 0, 4, 2, 0)) { // SPSel
    if (read) { setXr(c, rt, <u64>(load<u32>(c + R_PSTATE) & PS_SPSEL)); return DONE }
    const spsel = <u32>xr(c, rt) & 1
    switchSp(c, el, spsel)
    store<u32>(c + R_PSTATE, (load<u32>(c + R_PSTATE) & ~PS_SPSEL) | spsel)
    return DONE
  }
  if (k == key(3, 0, 4, 1, 0)) { // SP_EL0: not while it is the current SP
    if ((load<u32>(c + R_PSTATE) & PS_SPSEL) == 0) return undefined(c, pc)
    if (read) setXr(c, rt, sreg(c, SysReg.SP_EL0)); else setSreg(c, SysReg.SP_EL0, xr(c, rt))
    return DONE
  }
  // EL1's virtual-memory controls under HCR_EL2.TVM (writes) / TRVM (reads).
  const slot = slotOf(k)
  if (slot >= 0 && el < minEl) return undefined(c, pc)
  if (el == 1 && slot >= 0 && isVmControl(<SysReg>slot) && (hcr & (read ? (<u64>1 << 30) : (<u64>1 << 26))) != 0) {
    return trapToEl2(c, pc, (EC_SYSREG << 26) | IL | sysregIss(insn), CoreExit.SysReg)
  }
  if (slot >= 0 && isRazWi(<SysReg>slot)) { if (read) setXr(c, rt, 0); return DONE }
  if (slot >= 0) {
    if (read) setXr(c, rt, sreg(c, <SysReg>slot))
    else {
      setSreg(c, <SysReg>slot, xr(c, rt))
      // What the TLB's entries were made under changed (TTBRs carry an ASID the tags hold).
      if (changesTranslation(<SysReg>slot)) flushCoreTlb(curCore)
    }
    return DONE
  }
  // HCR_EL2.TID2 traps the cache geometry (CTR, CCSIDR, CLIDR, CSSELR), TID1 REVIDR and AIDR.
  if (el == 1 && crn == 0 && ((insn >>> 19) & 3) == 3) {
    const tid2 = (hcr & (1 << 17)) != 0 && (k == key(3, 3, 0, 0, 1) || k == key(3, 1, 0, 0, 0) || k == key(3, 1, 0, 0, 1) || k == key(3, 2, 0, 0, 0))
    const tid1 = (hcr & (1 << 16)) != 0 && read && (k == key(3, 0, 0, 0, 6) || k == key(3, 1, 0, 0, 7))
    if (tid1 || tid2) return trapToEl2(c, pc, (EC_SYSREG << 26) | IL | sysregIss(insn), CoreExit.SysReg)
  }
  if (read && k == key(3, 1, 0, 0, 7)) { setXr(c, rt, 0); return DONE } // AIDR: nothing implementation defined
  // ID registers, cache geometry.
  if (read && op1 == 0 && crn == 0) {
    if (el == 1 && (hcr & (<u64>1 << 18)) != 0 && crm >= 1) // HCR_EL2.TID3: the feature ID registers
      return trapToEl2(c, pc, (EC_SYSREG << 26) | IL | sysregIss(insn), CoreExit.SysReg)
    setXr(c, rt, idReg(c, crm, op2))
    return DONE
  }
  if (read && k == key(3, 1, 0, 0, 1)) { setXr(c, rt, 0); return DONE } // CLIDR: no caches to maintain
  if (read && k == key(3, 1, 0, 0, 0)) { setXr(c, rt, 0); return DONE } // CCSIDR
  if (k == key(3, 2, 0, 0, 0)) { if (read) setXr(c, rt, 0); return DONE } // CSSELR
  if (read && k == key(3, 3, 0, 0, 1)) { setXr(c, rt, ID_CTR); return DONE }
  if (read && k == key(3, 3, 0, 0, 7)) { setXr(c, rt, ID_DCZID); return DONE }
  // The OS lock and debug registers: Linux resets them at boot; they hold nothing here.
  if (((insn >>> 19) & 3) == 2 && op1 == 0) { if (read) setXr(c, rt, 0); return DONE }
  // The registers EL0 reaches too (NZCV, FPCR/FPSR, TPIDR_EL0, the counters).
  if (read) {
    const v = readSys(c, k, nzcvValue(c), 0)
    if (!sysOk) return undefined(c, pc)
    setXr(c, rt, v)
    return DONE
  }
  if (k == key(3, 3, 13, 0, 3)) { store<u64>(c + R_TPIDRRO, xr(c, rt)); return DONE } // TPIDRRO_EL0: read-only at EL0 only
  if (writeSys(c, k, xr(c, rt))) return DONE
  return undefined(c, pc)
}

/**
 * The auxiliary fault status and memory attribute registers: the
 * Cortex-A57 implements nothing in them (RES0), and QEMU reads them as zero.
 */
function isRazWi(r: SysReg): bool {
  return r == SysReg.AFSR0_EL1 || r == SysReg.AFSR1_EL1 || r == SysReg.AFSR0_EL2 || r == SysReg.AFSR1_EL2
    || r == SysReg.AMAIR_EL1 || r == SysReg.AMAIR_EL2
}

function changesTranslation(r: SysReg): bool {
  return r == SysReg.SCTLR_EL1 || r == SysReg.SCTLR_EL2 || r == SysReg.TCR_EL1 || r == SysReg.TCR_EL2
    || r == SysReg.TTBR0_EL2 || r == SysReg.HCR_EL2 || r == SysReg.VTTBR_EL2 || r == SysReg.VTCR_EL2
}

const NOT_MINE: i32 = -3

/**
 * The generic timer's registers (CNTPCT, CNTVCT, CNTFRQ, CNTP_*, CNTV_*,
 * CNTHP_*). EL0 reaches them as CNTKCTL_EL1 allows (else they trap to EL1).
 */
function timerAccess(c: u32, insn: u32, pc: u64, read: bool, op1: u32, crm: u32, op2: u32, rt: u32): i32 {
  const el = curEl(c)
  const core = curCore
  let t: u32 = 0
  if (op1 == 4) {
    if (crm != 2 || el < 2) return NOT_MINE
    t = timer.T_HYP
  } else if (crm == 0) {
    if (!read) return op2 == 0 ? DONE : NOT_MINE // CNTFRQ is fixed
    const kctl = sreg(c, SysReg.CNTKCTL_EL1)
    if (op2 == 0) { setXr(c, rt, counterHz); return DONE }
    if (op2 != 1 && op2 != 2) return NOT_MINE
    if (el == 0 && (kctl & (op2 == 1 ? 1 : 2)) == 0) return trapToEl1(c, insn, pc)
    const p = timer.physicalCount(core)
    setXr(c, rt, op2 == 1 ? p : p - sreg(c, SysReg.CNTVOFF_EL2))
    return DONE
  } else if (crm == 2) t = timer.T_PHYS
  else if (crm == 3) t = timer.T_VIRT
  else return NOT_MINE
  if (el == 0 && (sreg(c, SysReg.CNTKCTL_EL1) & (t == timer.T_PHYS ? 1 << 9 : 1 << 8)) == 0) return trapToEl1(c, insn, pc)
  if (op2 == 0) {
    if (read) setXr(c, rt, timer.readTval(c, core, t)); else timer.writeTval(c, core, t, xr(c, rt))
  } else if (op2 == 1) {
    if (read) setXr(c, rt, timer.readCtl(c, core, t)); else timer.writeCtl(c, t, xr(c, rt))
  } else if (op2 == 2) {
    if (read) setXr(c, rt, timer.readCval(c, t)); else timer.writeCval(c, t, xr(c, rt))
  } else return NOT_MINE
  return DONE
}

function trapToEl1(c: u32, insn: u32, pc: u64): i32 {
  takeException(c, 1, 0, <u64>((EC_SYSREG << 26) | IL | sysregIss(insn)), pc)
  return TAKEN
}

/** The GICv3 CPU interface's registers (Group 1; Group 0's read as zero). */
function iccAccess(c: u32, read: bool, op1: u32, crm: u32, op2: u32, rt: u32): i32 {
  const core = curCore
  const regs = gic.cpuRegs(core)
  const v = xr(c, rt)
  if (op1 == 4) { if (read) setXr(c, rt, 0xF); return DONE } // ICC_SRE_EL2: SRE, DFB, DIB, Enable (RAO/WI)
  if (crm == 12) {
    switch (op2) {
      case 0: if (!read) return NOT_MINE; setXr(c, rt, gic.acknowledge(core)); return DONE // IAR1
      case 1: if (read) return NOT_MINE; gic.endOfInterrupt(core, <u32>v & 0xFFFFFF); return DONE // EOIR1
      case 2: if (!read) return NOT_MINE; setXr(c, rt, gic.highestPending(core)); return DONE // HPPIR1
      case 3: if (read) setXr(c, rt, load<u32>(regs + GIC_C_BPR1)); else store<u32>(regs + GIC_C_BPR1, max(<u32>v & 7, 2)); return DONE
      case 4: // CTLR: PRIbits = 4 (five bits), 16-bit INTIDs, EOImode
        if (read) setXr(c, rt, <u64>((4 << 8) | (load<u32>(regs + GIC_C_CTLR) & 2)))
        else store<u32>(regs + GIC_C_CTLR, <u32>v & 2)
        return DONE
      case 5: if (read) setXr(c, rt, 7); return DONE // SRE_EL1: SRE, DFB, DIB (RAO/WI)
      case 6: if (read) setXr(c, rt, 0); return DONE // IGRPEN0: no Group 0 here
      case 7: if (read) setXr(c, rt, load<u32>(regs + GIC_C_IGRPEN1) & 1); else store<u32>(regs + GIC_C_IGRPEN1, <u32>v & 1); return DONE
    }
    return NOT_MINE
  }
  if (crm == 11) {
    switch (op2) {
      case 1: if (read) return NOT_MINE; gic.deactivate(core, <u32>v & 0xFFFFFF); return DONE // DIR
      case 3: if (!read) return NOT_MINE; setXr(c, rt, min(gic.runningPriority(core), 0xFF)); return DONE // RPR
      case 5: if (read) return NOT_MINE; gic.generateSgi(core, v); return DONE // SGI1R
      case 6: case 7: if (read) return NOT_MINE; return DONE // SGI0R, ASGI1R: no Group 0 / secure side
    }
    return NOT_MINE
  }
  if (crm == 9 && op2 == 0) { // AP1R0
    if (read) setXr(c, rt, load<u32>(regs + GIC_C_AP1R0)); else store<u32>(regs + GIC_C_AP1R0, <u32>v)
    return DONE
  }
  if (crm == 8 && op2 >= 4) { if (read) setXr(c, rt, 0); return DONE } // AP0R<n>
  return NOT_MINE
}

/** The virtual CPU interface as EL1 sees it (ICV_*), for the registers that differ from the physical ones. */
function icvAccess(c: u32, read: bool, crm: u32, op2: u32, rt: u32): i32 {
  const v = xr(c, rt)
  if (crm == 12) {
    switch (op2) {
      case 0: if (!read) return NOT_MINE; setXr(c, rt, vgic.acknowledge(c)); return DONE
      case 1: if (read) return NOT_MINE; vgic.endOfInterrupt(c, curCore, v & 0xFFFFFF); return DONE
      case 2: if (!read) return NOT_MINE; setXr(c, rt, vgic.highestPending(c)); return DONE
      case 7: if (read) setXr(c, rt, vgic.readIgrpen1(c)); else vgic.writeIgrpen1(c, v); return DONE
    }
  } else if (crm == 11) {
    if (op2 == 1) { if (read) return NOT_MINE; vgic.deactivate(c, curCore, v & 0xFFFFFF); return DONE }
    if (op2 == 3) { if (!read) return NOT_MINE; setXr(c, rt, vgic.runningPriorityReg(c)); return DONE }
  } else if (crm == 9 && op2 == 0) {
    if (read) setXr(c, rt, sreg(c, SysReg.ICH_AP1R0)); else setSreg(c, SysReg.ICH_AP1R0, v & 0xFFFFFFFF)
    return DONE
  }
  // The rest (CTLR, SRE, BPR1, SGI1R…) behaves as the physical interface's.
  return iccAccess(c, read, 0, crm, op2, rt)
}

/** ICH_*_EL2: the hypervisor's controls of the virtual CPU interface. */
function ichAccess(c: u32, read: bool, crm: u32, op2: u32, rt: u32): i32 {
  const v = xr(c, rt)
  if (crm == 9 && op2 == 0) { if (read) setXr(c, rt, sreg(c, SysReg.ICH_AP1R0)); else setSreg(c, SysReg.ICH_AP1R0, v & 0xFFFFFFFF); return DONE }
  if (crm == 12 && op2 < vgic.LIST_REGS) {
    const r = <SysReg>(<u32>SysReg.ICH_LR0 + op2)
    if (read) setXr(c, rt, sreg(c, r)); else setSreg(c, r, v)
    return DONE
  }
  if (crm != 11) return NOT_MINE
  switch (op2) {
    case 0: if (read) setXr(c, rt, sreg(c, SysReg.ICH_HCR)); else setSreg(c, SysReg.ICH_HCR, v & 0xF80000FF); return DONE
    case 1: if (!read) return NOT_MINE; setXr(c, rt, vgic.ICH_VTR); return DONE
    case 2: if (!read) return NOT_MINE; setXr(c, rt, vgic.maintenance(c)); return DONE
    case 3: if (!read) return NOT_MINE; setXr(c, rt, vgic.eoiLrs(c)); return DONE
    case 5: if (!read) return NOT_MINE; setXr(c, rt, vgic.emptyLrs(c)); return DONE
    case 7: if (read) setXr(c, rt, sreg(c, SysReg.ICH_VMCR)); else setSreg(c, SysReg.ICH_VMCR, v & 0xFFFC0203); return DONE
  }
  return NOT_MINE
}

function isVmControl(r: SysReg): bool {
  return r == SysReg.SCTLR_EL1 || r == SysReg.TTBR0_EL1 || r == SysReg.TTBR1_EL1 || r == SysReg.TCR_EL1
    || r == SysReg.ESR_EL1 || r == SysReg.FAR_EL1 || r == SysReg.AFSR0_EL1 || r == SysReg.AFSR1_EL1
    || r == SysReg.MAIR_EL1 || r == SysReg.AMAIR_EL1 || r == SysReg.CONTEXTIDR_EL1
}

/** MSR (immediate) to DAIFSet, DAIFClr and SPSel. */
function msrImm(c: u32, insn: u32, pc: u64): i32 {
  const el = curEl(c)
  const op1 = (insn >>> 16) & 7, op2 = (insn >>> 5) & 7, crm = (insn >>> 8) & 15
  const ps = load<u32>(c + R_PSTATE)
  if (op1 == 3 && (op2 == 6 || op2 == 7)) {
    if (el == 0 && (sreg(c, SysReg.SCTLR_EL1) & (1 << 9)) == 0) return undefined(c, pc) // SCTLR_EL1.UMA
    const bits = crm << 6
    store<u32>(c + R_PSTATE, op2 == 6 ? ps | bits : ps & ~bits)
    return DONE
  }
  if (op1 == 0 && op2 == 5 && el > 0) {
    switchSp(c, el, crm & 1)
    store<u32>(c + R_PSTATE, (ps & ~PS_SPSEL) | (crm & 1))
    return DONE
  }
  return undefined(c, pc)
}

/**
 * An instruction the loop left as undefined: the privileged ones are
 * emulated here. Returns DONE, TAKEN, or an exit for the host.
 */
function privileged(c: u32, insn: u32, pc: u64): i32 {
  const el = curEl(c)
  if ((insn & 0xFFE0001F) == 0xD4000002) { // HVC
    if (el == 0) return undefined(c, pc)
    const imm = (insn >>> 5) & 0xFFFF
    const esr = (EC_HVC << 26) | IL | imm
    store<u32>(coreBase(curCore) + C_IMM, imm)
    if (hostEl2(c) && el == 1) {
      store<u64>(c + R_PC, pc + 4)
      store<u32>(coreBase(curCore) + C_SYNDROME, esr)
      return CoreExit.Hvc
    }
    takeException(c, 2, 0, <u64>esr, pc + 4)
    completed = true
    return TAKEN
  }
  if ((insn & 0xFFE0001F) == 0xD4000003) { // SMC: no EL3 here
    if (el == 0) return undefined(c, pc)
    const imm = (insn >>> 5) & 0xFFFF
    store<u32>(coreBase(curCore) + C_IMM, imm)
    if (el == 1 && (sreg(c, SysReg.HCR_EL2) & (<u64>1 << 19)) != 0) // HCR_EL2.TSC
      return trapToEl2(c, pc, (EC_SMC << 26) | IL | imm, CoreExit.Smc)
    // The board answers it (PSCI, as QEMU's virt machine without EL3 does).
    store<u64>(c + R_PC, pc + 4)
    store<u32>(coreBase(curCore) + C_SYNDROME, (EC_SMC << 26) | IL | imm)
    return CoreExit.Smc
  }
  if (insn == 0xD69F03E0) { // ERET
    if (el == 0) return undefined(c, pc)
    eret(c)
    completed = true
    return TAKEN
  }
  if ((insn & 0x3B200C00) == 0x38000800 && ((insn >>> 26) & 1) == 0) return unprivileged(c, insn, pc) // LDTR/STTR
  if ((insn & 0xFFF8F01F) == 0xD500401F) return msrImm(c, insn, pc) // MSR (immediate)
  if ((insn & 0xFFD00000) == 0xD5100000) return mrsMsr(c, insn, pc) // MSR/MRS (register), op0 = 2 or 3
  if ((insn & 0xFFF80000) == 0xD5080000) { // SYS: TLBI, AT, DC, IC at EL1+
    if (el == 0) return undefined(c, pc)
    // TLBI (any kind, broadcast or not), AT, DC and IC: dropping every core's
    // soft TLB is always correct; decoded code follows writes by itself.
    flushAll()
    return DONE
  }
  return undefined(c, pc)
}

/**
 * LDTR/STTR at EL1: the access EL0 would make, with EL0's permissions
 * (Linux's uaccess routines use them, so a user pointer to kernel memory
 * faults). A fault is taken at EL1 as any data abort there.
 */
function unprivileged(c: u32, insn: u32, pc: u64): i32 {
  const size = insn >>> 30
  const opc = (insn >>> 22) & 3
  const rn = (insn >>> 5) & 31
  const rt = insn & 31
  const va = (rn == 31 ? load<u64>(c + R_SP) : xr(c, rn)) + <u64><i64>(<i32>(insn << 11) >> 23)
  const bytes: u32 = 1 << size
  store<u32>(c + R_EL, 0)
  setView(sysTlbTag())
  let v: u64 = 0
  if (opc == 0) writeSlow(va, bytes, xr(c, rt))
  else v = readSlow(va, bytes)
  const failed = gFault
  store<u32>(c + R_EL, 1)
  setView(sysTlbTag())
  if (failed != 0) return fault(c, failed, pc)
  if (opc == 2) v = size == 0 ? <u64><i64><i8>v : size == 1 ? <u64><i64><i16>v : <u64><i64><i32>v
  else if (opc == 3) v = (size == 0 ? <u64><i64><i8>v : <u64><i64><i16>v) & 0xFFFFFFFF
  if (opc != 0) setXr(c, rt, v)
  return DONE
}

/** WFI/WFE: trapped to EL2 by HCR_EL2.TWI/TWE from EL1 and EL0, else an exit the board sleeps on. */
function wfx(c: u32, insn: u32, pc: u64): i32 {
  const wfe: u32 = insn == 0xD503205F ? 1 : 0
  const el = curEl(c)
  if (el < 2 && (sreg(c, SysReg.HCR_EL2) & (<u64>1 << (13 + wfe))) != 0)
    return trapToEl2(c, pc, (EC_WFX << 26) | IL | (1 << 24) | (0xE << 20) | wfe, CoreExit.Wfi)
  // The board sleeps on WFI until an interrupt; WFE (an event from another core) it treats as a yield.
  store<u64>(c + R_PC, pc + 4)
  store<u32>(coreBase(curCore) + C_SYNDROME, (EC_WFX << 26) | IL | (1 << 24) | (0xE << 20) | wfe)
  return CoreExit.Wfi
}

/** A fault the loop raised, as the architecture takes it. */
function fault(c: u32, reason: i32, pc: u64): i32 {
  const cb = coreBase(curCore)
  const el = curEl(c)
  const target: u32 = el == 2 ? 2 : 1
  let esr = load<u32>(cb + C_SYNDROME)
  const far = load<u64>(cb + C_FAULT)
  if (reason == CoreExit.Alignment && load<u32>(cb + C_ACCESS) == Access.Execute) esr = (EC_PC_ALIGN << 26) | IL
  // The loop reports aborts as from a lower EL; from the level that takes them the class is one more
  // (an SP alignment fault, EC 0x26, has one class for both).
  else if (el == target && (esr >>> 26) != 0x26) esr += 1 << 26
  setSreg(c, target == 2 ? SysReg.FAR_EL2 : SysReg.FAR_EL1, far)
  takeException(c, target, 0, <u64>esr, pc)
  return TAKEN
}

/**
 * The ISS bits a data abort's syndrome holds about the instruction when it
 * is a single-register load or store without writeback (ISV, SAS, SSE, SRT,
 * SF, AR): what lets a hypervisor or the board emulate the access.
 */
function dataIss(insn: u32): u32 {
  // LDR/STR (unsigned offset, or unscaled/register offset without writeback), integer registers.
  if ((insn & 0x3F000000) == 0x39000000 || (insn & 0x3F200C00) == 0x38000000 || (insn & 0x3F200C00) == 0x38200800) {
    const size = insn >>> 30
    const opc = (insn >>> 22) & 3
    const signed: u32 = opc >= 2 ? 1 : 0
    const sf: u32 = opc == 2 || size == 3 ? 1 : 0
    return (1 << 24) | (size << 22) | (signed << 21) | ((insn & 31) << 16) | (sf << 15)
  }
  // LDAR/STLR: ordered, not exclusive.
  if (((insn >>> 24) & 0x3F) == 0x08 && (insn & (1 << 23)) != 0 && (insn & (1 << 21)) == 0 && (insn & (1 << 15)) != 0) {
    const size = insn >>> 30
    return (1 << 24) | (size << 22) | ((insn & 31) << 16) | ((size == 3 ? 1 : 0) << 15) | (1 << 14)
  }
  return 0
}

/**
 * A device access (a physical address outside RAM): an exit for the board or
 * the VMM, with the syndrome of a data abort (ISV when the instruction allows).
 */
function mmio(c: u32, pc: u64): i32 {
  const cb = coreBase(curCore)
  const write = load<u32>(cb + C_ACCESS) == Access.Write
  const iss = dataIss(fetchWord(pc)) | (write ? 1 << 6 : 0)
  store<u32>(cb + C_SYNDROME, (EC_DABT_LOW << 26) | IL | iss)
  store<u64>(c + R_PC, pc)
  return CoreExit.Stage2Abort
}

/**
 * A stage-2 fault of EL1&0: taken by the core's EL2 (ESR_EL2, FAR_EL2,
 * HPFAR_EL2), or an exit when EL2 is the host. A data abort's syndrome
 * describes the instruction unless the fault was on stage 1's table walk.
 */
function stage2Fault(c: u32, pc: u64): i32 {
  const cb = coreBase(curCore)
  let esr = load<u32>(cb + C_SYNDROME)
  const far = load<u64>(cb + C_FAULT)
  const ipa = load<u64>(cb + C_IPA)
  if (load<u32>(cb + C_ACCESS) != Access.Execute && (esr & (1 << 7)) == 0) esr |= dataIss(fetchWord(pc))
  if (hostEl2(c)) {
    store<u32>(cb + C_SYNDROME, esr)
    store<u64>(cb + C_IPA, ipa)
    store<u64>(cb + C_FAULT, far)
    store<u64>(c + R_PC, pc)
    return CoreExit.Stage2Abort
  }
  setSreg(c, SysReg.FAR_EL2, far)
  setSreg(c, SysReg.HPFAR_EL2, (ipa >>> 12) << 4)
  takeException(c, 2, 0, <u64>esr, pc)
  return TAKEN
}

/** The instruction word at `pc` (0 when it cannot be fetched). */
function fetchWord(pc: u64): u32 {
  const r = fillTlb(pc, Access.Execute)
  if (r < 0) return 0
  return load<u32>(RAM_BASE + <u32>r + (<u32>pc & 0xFFF))
}

/** The timers' lines as PPIs of the core's redistributor: CNTP 30, CNTV 27, CNTHP 26. */
export function syncTimers(c: u32, core: u32): void {
  const lines = timer.updateTimerLines(c, core)
  gic.setPpiLevel(core, 30, (lines & 1) != 0)
  gic.setPpiLevel(core, 27, (lines & 2) != 0)
  gic.setPpiLevel(core, 26, (lines & 4) != 0)
  gic.setPpiLevel(core, 25, vgic.maintenance(c) != 0) // the virtual interface's maintenance interrupt
}

/**
 * Takes a pending IRQ if PSTATE and the routing let it in: TAKEN, an exit
 * (a physical interrupt while EL2 is the host), or 0. The board's lines
 * (C_IRQ_LINES bit 0) and the GIC's CPU interface both raise IRQ;
 * HCR_EL2.VI raises a virtual one for EL1.
 */
function interrupt(c: u32, core: u32): i32 {
  if (hostEl2(c)) {
    // The EL1 timers' PPIs belong to the host (as on Fiasco and KVM): a
    // firing one is an exit, once, until the guest deactivates the virtual
    // interrupt the host injected for it (vgic.ts clears the mask).
    const fired = load<u32>(coreBase(core) + C_TIMER_LINES) & 3 & ~<u32>sreg(c, SysReg.HOST_TMASK)
    if (fired != 0) {
      setSreg(c, SysReg.HOST_TMASK, sreg(c, SysReg.HOST_TMASK) | fired)
      store<u32>(coreBase(core) + C_SYNDROME, (fired & 2) != 0 ? 27 : 30)
      return CoreExit.Irq
    }
  }
  const physical = (load<u32>(coreBase(core) + C_IRQ_LINES) & 1) != 0 || gic.irqPending(core)
  const el = curEl(c)
  const hcr = sreg(c, SysReg.HCR_EL2)
  const masked = (load<u32>(c + R_PSTATE) & PS_I) != 0
  const imo = (hcr & (1 << 4)) != 0
  const pc = load<u64>(c + R_PC)
  if (physical) {
    if (el < 2 && imo) {
      if (hostEl2(c)) return CoreExit.Irq
      takeException(c, 2, 1, 0, pc)
      return TAKEN
    }
    if (!masked && (el < 2 || imo)) {
      takeException(c, el == 2 ? 2 : 1, 1, 0, pc)
      return TAKEN
    }
  }
  if (el < 2 && imo && ((hcr & (1 << 7)) != 0 || vgic.virqPending(c)) && !masked) {
    takeException(c, 1, 1, 0, pc)
    return TAKEN
  }
  // Virtual FIQ (HCR_EL2.VF under FMO) and virtual SError (VSE under AMO, which the exception clears).
  const ps = load<u32>(c + R_PSTATE)
  if (el < 2 && (hcr & (1 << 3)) != 0 && (hcr & (1 << 6)) != 0 && (ps & PS_F) == 0) {
    takeException(c, 1, 2, 0, pc)
    return TAKEN
  }
  if (el < 2 && (hcr & (1 << 5)) != 0 && (hcr & (1 << 8)) != 0 && (ps & PS_A) == 0) {
    setSreg(c, SysReg.HCR_EL2, hcr & ~(<u64>1 << 8))
    // ESR: SError with an IMPLEMENTATION DEFINED syndrome of zero, as VSESR_EL2 (absent here) would leave it.
    takeException(c, 1, 3, 0, pc)
    setSreg(c, SysReg.ESR_EL1, <u64>(0x2F << 26) | IL)
    return TAKEN
  }
  return 0
}

/** ISR_EL1: A, I, F pending as EL1 sees them (the virtual ones where HCR_EL2 routes to EL2). */
function pendingStatus(c: u32, core: u32): u64 {
  const hcr = sreg(c, SysReg.HCR_EL2)
  let r: u64 = 0
  const physicalIrq = (load<u32>(coreBase(core) + C_IRQ_LINES) & 1) != 0 || gic.irqPending(core)
  if ((hcr & (1 << 4)) != 0 ? (hcr & (1 << 7)) != 0 || vgic.virqPending(c) : physicalIrq) r |= 0x80
  if ((hcr & (1 << 3)) != 0 && (hcr & (1 << 6)) != 0) r |= 0x40
  if ((hcr & (1 << 5)) != 0 && (hcr & (1 << 8)) != 0) r |= 0x100
  return r
}

/**
 * Runs system context `c` on `core` for up to `budget` instructions. Returns
 * the exit the host must see (Budget when the budget is used up).
 */
export function runSystem(core: u32, c: u32, asid: i32, budget: i32): i32 {
  const cb = coreBase(core)
  setSysCtx(c, asid)
  // The soft TLB holds one system context's translations at a time.
  // A register block reused for another VM (same address, another VMID) must not see the old one's.
  if (load<u32>(cb + C_LAST_SYS) != c || load<i32>(cb + C_LAST_KEY) != asid) {
    flushCoreTlb(core)
    store<u32>(cb + C_LAST_SYS, c)
    store<i32>(cb + C_LAST_KEY, asid)
  }
  let left = budget
  let retired: i32 = 0
  let exit: i32 = CoreExit.Budget
  while (left > 0) {
    syncTimers(c, core)
    const irq = interrupt(c, core)
    if (irq == TAKEN) { left--; continue }
    if (irq != 0) { exit = irq; break }
    // A run ends when the next timer fires, so its interrupt comes at exactly its tick.
    let quantum = left
    const next = timer.ticksToNextTimer(c, core)
    if (next >= 0 && next < <f64>quantum) quantum = max(1, <i32>next)
    // SCTLR.A of the regime: its data accesses then go through the slow path, which checks alignment.
    const sctlr = sreg(c, curEl(c) == 2 ? SysReg.SCTLR_EL2 : SysReg.SCTLR_EL1)
    // SP alignment checking: SCTLR_ELx.SA, or SA0 for EL0 (the loop and compiled code read the flag).
    const spCheck: u32 = (sctlr & (curEl(c) == 0 ? 16 : 8)) != 0 ? 15 : 0
    store<u32>(c + R_SPALIGN, spCheck)
    setSpMask(spCheck)
    const strict = (sctlr & 2) != 0
    if (strict != alignCheck) { flushCoreTlb(core); setAlignCheck(strict) }
    const r = runLoop<u64>(core, c, <i32>sysTlbTag(), quantum)
    clearFault()
    const n = <i32>load<f64>(cb + C_RETIRED)
    retired += n
    left -= n
    if (r == CoreExit.Budget) continue
    const pc = load<u64>(c + R_PC)
    let h: i32
    if (r == CoreExit.Undefined) h = privileged(c, load<u32>(cb + C_SYNDROME), pc)
    else if (r == CoreExit.Syscall) {
      // SVC: the loop retired it and left the PC after it.
      takeException(c, curEl(c) == 2 ? 2 : 1, 0, <u64>load<u32>(cb + C_SYNDROME), pc)
      h = TAKEN
    } else if (r == CoreExit.Breakpoint) {
      takeException(c, curEl(c) == 2 ? 2 : 1, 0, <u64>load<u32>(cb + C_SYNDROME), pc)
      h = TAKEN
    } else if (r == CoreExit.Wfi) h = wfx(c, fetchWord(pc), pc)
    else if (r == CoreExit.Stage2Abort) h = stage2Walk ? stage2Fault(c, pc) : mmio(c, pc)
    else if (r == CoreExit.DataAbort || r == CoreExit.InstructionAbort || r == CoreExit.Alignment) h = fault(c, r, pc)
    else h = r
    if (h == DONE) {
      store<u64>(c + R_PC, pc + 4)
      retired++
      left--
      store<f64>(cb + C_INSTRET, load<f64>(cb + C_INSTRET) + 1)
      continue
    }
    if (h == TAKEN) {
      // Every exception taken uses budget, even when nothing retires (a
      // fault whose handler returns to it), so a run always ends.
      left--
      if (completed) {
        retired++
        store<f64>(cb + C_INSTRET, load<f64>(cb + C_INSTRET) + 1)
        completed = false
      }
      continue
    }
    // An exit: instructions that ended with one (HVC, SMC, WFI) retired.
    if (h == CoreExit.Hvc || h == CoreExit.Smc || (h == CoreExit.Wfi && load<u64>(c + R_PC) != pc)) {
      retired++
      store<f64>(cb + C_INSTRET, load<f64>(cb + C_INSTRET) + 1)
    }
    exit = h
    break
  }
  setSysCtx(0, 0)
  store<u32>(cb + C_REASON, exit)
  store<u64>(cb + C_PC, load<u64>(c + R_PC))
  store<f64>(cb + C_RETIRED, <f64>retired)
  return exit
}

/** For a core that sleeps in WFI: brings its timers up to date and says whether an interrupt wakes it. */
export function wakeable(core: u32, c: u32): bool {
  syncTimers(c, core)
  return (load<u32>(coreBase(core) + C_IRQ_LINES) & 1) != 0 || gic.irqPending(core)
}
