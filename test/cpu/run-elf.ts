// Runs a static AArch64 ELF on our core through the test harness and passes
// its output and exit status through; for debugging the corpus by hand:
//   npx esbuild test/cpu/run-elf.ts --bundle --platform=node --format=esm --outfile=build/run-elf.mjs
//   node build/run-elf.mjs build/guests/cpu-tests/hello
import { readFileSync } from 'node:fs'
import { runElf } from '../../src/engine/cpu/aarch64/testing/harness'

const file = process.argv[2]
if (!file) { console.error('usage: run-elf ELF'); process.exit(2) }
const t0 = performance.now()
const r = runElf(readFileSync(file), { onWrite: (fd, b) => (fd === 2 ? process.stderr : process.stdout).write(b) })
const s = (performance.now() - t0) / 1000
if (r.error) console.error(`run-elf: ${r.error}`)
if (process.env.RUN_ELF_STATS) console.error(`run-elf: ${r.instructions} instructions in ${s.toFixed(3)} s = ${(r.instructions / s / 1e6).toFixed(1)} MIPS`)
process.exit(r.exitCode ?? 125)
