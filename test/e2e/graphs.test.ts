/**
 * End to end: the resource graphs (issue 15, item 2) in Chromium against
 * `l4lab web` running the default scenario — the charts gain a point with
 * each stats event, and a VM's figures move when its guest does work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChildProcess } from 'node:child_process'
import type { Browser, Locator, Page } from 'playwright-core'
import { launchChromium, terminalText } from './browser'
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


const points = async (chart: Locator) => Number(await chart.getAttribute('data-points'))
const latest = async (chart: Locator) => Number(await chart.getAttribute('data-latest'))
const peak = async (chart: Locator) => Number(await chart.getAttribute('data-peak'))

/** What the page's script sees, typed here (the e2e tests compile without the DOM's types). */
interface CanvasPage {
  document: { querySelector(sel: string): { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } } | null }
}

/** How many pixels of the chart's canvas are drawn (uPlot drew axes and lines, not a blank). */
function drawnPixels(page: Page, vm: string, title: string): Promise<number> {
  return page.evaluate(
    ([vm, title]) => {
      const g = globalThis as unknown as CanvasPage
      const canvas = g.document.querySelector(`[data-testid="graphs-${vm}"] [data-testid="chart-${title}"] canvas`)
      if (!canvas) return -1
      const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
      let n = 0
      for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) n++
      return n
    },
    [vm, title] as const,
  )
}

describe('resource graphs', () => {
  it('grow a point per stats event, and a VM’s figures move when its guest works', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(url)
    await expect.poll(() => terminalText(page, 'arm0/vm1'), { timeout: 60_000 }).toContain('vm1:/# ')
    await page.locator('[data-testid="graphs-arm0"]').click()
    const vm1 = page.locator('[data-testid="graphs-arm0/vm1"]')
    const cpu = vm1.locator('[data-testid="chart-CPU share"]')
    const syscalls = vm1.locator('[data-testid="chart-System calls"]')
    const memory = vm1.locator('[data-testid="chart-Memory"]')
    // History from before the panel opened, and more with each event.
    await expect.poll(() => points(cpu)).toBeGreaterThan(2)
    const before = await points(cpu)
    await expect.poll(() => points(cpu)).toBeGreaterThan(before + 1)
    expect(await drawnPixels(page, 'arm0/vm1', 'CPU share')).toBeGreaterThan(100)
    // The shell waits: no system calls in the last period.
    await expect.poll(() => latest(syscalls)).toBe(0)
    const idleMemory = await latest(memory)
    // Closed, the panel draws nothing; the history goes on. Work in vm1 meanwhile: sort holds
    // its input (memory rises, and drops when it exits), every line is a read and a write.
    await page.locator('[data-testid="graphs-arm0"]').click()
    await page.locator('[data-testid="console-arm0/vm1"] .terminal-host').click()
    await page.keyboard.type('seq 1 300000 | sort -r | tail -1\n', { delay: 2 })
    await expect.poll(() => terminalText(page, 'arm0/vm1'), { timeout: 60_000 }).toMatch(/\n1\n/)
    // Wait for the figures of the period after the end.
    await page.waitForTimeout(1500)
    await page.locator('[data-testid="graphs-arm0"]').click()
    await expect.poll(() => points(cpu)).toBeGreaterThan(before + 2)
    expect(await peak(syscalls)).toBeGreaterThan(100)
    expect(await peak(memory)).toBeGreaterThan(idleMemory + (2 << 20))
    expect(await latest(memory)).toBeLessThan(idleMemory + (1 << 20))
    expect(await peak(cpu)).toBeGreaterThan(10)
    // vm2 did nothing meanwhile (its shell's start may still be in the window: a few hundred calls at most).
    const vm2calls = page.locator('[data-testid="graphs-arm0/vm2"] [data-testid="chart-System calls"]')
    expect(await peak(vm2calls)).toBeLessThan((await peak(syscalls)) / 10)
    expect(await latest(vm2calls)).toBe(0)
    // The board's kernel: its objects and its factories.
    const objects = page.locator('[data-testid="graphs-kernel-arm0"] [data-testid="chart-Kernel objects"]')
    await expect.poll(() => points(objects)).toBeGreaterThan(2)
    expect(await latest(objects)).toBeGreaterThan(3)
    expect(await page.locator('[data-testid="factories"]').innerText()).toMatch(/vm1\s+[\d.]+ KiB \/ 2\.0 MiB/)
    await page.close()
  })
})
