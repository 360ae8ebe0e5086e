// Electron main, preload and the renderer, by electron-vite. The renderer in
// out/renderer is also what `l4lab web` serves.
import { spawnSync } from 'node:child_process'
import { isFresh } from '../lib/fresh.mjs'
import { rendererStep } from './steps.mjs'

const { inputs, outputs } = rendererStep

export async function buildRenderer({ force }) {
  if (!force && isFresh(inputs, outputs)) return false
  const r = spawnSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' })
  if (r.status !== 0) throw new Error('electron-vite build failed')
  return true
}
