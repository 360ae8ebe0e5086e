#!/usr/bin/env node
// The l4lab command. Runs the bundled CLI from out/; builds it first when the
// sources are newer (a fresh clone, or after an edit), so that
// `npx l4lab …` works right after `npm install`.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cli = join(root, 'out/cli/l4lab.mjs')

async function stale() {
  if (!existsSync(cli) || !existsSync(join(root, 'out/renderer/index.html'))) return true
  if (!existsSync(join(root, 'src'))) return false
  const { isFresh } = await import(pathToFileURL(join(root, 'scripts/lib/fresh.mjs')).href)
  const { nodeStep, rendererStep } = await import(pathToFileURL(join(root, 'scripts/build/steps.mjs')).href)
  const at = (paths) => paths.map((p) => join(root, p))
  // The CPU cores' sources are under src/engine: the node step's inputs cover them.
  return [nodeStep, rendererStep].some((s) => !isFresh(at(s.inputs), at(s.outputs)))
}

if (await stale()) {
  process.stderr.write('l4lab: building the lab (first run or sources changed)…\n')
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  if (r.status !== 0) {
    process.stderr.write('l4lab: the build failed; run `npm run build` to see why\n')
    process.exit(1)
  }
}
await import(pathToFileURL(cli).href)
