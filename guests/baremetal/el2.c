// EL2 as a hypervisor (Arm ARM D5 and D13.2.46 HCR_EL2): stage-2
// translation of EL1's accesses (VTCR_EL2/VTTBR_EL2), stage-2 faults with
// ESR_EL2/FAR_EL2/HPFAR_EL2 and an emulated MMIO page, trapped EL1
// instructions, and virtual IRQ/FIQ/SError.
//
// Data aborts from EL1 reach EL2 with EC 0x24: ESR_EL2 = 0x92000000 | ISS.
// For a stage-2 fault on a load or store of one general-purpose register
// without writeback, ISV (24) is 1 and ISS holds SAS[23:22] (log2 of the
// size), SSE[21] (sign-extend), SRT[20:16] (Rt), SF[15] (64-bit register),
// AR[14] (acquire/release); pairs and writeback forms have ISV 0, and so do
// faults on a stage-1 table walk, which set S1PTW[7] instead. DFSC/IFSC as
// in stage1.c, at the stage-2 level (also for a walk: QEMU 7.2 reports the
// stage-1 level there, hence el2.qemu.expected). HPFAR_EL2 = IPA[47:12] << 4, valid for
// translation and access flag faults and walks (UNKNOWN for permission
// faults, so not printed there); FAR_EL2 = the VA (= IPA: EL1's MMU is off).
#include "rt.h"

u64 g_ldr_w2(u64, u64), g_ldrsb_w4(u64, u64), g_ldar_w5(u64, u64), g_mrs_sctlr(u64), g_mrs_mmfr0(u64);
void g_str_x3(u64, u64), g_ldp(u64, u64), g_ldr_post(u64, u64), g_jump(u64, u64), g_hvc(u64);
void g_msr_sctlr(u64, u64), g_wfi(u64), g_smc(u64), g_unmask(void);
u64 page_fn(void);

#define Z_C 0x60000000ul
#define N_V 0x90000000ul
#define EL1H 0x3c5ul

// IPAs above the 128 MiB of RAM, each page under one level-3 table.
#define IPA_PAGE 0x48000000ul  // RAM page `shared`, read/write
#define IPA_MMIO 0x48001000ul  // unmapped: EL2 emulates a device there
#define IPA_RO 0x48002000ul    // `shared`, read-only
#define IPA_XN 0x48003000ul    // page_fn's page, execute-never
#define IPA_NOAF 0x48004000ul  // `shared`, access flag 0
#define IPA_LAZY 0x48005000ul  // a stage-1 table EL2 maps on first use
#define IPA_HOLE 0x80000000ul  // nothing at level 1

// HCR_EL2 bits (D13.2.46).
#define HCR_VM (1ul << 0)
#define HCR_FMO (1ul << 3)
#define HCR_IMO (1ul << 4)
#define HCR_AMO (1ul << 5)
#define HCR_VF (1ul << 6)
#define HCR_VI (1ul << 7)
#define HCR_VSE (1ul << 8)
#define HCR_TWI (1ul << 13)
#define HCR_TID3 (1ul << 18)
#define HCR_TSC (1ul << 19)
#define HCR_TVM (1ul << 26)
#define HCR_TRVM (1ul << 30)

#define ISV (1ul << 24)
#define S2_RAM (S2_MEM_NORMAL | S2_AP_RW | PTE_SH_INNER | PTE_AF)

static u64 shared[512] __attribute__((aligned(4096)));
static u64 *s2_root, *lazy_table;
static volatile u64 hpfar, mmio_written, lazy_maps;

// ---- EL2 side

static void s2_flush(void) {
  dsb(ishst);
  __asm__ volatile("tlbi vmalls12e1is\n dsb ish\n isb" ::: "memory");
}

// An MMIO read returns the device's value, extended as the syndrome says.
static void emulate_mmio(struct frame *f) {
  u64 iss = f->esr & 0x1ffffff, srt = (iss >> 16) & 31, size = 1ul << ((iss >> 22) & 3);
  if (iss & (1 << 6)) {
    mmio_written = srt == 31 ? 0 : f->x[srt];
    return;
  }
  u64 v = 0xfedcba9876543280ul & (size == 8 ? ~0ul : (1ul << (8 * size)) - 1);
  if ((iss & (1 << 21)) && (v >> (8 * size - 1)) & 1) v |= ~0ul << (8 * size); // SSE
  if (!(iss & (1 << 15))) v &= 0xffffffff; // a W register
  if (srt != 31) f->x[srt] = v;
}

