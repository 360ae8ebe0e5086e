// uvmm's pure parts: its command line, PSCI's answers, and where the arm64
// boot protocol puts kernel, initrd and device tree.
import { describe, expect, it } from 'vitest'
import { parseUvmmArgs } from './args'
import { PSCI_FN, psciCall, type PsciHost } from './psci'
import { planBoot } from './boot-image'
import { sleepTimeout } from './vcpu'
import { IPC_NEVER, timeoutNs } from '../../kernel/uapi'

describe('uvmm command line', () => {
  it('takes the VM from its options and the kernel command line after --', () => {
    const a = parseUvmmArgs(['uvmm', '--kernel', 'rom/Image', '--initrd', 'rom/initrd', '--mem', '128M', '--cpus', '2', '--disk', 'rom/a.img,ro', '--disk', 'rom/b.img', '--', 'console=ttyAMA0', 'quiet'])
    expect(a).toEqual({
      kernel: 'Image', initrd: 'initrd', dtb: null, bootargs: 'console=ttyAMA0 quiet', memBytes: 128 << 20, cpus: 2,
      disks: [{ name: 'a.img', readOnly: true }, { name: 'b.img', readOnly: false }], rng: true, id: 'vm', epochMs: 1_767_225_600_000, display: null,
    })
    expect(parseUvmmArgs(['uvmm', '--kernel', 'k', '--display', '640x480'])).toMatchObject({ display: { width: 640, height: 480 } })
  })
  it.each([
    [['uvmm'], /no kernel/],
    [['uvmm', '--kernel', 'k', '--mem', 'lots'], /--mem: a size/],
    [['uvmm', '--kernel', 'k', '--mem', '16M'], /from 32M to 2048M/],
    [['uvmm', '--kernel', 'k', '--mem', '4G'], /from 32M to 2048M/],
    [['uvmm', '--kernel', 'k', '--mem', '33M'], /multiple of 2M/],
    [['uvmm', '--kernel', 'k', '--cpus', '9'], /--cpus: 1 to 8/],
    [['uvmm', '--kernel', 'k', '--disk', 'd,rx'], /unknown option rx/],
    [['uvmm', '--kernel', 'k', '--frobnicate'], /unknown option --frobnicate/],
    [['uvmm', '--kernel', 'k', '--display', 'big'], /a size such as 1024x768/],
    [['uvmm', '--kernel', 'k', '--display', '1280x720'], /multiple of 16 from 16 to 1024/],
    [['uvmm', '--kernel', 'k', '--display', '650x480'], /multiple of 16/],
    [['uvmm', '--kernel', 'k', '--display', '640x2000'], /height must be from 1 to 1024/],
  ])('refuses %j with a reason', (argv, why) => {
    expect(parseUvmmArgs(argv)).toMatch(why)
  })
})

describe('PSCI', () => {
  const host = (): PsciHost & { on: boolean[]; ended: string } => {
    const h = {
      vcpus: 2,
      on: [true, false],
      ended: '',
      cpuOn: (t: number) => (h.on[t] ? false : (h.on[t] = true)),
      cpuOff: (c: number) => void (h.on[c] = false),
      isOn: (v: number) => h.on[v],
      systemOff: () => void (h.ended = 'off'),
      systemReset: () => void (h.ended = 'reset'),
    }
    return h
  }
  const u = (n: bigint) => BigInt.asUintN(64, n)
  it('answers VERSION, FEATURES and MIGRATE_INFO_TYPE as PSCI 1.1 without a trusted OS', () => {
    const h = host()
    expect(psciCall(h, 0, [BigInt(PSCI_FN.version), 0n, 0n, 0n])).toBe(0x1_0001n)
    expect(psciCall(h, 0, [BigInt(PSCI_FN.features), BigInt(PSCI_FN.cpuOn64), 0n, 0n])).toBe(0n)
    expect(psciCall(h, 0, [BigInt(PSCI_FN.features), 0x8400_00ffn, 0n, 0n])).toBe(-1n)
    expect(psciCall(h, 0, [BigInt(PSCI_FN.migrateInfoType), 0n, 0n, 0n])).toBe(2n)
    expect(psciCall(h, 0, [0xc200_0000n, 0n, 0n, 0n])).toBe(-1n)
  })
  it('turns CPUs on once, reports their affinity, and validates the target', () => {
    const h = host()
    expect(psciCall(h, 0, [BigInt(PSCI_FN.affinityInfo64), 1n, 0n, 0n])).toBe(1n)
    expect(psciCall(h, 0, [BigInt(PSCI_FN.cpuOn64), 1n, 0x4000_0000n, 7n])).toBe(0n)
    expect(psciCall(h, 0, [BigInt(PSCI_FN.cpuOn64), 1n, 0x4000_0000n, 7n])).toBe(-4n)
    expect(psciCall(h, 0, [BigInt(PSCI_FN.affinityInfo64), 1n, 0n, 0n])).toBe(0n)
    expect(psciCall(h, 0, [BigInt(PSCI_FN.cpuOn64), 2n, 0n, 0n])).toBe(-2n)
    expect(psciCall(h, 0, [BigInt(PSCI_FN.cpuOn64), 0x100n, 0n, 0n])).toBe(-2n)
    // The 32-bit call ignores the upper halves of its arguments.
    expect(psciCall(h, 1, [BigInt(PSCI_FN.cpuOff), 0n, 0n, 0n])).toBeNull()
    expect(psciCall(h, 0, [BigInt(PSCI_FN.cpuOn32), u(-1n) << 32n | 1n, 0n, 0n])).toBe(0n)
  })
  it('ends the machine on SYSTEM_OFF and SYSTEM_RESET without returning', () => {
    const h = host()
    expect(psciCall(h, 0, [BigInt(PSCI_FN.systemReset), 0n, 0n, 0n])).toBeNull()
    expect(h.ended).toBe('reset')
    expect(psciCall(h, 0, [BigInt(PSCI_FN.systemOff), 0n, 0n, 0n])).toBeNull()
    expect(h.ended).toBe('off')
  })
})

