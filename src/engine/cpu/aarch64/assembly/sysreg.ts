// The system-register file: what MRS/MSR reach at EL0. Keys are
// op0:op1:CRn:CRm:op2 packed as in the instruction (bits 20..5), so a register
// is named S<op0>_<op1>_C<n>_C<m>_<op2> below. Registers the kernel owns
// (EL1 state for the VM issue) will join this table with an EL check.
import { C_CNTVOFF, C_INSTRET, R_FPCR, R_FPSR, R_TPIDR, R_TPIDRRO } from './layout'
import { CNTFRQ_HZ, ID_CTR, ID_DCZID, ID_ISAR0, ID_ISAR1, ID_MIDR, ID_MMFR0, ID_PFR0 } from '../core-layout'
import { coreBase, curCore, sysCtx } from './mmu'
import { fpGetFPCR, fpGetFPSR, fpSetFPCR, fpSetFPSR } from './fp/index'

@inline function key(op0: u32, op1: u32, crn: u32, crm: u32, op2: u32): u32 {
  return ((op0 & 1) << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2
}

export const K_NZCV = key(3, 3, 4, 2, 0)
export const K_FPCR = key(3, 3, 4, 4, 0)
export const K_FPSR = key(3, 3, 4, 4, 1)
export const K_TPIDR = key(3, 3, 13, 0, 2)
export const K_TPIDRRO = key(3, 3, 13, 0, 3)
export const K_CNTVCT = key(3, 3, 14, 0, 2)
export const K_CNTFRQ = key(3, 3, 14, 0, 0)
export const K_CTR = key(3, 3, 0, 0, 1)
export const K_DCZID = key(3, 3, 0, 0, 7)
export const K_MIDR = key(3, 0, 0, 0, 0)
export const K_MPIDR = key(3, 0, 0, 0, 5)
export const K_REVIDR = key(3, 0, 0, 0, 6)

// ID register values: ../core-layout.ts (shared with aarch64-core.ts).

/** Reads an ID register in the S3_0_C0_Cm_op2 space; 0 for the reserved ones (as Linux reports). */
function idReg(crm: u32, op2: u32): u64 {
  if (crm == 4 && op2 == 0) return ID_PFR0
  if (crm == 6 && op2 == 0) return ID_ISAR0
  if (crm == 6 && op2 == 1) return ID_ISAR1
  if (crm == 7 && op2 == 0) return ID_MMFR0
  return 0
}

export let sysOk: bool = true

/** CNTFRQ_EL0: 100 MHz unless the host says otherwise (the kernel's board counts in nanoseconds). */
export let counterHz: u64 = CNTFRQ_HZ
export function setCounterHz(hz: u64): void { counterHz = hz }

/** MRS at EL0. sysOk = false when the register is not accessible (→ undefined). */
export function readSys(ctx: u32, k: u32, nzcv: u64, runRetired: i32): u64 {
  sysOk = true
  if (k == K_NZCV) return nzcv
  // A system context's other registers are system.ts's (ID registers and counters differ, and traps apply).
  if (sysCtx != 0 && k != K_FPCR && k != K_FPSR && k != K_TPIDR && k != K_TPIDRRO) { sysOk = false; return 0 }
  if (k == K_FPCR) return fpGetFPCR() // FPCR/FPSR live in the FP library while a context runs
  if (k == K_FPSR) return fpGetFPSR()
  if (k == K_TPIDR) return load<u64>(ctx + R_TPIDR)
  if (k == K_TPIDRRO) return load<u64>(ctx + R_TPIDRRO)
  if (k == K_CNTVCT && sysCtx == 0) { // a system context's counters are system.ts's (CNTVOFF_EL2)
    const cb = coreBase(curCore)
    return <u64>(load<f64>(cb + C_INSTRET) + <f64>runRetired + load<f64>(cb + C_CNTVOFF))
  }
  if (k == K_CNTFRQ) return counterHz
  if (k == K_CTR) return ID_CTR
  if (k == K_DCZID) return ID_DCZID
  if (k == K_MIDR) return ID_MIDR
  if (k == K_MPIDR) return 0x80000000 | <u64>curCore
  if (k == K_REVIDR) return 0
  // Linux emulates EL0 reads of the ID space S3_0_C0_C[0-7]_[0-7].
  if ((k >>> 7) == (key(3, 0, 0, 0, 0) >>> 7) && ((k >>> 3) & 0xF) <= 7) return idReg((k >>> 3) & 0xF, k & 7)
  sysOk = false
  return 0
}

/** MSR at EL0: returns false when the register is not writable (→ undefined). NZCV is handled by the caller. */
export function writeSys(ctx: u32, k: u32, v: u64): bool {
  if (k == K_FPCR) { fpSetFPCR(<u32>v); return true } // AHP DN FZ RMode; trap enables are RAZ/WI
  if (k == K_FPSR) { fpSetFPSR(<u32>v); return true }
  if (k == K_TPIDR) { store<u64>(ctx + R_TPIDR, v); return true }
  return false
}
