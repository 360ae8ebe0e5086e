// EL0 tasks with their own address spaces (Arm ARM D8.14): two tasks map
// the same VAs to different pages with non-global entries, each tagged
// with its ASID in TTBR0_EL1[63:48] (TCR_EL1.A1 0, 8-bit ASIDs), so
// switching TTBR0 needs no TLB invalidation. Remapping a page of one task
// does: break-before-make with TLBI VAE1IS (ASID and VA) or TLBI ASIDE1IS.
// Only the outcomes the architecture guarantees are printed: what a stale
// TLB entry would have returned is not.
//
// Faults from EL0 are taken to EL1's lower-EL vector (0x400) with EC 0x24
// (data abort from a lower EL: ESR 0x92000000 | WnR << 6 | DFSC) or 0x20
// (instruction abort from a lower EL: 0x82000000 | IFSC); the codes are
// those of stage1.c, and SPSR has M = 0 (EL0t).
#include "rt.h"

extern char el0_page[], el0_task[], el0_load[], el0_store[], el0_jump[];
u64 trig_ldtr(u64, u64);

#define CODE_VA 0x80000000ul
#define DATA_VA 0x80001000ul
#define KERNEL_VA 0x80002000ul // EL1 only
#define RO_VA 0x80003000ul     // read-only at EL0 and EL1
#define NOEXEC_VA 0x80004000ul // the code page again, UXN
#define HOLE_VA 0x80005000ul   // nothing
#define Z_C 0x60000000ul
#define N_V 0x90000000ul
#define EL0T 0x3c0ul
#define EL1H 0x3c5ul
#define USER (ATTR_NORMAL | PTE_NG | PTE_PXN)

static u64 pages[4][512] __attribute__((aligned(4096))); // data of tasks A, B, then C and D
static u64 *root_a, *root_b;

static u64 va_of(const char *sym) { return CODE_VA + (u64)(sym - el0_page); }

static u64 *task_tables(u64 *data) {
  u64 *root = identity_map();
  pt_map(root, 1, CODE_VA, (u64)el0_page, 4096, 3, USER | PTE_AP_RO_ALL);
  pt_map(root, 1, DATA_VA, (u64)data, 4096, 3, USER | PTE_AP_RW_ALL | PTE_UXN);
  pt_map(root, 1, KERNEL_VA, (u64)data, 4096, 3, USER | PTE_AP_RW_EL1 | PTE_UXN);
  pt_map(root, 1, RO_VA, (u64)data, 4096, 3, USER | PTE_AP_RO_ALL | PTE_UXN);
  pt_map(root, 1, NOEXEC_VA, (u64)el0_page, 4096, 3, USER | PTE_AP_RO_ALL | PTE_UXN);
  return root;
}

static void switch_to(u64 *root, u64 asid) {
  sysreg_write(ttbr0_el1, (u64)root | asid << 48);
  isb();
}

static u64 run_task(u64 *root, u64 asid) {
  switch_to(root, asid);
  return run_el0(va_of(el0_task), 0, 1, 0);
}

static void el0_fault(const char *name, const char *code, u64 addr, u64 esr, u64 elr_off) {
  trap_reset();
  check("exit", run_el0(va_of(code), 0, N_V, addr), 1);
  expect_trap(&trap_el1, name, (void *)va_of(code), esr, addr, elr_off, N_V | EL0T, 0x400);
}

void el1_main(void) {
  hook_el1 = catch_hook;
  for (int i = 0; i < 4; i++) pages[i][0] = 0xa0 + 0x10 * i;
  root_a = task_tables(pages[0]);
  root_b = task_tables(pages[1]);
  mmu_on(root_a, tcr_el1(25, 0));

  // Same VA, two ASIDs, no invalidation between the switches.
  check("task a", run_task(root_a, 1), 0xa0);
  check("task b", run_task(root_b, 2), 0xb0);
  check("task a again", run_task(root_a, 1), 0xa1);
  check("task b again", run_task(root_b, 2), 0xb1);

  // Task A's data page becomes page C: invalidate ASID 1's entry for DATA_VA
  // (the TLBI operand is ASID[63:48] | VA[55:12]).
  u64 *pte = pt_entry(root_a, 1, DATA_VA, 3);
  *pte = 0;
  dsb(ishst);
  __asm__ volatile("tlbi vae1is, %0\n dsb ish" ::"r"(1ul << 48 | DATA_VA >> 12) : "memory");
  *pte = (u64)pages[2] | USER | PTE_AP_RW_ALL | PTE_UXN | PTE_TABLE | PTE_VALID;
  dsb(ishst);
  isb();
  check("task a after tlbi vae1is", run_task(root_a, 1), 0xc0);
  check("task b untouched", run_task(root_b, 2), 0xb2);

  // Task B's becomes page D: invalidate everything of ASID 2.
  pte = pt_entry(root_b, 1, DATA_VA, 3);
  *pte = 0;
  dsb(ishst);
  __asm__ volatile("tlbi aside1is, %0\n dsb ish" ::"r"(2ul << 48) : "memory");
  *pte = (u64)pages[3] | USER | PTE_AP_RW_ALL | PTE_UXN | PTE_TABLE | PTE_VALID;
  dsb(ishst);
  isb();
  check("task b after tlbi aside1is", run_task(root_b, 2), 0xd0);
  check("page a", pages[0][0], 0xa2);
  check("page b", pages[1][0], 0xb3);
  check("page c", pages[2][0], 0xc1);
  check("page d", pages[3][0], 0xd1);

  // EL0 against the permissions of task A's pages (ELR: the access is the
  // second instruction of each probe).
  switch_to(root_a, 1);
  el0_fault("el0 load el1-only", el0_load, KERNEL_VA, 0x9200000f, 4);
  el0_fault("el0 store read-only", el0_store, RO_VA, 0x9200004f, 4);
  el0_fault("el0 load hole", el0_load, HOLE_VA, 0x92000007, 4);
  // The fetch fault's ELR is the target; the catching hook returns to x30.
  u64 target = NOEXEC_VA + (u64)(el0_task - el0_page);
  trap_reset();
  check("exit", run_el0(va_of(el0_jump), 0, N_V, target), 1);
  expect_trap(&trap_el1, "el0 jump uxn", 0, 0x8200000f, target, target, N_V | EL0T, 0x400);

  // LDTR at EL1 is checked with EL0's permissions.
  trap_reset();
  check("ldtr el0 page", trig_ldtr(Z_C, DATA_VA), 0xc1);
  trap_reset();
  trig_ldtr(Z_C, KERNEL_VA);
  expect_trap(&trap_el1, "ldtr el1-only", trig_ldtr, 0x9600000f, KERNEL_VA, 4, Z_C | EL1H, 0x200);
}
