// Instructions that leave the core or ask about it: SYSCALL, INT3, undefined
// and privileged instructions, CPUID, RDTSC, and the no-operations.
import { CoreExit } from '../../core-abi'
import {
  CPUID_1_EAX, CPUID_1_ECX, CPUID_1_EDX, CPUID_7_EBX, CPUID_81_ECX, CPUID_81_EDX, CPUID_MAX_BASIC, CPUID_MAX_EXT,
  CPUID_VENDOR_EBX, CPUID_VENDOR_ECX, CPUID_VENDOR_EDX,
} from '../core-layout'
import { fullFlags } from './flags'
import { C_INSTRET, C_TSCOFF } from './layout'
import { coreBase, curCore } from './mmu'
import { RAX, RBX, RCX, RDX, gpr, raiseExit, rip, runRetired, setReg } from './state'

/** SYSCALL: RCX = the next RIP, R11 = RFLAGS (as the instruction does), then the exit. */
export function syscall(): void {
  setReg(8, RCX, rip)
  setReg(8, 11, fullFlags() | 2)
  raiseExit(CoreExit.Syscall, 0)
}

export function int3(): void { raiseExit(CoreExit.Breakpoint, 3) }
export function ud(): void { raiseExit(CoreExit.Undefined, 6) }
/** Privileged in user mode (HLT, CLI, STI, INT n): #GP. */
export function gp(): void { raiseExit(CoreExit.Exception, 13) }
export function nop(): void {}

/** CPUID reports exactly what the core implements (core-layout.ts). Unlisted leaves read 0. */
export function cpuid(): void {
  const leaf = <u32>gpr(RAX)
  const sub = <u32>gpr(RCX)
  let a: u32 = 0, b: u32 = 0, c: u32 = 0, d: u32 = 0
  if (leaf == 0) { a = CPUID_MAX_BASIC; b = CPUID_VENDOR_EBX; c = CPUID_VENDOR_ECX; d = CPUID_VENDOR_EDX }
  else if (leaf == 1) { a = CPUID_1_EAX; c = CPUID_1_ECX; d = CPUID_1_EDX }
  else if (leaf == 7 && sub == 0) { b = CPUID_7_EBX }
  else if (leaf == 0x80000000) { a = CPUID_MAX_EXT }
  else if (leaf == 0x80000001) { c = CPUID_81_ECX; d = CPUID_81_EDX }
  setReg(4, RAX, a); setReg(4, RBX, b); setReg(4, RCX, c); setReg(4, RDX, d)
}

/** RDTSC: virtual time, one tick per retired instruction plus the core's offset. */
export function rdtsc(): void {
  const cb = coreBase(curCore)
  const t = <u64>(load<f64>(cb + C_INSTRET) + runRetired + load<f64>(cb + C_TSCOFF))
  setReg(4, RAX, t & 0xFFFFFFFF)
  setReg(4, RDX, t >>> 32)
}
