// The proof of uvmm's generated device tree (apps/uvmm/device-tree.ts): an
// unmodified Debian arm64 kernel boots under qemu-system-aarch64 with it in
// place of QEMU's own, finds every device in it, and runs until it has no
// root file system. The kernel is .cache/debian/linux-arm64/Image
// (scripts/guests/fetch-debian.sh), or LINUX_IMAGE; without it, or without
// QEMU, the test is skipped.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { vmDeviceTree } from '../../src/engine/apps/uvmm/device-tree'
import { root } from '../support/built'

const image = process.env.LINUX_IMAGE ?? join(root, '.cache/debian/linux-arm64/Image')
const qemuPresent = spawnSync('qemu-system-aarch64', ['--version']).status === 0
const dir = mkdtempSync(join(tmpdir(), 'l4lab-dtb-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const PANIC = 'Kernel panic - not syncing: VFS: Unable to mount root fs'

/** Runs QEMU until the kernel prints PANIC (or `ms` pass); returns the serial output. */
function boot(dtb: string, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const q = spawn('qemu-system-aarch64', [
      '-M', 'virt,virtualization=on,gic-version=3', '-cpu', 'cortex-a57', '-smp', '2', '-m', '256',
      '-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-net', 'none', '-no-reboot',
      '-kernel', image, '-dtb', dtb,
    ], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const done = (): void => {
      clearTimeout(timer)
      q.kill('SIGKILL')
      resolve(out)
    }
    const timer = setTimeout(done, ms)
    q.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes(PANIC)) done()
    })
    q.stderr.on('data', (d: Buffer) => (out += d.toString()))
    q.on('exit', () => done())
  })
}

describe('the device tree uvmm generates', () => {
  it.skipIf(!qemuPresent || !existsSync(image))('boots Debian\'s arm64 kernel under QEMU to the missing root file system', async () => {
    // QEMU virt's memory and IRQ maps; with virtualization=on the guest has EL2, so PSCI is an SMC.
    const r = vmDeviceTree({
      memory: { base: 0x4000_0000, size: 256 << 20 },
      cpus: 2,
      mpidr: (n) => BigInt(n),
      bootargs: 'console=ttyAMA0 earlycon l4lab.dtb=generated',
      gicDist: { base: 0x800_0000, size: 0x1_0000 },
      gicRedist: { base: 0x80a_0000, size: 2 * 0x2_0000 },
      uart: { base: 0x900_0000, irq: 1 },
      rtc: { base: 0x901_0000, irq: 2 },
      virtio: Array.from({ length: 4 }, (_, i) => ({ base: 0xa00_0000 + 0x200 * i, size: 0x200, irq: 16 + i })),
      psci: 'smc',
    })
    if (!r.ok) throw new Error(r.reason)
    const dtb = join(dir, 'vm.dtb')
    writeFileSync(dtb, r.blob)
    const log = await boot(dtb, 150_000)
    if (process.env.DUMP_LOG) writeFileSync(process.env.DUMP_LOG, log)
    const has = (s: string | RegExp): void => {
      if (typeof s === 'string') expect(log, s).toContain(s)
      else expect(log).toMatch(s)
    }
    has('Machine model: linux,dummy-virt')
    has('Kernel command line: console=ttyAMA0 earlycon l4lab.dtb=generated') // our /chosen, not QEMU's -append
    has(/psci: PSCIv1\.\d detected in firmware/)
    // The redistributor region is ours (two vCPUs' worth); the GIC behind it is QEMU's.
    has('GICv3: CPU0: found redistributor 0 region 0:0x00000000080a0000')
    has('GICv3: CPU1: found redistributor 1 region 0:0x00000000080c0000')
    has(/arch_timer: cp15 timer\(s\) running at \d+\.\d+MHz/)
    has('smp: Brought up 1 node, 2 CPUs')
    has(/9000000\.pl011: ttyAMA0 at MMIO 0x9000000 \(irq = \d+, base_baud = \d+\) is a PL011 rev\d/)
    has(/rtc-pl031 9010000\.pl031: registered as rtc0/)
    has(PANIC)
  }, 180_000)
})
