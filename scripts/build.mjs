#!/usr/bin/env node
// Builds everything the lab runs from: the CPU cores (AssemblyScript → wasm,
// embedded as generated TypeScript so the engine stays free of file I/O),
// ned's Lua prelude (a precompiled chunk, generated TypeScript as well),
// the CLI and the engine worker (esbuild), and the Electron main/preload and
// renderer bundles (electron-vite), and the Linux VM guest material when
// .cache/debian holds a fetched kernel (scripts/guests/fetch-debian.sh).
// Steps whose outputs are newer than their inputs are skipped; `--force`
// rebuilds all.
import { buildCores } from './build/cores.mjs'
import { buildLua } from './build/lua.mjs'
import { buildNode } from './build/node.mjs'
import { buildRenderer } from './build/renderer.mjs'
import { buildLinuxGuest } from './guests/build-linux-guest.mjs'

const force = process.argv.includes('--force')
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7)
const steps = { cores: buildCores, lua: buildLua, node: buildNode, renderer: buildRenderer, 'linux-guest': buildLinuxGuest }

const t0 = performance.now()
for (const [name, step] of Object.entries(steps)) {
  if (only && !only.split(',').includes(name)) continue
  const t = performance.now()
  // A step says 'built', 'up to date' or why it skipped itself, or true/false.
  const did = await step({ force })
  const what = typeof did === 'string' ? did : did ? 'built' : 'up to date'
  console.log(`build: ${name} ${what} (${((performance.now() - t) / 1000).toFixed(1)} s)`)
}
console.log(`build: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
