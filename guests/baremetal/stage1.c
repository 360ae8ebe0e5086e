// Stage-1 translation at EL1 with the 4 KiB granule (Arm ARM D8): 39-bit
// VAs (T0SZ 25, the walk starts at level 1) and 48-bit VAs (T0SZ 16, from
// level 0); TTBR1 for the top of the address space; 1 GiB and 2 MiB blocks
// and 4 KiB pages; and the faults, each with its level.
//
// Data aborts at EL1 have EC 0x25, so ESR_EL1 = 0x96000000 | WnR << 6 |
// DFSC, ISV 0 (always, in ESR_EL1). DFSC (D17.2.40): 0b0001LL translation
// fault at level LL, 0b0010LL access flag fault, 0b0011LL permission fault.
// Instruction aborts (EC 0x21) give 0x86000000 | IFSC with the same codes.
// FAR_EL1 is the VA accessed.
//
// QEMU 7.2 takes a level-0 block descriptor as a 512 GiB block, where the
// 4 KiB granule (without FEAT_LPA2) has none and the walk must fault at
// level 0: stage1.qemu.expected differs from stage1.expected in that line.
#include "rt.h"

u64 trig_load(u64, u64), trig_store(u64, u64), trig_jump(u64, u64);
u64 page_fn(void);

#define Z_C 0x60000000ul
#define EL1H 0x3c5ul

static volatile u64 cell __attribute__((aligned(4096))) = 0x1122334455667788ul;

#define GiB (1ul << 30)
#define MiB2 (1ul << 21)
#define PAGE 4096ul
#define TTBR1_BASE 0xffffff8000000000ul // T1SZ 25: the top 2^39 bytes

static u64 *root39, *ttbr1_root;

static void load_fault(const char *name, u64 va, u64 esr) {
  trap_reset();
  trig_load(Z_C, va);
  expect_trap(&trap_el1, name, trig_load, esr, va, 4, Z_C | EL1H, 0x200);
}

static void store_fault(const char *name, u64 va, u64 esr) {
  trap_reset();
  trig_store(Z_C, va);
  expect_trap(&trap_el1, name, trig_store, esr, va, 4, Z_C | EL1H, 0x200);
}

static void fetch_fault(const char *name, u64 va, u64 esr) {
  trap_reset();
  trig_jump(Z_C, va);
  expect_trap(&trap_el1, name, 0, esr, va, va, Z_C | EL1H, 0x200);
}

static void build_39(void) {
  u64 cell_pa = (u64)&cell, fn_pa = (u64)page_fn;
  root39 = identity_map();
  // Aliases of `cell`: a 1 GiB block (level 1, index 4), a 2 MiB block and
  // a page under level-1 index 3.
  pt_map(root39, 1, 4 * GiB, RAM_BASE, GiB, 1, ATTR_NORMAL);
  pt_map(root39, 1, 0xc0200000, cell_pa & ~(MiB2 - 1), MiB2, 2, ATTR_NORMAL);
  pt_map(root39, 1, 0xc0401000, cell_pa, PAGE, 3, ATTR_NORMAL);
  // 0xc0402000: nothing (level-3 hole). 0xc0600000: nothing (level-2 hole).
  pt_map(root39, 1, 0xc0403000, cell_pa, PAGE, 3, ATTR_NORMAL & ~PTE_AF);
  pt_map(root39, 1, 0xc0800000, cell_pa & ~(MiB2 - 1), MiB2, 2, ATTR_NORMAL & ~PTE_AF);
  pt_map(root39, 1, 0xc0404000, cell_pa, PAGE, 3, ATTR_NORMAL | PTE_AP_RO_EL1);
  pt_map(root39, 1, 0xc0a00000, cell_pa & ~(MiB2 - 1), MiB2, 2, ATTR_NORMAL | PTE_AP_RO_EL1);
  // page_fn's page: UXN only (EL1 may run it), PXN, and writable at EL0.
  pt_map(root39, 1, 0xc0405000, fn_pa, PAGE, 3, ATTR_NORMAL | PTE_UXN);
  pt_map(root39, 1, 0xc0406000, fn_pa, PAGE, 3, ATTR_NORMAL | PTE_PXN);
  pt_map(root39, 1, 0xc0407000, fn_pa, PAGE, 3, ATTR_NORMAL | PTE_AP_RW_ALL | PTE_UXN);
  // Level-3 entry with type bits 0b01: reserved, so invalid at level 3.
  *pt_entry(root39, 1, 0xc0408000, 3) = cell_pa | ATTR_NORMAL | PTE_VALID;
  ttbr1_root = pt_alloc();
  pt_map(ttbr1_root, 1, TTBR1_BASE + 0x203000, cell_pa, PAGE, 3, ATTR_NORMAL);
  dsb(ishst);
}