static int el2_hook(struct frame *f) {
  u64 ec = f->esr >> 26;
  hpfar = sysreg_read(hpfar_el2);
  if (ec == EC_HVC64 && (f->esr & 0xffff) == 2) { // "clear my virtual interrupts"
    sysreg_write(hcr_el2, sysreg_read(hcr_el2) & ~(HCR_VI | HCR_VF));
    return 1;
  }
  if (ec == EC_DABT_LOW && (f->esr & (1 << 7)) && hpfar == IPA_LAZY >> 8) {
    // A stage-1 walk touched the lazily mapped table: map it and retry.
    pt_map(s2_root, 1, IPA_LAZY, (u64)lazy_table, 4096, 3, S2_RAM);
    s2_flush();
    lazy_maps++;
    catch_hook(f);
    f->elr -= 4;
    return 1;
  }
  catch_hook(f);
  if (ec == EC_DABT_LOW && (f->esr & ISV) && f->far == IPA_MMIO) emulate_mmio(f);
  if (ec == EC_SYS64) {
    // MSR/MRS trap: Op0[21:20] Op2[19:17] Op1[16:14] CRn[13:10] Rt[9:5]
    // CRm[4:1] Direction[0] (1 = read). Reads get a value of ours.
    u64 rt = (f->esr >> 5) & 31;
    if (!(f->esr & 1))
      sysreg_write(sctlr_el1, f->x[rt]);
    else if (rt != 31)
      f->x[rt] = 0x5a5a;
  }
  return 1;
}

static void stage2_on(void) {
  s2_root = pt_alloc();
  // VTCR_EL2: T0SZ 32 (4 GiB IPA), SL0 1 (start at level 1), inner/outer
  // write-back walks, inner shareable, TG0 4 KiB, PS 32 bits, RES1 bit 31.
  pt_map(s2_root, 1, 0, 0, 1ul << 30, 1, S2_MEM_DEVICE | S2_AP_RW | PTE_AF | S2_XN);
  pt_map(s2_root, 1, RAM_BASE, RAM_BASE, RAM_SIZE, 2, S2_RAM);
  pt_map(s2_root, 1, IPA_PAGE, (u64)shared, 4096, 3, S2_RAM);
  pt_map(s2_root, 1, IPA_RO, (u64)shared, 4096, 3, (S2_RAM & ~S2_AP_RW) | S2_AP_RO);
  pt_map(s2_root, 1, IPA_XN, (u64)page_fn, 4096, 3, S2_RAM | S2_XN);
  pt_map(s2_root, 1, IPA_NOAF, (u64)shared, 4096, 3, S2_RAM & ~PTE_AF);
  sysreg_write(vtcr_el2, 32 | 1ul << 6 | 1ul << 8 | 1ul << 10 | 3ul << 12 | 1ul << 31);
  sysreg_write(vttbr_el2, (u64)s2_root | 1ul << 48); // VMID 1
  sysreg_write(hcr_el2, sysreg_read(hcr_el2) | HCR_VM);
  s2_flush();
}

// ---- EL1 side

// elr: the offset of the access in its trigger.
static void s2_data_fault(const char *name, void *trig, u64 elr, u64 ipa, u64 esr, u64 want_hpfar) {
  trap_reset();
  ((void (*)(u64, u64))trig)(Z_C, ipa);
  expect_trap(&trap_el2, name, trig, esr, ipa, elr, Z_C | EL1H, 0x400);
  if (want_hpfar) check("hpfar", hpfar, want_hpfar);
}

