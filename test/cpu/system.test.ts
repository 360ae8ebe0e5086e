// The privileged architecture of a system context (docs/cpu-aarch64-system.md):
// small bare-metal programs (test/cpu/system/*.S) run from EL2 under
// qemu-system-aarch64 (the reference) and on our core with a board of two
// devices written here — a PL011 data register that collects bytes and PSCI
// SYSTEM_OFF on SMC — and both must print the same log of vectors,
// syndromes and values. The expected logs are checked against the Arm ARM
// by hand below.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Aarch64Core } from '../../src/engine/cpu/aarch64/aarch64-core'
import { SysMode } from '../../src/engine/cpu/aarch64/core-layout'
import { Access, CoreExit } from '../../src/engine/cpu/core-abi'

const RAM_PA = 0x4000_0000
const UART = 0x0900_0000
const PSCI_SYSTEM_OFF = 0x8400_0008n

const have = (cmd: string, arg = '--version') => spawnSync(cmd, [arg]).status === 0
const toolsPresent = have('clang') && have('ld.lld')
const qemuPresent = have('qemu-system-aarch64')
const dir = mkdtempSync(join(tmpdir(), 'l4lab-system-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function link(src: string, out: string, binary: boolean): void {
  const r = spawnSync('clang', ['--target=aarch64-none-elf', '-nostdlib', '-fuse-ld=lld', `-Wl,-Ttext=0x${RAM_PA.toString(16)}`,
    ...(binary ? ['-Wl,--oformat=binary'] : []), src, '-o', out], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`clang: ${r.stderr}`)
}

/** Runs a flat image at RAM_PA on one core from EL2 until SYSTEM_OFF; returns what the PL011 printed. */
function runOnCore(image: Uint8Array): string {
  const core = Aarch64Core.create({ ramBytes: 16 << 20, cores: 1, translate: () => -1 })
  core.ram.set(image, 0)
  const ctx = core.allocContext()
  ctx.setMode(SysMode.System, 2)
  ctx.setPc(BigInt(RAM_PA))
  let out = ''
  for (let i = 0; i < 1000; i++) {
    const exit = core.run(0, ctx, 1, 100_000)
    if (exit === CoreExit.Budget) continue
    const d = core.details(0)
    if (exit === CoreExit.Stage2Abort && d.ipa === UART && d.access === Access.Write) {
      // ISV set: the syndrome names the register (SRT) the byte came from.
      expect(d.syndrome >>> 24 & 1).toBe(1)
      out += String.fromCharCode(Number(ctx.x((d.syndrome >>> 16) & 31) & 0xffn))
      ctx.setPc(ctx.pc + 4n)
      continue
    }
    if (exit === CoreExit.Smc && ctx.x(0) === PSCI_SYSTEM_OFF) return out
    throw new Error(`unexpected exit ${exit} at ${ctx.pc.toString(16)} (syndrome ${d.syndrome.toString(16)}); printed: ${out}`)
  }
  throw new Error(`no SYSTEM_OFF; printed: ${out}`)
}

/** Each program with the log it must print, checked against the Arm ARM by hand. */
const programs: { name: string; what: string; expected: string[] }[] = [
  {
    name: 'exceptions',
    what: 'exceptions and privileged instructions from EL2 to EL1',
    expected: [
      'A',
      '0000000000000008', // CurrentEL at reset: EL2
      '0000000000002200', '000000005a000042', // HVC at EL2: EL2's vector for the current EL with SP_EL2; EC 0x16, IL, imm
      '0000000000000004', // after ERET: EL1
      '0000000000001200', '0000000056000007', // SVC at EL1: EC 0x15
      '0000000000002400', '000000005a000009', // HVC from EL1: EL2's vector for a lower EL
      '0000000000001200', '0000000002000000', // UDF: EC 0 (unknown), IL
      '0000000000001200', '00000000f2000003', // BRK #3: EC 0x3C
      '0000000000002400', '0000000062300400', // MSR SCTLR_EL1 under HCR_EL2.TVM: EC 0x18, ISS op0=3 CRn=1 Rt=0, write
      '0000000000002400', '0000000007e00000', // WFI under HCR_EL2.TWI: EC 1, CV, COND 0xE, TI = 0
      '0000000000000000', // SP_EL1 is the value EL2 set
    ],
  },
  {
    name: 'mmu',
    what: 'stage-1 translation at EL1 and EL0',
    expected: [
      'M', // the PL011 through a device block
      '0000000000000200', '000000009600000b', '0000000000000000', // access flag fault, level 3: EC 0x25 (same EL), DFSC 0x0B, FAR
      '0000000000000200', '000000009600004f', '0000000000001000', // write to a read-only page: WnR, permission fault level 3
      '1111222233334444', // reading the read-only page
      '0000000000000200', '0000000096000007', '0000000000002000', // invalid page: translation fault, level 3
      '0000000000000200', '0000000096000005', '0000000040000000', // invalid level-1 entry: translation fault, level 1
      '1111222233334444', // the same RAM through TTBR1 at 0xffff_ff80_0000_0000
      '5555666677778888', // the page remapped, after TLBI VAE1
      '0000000000000400', '000000009200000f', '0000000000004000', // EL0 reading an EL1-only page: EC 0x24 (lower EL), to EL1's lower-EL vector
    ],
  },
]

describe.skipIf(!toolsPresent)('system contexts: the privileged architecture against qemu-system-aarch64', () => {
  for (const p of programs) {
    const expected = p.expected.join('\n') + '\n'
    const src = join(__dirname, 'system', `${p.name}.S`)

    it(`${p.name}.S (${p.what}) prints the log the Arm ARM gives`, () => {
      const bin = join(dir, `${p.name}.bin`)
      link(src, bin, true)
      expect(runOnCore(new Uint8Array(readFileSync(bin)))).toBe(expected)
    })

    it.skipIf(!qemuPresent)(`${p.name}.S prints the same under qemu-system-aarch64`, () => {
      const elf = join(dir, `${p.name}.elf`)
      link(src, elf, false)
      // -nographic would multiplex the monitor onto stdio, which waits on a piped stdin.
      const r = spawnSync('qemu-system-aarch64', ['-M', 'virt,virtualization=on', '-cpu', 'cortex-a57', '-display', 'none',
        '-serial', 'stdio', '-monitor', 'none', '-net', 'none', '-kernel', elf], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] })
      expect(r.stdout.replace(/\r/g, '')).toBe(expected)
    })
  }
})
