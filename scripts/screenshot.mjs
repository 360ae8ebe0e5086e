#!/usr/bin/env node
// Makes docs/screenshot.png: `l4lab web` in headless Chromium, a line typed
// into each console. Usage: node scripts/screenshot.mjs [--dark] [--out FILE]
import { spawn } from 'node:child_process'
import { chromium } from 'playwright-core'

const dark = process.argv.includes('--dark')
const outIdx = process.argv.indexOf('--out')
const out = outIdx > 0 ? process.argv[outIdx + 1] : 'docs/screenshot.png'
const lab = spawn(process.execPath, ['bin/l4lab.mjs', 'web', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
const url = await new Promise((resolve, reject) => {
  let text = ''
  lab.stdout.on('data', (d) => {
    text += d
    const m = /http:\/\/\S+/.exec(text)
    if (m) resolve(m[0])
  })
  lab.on('exit', (code) => reject(new Error(`l4lab web exited with ${code}`)))
})
const browser = await chromium.launch({
  executablePath: process.env.L4LAB_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
})
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, colorScheme: dark ? 'dark' : 'light', deviceScaleFactor: 1 })
  await page.goto(url)
  await page.waitForSelector('.xterm-rows')
  const script = process.env.L4LAB_SCREENSHOT_INPUT
  for (const pane of await page.locator('.console-pane').all()) {
    await pane.locator('.terminal-host').click()
    await page.keyboard.type(script ?? 'hello from the lab', { delay: 5 })
    await page.keyboard.press('Enter')
  }
  await page.waitForTimeout(800)
  await page.screenshot({ path: out })
  console.log(`wrote ${out}`)
} finally {
  await browser.close()
  lab.kill()
}
