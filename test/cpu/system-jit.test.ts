// The block compiler in a system context (issue 13): jit.S runs a hot loop at
// EL1 with the MMU on, the same code through an alias mapping, and again
// after rewriting one of its instructions (DC CVAU, IC IVAU, ISB). Our
// machine with the compiler, without it, and qemu-system-aarch64 must print
// the same three results — and the compiler must really have compiled.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ArmVeMachine } from '../../src/engine/boards/arm-ve-machine'

const have = (cmd: string) => spawnSync(cmd, ['--version']).status === 0
const dir = mkdtempSync(join(tmpdir(), 'l4lab-sysjit-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** xorshift steps plus a running count, as mix in jit.S computes them. */
function mix(seed: bigint, passes: number, step: bigint): bigint {
  const m = 0xffff_ffff_ffff_ffffn
  let x = seed
  let n = 0n
  for (let i = 0; i < passes; i++) {
    x ^= (x << 13n) & m
    x ^= x >> 7n
    x ^= (x << 17n) & m
    n += step
    x = (x + n) & m
  }
  return x
}

const hex = (v: bigint) => v.toString(16).padStart(16, '0')
const expected = [mix(0x1234n, 0x30000, 1n), mix(0x5678n, 0x30000, 1n), mix(0x1234n, 0x30000, 3n)].map(hex).join('\n') + '\n'

describe.skipIf(!(have('clang') && have('ld.lld')))('the block compiler in a system context', () => {
  const elf = join(dir, 'jit.elf')
  const build = () => {
    const r = spawnSync('clang', ['--target=aarch64-none-elf', '-nostdlib', '-fuse-ld=lld', '-Wl,-Ttext=0x40000000', '-I', join(import.meta.dirname, 'system'),
      join(import.meta.dirname, 'system', 'jit.S'), '-o', elf], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(r.stderr)
  }

  function run(jit: boolean | number): { out: string; compiled: number } {
    let out = ''
    const m = new ArmVeMachine({ jit, output: (b) => (out += String.fromCharCode(b)) })
    const loaded = m.loadElf(new Uint8Array(readFileSync(elf)))
    if (!loaded.ok) throw new Error(loaded.reason)
    m.boot(loaded.entry)
    m.run(50_000_000)
    expect(m.stopped?.reason).toBe('off')
    return { out, compiled: m.core.jitStats().compiled }
  }

  it('compiles the hot loop at EL1 and computes what the interpreter and the model compute, through an alias and after a rewrite', () => {
    build()
    const compiled = run(16) // a threshold instead of the default warm-up, so this short run compiles
    expect(compiled.out).toBe(expected)
    expect(compiled.compiled).toBeGreaterThan(0)
    const interpreted = run(false)
    expect(interpreted.out).toBe(expected)
    expect(interpreted.compiled).toBe(0)
  })

  it.skipIf(!have('qemu-system-aarch64'))('prints what qemu-system-aarch64 prints', () => {
    build()
    const r = spawnSync('qemu-system-aarch64', ['-M', 'virt,virtualization=on,gic-version=3', '-cpu', 'cortex-a57', '-display', 'none',
      '-serial', 'stdio', '-monitor', 'none', '-net', 'none', '-kernel', elf], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] })
    expect(r.stdout.replace(/\r/g, '')).toBe(expected)
  })
})
