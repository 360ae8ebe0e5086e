// Operation numbers: one per decode-table row (handlers in exec.ts are named
// after them). 0 means "not decoded yet"; REFETCH is the page-end sentinel.
export const enum Op {
  UNDECODED = 0, REFETCH, UNDEF,
  // data processing, immediate
  ADR, ADRP, ADD_I, ADDS_I, SUB_I, SUBS_I, LOGIC_I, MOVN, MOVZ, MOVK, SBFM, BFM, UBFM, EXTR,
  // branches, exceptions, system
  B, BL, CBZ, CBNZ, TBZ, TBNZ, B_COND, SVC, BRK, HINT, CLREX, BARRIER, MRS, MSR_R, SYS, BR, BLR, RET,
  // loads and stores
  LDXR, STXR, LDXP, STXP, LDAR, STLR, LDR_LIT, LDRSW_LIT, PRFM_LIT, LDR_LIT_V,
  LDP, STP, LDPSW, LDP_V, STP_V,
  LDST_IMM9, LDST_UIMM, LDST_REG,
  LDR_X_UIMM, STR_X_UIMM, LDR_W_UIMM, STR_W_UIMM, LDRB_UIMM, STRB_UIMM,
  // data processing, register
  UDIV, SDIV, LSLV, LSRV, ASRV, RORV, CRC32, RBIT, REV16, REV32, REV, CLZ, CLS,
  LOGIC_SR, ADD_SR, ADDS_SR, SUB_SR, SUBS_SR, ADD_ER, ADDS_ER, SUB_ER, SUBS_ER,
  ADC, ADCS, SBC, SBCS, CCMN, CCMP, CSEL, CSINC, CSINV, CSNEG,
  MADD, MSUB, SMADDL, SMSUBL, UMADDL, UMSUBL, SMULH, UMULH,
  // decode-time specializations of hot shapes (rd != 31 unless noted)
  MOV_RW, MOV_RX, ADD_RW, ADD_RX, SUB_RW, SUB_RX, SUBS_RW, SUBS_RX, ADD_IX, LDR_REG_Z, LDST_IMM9_INT,
  // LOGIC_<sf*12 + opc*4 + shift type> (AND/ORR/EOR, not ANDS), ADDSUB_<sf*12 + S*6 + sub*3 + shift type>, BCOND_<cond>
  LOGIC_0, LOGIC_1, LOGIC_2, LOGIC_3, LOGIC_4, LOGIC_5, LOGIC_6, LOGIC_7, LOGIC_8, LOGIC_9, LOGIC_10, LOGIC_11, LOGIC_12, LOGIC_13, LOGIC_14, LOGIC_15, LOGIC_16, LOGIC_17, LOGIC_18, LOGIC_19, LOGIC_20, LOGIC_21, LOGIC_22, LOGIC_23,
  ADDSUB_0, ADDSUB_1, ADDSUB_2, ADDSUB_3, ADDSUB_4, ADDSUB_5, ADDSUB_6, ADDSUB_7, ADDSUB_8, ADDSUB_9, ADDSUB_10, ADDSUB_11, ADDSUB_12, ADDSUB_13, ADDSUB_14, ADDSUB_15, ADDSUB_16, ADDSUB_17, ADDSUB_18, ADDSUB_19, ADDSUB_20, ADDSUB_21, ADDSUB_22, ADDSUB_23,
  BCOND_0, BCOND_1, BCOND_2, BCOND_3, BCOND_4, BCOND_5, BCOND_6, BCOND_7, BCOND_8, BCOND_9, BCOND_10, BCOND_11, BCOND_12, BCOND_13, BCOND_14, BCOND_15,
  ADDSUBS_I_0, ADDSUBS_I_1, ADDSUBS_I_2, ADDSUBS_I_3, // ADDS/SUBS immediate: sf*2 + sub
  EXTR_W, EXTR_X, LDP_Q, STP_Q,
  ALU2, // two adjacent register ADD/SUB/MOV fused at decode (see exec.ts)
  CMPI_B_0, CMPI_B_1, CMPI_B_2, CMPI_B_3, // ADDS/SUBS immediate (sf*2 + sub) fused with the B.cond after it
  CMPR_B_0, CMPR_B_1, CMPR_B_2, CMPR_B_3, // ADDS/SUBS register (no shift; sf*2 + sub) fused with the B.cond after it
  JIT, // a compiled region starts here: aux = its table index (exec.ts, ../jit/)
  // AdvSIMD loads and stores
  LDST_MULT, LDST_SINGLE,
  // SIMD & FP (see simd.ts / fp.ts)
  SIMD_FIRST,
  FMOV_IMM, FP_1SRC, FP_2SRC, FP_3SRC, FCMP, FCCMP, FCSEL, FCVT_INT, FCVT_FIXED,
  SIMD_3SAME, SIMD_3DIFF, SIMD_2MISC, SIMD_ACROSS, SIMD_COPY, SIMD_MODIMM, SIMD_SHIFT_IMM, SIMD_TBL, SIMD_PERM, SIMD_EXT,
  SIMD_ELEM, SCALAR_3SAME, SCALAR_2MISC, SCALAR_PAIR, SCALAR_SHIFT_IMM, SCALAR_COPY, SCALAR_ELEM, SCALAR_3DIFF,
  COUNT,
}
