// The generic timer's EL1 virtual and physical timers as interrupts through
// the GICv3 (Arm IHI 0069), acknowledged with ICC_IAR1_EL1 and ended with
// ICC_EOIR1_EL1; an SGI to this CPU; priority masking with ICC_PMR_EL1.
//
// QEMU virt's timer node lists the PPIs: 27 for CNTV (virtual) and 30 for
// CNTP (EL1 physical, non-secure). CNTx_CTL_EL0 is ENABLE[0] | IMASK[1] |
// ISTATUS[2] (read-only, condition met). No count or frequency is printed:
// only what the architecture fixes (an expired TVAL is <= 0).
#include "rt.h"

#define PPI_CNTV 27
#define PPI_CNTP 30
#define PRIO 0xa0
#define IDLE_PRIORITY 0xff
#define SPURIOUS 1023
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_HPPIR1_EL1 S3_0_C12_C12_2
#define ICC_RPR_EL1 S3_0_C12_C11_3
#define ICC_SGI1R_EL1 S3_0_C12_C11_5
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ISR_I 0x80

static struct {
  u64 intid, vec, rpr, ctl;
} seen[4];
static volatile int nseen;

static int irq_hook(struct frame *f) {
  if (f->vec != 0x280) return 0;
  u64 intid = sysreg_read(ICC_IAR1_EL1) & 0xffffff;
  u64 ctl = 0;
  // A timer interrupt is level-sensitive: it stays asserted until the
  // timer is disabled (or masked), which must happen before EOI.
  if (intid == PPI_CNTV) {
    ctl = sysreg_read(cntv_ctl_el0);
    sysreg_write(cntv_ctl_el0, 0);
  } else if (intid == PPI_CNTP) {
    ctl = sysreg_read(cntp_ctl_el0);
    sysreg_write(cntp_ctl_el0, 0);
  }
  isb();
  if (nseen < 4) {
    seen[nseen].intid = intid;
    seen[nseen].vec = f->vec;
    seen[nseen].rpr = sysreg_read(ICC_RPR_EL1);
    seen[nseen].ctl = ctl;
  }
  nseen++;
  sysreg_write(ICC_EOIR1_EL1, intid);
  isb();
  return 1;
}

// Polls up to `tries` times; a negative check polls briefly, since a
// machine that delivers would have done so at once.
static int wait_for(u64 (*cond)(void), int tries) {
  for (int i = 0; i < tries; i++)
    if (cond()) return 1;
  return 0;
}

static u64 cntv_fired(void) { return sysreg_read(cntv_ctl_el0) & 4; }
static u64 cntp_fired(void) { return sysreg_read(cntp_ctl_el0) & 4; }
static u64 irq_signalled(void) { return sysreg_read(isr_el1) & ISR_I; }

static void expect_irq(const char *name, u64 intid, u64 ctl) {
  printf("%s: %d interrupt(s)", name, nseen);
  if (nseen >= 1) printf(", intid %lu vec 0x%lx rpr 0x%lx ctl 0x%lx", seen[0].intid, seen[0].vec, seen[0].rpr, seen[0].ctl);
  putstr("\n");
  check_quiet("interrupts", nseen, 1);
  check_quiet("intid", seen[0].intid, intid);
  check_quiet("vec", seen[0].vec, 0x280);
  check_quiet("rpr", seen[0].rpr, PRIO);
  check_quiet("ctl", seen[0].ctl, ctl);
  nseen = 0;
  check("rpr after eoi", sysreg_read(ICC_RPR_EL1), IDLE_PRIORITY);
  check("iar when idle", sysreg_read(ICC_IAR1_EL1) & 0xffffff, SPURIOUS);
}

static void unmask_irq_briefly(void) {
  __asm__ volatile("msr daifclr, #2\n isb\n nop\n msr daifset, #2" ::: "memory");
}

static void virtual_timer(void) {
  sysreg_write(cntv_ctl_el0, 0);
  sysreg_write(cntv_tval_el0, 1000);
  sysreg_write(cntv_ctl_el0, 1);
  isb();
  check("cntv fired", wait_for(cntv_fired, 1000000), 1);
  check("tval expired", (long)(int)sysreg_read(cntv_tval_el0) <= 0, 1);
  check("isr_el1", wait_for(irq_signalled, 1000000) ? sysreg_read(isr_el1) : 0, ISR_I);
  check("hppir1", sysreg_read(ICC_HPPIR1_EL1) & 0xffffff, PPI_CNTV);
  unmask_irq_briefly();
  expect_irq("cntv", PPI_CNTV, 5);
}

// The physical timer from CVAL, first masked by IMASK (condition met, no
// interrupt), then unmasked while the CPU waits in WFI.
static void physical_timer(void) {
  sysreg_write(cntp_cval_el0, sysreg_read(cntpct_el0) + 1000);
  sysreg_write(cntp_ctl_el0, 3);
  isb();
  check("cntp fired masked", wait_for(cntp_fired, 1000000), 1);
  check("cntp_ctl", sysreg_read(cntp_ctl_el0), 7);
  check("isr_el1 masked", sysreg_read(isr_el1), 0);
  sysreg_write(cntp_ctl_el0, 1);
  isb();
  __asm__ volatile("msr daifclr, #2" ::: "memory");
  for (int i = 0; i < 1000000 && !nseen; i++) __asm__ volatile("wfi");
  __asm__ volatile("msr daifset, #2" ::: "memory");
  expect_irq("cntp", PPI_CNTP, 5);
}

// ICC_SGI1R_EL1: INTID[27:24], Aff1[23:16], TargetList[15:0] (Aff0 bits).
static void sgi(void) {
  sysreg_write(ICC_SGI1R_EL1, 5ul << 24 | 1);
  isb();
  check("sgi signalled", wait_for(irq_signalled, 1000000), 1);
  unmask_irq_briefly();
  expect_irq("sgi 5", 5, 0);

  // Priority 0xa0 is not higher than a mask of 0x90 (lower is higher), so
  // the SGI stays pending without being signalled until the mask opens.
  sysreg_write(ICC_PMR_EL1, 0x90);
  isb();
  sysreg_write(ICC_SGI1R_EL1, 6ul << 24 | 1);
  isb();
  check("sgi under pmr", wait_for(irq_signalled, 1000), 0);
  sysreg_write(ICC_PMR_EL1, 0xff);
  isb();
  check("sgi after pmr", wait_for(irq_signalled, 1000000), 1);
  unmask_irq_briefly();
  expect_irq("sgi 6", 6, 0);
}

void el1_main(void) {
  hook_el1 = irq_hook;
  gic_init();
  gic_cpu_init();
  gic_enable_ppi(PPI_CNTV, PRIO);
  gic_enable_ppi(PPI_CNTP, PRIO);
  gic_enable_ppi(5, PRIO);
  gic_enable_ppi(6, PRIO);
  check("iar when idle", sysreg_read(ICC_IAR1_EL1) & 0xffffff, SPURIOUS);
  virtual_timer();
  physical_timer();
  sgi();
}
