/**
 * The CLI is split into chunks (scripts/build/node.mjs) so that a command
 * loads only what it uses: `l4lab exec` must reach neither fengari (ned's
 * Lua) nor ws (the lab server), whose loading was a third of an exec's start.
 * The bundle is built here with the build's own options, from the current
 * sources, and its static import graph walked from each command's chunk.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, type Metafile } from 'esbuild'
import { cliBuildOptions } from '../../scripts/build/node.mjs'
import { root } from '../support/built'

let outputs: Metafile['outputs'] = {}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'l4lab-cli-chunks-'))
  try {
    const r = await build({ ...cliBuildOptions(dir), absWorkingDir: root, write: false, metafile: true, sourcemap: false, logLevel: 'silent' })
    outputs = r.metafile.outputs
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}, 120_000)

/** The packages a command's chunk loads before its code runs: its static imports, transitively. */
function packagesOf(command: string): Set<string> {
  const chunk = Object.keys(outputs).find((o) => outputs[o].entryPoint === `src/cli/${command}.ts`)
  expect(chunk, `no chunk for src/cli/${command}.ts`).toBeDefined()
  const packages = new Set<string>()
  const seen = new Set<string>()
  const walk = (out: string) => {
    if (seen.has(out)) return
    seen.add(out)
    for (const i of outputs[out].imports) {
      if (i.kind !== 'import-statement') continue
      if (i.external) packages.add(i.path.split('/')[0])
      else walk(i.path)
    }
  }
  walk(chunk!)
  return packages
}

describe('the CLI loads per command', () => {
  it('exec loads neither fengari nor ws', () => {
    const p = packagesOf('exec')
    expect(p.has('node:fs')).toBe(true)
    expect(p.has('fengari')).toBe(false)
    expect(p.has('ws')).toBe(false)
  })

  it('run loads fengari (ned runs its scenario) and web loads ws', () => {
    expect(packagesOf('run').has('fengari')).toBe(true)
    expect(packagesOf('web').has('ws')).toBe(true)
  })

  it('the entry loads no command: each is a dynamic import', () => {
    const entry = Object.keys(outputs).find((o) => outputs[o].entryPoint === 'src/cli/main.ts')!
    const dynamic = outputs[entry].imports.filter((i) => i.kind === 'dynamic-import').length
    expect(dynamic).toBeGreaterThanOrEqual(5)
    expect(outputs[entry].imports.some((i) => i.external && (i.path === 'fengari' || i.path === 'ws'))).toBe(false)
  })
})
