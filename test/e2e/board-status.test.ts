/**
 * End to end: a board's state as the scenario leaves it (issue 11, items A
 * and 13; issue 15, item 4) — `l4lab web` with a scenario that has a Lua
 * error, in Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { launchChromium } from './browser'
import { startWeb } from './web-lab'
import { requireBuilt } from '../support/built'

let browser: Browser
let dir: string
let lab: ChildProcess | undefined
let url: string

beforeAll(async () => {
  requireBuilt()
  dir = mkdtempSync(join(tmpdir(), 'l4lab-e2e-'))
  const scenario = join(dir, 'broken.lua')
  writeFileSync(scenario, 'local L4 = require "L4"\nL4.default_loader:start({ log = { "vm1", "g" } }, "rom/hello-client 1")\nthis is bad\n')
  browser = await launchChromium()
  ;({ lab, url } = await startWeb([scenario]))
})
afterAll(async () => {
  lab?.kill('SIGTERM')
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})


describe('l4lab web with a scenario that has a Lua error', () => {
  it('shows the board as failed with the error and its file:line, not as running', async () => {
    const page = await browser.newPage()
    await page.goto(url)
    const board = page.locator('[data-testid="board-arm0"]')
    await expect.poll(() => board.getAttribute('data-state')).toBe('failed')
    expect(await board.locator('.badge').innerText()).toMatch(/failed/i)
    expect(await page.locator('[data-testid="board-error-arm0"]').innerText()).toBe("The scenario failed: rom/broken.lua:3: syntax error near 'is'")
    // Its boot as far as it got: the base system up, ned failed with the script (issue 15, item 4).
    const steps = board.locator('[data-testid="boot-arm0"] .boot-step')
    expect(await steps.evaluateAll((ls) => ls.map((l) => `${l.getAttribute('data-testid')}:${l.getAttribute('data-state')}`))).toEqual([
      'boot-step-kernel:done',
      'boot-step-sigma0:done',
      'boot-step-moe:done',
      'boot-step-cons:done',
      'boot-step-ned:failed',
    ])
    await page.close()
  })
})
