/**
 * Where the bundled CLI finds the rest of the built lab: it runs from
 * out/cli/l4lab.mjs, next to out/engine/worker.mjs and out/renderer/.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url))
export const workerUrl = new URL('../engine/worker.mjs', import.meta.url)
export const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url))

export function labVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}