static u64 guest_stage2(u64 arg) {
  (void)arg;
  shared[0] = 0x1111222233334444ul;
  check("ipa page", *(volatile u64 *)IPA_PAGE, 0x1111222233334444ul);
  check("ro page", *(volatile u64 *)IPA_RO, 0x1111222233334444ul);

  // The emulated device: a word load, a doubleword store, a sign-extended
  // byte load and a load-acquire, each with its syndrome.
  trap_reset();
  check("mmio ldr w2", g_ldr_w2(Z_C, IPA_MMIO), 0x76543280);
  expect_trap(&trap_el2, "mmio ldr w2", g_ldr_w2, 0x93820007, IPA_MMIO, 4, Z_C | EL1H, 0x400);
  check("hpfar", hpfar, IPA_MMIO >> 8);
  s2_data_fault("mmio str x3", g_str_x3, 0xc, IPA_MMIO, 0x93c38047, IPA_MMIO >> 8);
  check("mmio written", mmio_written, 0x1234000000005678ul);
  trap_reset();
  check("mmio ldrsb w4", g_ldrsb_w4(N_V, IPA_MMIO), 0xffffff80);
  expect_trap(&trap_el2, "mmio ldrsb w4", g_ldrsb_w4, 0x93240007, IPA_MMIO, 4, N_V | EL1H, 0x400);
  trap_reset();
  check("mmio ldar w5", g_ldar_w5(Z_C, IPA_MMIO), 0x76543280);
  expect_trap(&trap_el2, "mmio ldar w5", g_ldar_w5, 0x93854007, IPA_MMIO, 4, Z_C | EL1H, 0x400);
  // No instruction syndrome for a pair or a writeback form.
  s2_data_fault("mmio ldp", g_ldp, 4, IPA_MMIO, 0x92000007, IPA_MMIO >> 8);
  s2_data_fault("mmio ldr post-index", g_ldr_post, 4, IPA_MMIO, 0x92000007, IPA_MMIO >> 8);

  s2_data_fault("store read-only", g_str_x3, 0xc, IPA_RO, 0x93c3804f, 0);
  s2_data_fault("access flag", g_ldr_w2, 4, IPA_NOAF, 0x9382000b, IPA_NOAF >> 8);
  s2_data_fault("l1 hole", g_ldr_w2, 4, IPA_HOLE, 0x93820005, IPA_HOLE >> 8);

  // Instruction aborts from EL1 (EC 0x20): ELR_EL2 and FAR_EL2 are the target.
  trap_reset();
  g_jump(N_V, IPA_XN);
  expect_trap(&trap_el2, "jump xn", 0, 0x8200000f, IPA_XN, IPA_XN, N_V | EL1H, 0x400);
  trap_reset();
  g_jump(Z_C, IPA_MMIO);
  expect_trap(&trap_el2, "jump unmapped", 0, 0x82000007, IPA_MMIO, IPA_MMIO, Z_C | EL1H, 0x400);
  check("hpfar", hpfar, IPA_MMIO >> 8);

  // EL1's own tables: VA 0xc000_0000's level-2 table is at IPA_LAZY, which
  // stage 2 maps only when the walk faults on it (S1PTW, ISV 0, WnR 0 for
  // the load); EL2 then retries the load.
  lazy_table = pt_alloc();
  pt_map(lazy_table, 2, 0xc0000000, (u64)shared, 4096, 3, ATTR_NORMAL);
  u64 *s1 = identity_map();
  s1[3] = IPA_LAZY | PTE_TABLE | PTE_VALID;
  mmu_on(s1, tcr_el1(25, 0));
  u64 va = 0xc0000000;
  trap_reset();
  check("lazy load", g_ldr_w2(Z_C, va), 0x33334444);
  expect_trap(&trap_el2, "s1 walk", g_ldr_w2, 0x92000087, va, 4, Z_C | EL1H, 0x400);
  check("hpfar", hpfar, IPA_LAZY >> 8);
  check("lazy maps", lazy_maps, 1);
  sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) & ~1ul);
  isb();
  return 0;
}

