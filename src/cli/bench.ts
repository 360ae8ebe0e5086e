/**
 * `l4lab bench NAME`: measurements, printed as `key: value unit` lines.
 *   ipc  — the kernel's IPC round trip and map/unmap (src/engine/bench/ipc-bench.ts)
 *   cpu  — the AArch64 core on our benchmark program (guests/cpu-tests/bench.c):
 *          MIPS and the seconds of each part; scripts/guests/cpu-bench-vs-qemu.mjs
 *          puts the same program under qemu-aarch64 side by side. --no-jit
 *          measures the interpreter without the block compiler.
 *   boot — wall milliseconds from a board's start to each guest's shell
 *          prompt (bench-boot.ts)
 */
import { existsSync, readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { runCpuBench, runIpcBench } from '../engine'
import { projectRoot } from './paths'
import { benchBoot } from './bench-boot'

export async function benchCommand(argv: string[]): Promise<number> {
  const name = argv[0]
  switch (name) {
    case 'ipc': {
      for (const f of runIpcBench(() => performance.now() * 1e6)) process.stdout.write(`${f.key}: ${f.value} ${f.unit}\n`)
      return 0
    }
    case 'cpu': {
      const elf = join(projectRoot, 'build/guests/cpu-tests/bench')
      if (!existsSync(elf)) {
        const r = spawnSync(process.execPath, [join(projectRoot, 'scripts/guests/cpu-tests.mjs')], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] })
        if (r.status !== 0 || !existsSync(elf)) {
          process.stderr.write('l4lab bench cpu: cannot build the benchmark program (needs clang and lld)\n')
          return 1
        }
      }
      const jit = !argv.includes('--no-jit')
      const r = runCpuBench(readFileSync(elf), jit)
      if (r.error) {
        process.stderr.write(`l4lab bench cpu: ${r.error}\n`)
        return 1
      }
      process.stdout.write(`cpu.mips: ${r.mips.toFixed(1)} MIPS\n`)
      process.stdout.write(`cpu.instructions: ${r.instructions} instructions\n`)
      for (const p of r.parts) process.stdout.write(`cpu.${p.name}.seconds: ${p.seconds.toFixed(3)} s\n`)
      if (r.jit && jit) {
        process.stdout.write(`cpu.jit.regions: ${r.jit.compiled} regions (${r.jit.instructions} instructions, ${r.jit.wasmBytes} bytes of wasm)\n`)
        process.stdout.write(`cpu.jit.compile: ${r.jit.ms.toFixed(1)} ms\n`)
        if (r.jit.failed) process.stdout.write(`cpu.jit.failed: ${r.jit.failed} regions (${r.jit.lastError})\n`)
      }
      return 0
    }
    case 'boot':
      return benchBoot(argv.slice(1))
    default:
      process.stderr.write(`l4lab bench: unknown benchmark ${JSON.stringify(name ?? '')} (ipc, cpu, boot)\n`)
      return 2
  }
}
