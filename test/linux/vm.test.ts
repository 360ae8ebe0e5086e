// Debian's arm64 kernel with our initramfs under `l4lab vm --board arm-ve`:
// uvmm on our microkernel must boot it to the same init report as
// qemu-system-aarch64 gives for the same kernel, initramfs, disk, RAM and
// CPUs (the known answers of test/linux/guest.ts, and QEMU in the same run),
// power off through PSCI, and run an interactive shell on its console.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Manifest, type VmShape, POWER_DOWN, ROOT, buildGuest, expectedInitLines, guestFile, initLines, readManifest } from './guest'
import { bootQemu, missingQemu, qemuVmArgs } from './qemu'

const missing = missingQemu() ?? buildGuest()
const title = missing ? `Debian arm64 kernel under l4lab vm (skipped: ${missing})` : 'Debian arm64 kernel under l4lab vm'
const TEST = 'console=ttyAMA0 l4lab.init=test'
const L4LAB = join(ROOT, 'bin/l4lab.mjs')

function l4labVmArgs(m: Manifest, vm: VmShape, append: string, diskPath = guestFile(m, 'disk')): string[] {
  const args = [L4LAB, 'vm', '--board', 'arm-ve', '--kernel', guestFile(m, 'kernel'), '--initrd', guestFile(m, 'initramfs'),
    '--mem', String(vm.memMiB), '--cpus', String(vm.cpus), '--append', append]
  if (vm.disk) args.push('--disk', `${diskPath}${vm.disk.readOnly ? ',ro' : ''}`)
  return args
}

const bootL4lab = (args: string[], input: Array<[string, string]> = []) => bootQemu(args, input, 240_000, process.execPath)

describe.skipIf(missing !== undefined)(title, () => {
  let m: Manifest
  let tmp: string
  beforeAll(() => {
    m = readManifest()
    tmp = mkdtempSync(join(tmpdir(), 'l4lab-vm-'))
  })
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))

  test('1 vCPU, 256 MiB, read-only disk, hvc0 and entropy: the same report as qemu-system-aarch64', async () => {
    const vm: VmShape = { cpus: 1, memMiB: 256, disk: { readOnly: true }, console: true, rng: true }
    const [ours, qemu] = await Promise.all([bootL4lab(l4labVmArgs(m, vm, TEST)), bootQemu(qemuVmArgs(m, vm, TEST))])
    expect(ours.status, `l4lab vm did not exit by itself:\n${ours.output}\n${ours.stderr}`).toBe(0)
    expect(ours.output).toContain(POWER_DOWN)
    expect(initLines(ours.output)).toEqual(expectedInitLines(m, vm))
    expect(initLines(ours.output)).toEqual(initLines(qemu.output))
  }, 300_000)

  test('2 vCPUs, 512 MiB, a writable disk the guest writes through virtio-blk', async () => {
    const vm: VmShape = { cpus: 2, memMiB: 512, disk: { readOnly: false }, console: true, rng: true }
    const disk = join(tmp, 'disk.img')
    copyFileSync(guestFile(m, 'disk'), disk)
    const r = await bootL4lab(l4labVmArgs(m, vm, 'console=ttyAMA0 l4lab.hostname=vm2', disk), [
      ['vm2:/root# ', 'echo "$(nproc) $(hostname) $((6 * 7))"; echo written-by-the-guest | dd of=/dev/vda bs=512 seek=1 conv=fsync 2>/dev/null; echo dd=$?\n'],
      ['dd=0', 'exit\n'],
    ])
    expect(r.status, `l4lab vm did not exit by itself:\n${r.output}\n${r.stderr}`).toBe(0)
    expect(r.output).toContain('2 vm2 42')
    expect(initLines(r.output)).toEqual([...expectedInitLines(m, vm, 'ttyAMA0'), 'shell exited, powering off'])
    // The file behind the disk holds what the guest wrote at sector 1.
    expect(new TextDecoder().decode(readFileSync(disk).subarray(512, 532))).toBe('written-by-the-guest')
  }, 300_000)

  test('a kernel that is no kernel: exit 1 with the reason', async () => {
    const r = await bootL4lab([L4LAB, 'vm', '--board', 'arm-ve', '--kernel', guestFile(m, 'disk')])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/cannot boot: kernel: not an arm64 Image/)
  }, 60_000)
})
