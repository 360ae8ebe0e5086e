// The x87 control instructions: the control word (rounding and precision,
// which glibc's printf reads with FNSTCW to learn the rounding mode even
// for a double), the status word, and FNINIT/FNCLEX. The register stack and
// its arithmetic are not implemented (their rows are undefined), so the
// status word only ever changes by FNINIT/FNCLEX and CPUID reports no FPU.
import { R_FCW, R_FSW, FCW_INIT } from './layout'
import { ld, st } from './mem'
import { gFault, probeWrite } from './mmu'
import { RAX, ctx, ea, rm, setReg } from './state'
import { ud } from './system'

/** FLDCW m16 */
export function fldcw(): void {
  const v = <u16>ld(ea, 2)
  if (gFault != 0) return
  store<u16>(ctx + R_FCW, v)
}

/** FNSTCW m16 */
export function fnstcw(): void { if (probeWrite(ea, 2)) st(ea, 2, <u64>load<u16>(ctx + R_FCW)) }

/** FNSTSW m16 */
export function fnstsw_m(): void { if (probeWrite(ea, 2)) st(ea, 2, <u64>load<u16>(ctx + R_FSW)) }

/** FNSTSW AX (DF E0; the other DF /4 register forms are undefined). */
export function fnstsw_ax(): void {
  if ((rm & 7) != 0) { ud(); return }
  setReg(2, RAX, <u64>load<u16>(ctx + R_FSW))
}

/** DB E2 FNCLEX (exception flags, ES and B cleared), DB E3 FNINIT; DB E0/E1/E4 are no-ops on later CPUs but undefined here. */
export function x87_db4(): void {
  const r = rm & 7
  if (r == 2) store<u16>(ctx + R_FSW, load<u16>(ctx + R_FSW) & 0x7f00)
  else if (r == 3) { store<u16>(ctx + R_FCW, FCW_INIT); store<u16>(ctx + R_FSW, 0) }
  else ud()
}
