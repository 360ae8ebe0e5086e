// The privileged architecture of a system context (docs/cpu-aarch64-system.md):
// small bare-metal programs (test/cpu/system/*.S) run from EL2 under
// qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 (the
// reference) and on our arm-ve machine (boards/arm-ve-machine.ts: RAM,
// PL011, GICv3, timer, PSCI), and both must print the same log of vectors,
// syndromes and values. The expected logs are checked against the Arm ARM
// by hand below.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ArmVeMachine } from '../../src/engine/boards/arm-ve-machine'

const RAM_PA = 0x4000_0000

const have = (cmd: string, arg = '--version') => spawnSync(cmd, [arg]).status === 0
const toolsPresent = have('clang') && have('ld.lld')
const qemuPresent = have('qemu-system-aarch64')
const dir = mkdtempSync(join(tmpdir(), 'l4lab-system-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function link(src: string, out: string): void {
  const r = spawnSync('clang', ['--target=aarch64-none-elf', '-nostdlib', '-fuse-ld=lld', `-Wl,-Ttext=0x${RAM_PA.toString(16)}`, '-I', join(__dirname, 'system'),
    src, '-o', out], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`clang: ${r.stderr}`)
}

/** Runs an ELF on the arm-ve machine from EL2 until it powers off; returns what the PL011 printed. */
function runOnMachine(elf: Uint8Array, cpus = 1): string {
  let out = ''
  const m = new ArmVeMachine({ cpus, output: (b) => (out += String.fromCharCode(b)) })
  const loaded = m.loadElf(elf)
  if (!loaded.ok) throw new Error(loaded.reason)
  m.boot(loaded.entry)
  m.run(50_000_000)
  if (m.stopped?.reason !== 'off') throw new Error(`not powered off (${JSON.stringify(m.stopped)}); printed: ${out}`)
  expect(m.unmappedAccesses).toBe(0)
  return out
}

/** Each program with the log it must print, checked against the Arm ARM by hand. */
const programs: { name: string; what: string; expected: string[]; cpus?: number }[] = [
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
      '0000000000002400', '000000006232c021', // MRS X1, CTR_EL0 under TID2: EC 0x18, op0 3, op2 1, op1 3, Rt 1, read
      '0000000000002400', '00000000623c0021', // MRS X1, REVIDR_EL1 under TID1: op2 6
      '0000000000000000', // SP_EL1 is the value EL2 set
    ],
  },
  {
    name: 'timer',
    what: 'the virtual timer and an SGI through the GICv3',
    expected: [
      '000000000000001b', '0000000000000005', // three ticks of CNTV: PPI 27, CNTV_CTL = ENABLE | ISTATUS
      '000000000000001b', '0000000000000005',
      '000000000000001b', '0000000000000005',
      '0000000000000005', '0000000000000000', // SGI 5 to itself; the timer is off by then
      '00000000000000ff', // ICC_RPR_EL1: idle
    ],
  },
  {
    name: 'smp',
    what: 'two cores: PSCI CPU_ON, LDXR/STXR on a shared counter, WFE/SEV, CPU_OFF',
    cpus: 2,
    expected: [
      '0000000000009c40', // 2 × 20000 increments, none lost
      '0000000000000002', // both cores done
      '0000000000000000',
      '0000000000000000', // CPU_ON: SUCCESS
      '0000000000000042', // core 1 started with x0 = the context id
      '0000000000000001', // core 1's MPIDR_EL1.Aff0
    ],
  },
  {
    name: 'vgic',
    what: 'a virtual interrupt injected through ICH_LR0 and taken at EL1',
    expected: [
      '0000000000000003', // ICH_VTR_EL2.ListRegs: four list registers
      '000000000000002a', // ICV_IAR1_EL1: vINTID 42
      '00000000000000a0', // ICV_RPR_EL1: its priority
      '0000000000000001', // the handler ran as soon as EL1 unmasked IRQs
      '10a000000000002a', // ICH_LR0 after EOI: state invalid, group, priority and vINTID kept
      '000000000000000f', // ICH_ELRSR_EL2: all four free
      '0000000000000000', // ICH_MISR_EL2
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
      const elf = join(dir, `${p.name}.elf`)
      link(src, elf)
      expect(runOnMachine(new Uint8Array(readFileSync(elf)), p.cpus)).toBe(expected)
    })

    it.skipIf(!qemuPresent)(`${p.name}.S prints the same under qemu-system-aarch64`, () => {
      const elf = join(dir, `${p.name}.elf`)
      link(src, elf)
      // -nographic would multiplex the monitor onto stdio, which waits on a piped stdin.
      const r = spawnSync('qemu-system-aarch64', ['-M', 'virt,virtualization=on,gic-version=3', '-cpu', 'cortex-a57', '-display', 'none',
        '-smp', String(p.cpus ?? 1), '-serial', 'stdio', '-monitor', 'none', '-net', 'none', '-kernel', elf], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] })
      expect(r.stdout.replace(/\r/g, '')).toBe(expected)
    })
  }
})
