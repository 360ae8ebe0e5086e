// The Debian arm64 kernel guest (docs/guests.md, "Debian arm64 kernel") as
// runners see it: where the built material is, what the VM looks like, and
// the lines its init (guests/linux-arm64/init) must print. qemu.test.ts
// boots it under qemu-system-aarch64, the reference; l4lab's runner boots
// the same files on arm-ve and compares with the same expectedInitLines.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '../..')
export const GUEST_DIR = join(ROOT, 'build/guests/linux-arm64')
const BUILD_SCRIPT = join(ROOT, 'scripts/guests/build-linux-guest.mjs')

/** build/guests/linux-arm64/manifest.json. */
export interface Manifest {
  release: string
  package: string
  kernel: string
  initramfs: string
  disk: string
  diskFirstLine: string
  diskSectors: number
  modules: string[]
  builtinModules: string[]
  sha256: Record<string, string>
}

export function readManifest(dir = GUEST_DIR): Manifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest
}

/** A file of the build, by its manifest key. */
export function guestFile(m: Manifest, key: 'kernel' | 'initramfs' | 'disk', dir = GUEST_DIR): string {
  return join(dir, m[key])
}

/**
 * Builds the material (skipped when up to date). Returns why it cannot be
 * built here (no fetched kernel), or undefined when it was; throws on a
 * failed build.
 */
export function buildGuest(extraArgs: string[] = []): string | undefined {
  const r = spawnSync(process.execPath, [BUILD_SCRIPT, ...extraArgs], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`building the Linux guest failed:\n${r.stdout}${r.stderr}`)
  const skipped = /skipped \((.*)\)/.exec(r.stdout)
  return skipped ? skipped[1] : undefined
}

/** What the VM has: the same shape must give the same lines on every machine. */
export interface VmShape {
  cpus: number
  memMiB: number
  /** A virtio-blk disk holding the build's disk.img, or none. */
  disk?: { readOnly: boolean }
  /** A virtio console (hvc0). */
  console: boolean
  /** A virtio entropy device. */
  rng: boolean
  /** A virtio keyboard and tablet (on l4lab they come with a display: start_vm's display, uvmm's --display). */
  input?: boolean
}

/** RAM starts here on QEMU's virt and on l4lab's arm-ve. */
const RAM_BASE = 0x4000_0000
/** virtio device IDs (virtio 1.2, 5 "Device Types"). */
const VIRTIO_BLOCK = 2
const VIRTIO_CONSOLE = 3
const VIRTIO_ENTROPY = 4
const VIRTIO_INPUT = 18

/**
 * The init's lines, without the "l4lab-init: " prefix, for a VM of this
 * shape booted with l4lab.init=test. With `shellOn` (booted without it), the
 * lines up to the shell's start instead.
 */
export function expectedInitLines(m: Manifest, vm: VmShape, shellOn?: string): string[] {
  const hex = (n: number): string => `0x${n.toString(16)}`
  const ids = [vm.disk && VIRTIO_BLOCK, vm.console && VIRTIO_CONSOLE, vm.rng && VIRTIO_ENTROPY, vm.input && VIRTIO_INPUT, vm.input && VIRTIO_INPUT]
    .filter((id): id is number => typeof id === 'number')
    .map((id) => `0x${id.toString(16).padStart(4, '0')}`)
  const lines = [
    `kernel: ${m.release}`,
    ...m.modules.map((name) => `module ${name}: loaded`),
    `cpus: ${vm.cpus} online (${vm.cpus === 1 ? '0' : `0-${vm.cpus - 1}`})`,
    `memory: base ${hex(RAM_BASE)} size ${hex(vm.memMiB * 2 ** 20)}`,
    `ram: ${vm.memMiB} MiB`,
    `virtio devices: ${ids.length ? ids.join(' ') : 'none'}`,
    `hvc0: ${vm.console ? 'yes' : 'no'}`,
    ...(vm.disk
      ? [`disk: vda ${m.diskSectors} sectors, ro=${vm.disk.readOnly ? 1 : 0}`, `disk: first line: ${m.diskFirstLine}`]
      : ['disk: none']),
    vm.rng ? 'rng: virtio_rng.0, 16 bytes' : 'rng: none',
  ]
  return [...lines, shellOn ? `shell on /dev/${shellOn}` : 'test done, powering off']
}

export const INIT_PREFIX = 'l4lab-init: '

/** The init's lines in a console transcript, without the prefix. */
export function initLines(output: string): string[] {
  return output.split(/\r?\n/).filter((l) => l.startsWith(INIT_PREFIX)).map((l) => l.slice(INIT_PREFIX.length))
}

/** The kernel's last words on PSCI SYSTEM_OFF (kernel/reboot.c). */
export const POWER_DOWN = 'reboot: Power down'
