/**
 * One virtual machine as uvmm holds it: the Vm object (its stage-2 space),
 * the guest's RAM, the device bus its stage-2 faults are emulated on, the
 * interrupt controller, the console and the vCPUs. The vCPU loops
 * (vcpu.ts) run against this; the device models are built in devices.ts.
 */
import type { MmioBus } from '../../hw/mmio-bus'
import type { Aarch64Regs, Aarch64VcpuExt, VcpuState } from '../../kernel/uapi'
import type { UvmmArgs } from './args'
import type { UvmmConsole } from './console'
import type { GuestRam } from './guest-ram'
import type { VirtualGic } from './gic'
import type { PsciHost } from './psci'
import type { VirtioCounters } from '../../virtio'
import type { VmDisplay } from './display'
import type { Pl031 } from '../../devices/pl031'

export type VcpuPower = 'off' | 'starting' | 'on'

export interface UvmmVcpu {
  readonly index: number
  /** Our capability to its thread (vcpu_resume names it), and the Irq that wakes it. */
  thread: number
  kick: number
  state: VcpuState
  regs: Aarch64Regs
  ext: Aarch64VcpuExt
  power: VcpuPower
  /** CPU_ON's entry point and context id, until the vCPU starts. */
  start: { entry: bigint; contextId: bigint } | null
  /** Stage-2 mappings to send with the next resume. */
  readonly maps: (readonly [number, number])[]
  /** A kick is owed to this vCPU's thread (an interrupt became pending while it may sleep). */
  kickDue: boolean
  sleeping: boolean
}

/** VM exits and what uvmm did with them, for the lab's figures. */
export interface UvmmStats {
  exits: number
  mmio: number
  ramFaults: number
  hvc: number
  smc: number
  wfi: number
  sysreg: number
  timerIrqs: number
  hostIrqs: number
  unhandled: number
}

export type StopReason = { kind: 'off' } | { kind: 'reset' } | { kind: 'crash'; detail: string }

export class UvmmVm implements PsciHost {
  readonly vcpuList: UvmmVcpu[] = []
  readonly stats: UvmmStats = { exits: 0, mmio: 0, ramFaults: 0, hvc: 0, smc: 0, wfi: 0, sysreg: 0, timerIrqs: 0, hostIrqs: 0, unhandled: 0 }
  stopped: StopReason | null = null
  /** Our Irq that the console triggers on input (attached to vCPU 0's thread). */
  consoleIrq = 0
  /** Its disks' virtio counters (bytes read and written), for the lab's figures. */
  diskCounters: readonly VirtioCounters[] = []
  /** Its display (--display): the PL111 the lab scans and the input devices it feeds. */
  display: VmDisplay | null = null
  /** Its RTC (PL031): nothing ticks in it, so vCPU 0 polls its alarm and sleeps no longer than to it. */
  rtc: Pl031 | null = null
  private readonly unmapped = new Set<number>()
  private readonly unknownRegs = new Set<string>()

  constructor(
    readonly args: UvmmArgs,
    /** Our capability to the Vm. */
    readonly vmCap: number,
    readonly ram: GuestRam,
    readonly bus: MmioBus,
    readonly gic: VirtualGic,
    readonly console: UvmmConsole,
    public log: (msg: string) => void,
  ) {}

  get vcpus(): number {
    return this.args.cpus
  }

  cpuOn(target: number, entry: bigint, contextId: bigint): boolean {
    const v = this.vcpuList[target]
    if (!v || v.power !== 'off') return false
    v.power = 'starting'
    v.start = { entry, contextId }
    v.kickDue = true
    return true
  }

  cpuOff(caller: number): void {
    this.vcpuList[caller].power = 'off'
  }

  isOn(vcpu: number): boolean {
    return this.vcpuList[vcpu]?.power !== 'off'
  }

  systemOff(): void {
    this.stop({ kind: 'off' })
  }

  systemReset(): void {
    this.stop({ kind: 'reset' })
  }

  stop(why: StopReason): void {
    if (this.stopped) return
    this.stopped = why
    for (const v of this.vcpuList) v.kickDue = true
  }

  /** A guest access to an address no device answers: it reads zero; said once per page. */
  unmappedAccess(pa: number): void {
    const page = Math.floor(pa / 4096)
    if (this.unmapped.has(page) || this.unmapped.size >= 64) return
    this.unmapped.add(page)
    this.log(`uvmm: no device at 0x${pa.toString(16)}: reads as zero, writes are ignored`)
  }

  /** A trapped system register uvmm does not emulate: it reads as zero; said once per register. */
  unknownSysReg(name: string): void {
    if (this.unknownRegs.has(name)) return
    this.unknownRegs.add(name)
    this.log(`uvmm: trapped system register ${name} is not emulated: reads as zero, writes are ignored`)
  }

  /** Exits by kind and interrupts injected, for the lab's figures. */
  /** Exits by kind, interrupts injected, stage-2 faults on RAM, disk bytes and RAM size, for the lab's figures. */
  figures(): { vmExits: Record<string, number>; interrupts: number; pageFaults: number; diskBytes?: { read: number; written: number }; memoryLimitBytes: number } {
    const s = this.stats
    let read = 0
    let written = 0
    for (const c of this.diskCounters) {
      read += c.bytesIn
      written += c.bytesOut
    }
    return {
      vmExits: { mmio: s.mmio, ram: s.ramFaults, hvc: s.hvc, smc: s.smc, wfi: s.wfi, sysreg: s.sysreg, timer: s.timerIrqs, other: s.unhandled },
      interrupts: this.gic.stats.injected,
      pageFaults: s.ramFaults,
      ...(this.diskCounters.length > 0 && { diskBytes: { read, written } }),
      memoryLimitBytes: this.args.memBytes,
    }
  }

  /** An interrupt became pending for `vcpu`: its thread must look (it may sleep in WFI or run the guest). */
  kick(vcpu: number): void {
    const v = this.vcpuList[vcpu]
    if (v) v.kickDue = true
  }
}
