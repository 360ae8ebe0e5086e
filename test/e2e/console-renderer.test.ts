/**
 * End to end (issue 15, console targets): headless Chromium's WebGL2 is drawn in
 * software (SwiftShader), so a console is drawn by xterm's DOM renderer unless
 * `?renderer=webgl` asks for WebGL; the DOM renderer takes over when the WebGL
 * context is lost. The text is the same whichever draws it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChildProcess } from 'node:child_process'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, terminalText } from './browser'
import { startWeb } from './web-lab'
import { requireBuilt } from '../support/built'

const VM = 'arm0/client'
const SAID = 'hello-client: 5^2 = 25'

let browser: Browser
let lab: ChildProcess | undefined
let url: string

beforeAll(async () => {
  requireBuilt()
  browser = await launchChromium()
  ;({ lab, url } = await startWeb(['resources/scenarios/hello.lua']))
})
afterAll(async () => {
  lab?.kill('SIGTERM')
  await browser?.close()
})

const host = (page: Page) => page.locator(`[data-testid="console-${VM}"] .terminal-host`)
const domRows = (page: Page) => page.locator(`[data-testid="console-${VM}"] .xterm-rows`)

describe('a console’s renderer', () => {
  it('is WebGL when asked for; the DOM renderer takes over, with the same text, when the context is lost', async () => {
    const page = await browser.newPage()
    await page.goto(`${url}&renderer=webgl`)
    await expect.poll(() => terminalText(page, VM), { timeout: 60_000 }).toContain(SAID)
    expect(await host(page).getAttribute('data-renderer')).toBe('webgl')
    expect(await domRows(page).count()).toBe(0)
    expect(await host(page).locator('canvas').count()).toBeGreaterThan(0)
    // What a GPU process restart does to the page: the terminal's WebGL context is gone.
    const lost = await host(page).evaluate((el) => {
      for (const c of Array.from(el.querySelectorAll('canvas'))) {
        const gl = (c as unknown as { getContext(k: string): { getExtension(n: string): { loseContext(): void } | null } | null }).getContext('webgl2')
        const ext = gl?.getExtension('WEBGL_lose_context')
        if (ext) {
          ext.loseContext()
          return true
        }
      }
      return false
    })
    expect(lost).toBe(true)
    // xterm waits 3 s for the context to come back before it gives up on it.
    await expect.poll(() => host(page).getAttribute('data-renderer'), { timeout: 15_000 }).toBe('dom')
    await expect.poll(() => domRows(page).innerText(), { timeout: 15_000 }).toContain(SAID)
    await page.close()
  })

  it.each(['', '&renderer=dom'])('is the DOM renderer on software WebGL, and when the address asks for it (%s)', async (query) => {
    const page = await browser.newPage()
    await page.goto(`${url}${query}`)
    await expect.poll(() => domRows(page).innerText(), { timeout: 60_000 }).toContain(SAID)
    expect(await host(page).getAttribute('data-renderer')).toBe('dom')
    expect(await terminalText(page, VM)).toContain(SAID)
    await page.close()
  })
})
