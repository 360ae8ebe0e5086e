// Synchronous exceptions at EL1 and from EL0: the exact ESR_EL1/ESR_EL2,
// FAR, ELR, SPSR and vector offset of each, and ERET back.
//
// ESR_ELx = EC[31:26] | IL[25] | ISS[24:0] (Arm ARM D17.2.37). IL is 1 for
// every exception here: A64 instructions are 32 bits, and IL is defined as 1
// for aborts with ISV 0, PC/SP alignment faults and EC 0x00. ISV is 0 for
// every fault reported in ESR_EL1, so data aborts show only WnR and DFSC.
// SPSR = NZCV[31:28] | DAIF[9:6] | M[3:0]; the triggers set NZCV, the
// runtime runs with DAIF masked, M is 0b0101 (EL1h) or 0 (EL0t).
// Vector offsets (D1.10.2): 0x200 current EL with SP_ELx, 0x400 lower EL
// using AArch64 (align.c takes one at 0x000, current EL with SP_EL0).
#include "rt.h"

void trig_svc(u64), trig_hvc(u64), trig_brk(u64), trig_udf(u64), trig_pc_align(u64);
void trig_load(u64, u64), trig_store(u64, u64), trig_jump(u64, u64);
u64 trig_svc_flags(u64);
extern char el0_svc[], el0_mrs[], el0_hvc[];

#define Z_C 0x60000000ul
#define N_V 0x90000000ul
#define N_Z 0xc0000000ul
#define C_V 0x30000000ul
#define EL1H 0x3c5ul
#define EL0T 0x3c0ul

static u64 el0_stack[64] __attribute__((aligned(16)));

static int invert_flags(struct frame *f) {
  f->spsr ^= 0xf0000000ul;
  return 1;
}

static void without_mmu(void) {
  hook_el1 = catch_hook;

  // SVC: EC 0x15, ISS = imm16; ELR is the instruction after it.
  trap_reset();
  trig_svc(Z_C);
  expect_trap(&trap_el1, "svc", trig_svc, 0x56000042, NOFAR, 8, Z_C | EL1H, 0x200);

  // HVC from EL1 goes to EL2: EC 0x16, ISS = imm16, ELR_EL2 past it, the
  // lower-EL AArch64 vector of EL2.
  hook_el2 = catch_hook;
  trap_reset();
  trig_hvc(N_V);
  expect_trap(&trap_el2, "hvc", trig_hvc, 0x5a000077, NOFAR, 8, N_V | EL1H, 0x400);
  hook_el2 = 0;

  // BRK: EC 0x3c, ISS = imm16; ELR is the BRK itself.
  trap_reset();
  trig_brk(N_Z);
  expect_trap(&trap_el1, "brk", trig_brk, 0xf2000123, NOFAR, 4, N_Z | EL1H, 0x200);

  // UDF #0 (the all-zeroes word): EC 0x00 "unknown reason", ISS 0.
  trap_reset();
  trig_udf(C_V);
  expect_trap(&trap_el1, "udf", trig_udf, 0x02000000, NOFAR, 4, C_V | EL1H, 0x200);

  // PC alignment: EC 0x22, ISS 0; ELR and FAR are the misaligned PC,
  // label 1 (+0x10) plus 2.
  trap_reset();
  trig_pc_align(Z_C);
  expect_trap(&trap_el1, "pc align", trig_pc_align, 0x8a000000, (u64)trig_pc_align + 0x12, 0x12, Z_C | EL1H, 0x200);

  // ERET restores PSTATE from SPSR: the handler inverts the saved flags.
  hook_el1 = invert_flags;
  check("eret nzcv", trig_svc_flags(Z_C), N_V);
  hook_el1 = catch_hook;
}

static void from_el0(void) {
  u64 sp = (u64)&el0_stack[64];
  // SVC from EL0: lower-EL vector, M = EL0t.
  trap_reset();
  check("el0 svc exit", run_el0((u64)el0_svc, sp, C_V, 0), 7);
  expect_trap(&trap_el1, "el0 svc", el0_svc, 0x56000099, NOFAR, 8, C_V | EL0T, 0x400);

  // MRS of an EL1 register at EL0 is UNDEFINED: EC 0x00, ELR at the MRS.
  trap_reset();
  check("el0 mrs exit", run_el0((u64)el0_mrs, sp, N_Z, 0), 8);
  expect_trap(&trap_el1, "el0 mrs sctlr_el1", el0_mrs, 0x02000000, NOFAR, 4, N_Z | EL0T, 0x400);

  // HVC is UNDEFINED at EL0 (it is not a call to EL2 from there).
  trap_reset();
  check("el0 hvc exit", run_el0((u64)el0_hvc, sp, Z_C, 0), 9);
  expect_trap(&trap_el1, "el0 hvc", el0_hvc, 0x02000000, NOFAR, 4, Z_C | EL0T, 0x400);
}

static void with_mmu(void) {
  // identity_map: RAM 0x4000_0000-0x47ff_ffff as 2 MiB blocks under a
  // level-1 table entry, nothing above 0x4800_0000 in that level-2 table,
  // nothing at all from 0x8000_0000 (level-1 entry 2 invalid), devices
  // below 1 GiB as a level-1 block with PXN.
  mmu_on(identity_map(), tcr_el1(25, 0));
  u64 hole2 = 0x48000010, hole1 = 0x80000008;

  // Data abort, same EL: EC 0x25; DFSC 0b0001LL = translation fault at
  // level LL; WnR (bit 6) set for the store.
  trap_reset();
  trig_load(N_Z, hole2);
  expect_trap(&trap_el1, "load l2 hole", trig_load, 0x96000006, hole2, 4, N_Z | EL1H, 0x200);
  trap_reset();
  trig_store(Z_C, hole1);
  expect_trap(&trap_el1, "store l1 hole", trig_store, 0x96000045, hole1, 4, Z_C | EL1H, 0x200);

  // Instruction abort, same EL: EC 0x21, IFSC as DFSC; ELR and FAR are the
  // target. A translation fault at level 2, then a permission fault at
  // level 1 (0b0011LL) for the PXN device block.
  trap_reset();
  trig_jump(N_V, 0x48000000);
  expect_trap(&trap_el1, "jump l2 hole", 0, 0x86000006, 0x48000000, 0x48000000, N_V | EL1H, 0x200);
  trap_reset();
  trig_jump(Z_C, UART_BASE);
  expect_trap(&trap_el1, "jump pxn", 0, 0x8600000d, UART_BASE, UART_BASE, Z_C | EL1H, 0x200);
}

void el1_main(void) {
  without_mmu();
  from_el0();
  with_mmu();
}
