/**
 * PSCI 1.1 (Arm DEN 0022) as uvmm answers it for its guest over HVC or SMC:
 * the calls QEMU virt's firmware answers, 32- and 64-bit function ids.
 * Powering cores on and off and the machine's end are the VM's business
 * (`PsciHost`); this file is only the call decoding and the return codes.
 */
export const PSCI_FN = {
  version: 0x8400_0000,
  cpuSuspend32: 0x8400_0001,
  cpuSuspend64: 0xc400_0001,
  cpuOff: 0x8400_0002,
  cpuOn32: 0x8400_0003,
  cpuOn64: 0xc400_0003,
  affinityInfo32: 0x8400_0004,
  affinityInfo64: 0xc400_0004,
  migrateInfoType: 0x8400_0006,
  systemOff: 0x8400_0008,
  systemReset: 0x8400_0009,
  features: 0x8400_000a,
} as const

export const PSCI_SUCCESS = 0n
export const PSCI_NOT_SUPPORTED = -1n
export const PSCI_INVALID_PARAMETERS = -2n
export const PSCI_ALREADY_ON = -4n
/** SMCCC: an unknown function id answers NOT_SUPPORTED (-1) in x0. */
const SUPPORTED = new Set<number>(Object.values(PSCI_FN))

export interface PsciHost {
  readonly vcpus: number
  /** Starts vCPU `target` at `entry` with x0 = `contextId`; false when it is already on. */
  cpuOn(target: number, entry: bigint, contextId: bigint): boolean
  cpuOff(caller: number): void
  isOn(vcpu: number): boolean
  systemOff(): void
  systemReset(): void
}

/** The vCPU an MPIDR value names (Aff0; the higher affinity levels are 0 here), or -1. */
function vcpuOf(host: PsciHost, mpidr: bigint): number {
  if ((mpidr & 0xff_ffff_ff00n) !== 0n) return -1
  const n = Number(mpidr & 0xffn)
  return n < host.vcpus ? n : -1
}

/**
 * Executes the call in x0..x3; returns the value for x0, or null when the
 * caller does not return (CPU_OFF, SYSTEM_OFF, SYSTEM_RESET).
 */
export function psciCall(host: PsciHost, caller: number, x: readonly bigint[]): bigint | null {
  const fid = Number(x[0] & 0xffff_ffffn)
  const is32 = (fid & 0x4000_0000) === 0
  const arg = (i: number): bigint => (is32 ? x[i] & 0xffff_ffffn : x[i])
  switch (fid) {
    case PSCI_FN.version:
      return 0x1_0001n
    case PSCI_FN.migrateInfoType:
      return 2n // no trusted OS that would need migrating
    case PSCI_FN.features:
      return SUPPORTED.has(Number(x[1] & 0xffff_ffffn)) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED
    case PSCI_FN.cpuSuspend32:
    case PSCI_FN.cpuSuspend64:
      // A standby state: return at once, as a WFI would after a wake-up (a power-down state would need the entry point).
      return PSCI_SUCCESS
    case PSCI_FN.cpuOff:
      host.cpuOff(caller)
      return null
    case PSCI_FN.cpuOn32:
    case PSCI_FN.cpuOn64: {
      const t = vcpuOf(host, arg(1))
      if (t < 0) return PSCI_INVALID_PARAMETERS
      return host.cpuOn(t, arg(2), arg(3)) ? PSCI_SUCCESS : PSCI_ALREADY_ON
    }
    case PSCI_FN.affinityInfo32:
    case PSCI_FN.affinityInfo64: {
      if (arg(2) !== 0n) return PSCI_INVALID_PARAMETERS // only level 0
      const t = vcpuOf(host, arg(1))
      if (t < 0) return PSCI_INVALID_PARAMETERS
      return host.isOn(t) ? 0n : 1n
    }
    case PSCI_FN.systemOff:
      host.systemOff()
      return null
    case PSCI_FN.systemReset:
      host.systemReset()
      return null
    default:
      return PSCI_NOT_SUPPORTED
  }
}
