// The bare-metal runtime: what every test program of guests/baremetal sees.
// The machine is QEMU virt (virtualization=on, gic-version=3) or l4lab's
// board with the same memory map; docs/baremetal.md lists what both provide.
#ifndef RT_H
#define RT_H

#include <stdint.h>
#include <stddef.h>

typedef uint64_t u64;
typedef uint32_t u32;

#define UART_BASE 0x09000000ul // PL011 (dtb node /pl011@9000000)
#define GICD_BASE 0x08000000ul // GICv3 distributor
#define GICR_BASE 0x080a0000ul // GICv3 redistributors, 128 KiB (RD + SGI frame) each
#define RAM_BASE 0x40000000ul
#define RAM_SIZE 0x08000000ul // -m 128

#define NCPUS 2
// The HVC/SVC immediate with which code at EL1/EL0 ends a run_el1/run_el0.
#define RT_EXIT_IMM 0xfff0

// Exception classes (ESR_ELx.EC, Arm ARM D17.2.37).
enum {
  EC_UNKNOWN = 0x00, EC_WFX = 0x01, EC_SVC64 = 0x15, EC_HVC64 = 0x16, EC_SMC64 = 0x17,
  EC_SYS64 = 0x18, EC_IABT_LOW = 0x20, EC_IABT_CUR = 0x21, EC_PC_ALIGN = 0x22,
  EC_DABT_LOW = 0x24, EC_DABT_CUR = 0x25, EC_SP_ALIGN = 0x26, EC_BRK64 = 0x3c,
};

// What a vector saves (rt/start.S builds it; the offsets there follow this).
struct frame {
  u64 x[31];
  u64 elr, spsr, esr, far;
  u64 vec; // offset of the vector entry taken, 0x000..0x780
  u64 pad;
};

// ---- console (uart.c, print.c)
void putch(int c);
void putstr(const char *s);
void printf(const char *fmt, ...);

// ---- checks (check.c): every program ends through finish(), which prints
// "ok" or "FAIL <n> check(s)" and powers off.
void check(const char *what, u64 got, u64 want);   // prints "what 0x<got>"
void check_quiet(const char *what, u64 got, u64 want); // prints only on failure
void fail(const char *what);        // prints "FAIL what"
void count_failure(void);           // for a failure already printed
_Noreturn void finish(void);

// ---- exceptions (exc.c)
// A hook returns 1 when it handled the exception (it may change the frame,
// e.g. ELR), 0 to report it as unexpected (which ends the program).
typedef int (*exc_hook)(struct frame *f);
extern exc_hook hook_el1, hook_el2;

// What the catching hook saw, per exception level it was taken to.
struct trap {
  int taken;
  u64 esr, far, elr, spsr, vec;
};
extern struct trap trap_el1, trap_el2;
// Records the exception in trap_el<n> and returns past it: ELR is left alone
// where it already points past the instruction (SVC, HVC), set to x30 where
// the faulting PC cannot be returned to (PC alignment, instruction aborts:
// triggers are called with BL), and advanced by 4 otherwise.
int catch_hook(struct frame *f);
void trap_reset(void);
#define NOFAR (~0ul) // FAR is UNKNOWN for this exception: neither printed nor checked
// Prints "name esr .. far .. elr +off spsr .. vec .." and checks each value;
// ELR (and a FAR near base) are printed as offsets from base.
void expect_trap(const struct trap *t, const char *name, const void *base, u64 esr, u64 far, u64 elr_off, u64 spsr, u64 vec);

// ---- running lower exception levels (start.S)
// run_el1 (at EL2) runs fn(arg) at EL1h with DAIF masked on this CPU's EL1
// stack and returns its result once fn returns (through HVC #RT_EXIT_IMM).
u64 run_el1(u64 (*fn)(u64), u64 arg);
// run_el0 (at EL1) enters EL0t at pc with x0, x1 and the given stack, DAIF
// masked; returns x0 of the SVC #RT_EXIT_IMM that ends it.
u64 run_el0(u64 pc, u64 sp, u64 x0, u64 x1);
unsigned cpu_id(void);
unsigned current_el(void);

