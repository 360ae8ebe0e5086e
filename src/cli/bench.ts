/**
 * `l4lab bench NAME`: measurements, printed as `key: value unit` lines.
 *   ipc  — the kernel's IPC round trip (median and range of --runs=N fresh
 *          kernels, default 10) and map/unmap (src/engine/bench/ipc-bench.ts)
 *   cpu  — the AArch64 core on our benchmark program (guests/cpu-tests/bench.c):
 *          MIPS and the seconds of each part; with qemu-aarch64 installed the
 *          same program runs under it in the same run, alternating (best of
 *          --rounds=N, default 3), and each part gets its ratio_vs_qemu.
 *          --no-jit measures the interpreter without the block compiler,
 *          --no-qemu leaves qemu out. --arch x86_64: the same program built
 *          for x86-64 on the x86-64 core (under lx), against qemu-x86_64.
 *   boot — wall milliseconds from a board's start to each guest's shell
 *          prompt (bench-boot.ts)
 *   vms  — host memory per pv VM with 8 lx VMs in one board (bench-vms.ts)
 *   vm   — Debian's kernel under l4lab vm and qemu-system-aarch64, side by
 *          side: to our init's first line and to power-off (bench-vm.ts)
 *   console — bytes/s of a guest's console output at the engine worker's
 *          host side, with two VMs running (bench-console.ts)
 *   ui   — the lab in Chromium: prompts, keystroke echo, console MB/s to the
 *          xterm, display fps (bench-ui.ts)
 */
