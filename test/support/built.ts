/**
 * Tests that need the built lab (the engine worker bundle, the renderer)
 * find it here. `npm test` builds first (scripts/test.mjs); running vitest
 * directly after `npm run build` works too.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('../../', import.meta.url))
export const workerUrl = new URL('../../out/engine/worker.mjs', import.meta.url)
export const rendererDir = fileURLToPath(new URL('../../out/renderer/', import.meta.url))
export const cliPath = fileURLToPath(new URL('../../bin/l4lab.mjs', import.meta.url))

export function requireBuilt(): void {
  if (!existsSync(workerUrl) || !existsSync(new URL('index.html', `file://${rendererDir}`))) {
    throw new Error('the lab is not built: run `npm run build` (npm test does it for you)')
  }
}
