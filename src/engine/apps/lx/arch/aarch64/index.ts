/**
 * lx on AArch64: arm64 Linux's numbers, registers, signal frame and
 * address-space layout (48-bit virtual addresses).
 */
import { aarch64Regs } from '../../../../kernel/uapi'
import { EM_AARCH64 } from '../../../../formats/elf'
import type { LxArch } from '../arch'
import { Aarch64Cpu } from './cpu'
import { MINSIGSTKSZ, SIGTRAMP, SIGTRAMP_ADDR } from './sigframe'
import { encodeStat } from './stat'
import { syscalls } from './syscalls'

/** HWCAP as Linux derives it from our core's ID registers: FP, ASIMD, CRC32, CPUID. */
const HWCAP = 0x1 | 0x2 | 0x80 | 0x800

export const aarch64: LxArch = {
  name: 'aarch64',
  elfMachine: EM_AARCH64,
  hwcap: HWCAP,
  cpuinfo:
    [
      'processor\t: 0',
      'BogoMIPS\t: 200.00',
      'Features\t: fp asimd crc32 cpuid',
      'CPU implementer\t: 0x4c',
      'CPU architecture: 8',
      'CPU variant\t: 0x0',
      'CPU part\t: 0x001',
      'CPU revision\t: 0',
      '',
    ].join('\n') + '\n',
  layout: {
    // arm64 with 48-bit VAs: user space is the lower 256 TiB.
    taskSize: 2 ** 48,
    stackTop: 0xffff_ffff_f000,
    mmapBase: 0xffff_8000_0000,
    // ELF_ET_DYN_BASE on arm64: 2/3 of TASK_SIZE, aligned.
    etDynBase: 0xaaaa_aaaa_0000,
  },
  // ILL_ILLOPC and TRAP_BRKPT, as arm64 Linux sends them (qemu-aarch64 says ILL_ILLOPN for an undefined instruction).
  trapCodes: { undefined: 1, breakpoint: 1 },
  minSigStackSize: MINSIGSTKSZ,
  sigpage: { addr: SIGTRAMP_ADDR, code: SIGTRAMP },
  syscalls,
  encodeStat,
  bind(regs) {
    const r = aarch64Regs(regs)
    return r ? new Aarch64Cpu(r) : null
  },
}
