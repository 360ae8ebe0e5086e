/**
 * End to end: the display view (issue 15, item 1) in Chromium against
 * `l4lab web` running the default scenario — gfx's display shows mandel
 * drawing (pixels change over time), and a key typed into the view changes
 * the picture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChildProcess } from 'node:child_process'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from './browser'
import { startWeb } from './web-lab'
import { requireBuilt } from '../support/built'

let browser: Browser
let lab: ChildProcess | undefined
let url: string

beforeAll(async () => {
  requireBuilt()
  browser = await launchChromium()
  ;({ lab, url } = await startWeb(['resources/scenarios/default.lua']))
})
afterAll(async () => {
  lab?.kill('SIGTERM')
  await browser?.close()
})


/** What the page's script sees, typed here (the e2e tests compile without the DOM's types). */
interface CanvasPage {
  document: { querySelector(sel: string): { getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } } | null }
}

/** A hash of the canvas's pixels in rows [y, y + h): equal pictures, equal hashes. */
function pictureHash(page: Page, y: number, h: number): Promise<number> {
  return page.evaluate(
    ([y, h]) => {
      const c = (globalThis as unknown as CanvasPage).document.querySelector('[data-testid="display-canvas-arm0/gfx"]')
      if (!c) return -1
      const px = c.getContext('2d').getImageData(0, y, 1024, h).data
      let hash = 2166136261
      for (let i = 0; i < px.length; i += 4) hash = Math.imul(hash ^ (px[i] | (px[i + 1] << 8) | (px[i + 2] << 16)), 16777619)
      return hash >>> 0
    },
    [y, h] as const,
  )
}

const PICTURE_ROWS = 748 // mandel's status strip takes the bottom 20 rows

describe('display view', () => {
  it('shows mandel drawing, and a key changes the picture', { timeout: 240_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    try {
      await page.goto(url)
      const canvas = page.locator('[data-testid="display-canvas-arm0/gfx"]')
      await canvas.waitFor({ timeout: 60_000 })
      expect(await canvas.getAttribute('width')).toBe('1024')
      await expect.poll(async () => Number(await canvas.getAttribute('data-frames')), { timeout: 60_000 }).toBeGreaterThan(0)
      // Pixels change over time: the status strip moves even once the picture is done.
      const strip = await pictureHash(page, PICTURE_ROWS, 20)
      await expect.poll(() => pictureHash(page, PICTURE_ROWS, 20), { timeout: 30_000 }).not.toBe(strip)

      // Wait for the picture to be still (drawn to the end), then zoom in with '='.
      let still = await pictureHash(page, 0, PICTURE_ROWS)
      await expect
        .poll(async () => {
          const h = await pictureHash(page, 0, PICTURE_ROWS)
          const same = h === still
          still = h
          return same
        }, { timeout: 120_000, interval: 1500 })
        .toBe(true)
      const f0 = Number(await canvas.getAttribute('data-frames'))
      const t0 = Date.now()
      await canvas.click()
      await page.keyboard.press('Equal')
      await expect.poll(() => pictureHash(page, 0, PICTURE_ROWS), { timeout: 60_000 }).not.toBe(still)
      // For the report, not checks: frames painted per second while mandel redraws, then with
      // its colours cycling (every pixel changes in every frame it draws).
      await page.waitForTimeout(3000)
      const rate = async (from: number, since: number) => ((Number(await canvas.getAttribute('data-frames')) - from) / ((Date.now() - since) / 1000)).toFixed(1)
      console.log(`display e2e: ${await rate(f0, t0)} frames painted per second while mandel redraws`)
      await page.waitForTimeout(20_000)
      await page.keyboard.press('KeyC')
      await page.waitForTimeout(1000)
      const f1 = Number(await canvas.getAttribute('data-frames'))
      const t1 = Date.now()
      await page.waitForTimeout(5000)
      console.log(`display e2e: ${await rate(f1, t1)} frames painted per second with every pixel changing (colour cycling, 1024x768)`)
    } finally {
      await page.close()
    }
  })
})
