// Electron main, preload and the renderer, by electron-vite. The renderer in
// out/renderer is also what `l4lab web` serves.
import { spawnSync } from 'node:child_process'
import { isFresh } from '../lib/fresh.mjs'

const inputs = ['src/main', 'src/preload', 'src/renderer', 'src/shared', 'electron.vite.config.ts', 'package.json']
const outputs = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']

export async function buildRenderer({ force }) {
  if (!force && isFresh(inputs, outputs)) return false
  const r = spawnSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' })
  if (r.status !== 0) throw new Error('electron-vite build failed')
  return true
}
