// Two CPUs (Arm ARM B2, D1.16 and the PSCI spec, DEN0022): CPU 1 started
// with PSCI CPU_ON, the PSCI answers for a CPU already on, an invalid one
// and AFFINITY_INFO; a counter incremented with LDXR/STXR by both CPUs,
// and one guarded by a LDAXR/STLR spinlock, reach the exact total; a
// WFE/SEV ping-pong. The spinlock waits in WFE for the event the holder's
// store generates by clearing the waiter's global monitor. Single-CPU
// exclusive rules first: STXR fails without a matching LDXR (after CLREX)
// and succeeds with one.
//
// Only CPU 0 prints; CPU 1 reports through memory.
#include "rt.h"

// Lock-free adds make progress whatever the host does; a lock handoff or a
// ping-pong round can wait for the host to schedule the other vCPU's
// thread (QEMU's WFE does not wait), so those counts are kept small.
#define ADDS 20000
#define LOCKED_ADDS 1000
#define ROUNDS 100

static u64 *tables;
static volatile u64 counter, locked_counter, lock, turn, ready, go, done;
static volatile u64 rounds[NCPUS];

static u64 stxr(volatile u64 *p, u64 v) {
  u64 status;
  __asm__ volatile("stxr %w0, %2, [%1]" : "=&r"(status) : "r"(p), "r"(v) : "memory");
  return status;
}

static u64 ldxr(volatile u64 *p) {
  u64 v;
  __asm__ volatile("ldxr %0, [%1]" : "=r"(v) : "r"(p) : "memory");
  return v;
}

static void atomic_add(volatile u64 *p, u64 n) {
  u64 v, status;
  __asm__ volatile("1: ldxr %0, [%2]\n add %0, %0, %3\n stxr %w1, %0, [%2]\n cbnz %w1, 1b"
                   : "=&r"(v), "=&r"(status)
                   : "r"(p), "r"(n)
                   : "memory");
}

static void spin_lock(volatile u64 *l) {
  u64 v, status;
  __asm__ volatile("sevl\n"
                   "1: wfe\n"
                   "2: ldaxr %0, [%2]\n cbnz %0, 1b\n stxr %w1, %3, [%2]\n cbnz %w1, 2b"
                   : "=&r"(v), "=&r"(status)
                   : "r"(l), "r"(1ul)
                   : "memory");
}

static void spin_unlock(volatile u64 *l) {
  __asm__ volatile("stlr xzr, [%0]" ::"r"(l) : "memory");
}

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

// Both CPUs run this once started: counters, then their half of the ping-pong.
static void work(unsigned me) {
  for (int i = 0; i < ADDS; i++) atomic_add(&counter, 1);
  for (int i = 0; i < LOCKED_ADDS; i++) {
    spin_lock(&lock);
    locked_counter = locked_counter + 1;
    spin_unlock(&lock);
  }
  for (int i = 0; i < ROUNDS; i++) {
    if (!await(&turn, me)) return;
    rounds[me]++;
    signal(&turn, 1 - me);
  }
}

static u64 secondary(u64 arg) {
  (void)arg;
  mmu_on(tables, tcr_el1(25, 0));
  signal(&ready, 1);
  if (await(&go, 1)) work(1);
  signal(&done, 1);
  return 0;
}

static void exclusives_one_cpu(void) {
  static volatile u64 word = 5;
  __asm__ volatile("clrex" ::: "memory");
  check("stxr without ldxr", stxr(&word, 6), 1);
  check("word", word, 5);
  check("ldxr", ldxr(&word), 5);
  check("stxr after ldxr", stxr(&word, 7), 0);
  check("word", word, 7);
  check("second stxr", stxr(&word, 8), 1);
}

void el1_main(void) {
  tables = identity_map();
  mmu_on(tables, tcr_el1(25, 0));
  exclusives_one_cpu();

  check("cpu_on", cpu_on(1, secondary, 0), PSCI_SUCCESS);
  check("cpu 1 ready", await(&ready, 1), 1);
  check("cpu_on again", cpu_on(1, secondary, 0), (u64)PSCI_ALREADY_ON);
  check("cpu_on cpu 7", cpu_on(7, secondary, 0), (u64)PSCI_INVALID_PARAMETERS);
  check("affinity_info 1", psci_affinity_info(1), 0);

  signal(&go, 1);
  work(0);
  check("cpu 1 done", await(&done, 1), 1);
  check("ldxr/stxr counter", counter, 2 * ADDS);
  check("locked counter", locked_counter, 2 * LOCKED_ADDS);
  check("rounds cpu 0", rounds[0], ROUNDS);
  check("rounds cpu 1", rounds[1], ROUNDS);

  // CPU 1 powers itself off after returning; AFFINITY_INFO says OFF (1).
  long off = 0;
  for (int i = 0; i < 1000000 && off != 1; i++) off = psci_affinity_info(1);
  check("affinity_info 1 after cpu_off", off, 1);
}
