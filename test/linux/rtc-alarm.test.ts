// The RTC alarm of a Linux VM: Debian's arm64 kernel's rtc-pl031 sets the
// PL031's match register when a program asks for an alarm
// (/sys/class/rtc/rtc0/wakealarm) and takes the interrupt when the count
// reaches it. Nothing ticks inside the PL031, so uvmm's vCPU 0 polls it
// and sleeps no longer than to the alarm; before it did, the interrupt came
// only if the guest happened to read an RTC register. Same commands under
// qemu-system-aarch64 in the same run.
import { beforeAll, describe, expect, test } from 'vitest'
import { join } from 'node:path'
import { type Manifest, type VmShape, ROOT, buildGuest, guestFile, readManifest } from './guest'
import { bootQemu, missingQemu, qemuVmArgs } from './qemu'

const missing = missingQemu() ?? buildGuest()
const L4LAB = join(ROOT, 'bin/l4lab.mjs')
const APPEND = 'console=ttyAMA0 l4lab.hostname=rtc'
// An alarm 2 s ahead; 4 s later the alarm is gone from wakealarm (it fired) and the PL031's interrupt was counted.
const SCRIPT =
  'echo +2 > /sys/class/rtc/rtc0/wakealarm; echo armed=$(cat /sys/class/rtc/rtc0/wakealarm | wc -c); sleep 4; ' +
  'echo after=$(cat /sys/class/rtc/rtc0/wakealarm | wc -c); echo irqs=$(grep -i pl031 /proc/interrupts | awk \'{print $2}\')\n'

describe.skipIf(missing !== undefined)('RTC alarm of a Linux VM (PL031)', () => {
  let m: Manifest
  beforeAll(() => {
    m = readManifest()
  })

  test('fires as under qemu-system-aarch64: the alarm is consumed and one interrupt counted', async () => {
    const vm: VmShape = { cpus: 1, memMiB: 256, console: false, rng: false }
    const input: Array<[string, string]> = [
      ['rtc:/root# ', SCRIPT],
      ['irqs=', 'exit\n'],
    ]
    const l4labArgs = [L4LAB, 'vm', '--board', 'arm-ve', '--kernel', guestFile(m, 'kernel'), '--initrd', guestFile(m, 'initramfs'), '--mem', '256', '--cpus', '1', '--append', APPEND]
    const [ours, qemu] = await Promise.all([bootQemu(l4labArgs, input, 240_000, process.execPath), bootQemu(qemuVmArgs(m, vm, APPEND), input, 240_000)])
    const lines = (out: string) => out.split(/\r?\n/).filter((l) => /^(armed|after|irqs)=/.test(l))
    expect(lines(qemu.output)).toEqual(['armed=11', 'after=0', 'irqs=1'])
    expect(lines(ours.output)).toEqual(lines(qemu.output))
  }, 300_000)
})
