// Alignment checks (Arm ARM B2.5.2, D1.8.2): SP alignment at EL1 and EL0,
// unaligned accesses to Device and to Normal memory with and without
// SCTLR_EL1.A, and the accesses that need alignment whatever A says
// (exclusives, acquire/release: cortex-a57 has no FEAT_LSE2).
//
// QEMU 7.2 implements neither the SP alignment check nor alignment faults
// for Device memory, so its output differs from align.expected (the
// architecture) in those three lines; align.qemu.expected holds what it
// prints instead.
//
// ESRs: SP alignment fault EC 0x26, ISS 0, FAR UNKNOWN; alignment fault on a
// data access EC 0x25 (same EL), DFSC 0b100001, WnR 0 for these loads.
#include "rt.h"

void trig_sp_align(u64, u64);
u64 trig_load(u64, u64), trig_ldxr(u64, u64), trig_ldar(u64, u64);
extern char el0_sp_align[];

#define Z_C 0x60000000ul
#define N_V 0x90000000ul
#define EL1H 0x3c5ul
#define EL1T 0x3c4ul
#define EL0T 0x3c0ul

static u64 stack[32] __attribute__((aligned(16)));
// Out of the way of the program (near the end of the 128 MiB of RAM), so
// that the FARs do not move when the program changes.
#define SPARE_RAM 0x47f00000ul
#define PATTERN (SPARE_RAM + 0x100) // bytes 0, 1, 2, ..., 15

void el1_main(void) {
  hook_el1 = catch_hook;

  // SCTLR_EL1.SA: an SP not 16-byte aligned used as a base faults. Taken
  // while on SP_EL0, so the vector is "current EL with SP_EL0", M EL1t.
  trap_reset();
  trig_sp_align(N_V, (u64)&stack[16] + 8);
  expect_trap(&trap_el1, "sp align", trig_sp_align, 0x9a000000, NOFAR, 0x10, N_V | EL1T, 0x000);

  // SCTLR_EL1.SA0, the same at EL0: to EL1's lower-EL vector.
  trap_reset();
  check("el0 exit", run_el0((u64)el0_sp_align, (u64)&stack[32] - 8, Z_C, 0), 5);
  expect_trap(&trap_el1, "el0 sp align", el0_sp_align, 0x9a000000, NOFAR, 4, Z_C | EL0T, 0x400);

  // With the MMU off every data access is Device-nGnRnE, and an unaligned
  // access to Device memory faults whatever SCTLR_EL1.A says.
  trap_reset();
  trig_load(Z_C, SPARE_RAM + 4);
  expect_trap(&trap_el1, "device unaligned", trig_load, 0x96000021, SPARE_RAM + 4, 4, Z_C | EL1H, 0x200);

  mmu_on(identity_map(), tcr_el1(25, 0));
  for (int i = 0; i < 16; i++) ((volatile unsigned char *)PATTERN)[i] = (unsigned char)i;
  u64 p = PATTERN + 3;

  // Normal memory, A = 0: the load is done, little-endian.
  trap_reset();
  check("normal unaligned", trig_load(Z_C, p), 0x0a09080706050403ul);
  check("faults", trap_el1.taken, 0);

  // A = 1: the same load faults.
  sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) | 2);
  isb();
  trap_reset();
  trig_load(N_V, p);
  sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) & ~2ul);
  isb();
  expect_trap(&trap_el1, "normal unaligned A=1", trig_load, 0x96000021, p, 4, N_V | EL1H, 0x200);

  // Exclusives and load-acquire need natural alignment even with A = 0.
  trap_reset();
  trig_ldxr(Z_C, p);
  expect_trap(&trap_el1, "ldxr unaligned", trig_ldxr, 0x96000021, p, 4, Z_C | EL1H, 0x200);
  trap_reset();
  trig_ldar(N_V, PATTERN + 2);
  expect_trap(&trap_el1, "ldar unaligned", trig_ldar, 0x96000021, PATTERN + 2, 4, N_V | EL1H, 0x200);
}
