// The bare-metal suite (guests/baremetal) on l4lab's arm-ve machine
// (boards/arm-ve-machine.ts): each ELF must print what the Arm ARM says,
// the same expected output QEMU is held to (qemu.test.ts; where QEMU 7.2
// departs from the architecture, this machine must not). lse needs an
// Armv8.1 CPU; the Cortex-A57 we model has no LSE (docs/decisions.md), so
// the program must report that and stop, as it does on a real A57.
// Where QEMU 7.2 departs from the architecture (NAME.qemu.expected: SP
// alignment, Device-memory alignment, level-0 blocks, a stage-2 fault on a
// stage-1 walk), this machine gives the architecture's answer.
import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { ArmVeMachine } from '../../src/engine/boards/arm-ve-machine'
import { PROGRAMS, buildSuite, elfPath, expectedOutput, missingToolchain } from './suite'

const missing = missingToolchain()

function runOnMachine(name: (typeof PROGRAMS)[number]): { out: string; stopped: ArmVeMachine['stopped'] } {
  let out = ''
  const m = new ArmVeMachine({ cpus: 2, ramMiB: 128, output: (b) => (out += String.fromCharCode(b)) })
  const loaded = m.loadElf(new Uint8Array(readFileSync(elfPath(name))))
  if (!loaded.ok) throw new Error(loaded.reason)
  m.boot(loaded.entry)
  m.run(500_000_000)
  return { out, stopped: m.stopped }
}

describe.skipIf(missing)(`the bare-metal suite on the arm-ve machine${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(() => buildSuite(), 120_000)

  for (const name of PROGRAMS.filter((p) => p !== 'lse')) {
    it(`${name} prints what the Arm ARM says`, () => {
      const r = runOnMachine(name)
      expect(r.out.replace(/\r/g, '')).toBe(expectedOutput(name).replace(/\r/g, ''))
      expect(r.stopped?.reason).toBe('off')
    }, 120_000)
  }

  it('lse finds no LSE atomics on the Cortex-A57 we model, and says so', () => {
    const r = runOnMachine('lse')
    expect(r.out).toMatch(/FAIL/)
    expect(r.stopped?.reason).toBe('off')
  }, 120_000)
})
