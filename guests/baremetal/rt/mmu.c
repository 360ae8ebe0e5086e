// Translation tables with the 4 KiB granule (Arm ARM D8.2): 512 entries per
// table, level n resolves VA bits [47-9(n):39-9(n)] (level 0: 47:39, level
// 3: 20:12). The same walk shape serves stage 1 and stage 2; only the
// attribute bits differ, and callers pass those.
#include "rt.h"

#define POOL_TABLES 48
static u64 pool[POOL_TABLES][512] __attribute__((aligned(4096)));
static unsigned pool_used;

u64 *pt_alloc(void) {
  if (pool_used == POOL_TABLES) {
    fail("translation table pool exhausted");
    finish();
  }
  return pool[pool_used++]; // zero: the pool is in BSS and never reused
}

static unsigned index_at(u64 va, int level) { return (va >> (39 - 9 * level)) & 511; }
static u64 span_at(int level) { return 1ul << (39 - 9 * level); }
#define OA_MASK 0x0000fffffffff000ul

u64 *pt_entry(u64 *root, int start, u64 va, int level) {
  u64 *table = root;
  for (int l = start; l < level; l++) {
    u64 d = table[index_at(va, l)];
    if ((d & 3) != 3) return 0;
    table = (u64 *)(d & OA_MASK);
  }
  return &table[index_at(va, level)];
}

static void map_one(u64 *root, int start, u64 va, u64 pa, int leaf, u64 attrs) {
  u64 *table = root;
  for (int l = start; l < leaf; l++) {
    u64 *d = &table[index_at(va, l)];
    if ((*d & 3) != 3) *d = (u64)pt_alloc() | PTE_TABLE | PTE_VALID;
    table = (u64 *)(*d & OA_MASK);
  }
  table[index_at(va, leaf)] = pa | attrs | (leaf == 3 ? PTE_TABLE : 0) | PTE_VALID;
}

void pt_map(u64 *root, int start, u64 va, u64 pa, u64 size, int leaf, u64 attrs) {
  for (u64 off = 0; off < size; off += span_at(leaf)) map_one(root, start, va + off, pa + off, leaf, attrs);
  dsb(ishst);
}

u64 *identity_map(void) {
  u64 *root = pt_alloc();
  pt_map(root, 1, 0, 0, 1ul << 30, 1, ATTR_DEVICE | PTE_UXN | PTE_PXN);
  pt_map(root, 1, RAM_BASE, RAM_BASE, RAM_SIZE, 2, ATTR_NORMAL);
  return root;
}

// TCR_EL1 fields (Arm ARM D17.2.131): T0SZ[5:0], IRGN0[9:8], ORGN0[11:10],
// SH0[13:12], TG0[15:14] (0: 4 KiB), T1SZ[21:16], EPD1[23], IRGN1[25:24],
// ORGN1[27:26], SH1[29:28], TG1[31:30] (2: 4 KiB), IPS[34:32] (2: 40 bits).
u64 tcr_el1(unsigned t0sz, unsigned t1sz) {
  u64 tcr = t0sz | (1ul << 8) | (1ul << 10) | (3ul << 12) | (2ul << 30) | (2ul << 32);
  if (t1sz)
    tcr |= ((u64)t1sz << 16) | (1ul << 24) | (1ul << 26) | (3ul << 28);
  else
    tcr |= 1ul << 23;
  return tcr;
}

// Changing TCR and TTBR0 together is only safe with the MMU off (between
// the two writes neither the old nor the new tables fit the TCR), so an
// MMU already on is turned off around the change; the code runs from the
// identity-mapped RAM in both states.
void mmu_on(u64 *ttbr0, u64 tcr) {
  u64 sctlr = sysreg_read(sctlr_el1);
  sysreg_write(sctlr_el1, sctlr & ~1ul);
  isb();
  sysreg_write(mair_el1, MAIR_VALUE);
  sysreg_write(tcr_el1, tcr);
  sysreg_write(ttbr0_el1, (u64)ttbr0);
  isb();
  __asm__ volatile("tlbi vmalle1\n dsb nsh" ::: "memory");
  // SCTLR_EL1.M (0), C (2), I (12).
  sysreg_write(sctlr_el1, sctlr | (1ul << 0) | (1ul << 2) | (1ul << 12));
  isb();
}
