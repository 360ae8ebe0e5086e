// GICv3 (Arm IHI 0069): distributor at 0x0800_0000, one redistributor per
// CPU at 0x080a_0000 + 128 KiB * cpu (RD_base, then SGI_base at +64 KiB),
// CPU interface through the ICC_* system registers. Only group 1 is used:
// without EL3 the GIC has a single security state (GICD_CTLR.DS reads 1).
#include "rt.h"

enum { GICD_CTLR = 0x0000 };
#define GICD_CTLR_ENABLE_GRP1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)
enum { GICR_WAKER = 0x0014 };
#define WAKER_PROCESSOR_SLEEP (1u << 1)
#define WAKER_CHILDREN_ASLEEP (1u << 2)
enum { GICR_IGROUPR0 = 0x0080, GICR_ISENABLER0 = 0x0100, GICR_IPRIORITYR = 0x0400 };

static volatile u32 *gicd(unsigned off) { return (volatile u32 *)(GICD_BASE + off); }
static u64 rd_base(void) { return GICR_BASE + cpu_id() * 0x20000ul; }
static volatile u32 *gicr(unsigned off) { return (volatile u32 *)(rd_base() + off); }
static volatile u32 *gicr_sgi(unsigned off) { return (volatile u32 *)(rd_base() + 0x10000 + off); }

void gic_init(void) {
  *gicd(GICD_CTLR) = GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1;
  *gicr(GICR_WAKER) &= ~WAKER_PROCESSOR_SLEEP;
  for (int i = 0; i < 1000000 && (*gicr(GICR_WAKER) & WAKER_CHILDREN_ASLEEP); i++) {
  }
  if (*gicr(GICR_WAKER) & WAKER_CHILDREN_ASLEEP) fail("redistributor stays asleep");
}

void gic_enable_ppi(unsigned intid, unsigned prio) {
  *gicr_sgi(GICR_IGROUPR0) |= 1u << intid;
  volatile unsigned char *p = (volatile unsigned char *)gicr_sgi(GICR_IPRIORITYR);
  p[intid] = (unsigned char)prio;
  *gicr_sgi(GICR_ISENABLER0) = 1u << intid;
  dsb(sy);
}

void gic_cpu_init(void) {
  sysreg_write(S3_0_C12_C12_5, 1); // ICC_SRE_EL1.SRE: system-register interface
  isb();
  sysreg_write(S3_0_C4_C6_0, 0xff); // ICC_PMR_EL1: let every priority through
  sysreg_write(S3_0_C12_C12_7, 1); // ICC_IGRPEN1_EL1
  isb();
}
