/**
 * The benchmark program under qemu-aarch64, the reference `l4lab bench cpu`
 * compares with: the program writes "@part NAME" before each part and
 * "@end" after the last, and the wall time between markers is that part's.
 */
import { spawn, spawnSync } from 'node:child_process'

/** The user-mode qemu of each architecture bench cpu runs. */
export type QemuUser = 'qemu-aarch64' | 'qemu-x86_64'

export function qemuAarch64Present(qemu: QemuUser = 'qemu-aarch64'): boolean {
  return spawnSync(qemu, ['--version'], { stdio: 'ignore' }).status === 0
}

/** Seconds per part of `elf` under qemu-aarch64 (or `qemu`), and its result lines. */
export function qemuParts(elf: string, qemu: QemuUser = 'qemu-aarch64'): Promise<{ parts: Map<string, number>; results: string[] }> {
  return new Promise((resolve, reject) => {
    const p = spawn(qemu, [elf], { stdio: ['ignore', 'pipe', 'ignore'] })
    const parts = new Map<string, number>()
    const results: string[] = []
    let current: { name: string; t0: number } | null = null
    let text = ''
    p.stdout.on('data', (b: Buffer) => {
      const now = performance.now()
      text += b.toString('latin1')
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n')) {
        const line = text.slice(0, nl)
        text = text.slice(nl + 1)
        if (line.startsWith('@part ') || line === '@end') {
          if (current) parts.set(current.name, (now - current.t0) / 1000)
          current = line === '@end' ? null : { name: line.slice(6), t0: now }
        } else results.push(line)
      }
    })
    p.on('error', reject)
    p.on('close', (code) => (code === 0 ? resolve({ parts, results }) : reject(new Error(`${qemu} exited with ${code}`))))
  })
}
