// Debian's arm64 kernel with our initramfs under qemu-system-aarch64: the
// init's report must be exactly what the VM's shape predicts, and the VM must
// power off through PSCI SYSTEM_OFF (QEMU then exits with status 0).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Manifest, type VmShape, POWER_DOWN, buildGuest, expectedInitLines, guestFile, initLines, readManifest } from './guest'
import { bootQemu, missingQemu, qemuVmArgs } from './qemu'

// Building is quick and needs only the fetched kernel; it is done here so
// that its absence is a reason to skip rather than a failure.
const missing = missingQemu() ?? buildGuest()
const title = missing ? `Debian arm64 kernel under qemu (skipped: ${missing})` : 'Debian arm64 kernel under qemu'
const TEST = 'console=ttyAMA0 l4lab.init=test'

describe.skipIf(missing !== undefined)(title, () => {
  let m: Manifest
  let tmp: string
  beforeAll(() => {
    m = readManifest()
    tmp = mkdtempSync(join(tmpdir(), 'l4lab-linux-'))
  })
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))

  // Each boot takes 3-4 s on an idle machine; the deadline only stops a VM
  // that never powers off.
  const boot = async (vm: VmShape, diskPath?: string) => {
    const r = await bootQemu(qemuVmArgs(m, vm, TEST, diskPath))
    expect(r.status, `qemu did not exit by itself:\n${r.output}`).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.output).toContain(POWER_DOWN)
    expect(initLines(r.output)).toEqual(expectedInitLines(m, vm))
  }

  test('1 CPU, 256 MiB, read-only disk, console and entropy', async () => {
    await boot({ cpus: 1, memMiB: 256, disk: { readOnly: true }, console: true, rng: true })
  }, 150_000)

  test('2 CPUs, 512 MiB, writable disk', async () => {
    const disk = join(tmp, 'disk.img')
    copyFileSync(guestFile(m, 'disk'), disk)
    await boot({ cpus: 2, memMiB: 512, disk: { readOnly: false }, console: true, rng: true }, disk)
  }, 150_000)

  test('a virtio keyboard and tablet (what l4lab gives a VM with a display, less its PL111)', async () => {
    await boot({ cpus: 1, memMiB: 192, console: true, rng: true, input: true })
  }, 150_000)

  test('no virtio devices: the modules load, nothing is found', async () => {
    await boot({ cpus: 1, memMiB: 128, console: false, rng: false })
  }, 150_000)

  test('by default, a shell on the console with the hostname in its prompt; exit powers off', async () => {
    const vm: VmShape = { cpus: 1, memMiB: 256, console: false, rng: false }
    const r = await bootQemu(qemuVmArgs(m, vm, 'console=ttyAMA0 l4lab.hostname=vm1'), [
      ['vm1:/root# ', 'echo "$(hostname) $(tty) $((6 * 7))"\n'],
      ['vm1 /dev/ttyAMA0 42', 'exit\n'],
    ])
    expect(r.status, `qemu did not exit by itself:\n${r.output}`).toBe(0)
    expect(r.output).toContain('vm1 /dev/ttyAMA0 42')
    expect(initLines(r.output)).toEqual([...expectedInitLines(m, vm, 'ttyAMA0'), 'shell exited, powering off'])
    expect(r.output).toContain(POWER_DOWN)
  }, 150_000)
})
