/**
 * Platform_control: the machine itself. Protocol PLATFORM_CTL:
 *   shutdown (1, needs W): MR1 = 1 to reboot, 0 to power off — the board stops
 *   cpu_enable (3) / cpu_disable (4) (needs W): MR1 = CPU; a disabled CPU runs
 *       nothing until enabled again (CPU 0 cannot be disabled)
 */
import { CapRight, Err, PfcOp, Proto } from '../abi'
import type { Capability } from '../cap-space'
import { KObject } from '../kobject'
import type { Kernel } from '../kernel'
import { lacks, mrIndex, reply, replyError } from '../invoke'
import type { Thread } from './thread'

export class PlatformControl extends KObject {
  readonly kind = 'platform_control'
  protected destroy(): void {}
}

export function invokePlatformControl(k: Kernel, t: Thread, cap: Capability, _obj: PlatformControl, _tag: number, label: number): number {
  if (label !== Proto.PlatformControl) return replyError(Err.EBadProto)
  const denied = lacks(cap, CapRight.W)
  if (denied) return denied
  switch (t.utcb[0]) {
    case PfcOp.SysShutdown:
      k.halted = t.utcb[1] === 1 ? 'reboot' : 'shutdown'
      return reply()
    case PfcOp.CpuEnable:
    case PfcOp.CpuDisable: {
      const cpu = mrIndex(t, 1)
      if (cpu < 0 || cpu >= k.cpus.length || (cpu === 0 && t.utcb[0] === PfcOp.CpuDisable)) return replyError(Err.EInval)
      k.cpus[cpu].online = t.utcb[0] === PfcOp.CpuEnable
      return reply()
    }
    default:
      return replyError(Err.ENoSys)
  }
}
