// Prints runCpuBench() for build/guests/cpu-tests/bench as `key: value unit`
// lines (what `l4lab bench cpu` prints); used by scripts/guests/cpu-bench-vs-qemu.mjs.
import { readFileSync } from 'node:fs'
import { runCpuBench } from '../../src/engine/bench/cpu-bench'

const args = process.argv.slice(2)
const elf = args.find((a) => !a.startsWith('--')) ?? 'build/guests/cpu-tests/bench'
const r = runCpuBench(readFileSync(elf), !args.includes('--no-jit'))
if (r.error) console.log(`cpu.error: ${r.error}`)
console.log(`cpu.mips: ${r.mips.toFixed(1)}`)
for (const p of r.parts) console.log(`cpu.${p.name}: ${p.seconds.toFixed(3)} s (${(p.instructions / 1e6).toFixed(1)} M instructions)`)
for (const l of r.results) console.log(`cpu.result: ${l}`)
if (r.jit?.compiled) console.log(`cpu.jit: ${r.jit.compiled} regions, ${r.jit.instructions} instructions, ${r.jit.ms.toFixed(1)} ms to compile`)
