/**
 * What the New VM dialog writes into a scenario: the Lua for one VM, the
 * way the shipped scenarios start theirs (default.lua for lx, linux-arm.lua
 * for a Linux VM under uvmm). Each block is a `do … end` of its own with
 * its own `require`, so it runs wherever it is put and declares nothing
 * the rest of the scenario could clash with.
 *
 * An lx VM gets a memory allocator of its --mem plus room for its initrd and
 * lx's own data (LX_ALLOCATOR_EXTRA_MIB, as default.lua gives 80 MiB for
 * 64M), and a kernel-memory factory of its own. A Linux VM's quotas are made
 * by vmm.start_vm itself.
 */

export type VmKind = 'lx' | 'linux'

export interface NewVmSpec {
  kind: VmKind
  /** The VM's name: its console's tag (lx) or its id (Linux). */
  name: string
  /** lx: the rom initrd and the program it runs first; Linux: the rom kernel. */
  program: string
  /** lx: the rom initrd (its root file system); Linux: the rom initramfs ('' for none). */
  image: string
  memoryMiB: number
  /** Linux VMs only: lx runs its processes on one CPU. */
  cpus: number
  /** The console's colour (ned's log colours: r g y b m c w, upper case bright). */
  color: string
  /** Linux VMs only: a rom disk image ('' for none). */
  disk: string
}

export const LX_ALLOCATOR_EXTRA_MIB = 16
export const LX_KERNEL_MEMORY_MIB = 2
export const CONSOLE_COLORS = ['g', 'c', 'y', 'm', 'b', 'r', 'w'] as const

export function defaultVm(kind: VmKind, name: string): NewVmSpec {
  return kind === 'lx'
    ? { kind, name, program: '/bin/sh', image: 'rom/rootfs.cpio', memoryMiB: 64, cpus: 1, color: 'y', disk: '' }
    : { kind, name, program: 'rom/Image', image: 'rom/initramfs.cpio.gz', memoryMiB: 192, cpus: 1, color: 'y', disk: 'rom/disk.img' }
}

/** What is wrong with the spec, field by field (empty: it can be written). */
export function vmProblems(spec: NewVmSpec): Partial<Record<keyof NewVmSpec, string>> {
  const out: Partial<Record<keyof NewVmSpec, string>> = {}
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(spec.name)) out.name = 'a name of letters, digits, _ . - (at most 32)'
  const rom = (v: string) => /^rom\/[A-Za-z0-9_.+-]+$/.test(v)
  if (spec.kind === 'lx') {
    if (!/^\/\S*$/.test(spec.program)) out.program = 'an absolute path in the initrd, such as /bin/sh'
    if (!rom(spec.image)) out.image = 'a rom file, such as rom/rootfs.cpio'
    if (!Number.isInteger(spec.memoryMiB) || spec.memoryMiB < 1 || spec.memoryMiB > 4096) out.memoryMiB = 'whole MiB, 1 to 4096'
  } else {
    if (!rom(spec.program)) out.program = 'a rom kernel, such as rom/Image'
    if (spec.image !== '' && !rom(spec.image)) out.image = 'a rom file, or nothing'
    if (spec.disk !== '' && !rom(spec.disk)) out.disk = 'a rom file, or nothing'
    // uvmm's rule (vmm.start_vm): an even number of MiB, at least 32.
    if (!Number.isInteger(spec.memoryMiB) || spec.memoryMiB < 32 || spec.memoryMiB % 2 !== 0 || spec.memoryMiB > 4096) out.memoryMiB = 'an even number of MiB, 32 to 4096'
    if (!Number.isInteger(spec.cpus) || spec.cpus < 1 || spec.cpus > 8) out.cpus = '1 to 8'
  }
  if (!/^[rgybmcwRGYBMCW]$/.test(spec.color)) out.color = 'one of r g y b m c w'
  return out
}

/** Our shell as a login shell (sh -l reads /etc/profile, which greets with /etc/motd), as default.lua starts it. */
function loginArgs(program: string): string {
  return program === '/bin/sh' ? ' -- -l' : ''
}

/** The Lua block that starts the VM (the spec must have no problems). */
export function newVmLua(spec: NewVmSpec): string {
  const q = (s: string) => JSON.stringify(s)
  if (spec.kind === 'lx') {
    return [
      `-- ${spec.name}: an lx VM (New VM dialog)`,
      'do',
      '  local L4 = require "L4"',
      `  local mem = L4.Env.mem_alloc:create(L4.Proto.Factory, ${spec.memoryMiB + LX_ALLOCATOR_EXTRA_MIB} * L4.MiB)`,
      `  local kmem = L4.Env.factory:create(L4.Proto.Factory, ${LX_KERNEL_MEMORY_MIB} * L4.MiB)`,
      '  L4.default_loader:start(',
      `    { log = { ${q(spec.name)}, ${q(spec.color)} }, mem = mem, factory = kmem },`,
      `    ${q(`rom/lx --initrd ${spec.image} --init ${spec.program} --mem ${spec.memoryMiB}M --hostname ${spec.name}${loginArgs(spec.program)}`)})`,
      'end',
      '',
    ].join('\n')
  }
  const fields = [
    `id = ${q(spec.name)}`,
    `color = ${q(spec.color)}`,
    `mem = ${spec.memoryMiB}`,
    `cpus = ${spec.cpus}`,
    `kernel = ${q(spec.program)}`,
    ...(spec.image ? [`ramdisk = ${q(spec.image)}`] : []),
    ...(spec.disk ? [`disks = { ${q(spec.disk)} }`] : []),
    `bootargs = ${q(`console=ttyAMA0 l4lab.hostname=${spec.name}`)}`,
  ]
  return [`-- ${spec.name}: a Linux VM under uvmm (New VM dialog)`, 'do', '  local vmm = require "vmm"', '  vmm.start_vm {', ...fields.map((f) => `    ${f},`), '  }', 'end', ''].join('\n')
}

/** A name no VM of the scenario has yet: vm1, vm2 … (names are the log tags and ids written in it). */
export function freeVmName(source: string): string {
  for (let n = 1; ; n++) if (!new RegExp(`["']vm${n}["']`).test(source)) return `vm${n}`
}

/** The source with the block appended after what is there, on a line of its own. */
export function appendBlock(source: string, block: string): string {
  if (source === '') return block
  return source.endsWith('\n\n') ? source + block : source.endsWith('\n') ? `${source}\n${block}` : `${source}\n\n${block}`
}