import { existsSync, readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { runCpuBench, runCpuBenchX86, runIpcBench } from '../engine'
import { projectRoot } from './paths'
import { qemuAarch64Present, qemuParts } from './qemu-parts'

/** `--name=N` as an integer in [min, max]; `fallback` when absent, null when malformed or out of range. */
function intOption(argv: string[], name: string, fallback: number, min: number, max: number): number | null {
  const arg = argv.find((a) => a.startsWith(`${name}=`))
  if (arg === undefined) return fallback
  const v = Number(arg.slice(name.length + 1))
  return Number.isInteger(v) && v >= min && v <= max ? v : null
}

export async function benchCommand(argv: string[]): Promise<number> {
  const name = argv[0]
  switch (name) {
    case 'ipc': {
      const runs = intOption(argv, '--runs', 10, 1, 100)
      const roundTrips = intOption(argv, '--round-trips', 2_000_000, 1000, 100_000_000)
      if (runs === null || roundTrips === null) {
        process.stderr.write('l4lab bench ipc: --runs=N wants 1..100, --round-trips=N 1000..100000000\n')
        return 2
      }
      for (const f of runIpcBench(() => performance.now() * 1e6, { runs, roundTrips })) process.stdout.write(`${f.key}: ${f.value} ${f.unit}\n`)
      return 0
    }
    case 'cpu': {
      const archAt = argv.indexOf('--arch')
      const arch = argv.find((a) => a.startsWith('--arch='))?.slice(7) ?? (archAt >= 0 ? argv[archAt + 1] : 'aarch64')
      if (arch !== 'aarch64' && arch !== 'x86_64') {
        process.stderr.write(`l4lab bench cpu: --arch wants aarch64 or x86_64, not ${JSON.stringify(arch ?? '')}\n`)
        return 2
      }
      const x86 = arch === 'x86_64'
      const elf = join(projectRoot, x86 ? 'build/guests/cpu-tests/x86_64/bench' : 'build/guests/cpu-tests/bench')
      if (!existsSync(elf)) {
        const build = [join(projectRoot, 'scripts/guests/cpu-tests.mjs'), ...(x86 ? ['--x86-bench'] : [])]
        const r = spawnSync(process.execPath, build, { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] })
        if (r.status !== 0 || !existsSync(elf)) {
          process.stderr.write('l4lab bench cpu: cannot build the benchmark program (needs clang and lld)\n')
          return 1
        }
      }
      const jit = !argv.includes('--no-jit')
      if (x86 && !jit) {
        process.stderr.write('l4lab bench cpu: --no-jit is for aarch64 only (the x86-64 core runs under lx, with its compiler)\n')
        return 2
      }
      // With qemu there, both run the same program in one run, alternating, best of the rounds each.
      const qemuUser = x86 ? 'qemu-x86_64' : 'qemu-aarch64'
      const qemu = !argv.includes('--no-qemu') && qemuAarch64Present(qemuUser)
      const roundsArg = argv.find((a) => a.startsWith('--rounds='))
      const rounds = roundsArg ? Number(roundsArg.slice(9)) : qemu ? 3 : 1
      if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) {
        process.stderr.write('l4lab bench cpu: --rounds=N wants 1..50\n')
        return 2
      }
      const bytes = readFileSync(elf)
      const ours = new Map<string, number>()
      const theirs = new Map<string, number>()
      const best = (m: Map<string, number>, k: string, v: number) => m.set(k, Math.min(m.get(k) ?? Infinity, v))
      let r: ReturnType<typeof runCpuBench> | null = null
      let qemuResults: string[] | null = null
      let mips = 0
      for (let round = 0; round < rounds; round++) {
        if (qemu) {
          try {
            const q = await qemuParts(elf, qemuUser)
            for (const [name, s] of q.parts) best(theirs, name, s)
            qemuResults = q.results
          } catch (e) {
            process.stderr.write(`l4lab bench cpu: ${qemuUser}: ${(e as Error).message}\n`)
            return 1
          }
        }
        r = x86 ? runCpuBenchX86(bytes) : runCpuBench(bytes, jit)
        if (r.error) {
          process.stderr.write(`l4lab bench cpu: ${r.error}\n`)
          return 1
        }
        mips = Math.max(mips, r.mips)
        for (const p of r.parts) best(ours, p.name, p.seconds)
      }
      if (!r) return 1
      process.stdout.write(`cpu.mips: ${mips.toFixed(1)} MIPS\n`)
      process.stdout.write(`cpu.instructions: ${r.instructions} instructions\n`)
      for (const p of r.parts) {
        const o = ours.get(p.name)!
        process.stdout.write(`cpu.${p.name}.seconds: ${o.toFixed(3)} s\n`)
        const q = theirs.get(p.name)
        if (q !== undefined) {
          process.stdout.write(`cpu.${p.name}.qemu_seconds: ${q.toFixed(3)} s\n`)
          process.stdout.write(`cpu.${p.name}.ratio_vs_qemu: ${(o / q).toFixed(2)}\n`)
        }
      }
      if (rounds > 1) process.stdout.write(`cpu.rounds: ${rounds} (best of each)\n`)
      // The program prints what it computed: both must have computed the same.
      if (qemuResults) process.stdout.write(`cpu.results_match_qemu: ${JSON.stringify(qemuResults) === JSON.stringify(r.results) ? 'yes' : 'no'}\n`)
      if (r.jit && jit) {
        process.stdout.write(`cpu.jit.regions: ${r.jit.compiled} regions (${r.jit.instructions} instructions, ${r.jit.wasmBytes} bytes of wasm)\n`)
        process.stdout.write(`cpu.jit.compile: ${r.jit.ms.toFixed(1)} ms\n`)
        if (r.jit.failed) process.stdout.write(`cpu.jit.failed: ${r.jit.failed} regions (${r.jit.lastError})\n`)
      }
      return 0
    }
    case 'boot':
      return (await import('./bench-boot')).benchBoot(argv.slice(1))
    case 'vm':
      return (await import('./bench-vm')).benchVm(argv.slice(1))
    case 'vms':
      return (await import('./bench-vms')).benchVms(argv.slice(1))
    case 'console':
      return (await import('./bench-console')).benchConsole(argv.slice(1))
    case 'ui':
      return (await import('./bench-ui')).benchUi(argv.slice(1))
    default:
      process.stderr.write(`l4lab bench: unknown benchmark ${JSON.stringify(name ?? '')} (ipc, cpu, boot, vm, vms, console, ui)\n`)
      return 2
  }
}
