// PSCI through SMC #0 (SMC Calling Convention, function id in x0, result in
// x0). The conduit is SMC because QEMU virt with virtualization=on and no
// EL3 plays the firmware for SMC: its device tree says
//   psci { method = "smc"; compatible = "arm,psci-1.0", ... }
// (qemu-system-aarch64 -M virt,virtualization=on,gic-version=3,dumpdtb=virt.dtb
// then dtc -I dtb virt.dtb). HVC cannot be the conduit once the guest owns
// EL2, since an HVC from EL1 must reach the guest's own hypervisor.
#include "rt.h"

#define PSCI_CPU_OFF 0x84000002ul
#define PSCI_CPU_ON_64 0xc4000003ul
#define PSCI_AFFINITY_INFO_64 0xc4000004ul
#define PSCI_SYSTEM_OFF 0x84000008ul

long psci_call(u64 fn, u64 a1, u64 a2, u64 a3) {
  register u64 x0 __asm__("x0") = fn;
  register u64 x1 __asm__("x1") = a1;
  register u64 x2 __asm__("x2") = a2;
  register u64 x3 __asm__("x3") = a3;
  __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
  return (long)x0;
}

_Noreturn void psci_system_off(void) {
  psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
  for (;;) __asm__ volatile("wfi");
}

_Noreturn void psci_cpu_off(void) {
  psci_call(PSCI_CPU_OFF, 0, 0, 0);
  for (;;) __asm__ volatile("wfi");
}

long psci_affinity_info(u64 mpidr) { return psci_call(PSCI_AFFINITY_INFO_64, mpidr, 0, 0); }

extern char _secondary[];
static struct {
  u64 (*fn)(u64);
  u64 arg;
} boot_args[NCPUS];

// Starts `cpu` (MPIDR Aff0; virt numbers its CPUs 0..n-1 in Aff0) at
// _secondary, which runs fn(arg) at EL1 through rt_secondary_el2.
long cpu_on(unsigned cpu, u64 (*fn)(u64), u64 arg) {
  if (cpu < NCPUS) {
    boot_args[cpu].fn = fn;
    boot_args[cpu].arg = arg;
    // The new CPU reads them with its MMU (and so its caches) off.
    __asm__ volatile("dc civac, %0" ::"r"(&boot_args[cpu]) : "memory");
    dsb(sy);
  }
  return psci_call(PSCI_CPU_ON_64, cpu, (u64)_secondary, cpu);
}

void rt_secondary_el2(void) {
  unsigned cpu = cpu_id();
  run_el1(boot_args[cpu].fn, boot_args[cpu].arg);
  psci_cpu_off();
}