// A program defines el1_main (run at EL1 by the default el2_main) or el2_main.
void el1_main(void);
void el2_main(void);
// Secondary CPUs started with cpu_on run fn(arg) at EL1 and then power off.
long cpu_on(unsigned cpu, u64 (*fn)(u64), u64 arg);

// ---- PSCI (psci.c)
#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_ALREADY_ON (-4)
long psci_call(u64 fn, u64 a1, u64 a2, u64 a3);
_Noreturn void psci_system_off(void);
_Noreturn void psci_cpu_off(void);
long psci_affinity_info(u64 mpidr);

// ---- stage-1 and stage-2 translation tables (mmu.c)
// Descriptor bits (Arm ARM D8.3).
#define PTE_VALID (1ul << 0)
#define PTE_TABLE (1ul << 1) // table at levels 0-2, page at level 3
#define PTE_ATTR(i) ((u64)(i) << 2) // MAIR_EL1 index
#define PTE_AP_RW_EL1 (0ul << 6)
#define PTE_AP_RW_ALL (1ul << 6)
#define PTE_AP_RO_EL1 (2ul << 6)
#define PTE_AP_RO_ALL (3ul << 6)
#define PTE_SH_INNER (3ul << 8)
#define PTE_AF (1ul << 10)
#define PTE_NG (1ul << 11)
#define PTE_PXN (1ul << 53)
#define PTE_UXN (1ul << 54)
// Stage 2 (Arm ARM D8.5): MemAttr[5:2], S2AP[7:6], XN[54].
#define S2_MEM_DEVICE (0x0ul << 2)
#define S2_MEM_NORMAL (0xful << 2)
#define S2_AP_RO (1ul << 6)
#define S2_AP_RW (3ul << 6)
#define S2_XN (1ul << 54)

#define MAIR_DEVICE_IDX 0 // Device-nGnRnE
#define MAIR_NORMAL_IDX 1 // Normal, inner/outer write-back
#define MAIR_VALUE 0xff00ul
#define ATTR_NORMAL (PTE_ATTR(MAIR_NORMAL_IDX) | PTE_SH_INNER | PTE_AF)
#define ATTR_DEVICE (PTE_ATTR(MAIR_DEVICE_IDX) | PTE_AF)

// A zeroed 4 KiB table from a static pool.
u64 *pt_alloc(void);
// Maps [va, va+size) to pa with leaf descriptors at `leaf` level (1, 2 or 3:
// 1 GiB blocks, 2 MiB blocks, 4 KiB pages) in a table tree whose root is at
// `start` level, allocating intermediate tables. attrs holds every bit but
// the output address and the valid/type bits.
void pt_map(u64 *root, int start, u64 va, u64 pa, u64 size, int leaf, u64 attrs);
// The descriptor that translates va at `level`, or 0 when the walk stops earlier.
u64 *pt_entry(u64 *root, int start, u64 va, int level);
// The identity map every MMU-on program starts from: 39-bit VA, devices
// below 1 GiB as one block, RAM as 2 MiB blocks; everything else faults.
u64 *identity_map(void);
// TCR_EL1 for a T0SZ/T1SZ pair (4 KiB granule, inner-shareable write-back
// walks, 40-bit IPS); TTBR1 walks are disabled when t1sz is 0.
u64 tcr_el1(unsigned t0sz, unsigned t1sz);
// Turns the EL1 MMU and caches on with these tables (ASID 0 in TTBR0), or
// switches to them when it is on already.
void mmu_on(u64 *ttbr0, u64 tcr);

// ---- GICv3 (gic.c)
void gic_init(void); // distributor (ARE, group 1) and this CPU's redistributor awake
void gic_enable_ppi(unsigned intid, unsigned prio); // SGI/PPI: group 1, priority, enabled
void gic_cpu_init(void); // ICC_SRE/PMR/IGRPEN1 of this CPU

// ---- system registers
#define sysreg_read(r) ({ u64 v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define sysreg_write(r, v) __asm__ volatile("msr " #r ", %0" ::"r"((u64)(v)))
#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

#endif
