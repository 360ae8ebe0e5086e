#!/usr/bin/env node
// `npm start`: build, make sure Electron's binary is there (its installer is
// skipped at `npm install`, see docs/decisions.md), and start the desktop app.
import { spawnSync, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' })
if (build.status !== 0) process.exit(build.status ?? 1)

const electronDir = require.resolve('electron/package.json').replace(/package\.json$/, '')
const pathFile = `${electronDir}path.txt`
const installed = () => existsSync(pathFile) && existsSync(`${electronDir}dist/${readFileSync(pathFile, 'utf8')}`)
if (!installed()) {
  console.log('l4lab: fetching the Electron binary (first start)…')
  const r = spawnSync(process.execPath, [`${electronDir}install.js`], { stdio: 'inherit' })
  if (r.status !== 0 || !installed()) {
    console.error('\nl4lab: the Electron binary could not be downloaded here.')
    console.error('Use the lab from a browser instead:  npm run web')
    process.exit(1)
  }
}
const electron = require('electron')
const child = spawn(electron, ['.'], { stdio: 'inherit' })
child.on('exit', (code) => process.exit(code ?? 0))