// Traps set in HCR_EL2 by el2_main. MSR/MRS (EC 0x18): SCTLR_EL1 is Op0 3,
// Op1 0, CRn 1, CRm 0, Op2 0, so a write from x1 is ISS 0x300420 and a read
// into x2 0x300441; ID_AA64MMFR0_EL1 (Op0 3, CRn 0, CRm 7) into x0 is
// 0x30000f. WFI (EC 0x01): CV 1 and COND 0xe for AArch64, TI 0; ELR is
// the trapped instruction, like SMC trapped by TSC (EC 0x17, ISS = imm16).
// HVC (EC 0x16) returns past itself. HCR_EL2.TWE is left out: a WFE traps
// only if it would otherwise wait, which depends on the event register
// (every ERET sets it), and QEMU never traps WFE.
static u64 guest_traps(u64 arg) {
  (void)arg;
  trap_reset();
  g_hvc(Z_C);
  expect_trap(&trap_el2, "hvc", g_hvc, 0x5a000055, NOFAR, 8, Z_C | EL1H, 0x400);
  u64 sctlr = sysreg_read(sctlr_el1) | 1ul << 12;
  trap_reset();
  g_msr_sctlr(N_V, sctlr);
  expect_trap(&trap_el2, "tvm msr sctlr_el1", g_msr_sctlr, 0x62300420, NOFAR, 4, N_V | EL1H, 0x400);
  check("sctlr_el1.i", (sysreg_read(sctlr_el1) >> 12) & 1, 1);
  trap_reset();
  check("trvm value", g_mrs_sctlr(Z_C), 0x5a5a);
  expect_trap(&trap_el2, "trvm mrs sctlr_el1", g_mrs_sctlr, 0x62300441, NOFAR, 4, Z_C | EL1H, 0x400);
  trap_reset();
  check("tid3 value", g_mrs_mmfr0(N_V), 0x5a5a);
  expect_trap(&trap_el2, "tid3 mrs id_aa64mmfr0_el1", g_mrs_mmfr0, 0x6230000f, NOFAR, 4, N_V | EL1H, 0x400);
  trap_reset();
  g_wfi(Z_C);
  expect_trap(&trap_el2, "twi wfi", g_wfi, 0x07e00000, NOFAR, 4, Z_C | EL1H, 0x400);
  trap_reset();
  g_smc(Z_C);
  expect_trap(&trap_el2, "tsc smc", g_smc, 0x5e000033, NOFAR, 8, Z_C | EL1H, 0x400);
  return 0;
}

static int el1_interrupt(struct frame *f) {
  trap_el1.taken++;
  trap_el1.vec = f->vec;
  trap_el1.spsr = f->spsr & 0x3ff; // NZCV is whatever the code before left
  f->spsr |= 0x1c0; // return with A, I, F masked
  return 1;
}

// With HCR_EL2.IMO/FMO/AMO, VI/VF/VSE pend a virtual IRQ/FIQ/SError at EL1,
// visible in ISR_EL1 (A 8, I 7, F 6) and taken at EL1's current-EL vectors
// +0x80/+0x100/+0x180 once unmasked. Taking the virtual SError clears VSE.
static u64 guest_virtual(u64 which) {
  check("isr_el1", sysreg_read(isr_el1), which == HCR_VI ? 0x80 : which == HCR_VF ? 0x40 : 0x100);
  trap_reset();
  g_unmask();
  check("taken", trap_el1.taken, 1);
  check("vec", trap_el1.vec, 0x200 + (which == HCR_VI ? 0x80 : which == HCR_VF ? 0x100 : 0x180));
  check("spsr", trap_el1.spsr, 0x205); // EL1h, only D masked
  if (which != HCR_VSE) __asm__ volatile("hvc #2" ::: "memory");
  check("isr_el1 after", sysreg_read(isr_el1), 0);
  return 0;
}

void el2_main(void) {
  hook_el2 = el2_hook;
  hook_el1 = catch_hook;
  stage2_on();
  run_el1(guest_stage2, 0);

  u64 hcr = sysreg_read(hcr_el2);
  sysreg_write(hcr_el2, hcr | HCR_TVM | HCR_TRVM | HCR_TID3 | HCR_TWI | HCR_TSC);
  isb();
  run_el1(guest_traps, 0);
  sysreg_write(hcr_el2, hcr);

  hook_el1 = el1_interrupt;
  const u64 kinds[3] = {HCR_VI, HCR_VF, HCR_VSE};
  const char *names[3] = {"virtual irq", "virtual fiq", "virtual serror"};
  for (int i = 0; i < 3; i++) {
    putstr(names[i]);
    putstr("\n");
    sysreg_write(hcr_el2, hcr | HCR_IMO | HCR_FMO | HCR_AMO | kinds[i]);
    isb();
    run_el1(guest_virtual, kinds[i]);
    check("hcr_el2 pending", sysreg_read(hcr_el2) & (HCR_VI | HCR_VF | HCR_VSE), 0);
  }
  sysreg_write(hcr_el2, hcr);
  isb();
}
