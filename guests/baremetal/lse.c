// cflags: -march=armv8.1-a
// LSE atomics (FEAT_LSE, Arm ARM C3.2.12) between two CPUs: LDADD, a CAS
// loop and a SWPA/STLR spinlock reach the exact totals. cortex-a57 (ARMv8.0)
// has no LSE, so QEMU runs this program as a cortex-a76 (suite.ts says
// so); the program checks ID_AA64ISAR0_EL1.Atomic[23:20] = 2 before it
// uses them, and a machine without LSE prints a FAIL instead of faulting.
//
// Only CPU 0 prints; CPU 1 reports through memory.
#include "rt.h"

#define ADDS 20000
#define LOCKED_ADDS 1000 // a lock handoff may wait for the host (see smp.c)

static u64 *tables;
static volatile u64 ldadd_counter, cas_counter, locked_counter, lock, ready, go, done;

static void signal(volatile u64 *flag, u64 v) {
  *flag = v;
  __asm__ volatile("dsb ish\n sev" ::: "memory");
}

static int await(volatile u64 *flag, u64 v) {
  for (long i = 0; i < 100000000; i++) {
    if (*flag == v) return 1;
    __asm__ volatile("wfe");
  }
  return 0;
}

static u64 ldadd(volatile u64 *p, u64 n) {
  u64 old;
  __asm__ volatile("ldadd %1, %0, [%2]" : "=r"(old) : "r"(n), "r"(p) : "memory");
  return old;
}

static u64 cas(volatile u64 *p, u64 expected, u64 desired) {
  __asm__ volatile("casal %0, %2, [%1]" : "+r"(expected) : "r"(p), "r"(desired) : "memory");
  return expected; // the value found
}

static void cas_add(volatile u64 *p) {
  u64 seen = *p;
  for (;;) {
    u64 found = cas(p, seen, seen + 1);
    if (found == seen) return;
    seen = found;
  }
}

static void swp_lock(volatile u64 *l) {
  u64 old;
  do __asm__ volatile("swpa %1, %0, [%2]" : "=r"(old) : "r"(1ul), "r"(l) : "memory");
  while (old);
}

static void work(void) {
  for (int i = 0; i < ADDS; i++) ldadd(&ldadd_counter, 1);
  for (int i = 0; i < ADDS; i++) cas_add(&cas_counter);
  for (int i = 0; i < LOCKED_ADDS; i++) {
    swp_lock(&lock);
    locked_counter = locked_counter + 1;
    __asm__ volatile("stlr xzr, [%0]" ::"r"(&lock) : "memory");
  }
}

static u64 secondary(u64 arg) {
  (void)arg;
  mmu_on(tables, tcr_el1(25, 0));
  signal(&ready, 1);
  if (await(&go, 1)) work();
  signal(&done, 1);
  return 0;
}

void el1_main(void) {
  u64 atomic = (sysreg_read(id_aa64isar0_el1) >> 20) & 0xf;
  check("id_aa64isar0_el1.atomic", atomic, 2);
  if (atomic != 2) return;
  tables = identity_map();
  mmu_on(tables, tcr_el1(25, 0));

  // Single-CPU answers: LDADD returns the old value, a CAS that finds
  // another value changes nothing and returns what it found.
  static volatile u64 word = 40;
  check("ldadd old", ldadd(&word, 2), 40);
  check("word", word, 42);
  check("cas miss", cas(&word, 41, 7), 42);
  check("cas hit", cas(&word, 42, 7), 42);
  check("word", word, 7);

  check("cpu_on", cpu_on(1, secondary, 0), PSCI_SUCCESS);
  check("cpu 1 ready", await(&ready, 1), 1);
  signal(&go, 1);
  work();
  check("cpu 1 done", await(&done, 1), 1);
  check("ldadd counter", ldadd_counter, 2 * ADDS);
  check("cas counter", cas_counter, 2 * ADDS);
  check("locked counter", locked_counter, 2 * LOCKED_ADDS);
}
