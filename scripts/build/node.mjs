// The CLI and the engine worker, bundled by esbuild for Node. The Electron
// main process reaches the same worker file (out/engine/worker.mjs).
import { build } from 'esbuild'
import { isFresh } from '../lib/fresh.mjs'
import { nodeStep } from './steps.mjs'

const { inputs, outputs } = nodeStep

export async function buildNode({ force }) {
  if (!force && isFresh(inputs, outputs)) return false
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
  await build({ ...common, entryPoints: { l4lab: 'src/cli/main.ts' }, outdir: 'out/cli', outExtension: { '.js': '.mjs' } })
  await build({ ...common, entryPoints: { worker: 'src/host/engine-worker.ts' }, outdir: 'out/engine', outExtension: { '.js': '.mjs' } })
  return true
}
