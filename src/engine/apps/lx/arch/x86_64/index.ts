/**
 * lx on x86-64: x86-64 Linux's numbers, registers, signal frame, struct
 * stat and address-space layout (4-level paging: 47-bit user addresses).
 */
import { x86_64Regs } from '../../../../kernel/uapi'
import { EM_X86_64 } from '../../../../formats/elf'
import type { LxArch } from '../arch'
import { X86_64Cpu } from './cpu'
import { MINSIGSTKSZ, SIGTRAMP, SIGTRAMP_ADDR } from './sigframe'
import { encodeStat } from './stat'
import { syscalls } from './syscalls'

/**
 * AT_HWCAP on x86-64 is CPUID leaf 1's EDX, as the core reports it: TSC,
 * CX8, CMOV, FXSR, SSE, SSE2 (the core's core-layout.ts CPUID_1_EDX; the µApp
 * may not import the core, so the value is written out and a test compares).
 */
export const HWCAP = (1 << 4) | (1 << 8) | (1 << 15) | (1 << 24) | (1 << 25) | (1 << 26)

export const x86_64: LxArch = {
  name: 'x86_64',
  elfMachine: EM_X86_64,
  hwcap: HWCAP,
  cpuinfo:
    [
      'processor\t: 0',
      'vendor_id\t: L4LabL4LabCP',
      'cpu family\t: 6',
      'model\t\t: 0',
      'model name\t: l4lab x86-64 interpreter',
      'stepping\t: 0',
      'cpu MHz\t\t: 1000.000',
      'fpu\t\t: no',
      'cpuid level\t: 7',
      'flags\t\t: tsc cx8 cmov sse sse2 syscall lm lahf_lm lzcnt popcnt bmi1 bmi2',
      'bogomips\t: 2000.00',
      'address sizes\t: 48 bits physical, 48 bits virtual',
      '',
    ].join('\n') + '\n',
  layout: {
    // x86-64 with 4-level paging: user space ends one page below 2^47 (TASK_SIZE_MAX).
    taskSize: 2 ** 47 - 4096,
    stackTop: 2 ** 47 - 4096,
    // As on arm64: mmap's top-down area starts 2 GiB below the top, leaving the stack room to grow.
    mmapBase: 0x7fff_8000_0000,
    // ELF_ET_DYN_BASE on x86-64: 2/3 of TASK_SIZE, aligned.
    etDynBase: 0x5555_5555_4000,
  },
  // do_error_trap's #UD: ILL_ILLOPN; do_int3: SI_KERNEL.
  trapCodes: { undefined: 2, breakpoint: 0x80 },
  minSigStackSize: MINSIGSTKSZ,
  sigpage: { addr: SIGTRAMP_ADDR, code: SIGTRAMP },
  syscalls,
  encodeStat,
  bind(regs) {
    const r = x86_64Regs(regs)
    return r ? new X86_64Cpu(r) : null
  },
}
