// The CLI and the engine worker, bundled by esbuild for Node. The Electron
// main process reaches the same worker file (out/engine/worker.mjs).
import { rmSync } from 'node:fs'
import { build } from 'esbuild'
import { isFresh } from '../lib/fresh.mjs'
import { nodeStep } from './steps.mjs'

const { inputs, outputs } = nodeStep

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  packages: 'external',
  logLevel: 'warning',
  define: { 'process.env.L4LAB_BUNDLED': '"1"' },
}

/**
 * The CLI's esbuild options, with `outdir` (test/unit/cli-chunks.test.ts
 * builds with them too). The CLI is split: src/cli/main.ts imports each
 * command when it runs and esbuild gives each its chunk, shared code chunks of
 * its own, so `l4lab exec` loads neither fengari nor ws. The chunks sit
 * beside l4lab.mjs: the CLI finds the rest of the lab from its
 * import.meta.url (src/cli/paths.ts), whichever chunk asks.
 */
export function cliBuildOptions(outdir) {
  return {
    ...common,
    entryPoints: { l4lab: 'src/cli/main.ts' },
    outdir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: '[name]-[hash]',
  }
}

export async function buildNode({ force }) {
  if (!force && isFresh(inputs, outputs)) return false
  // The previous build's chunks go: their names carry hashes, nothing would overwrite them.
  rmSync('out/cli', { recursive: true, force: true })
  await build(cliBuildOptions('out/cli'))
  await build({ ...common, entryPoints: { worker: 'src/host/engine-worker.ts' }, outdir: 'out/engine', outExtension: { '.js': '.mjs' } })
  return true
}
