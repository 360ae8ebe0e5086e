// `l4lab bench cpu` puts our core beside qemu-aarch64 in the same run
// (issue 12, item 2): a ratio per part, and the two computed the same.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../..')
const qemu = spawnSync('qemu-aarch64', ['--version']).status === 0
const qemuX86 = spawnSync('qemu-x86_64', ['--version']).status === 0
const bench = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'l4lab.mjs'), 'bench', 'cpu', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 })

describe.skipIf(!qemu)('l4lab bench cpu beside qemu-aarch64', () => {
  it('prints each part’s seconds, qemu’s, and the ratio, and both computed the same', () => {
    const r = bench('--rounds=1')
    expect(r.status, r.stderr).toBe(0)
    const parts = [...r.stdout.matchAll(/^cpu\.(\w+)\.seconds: ([\d.]+) s$/gm)].map((m) => m[1])
    expect(parts.length).toBeGreaterThan(2)
    for (const p of parts) {
      const ours = Number(new RegExp(`^cpu\\.${p}\\.seconds: ([\\d.]+) s$`, 'm').exec(r.stdout)![1])
      const theirs = Number(new RegExp(`^cpu\\.${p}\\.qemu_seconds: ([\\d.]+) s$`, 'm').exec(r.stdout)![1])
      const ratio = Number(new RegExp(`^cpu\\.${p}\\.ratio_vs_qemu: ([\\d.]+)$`, 'm').exec(r.stdout)![1])
      expect(theirs).toBeGreaterThan(0)
      // The printed ratio is the printed seconds' (to their rounding).
      expect(Math.abs(ratio - ours / theirs)).toBeLessThan(0.05 * ratio + 0.01)
    }
    expect(r.stdout).toContain('cpu.results_match_qemu: yes\n')
  }, 300_000)

  it('--no-qemu measures ours alone', () => {
    const r = bench('--no-qemu')
    expect(r.status).toBe(0)
    expect(r.stdout).not.toContain('ratio_vs_qemu')
  }, 300_000)
})

describe.skipIf(!qemuX86)('l4lab bench cpu --arch x86_64 beside qemu-x86_64 (issue 16)', () => {
  it('runs the same program built for x86-64 on the x86-64 core, a ratio per part, and both computed the same', () => {
    const r = bench('--arch', 'x86_64', '--rounds=1')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^cpu\.sha256\.ratio_vs_qemu: [\d.]+$/m)
    expect(r.stdout).toContain('cpu.results_match_qemu: yes\n')
    expect(r.stdout).toMatch(/^cpu\.mips: [\d.]+ MIPS$/m)
    const bad = bench('--arch=sparc')
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('--arch wants aarch64 or x86_64, not "sparc"')
  }, 300_000)
})