static void va39(void) {
  u64 off = (u64)&cell - RAM_BASE;
  check("l1 block", *(volatile u64 *)(4 * GiB + off), 0x1122334455667788ul);
  check("l2 block", *(volatile u64 *)(0xc0200000 + ((u64)&cell & (MiB2 - 1))), 0x1122334455667788ul);
  check("l3 page", *(volatile u64 *)0xc0401000, 0x1122334455667788ul);
  check("ttbr1 page", *(volatile u64 *)(TTBR1_BASE + 0x203000), 0x1122334455667788ul);
  *(volatile u64 *)0xc0401000 = 0x5566;
  check("written through alias", cell, 0x5566);
  check("uxn page runs at el1", ((u64(*)(void))(0xc0405000 + ((u64)page_fn & 0xfff)))(), 42);

  load_fault("l1 translation", 5 * GiB, 0x96000005);
  load_fault("l2 translation", 0xc0600000, 0x96000006);
  load_fault("l3 translation", 0xc0402000, 0x96000007);
  load_fault("l3 reserved type", 0xc0408000, 0x96000007);
  // VAs that neither TTBR0 (below 2^39) nor TTBR1 (top 2^39) translates
  // fault at level 0 (AArch64.S1Translate: out of range is level 0).
  load_fault("ttbr0 out of range", 1ul << 39, 0x96000004);
  load_fault("gap below ttbr1", 0xffff000000000000ul, 0x96000004);
  load_fault("l3 access flag", 0xc0403000, 0x9600000b);
  load_fault("l2 access flag", 0xc0800000, 0x9600000a);
  store_fault("l3 read-only", 0xc0404000, 0x9600004f);
  store_fault("l2 read-only", 0xc0a00000, 0x9600004e);
  u64 fn_off = (u64)page_fn & 0xfff;
  fetch_fault("l3 pxn", 0xc0406000 + fn_off, 0x8600000f);
  // A page writable at EL0 is never executable at EL1 (D8.4.1.3): a
  // permission fault although PXN is 0.
  fetch_fault("el0-writable at el1", 0xc0407000 + fn_off, 0x8600000f);
  cell = 0x1122334455667788ul;
}

// 48-bit VAs: a level-0 table whose entry 0 is the 39-bit level-1 table, so
// everything above stays mapped, plus a 1 GiB block at 0x1200_0000_0000
// (level-0 index 0x24).
static void va48(void) {
  u64 *l0 = pt_alloc();
  l0[0] = (u64)root39 | PTE_TABLE | PTE_VALID;
  pt_map(l0, 0, 0x120000000000ul, RAM_BASE, GiB, 1, ATTR_NORMAL);
  // A block descriptor at level 0 is invalid with the 4 KiB granule.
  l0[0x30] = RAM_BASE | ATTR_NORMAL | PTE_VALID;
  dsb(ishst);
  mmu_on(l0, tcr_el1(16, 25));
  u64 off = (u64)&cell - RAM_BASE;
  check("48-bit l1 block", *(volatile u64 *)(0x120000000000ul + off), 0x1122334455667788ul);
  check("48-bit low alias", *(volatile u64 *)0xc0401000, 0x1122334455667788ul);
  load_fault("48-bit l0 translation", 0x010000000000ul, 0x96000004);
  load_fault("48-bit l0 block", 0x180000000000ul, 0x96000004);
  load_fault("48-bit l1 translation", 0x7fc0000000ul, 0x96000005);
}

void el1_main(void) {
  hook_el1 = catch_hook;
  build_39();
  sysreg_write(ttbr1_el1, (u64)ttbr1_root);
  mmu_on(root39, tcr_el1(25, 25));
  va39();
  va48();
}
