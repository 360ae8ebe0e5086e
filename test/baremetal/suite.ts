// The bare-metal AArch64 suite (guests/baremetal, docs/baremetal.md) as
// runners see it: the programs, where their ELFs are, and the output each
// must print. qemu.test.ts runs them under qemu-system-aarch64 (the
// reference); a runner for l4lab's board loads the same ELFs and compares
// with the same expectedOutput.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '../..')
export const SOURCE_DIR = join(ROOT, 'guests/baremetal')
export const ELF_DIR = join(ROOT, 'build/guests/baremetal')

/** One program per guests/baremetal/NAME.c (a test checks the two agree). */
export const PROGRAMS = ['exceptions', 'align', 'stage1', 'asid', 'el2', 'timer', 'smp', 'lse'] as const
export type ProgramName = (typeof PROGRAMS)[number]

export function elfPath(name: ProgramName): string {
  return join(ELF_DIR, `${name}.elf`)
}

/** What the program must print on a conforming machine (the Arm ARM's answer). */
export function expectedOutput(name: ProgramName): string {
  return readFileSync(join(SOURCE_DIR, `${name}.expected`), 'latin1')
}

/**
 * What it prints under QEMU 7.2: NAME.qemu.expected where QEMU departs from
 * the architecture (the program's header comment says where), else the same.
 */
export function qemuExpectedOutput(name: ProgramName): string {
  const own = join(SOURCE_DIR, `${name}.qemu.expected`)
  return existsSync(own) ? readFileSync(own, 'latin1') : expectedOutput(name)
}

/**
 * The CPU model QEMU emulates for the program: the cortex-a57, except
 * for lse, whose atomics (ARMv8.1) that core lacks.
 */
export function qemuCpu(name: ProgramName): string {
  return name === 'lse' ? 'cortex-a76' : 'cortex-a57'
}

/** The machine every program expects, as qemu-system-aarch64 arguments. */
export function qemuArgs(name: ProgramName): string[] {
  return ['-M', 'virt,virtualization=on,gic-version=3', '-cpu', qemuCpu(name), '-smp', '2', '-m', '128',
    '-nographic', '-net', 'none', '-kernel', elfPath(name)]
}

function runs(cmd: string): boolean {
  return spawnSync(cmd, ['--version']).status === 0
}

/** Why the suite cannot be built here, or undefined. */
export function missingToolchain(): string | undefined {
  if (!runs('clang-14') && !runs('clang')) return 'clang not found (Debian package clang)'
  if (!runs('ld.lld-14') && !runs('ld.lld')) return 'ld.lld not found (Debian package lld)'
  return undefined
}

/** Builds the ELFs that are not up to date; throws with the compiler's message. */
export function buildSuite(extraArgs: string[] = []): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/guests/baremetal.mjs'), ...extraArgs], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`building the bare-metal suite failed:\n${r.stdout}${r.stderr}`)
}
