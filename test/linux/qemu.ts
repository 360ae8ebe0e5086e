// Boots the Debian arm64 guest under qemu-system-aarch64, the reference for
// l4lab's arm-ve board: QEMU's virt machine with EL2 and GICv3, the same
// memory map, and virtio-mmio devices in place of l4lab's --disk and
// friends.
import { spawn, spawnSync } from 'node:child_process'
import { type Manifest, type VmShape, guestFile } from './guest'

export const QEMU = 'qemu-system-aarch64'

/** Why qemu cannot run here, or undefined. */
export function missingQemu(): string | undefined {
  return spawnSync(QEMU, ['--version']).status === 0 ? undefined : `${QEMU} not found (Debian package qemu-system-arm)`
}

/** qemu-system-aarch64 arguments for a VM of this shape; the disk is `diskPath` (default: the build's). */
export function qemuVmArgs(m: Manifest, vm: VmShape, append: string, diskPath = guestFile(m, 'disk')): string[] {
  const args = ['-M', 'virt,virtualization=on,gic-version=3', '-cpu', 'cortex-a57', '-smp', String(vm.cpus),
    '-m', String(vm.memMiB), '-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-net', 'none',
    '-kernel', guestFile(m, 'kernel'), '-initrd', guestFile(m, 'initramfs'), '-append', append]
  if (vm.disk) {
    args.push('-drive', `if=none,id=disk0,format=raw,file=${diskPath},readonly=${vm.disk.readOnly ? 'on' : 'off'}`,
      '-device', 'virtio-blk-device,drive=disk0')
  }
  // hvc0's output is not looked at; the init only checks that it appears.
  if (vm.console) args.push('-chardev', 'null,id=hvc0', '-device', 'virtio-serial-device', '-device', 'virtconsole,chardev=hvc0')
  if (vm.rng) args.push('-device', 'virtio-rng-device')
  // What l4lab gives a VM with a display, less the PL111 (virt has none; the init reports no display).
  if (vm.input) args.push('-device', 'virtio-keyboard-device', '-device', 'virtio-tablet-device')
  return args
}

export interface QemuRun {
  /** QEMU's exit status; null when it was killed at the deadline. */
  status: number | null
  /** The serial console (ttyAMA0). */
  output: string
  stderr: string
  seconds: number
}

/**
 * Boots the VM, feeds the console `input` as the guest asks for it (each
 * [prompt, reply] pair: reply is written once prompt has appeared), and
 * resolves when QEMU exits or at the deadline, when it is killed. `command`
 * runs another VM the same way (`l4lab vm`, test/linux/vm.test.ts).
 */
export function bootQemu(args: string[], input: Array<[string, string]> = [], deadlineMs = 120_000, command = QEMU): Promise<QemuRun> {
  const t0 = performance.now()
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  // With nothing to say the console reads end-of-file, as from /dev/null.
  if (!input.length) child.stdin.end()
  let output = ''
  let stderr = ''
  let next = 0
  let searchFrom = 0
  child.stdout.setEncoding('latin1')
  child.stdout.on('data', (chunk: string) => {
    output += chunk
    while (next < input.length) {
      const at = output.indexOf(input[next][0], searchFrom)
      if (at < 0) break
      searchFrom = at + input[next][0].length
      child.stdin.write(input[next++][1])
    }
  })
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => (stderr += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs)
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, output, stderr, seconds: (performance.now() - t0) / 1000 })
    })
  })
}
