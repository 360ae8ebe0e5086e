// FPCR control bits and FPSR cumulative flags of the scalar FP unit.
//
// The core writes FPCR once per `MSR FPCR` (fpSetFPCR) and reads FPSR on
// `MRS FPSR` (fpGetFPSR); every operation of this library reads the decoded
// control bits from the globals below and ORs its exceptions into `fpsr`.
// Arm ARM (DDI 0487) D17.2.41 FPCR, D17.2.44 FPSR.

/** FPCR.AHP (bit 26): alternative half-precision format for conversions. */
export const FPCR_AHP: u32 = 1 << 26
/** FPCR.DN (bit 25): every NaN result is the default NaN. */
export const FPCR_DN: u32 = 1 << 25
/** FPCR.FZ (bit 24): flush denormal inputs and outputs (single, double) to zero. */
export const FPCR_FZ: u32 = 1 << 24
/** FPCR.RMode (bits 23:22). */
export const FPCR_RMODE_SHIFT: u32 = 22

/** FPSR cumulative exception bits (the same positions as the FPCR trap enables). */
export const FPSR_IOC: u32 = 1 << 0 // invalid operation
export const FPSR_DZC: u32 = 1 << 1 // divide by zero
export const FPSR_OFC: u32 = 1 << 2 // overflow
export const FPSR_UFC: u32 = 1 << 3 // underflow
export const FPSR_IXC: u32 = 1 << 4 // inexact
export const FPSR_IDC: u32 = 1 << 7 // input denormal (flushed by FZ)
/** FPSR.QC (bit 27): AdvSIMD saturation; kept here so FPSR lives in one place. */
export const FPSR_QC: u32 = 1 << 27

/** Rounding modes. 0..3 are the FPCR.RMode encodings; 4 and 5 are only
 *  selected by instructions (FCVTA*, FRINTA: ties away; FCVTXN: to odd). */
export const RM_TIEEVEN: i32 = 0 // RN
export const RM_POSINF: i32 = 1 // RP
export const RM_NEGINF: i32 = 2 // RM
export const RM_ZERO: i32 = 3 // RZ
export const RM_TIEAWAY: i32 = 4
export const RM_ODD: i32 = 5

/** The FPCR bits an AArch64 implementation without FP16/trapping holds:
 *  AHP, DN, FZ, RMode. Other bits read as zero. */
const FPCR_MASK: u32 = FPCR_AHP | FPCR_DN | FPCR_FZ | (3 << FPCR_RMODE_SHIFT)
/** FPSR bits that exist at EL0 in AArch64: QC and the cumulative flags. */
const FPSR_MASK: u32 = FPSR_QC | FPSR_IDC | FPSR_IXC | FPSR_UFC | FPSR_OFC | FPSR_DZC | FPSR_IOC

// Decoded control state, read by every operation.
export let fpcr: u32 = 0
export let fpRMode: i32 = RM_TIEEVEN
export let fpFZ: bool = false
export let fpDN: bool = false
export let fpAHP: bool = false
/** Accumulated FPSR (cumulative flags and QC). */
export let fpsr: u32 = 0

/** MSR FPCR: keeps the implemented bits and decodes them once. */
export function fpSetFPCR(v: u32): void {
  fpcr = v & FPCR_MASK
  fpRMode = i32((v >> FPCR_RMODE_SHIFT) & 3)
  fpFZ = (v & FPCR_FZ) != 0
  fpDN = (v & FPCR_DN) != 0
  fpAHP = (v & FPCR_AHP) != 0
}

/** MRS FPCR. */
export function fpGetFPCR(): u32 {
  return fpcr
}

/** MSR FPSR. */
export function fpSetFPSR(v: u32): void {
  fpsr = v & FPSR_MASK
}

/** MRS FPSR. */
export function fpGetFPSR(): u32 {
  return fpsr
}

/** ORs exception flags (FPSR_* bits) into FPSR; the SIMD unit uses it for QC. */
@inline export function fpRaise(flags: u32): void {
  fpsr |= flags
}