describe('the arm64 boot protocol', () => {
  /** An arm64 Image header: text_offset, image_size, flags (4K pages, anywhere), the magic. */
  const image = (bytes: number, textOffset = 0, imageSize = bytes, flags = 0b1010): Uint8Array => {
    const b = new Uint8Array(bytes)
    const dv = new DataView(b.buffer)
    dv.setBigUint64(8, BigInt(textOffset), true)
    dv.setBigUint64(16, BigInt(imageSize), true)
    dv.setBigUint64(24, BigInt(flags), true)
    dv.setUint32(56, 0x644d5241, true)
    return b
  }
  const base = 0x4000_0000
  it('puts the kernel at base + text_offset, the initrd half-way up (at most 128 MiB), the DTB 2 MiB aligned after it', () => {
    const r = planBoot(base, 256 << 20, image(4096, 0, 30 << 20), 1 << 20, 2 << 20)
    expect(r).toMatchObject({ ok: true, plan: { kernelAt: base, entry: base, initrdAt: base + (128 << 20), dtbAt: base + (130 << 20) } })
    const small = planBoot(base, 64 << 20, image(4096, 0x80000, 8 << 20), 1 << 20, 2 << 20)
    expect(small).toMatchObject({ ok: true, plan: { kernelAt: base + 0x80000, initrdAt: base + (32 << 20), dtbAt: base + (34 << 20) } })
  })
  it('puts the initrd right after the kernel when half of RAM lies inside it', () => {
    const r = planBoot(base, 64 << 20, image(4096, 0, 40 << 20), 4 << 20, 2 << 20)
    expect(r).toMatchObject({ ok: true, plan: { initrdAt: base + (40 << 20), dtbAt: base + (44 << 20) } })
  })
  it.each([
    ['a file that is no Image', new Uint8Array(100), /kernel: not an arm64 Image/],
    ['a big-endian Image', image(4096, 0, 4096, 0b1011), /big-endian/],
    ['a 64 KiB page kernel', image(4096, 0, 4096, 0b0110), /64 KiB pages/],
    ['a kernel larger than RAM', image(4096, 0, 80 << 20), /do not fit in 64 MiB/],
  ])('refuses %s', (_name, bytes, why) => {
    const r = planBoot(base, 64 << 20, bytes, null, 2 << 20)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.reason).toMatch(why)
  })
  it('refuses an initrd that does not fit beside the kernel', () => {
    const r = planBoot(base, 64 << 20, image(4096, 0, 30 << 20), 40 << 20, 2 << 20)
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/initrd: \d+ bytes do not fit/) })
  })
})

describe('a vCPU sleeping in WFI', () => {
  it('sleeps to a timer the guest set anywhere in 64 bits, never failing on it', () => {
    expect(timeoutNs(sleepTimeout(100e6) & 0xffff)).toBeGreaterThanOrEqual(100e6)
    // CNTV_CVAL = 2^64 - 1: the longest timeout there is, looked at again then.
    const far = sleepTimeout(2 ** 64)
    expect(timeoutNs(far & 0xffff)).toBe(0x3ff * 2 ** 31 * 1000)
    expect(sleepTimeout(Infinity)).toBe(IPC_NEVER)
  })
})
