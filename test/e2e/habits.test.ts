/**
 * End to end: habits people expect (issue 15, item 6) in Chromium against
 * `l4lab web` with the default scenario — the layout holds in a 900×600
 * window, the page has a favicon, the theme toggle turns the page and the
 * terminals dark, Escape closes a panel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChildProcess } from 'node:child_process'
import type { Browser } from 'playwright-core'
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


type Box = { x: number; y: number; width: number; height: number }
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

describe('habits', () => {
  it('holds the layout at 900×600: no console covers another, all inside the main pane', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 600 } })
    await page.goto(url)
    // vm1, vm2, gfx and the system log; gfx's display is a pane of its own.
    const panes = page.locator('.console-pane, .display-pane')
    await expect.poll(() => panes.count(), { timeout: 60_000 }).toBe(5)
    await expect.poll(() => terminalText(page, 'arm0/vm2'), { timeout: 60_000 }).toContain('vm2:/# ')
    const boxes = await Promise.all([0, 1, 2, 3, 4].map(async (i) => (await panes.nth(i).boundingBox())!))
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i], boxes[j]), `panes ${i} and ${j}`).toBe(false)
    const main = (await page.locator('main.main').boundingBox())!
    for (const b of boxes) {
      expect(b.y + b.height).toBeLessThanOrEqual(main.y + main.height + 0.5)
      expect(b.height).toBeGreaterThan(80)
    }
    await page.close()
  })

  it('has a favicon the server serves', async () => {
    const page = await browser.newPage()
    await page.goto(url)
    const status = await page.evaluate(async () => {
      const g = globalThis as unknown as { document: { querySelector(s: string): { href: string } | null }; fetch(u: string): Promise<{ status: number; headers: { get(n: string): string | null } }> }
      const link = g.document.querySelector('link[rel="icon"]')
      if (!link) return 'no link'
      const r = await g.fetch(link.href)
      return `${r.status} ${r.headers.get('content-type')}`
    })
    expect(status).toBe('200 image/svg+xml')
    await page.close()
  })

  it('turns page and terminals dark with the theme button, and Escape closes the graphs', async () => {
    const page = await browser.newPage({ colorScheme: 'light' })
    await page.goto(url)
    const theme = () => page.locator('html').getAttribute('data-theme')
    const termBackground = () => page.locator('[data-testid="console-arm0/vm1"] .xterm-scrollable-element').first().evaluate((e) => (globalThis as unknown as ComputedStyle).getComputedStyle(e).backgroundColor)
    await expect.poll(theme).toBe('light')
    await expect.poll(termBackground).toBe('rgb(251, 251, 250)')
    await page.locator('[data-testid="theme"]').click() // system → light
    await page.locator('[data-testid="theme"]').click() // light → dark
    await expect.poll(theme).toBe('dark')
    await expect.poll(termBackground).toBe('rgb(21, 23, 26)')
    // Remembered across a reload.
    await page.reload()
    await expect.poll(theme).toBe('dark')
    await page.locator('[data-testid="graphs-arm0"]').click()
    await expect.poll(() => page.locator('[data-testid="graphs"]').count()).toBe(1)
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('[data-testid="graphs"]').count()).toBe(0)
    await page.close()
  })

  it('copies and pastes through the console’s context menu and Ctrl+Shift+C', async () => {
    const context = await browser.newContext()
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin })
    const page = await context.newPage()
    await page.goto(url)
    const rows = () => terminalText(page, 'arm0/vm1')
    const body = page.locator('[data-testid="console-arm0/vm1"] .pane-body')
    const menu = page.locator('[data-testid="console-arm0/vm1"] [data-testid="console-menu"]')
    const clipboard = () => page.evaluate(() => (globalThis as unknown as ClipboardPage).navigator.clipboard.readText())
    await expect.poll(() => rows(), { timeout: 60_000 }).toContain('vm1:/# ')
    await page.locator('[data-testid="console-arm0/vm1"] .terminal-host').click()
    await page.keyboard.type('echo copy-me-$((6 * 7))\n', { delay: 2 })
    await expect.poll(() => rows()).toContain('copy-me-42')
    // Select all, then Copy, from the menu.
    await body.click({ button: 'right' })
    await menu.getByText('Select all').click()
    await body.click({ button: 'right' })
    await menu.getByText('Copy').click()
    await expect.poll(clipboard).toContain('copy-me-42')
    // Paste from the menu: the clipboard's text goes to the guest.
    await page.evaluate(() => (globalThis as unknown as ClipboardPage).navigator.clipboard.writeText('echo pasted-$((6 * 7))\r'))
    await body.click({ button: 'right' })
    await menu.getByText('Paste').click()
    await expect.poll(() => rows()).toContain('pasted-42')
    // Ctrl+Shift+C copies the selection; Escape closes an open menu without reaching the guest.
    await page.evaluate(() => (globalThis as unknown as ClipboardPage).navigator.clipboard.writeText(''))
    await body.click({ button: 'right' })
    await menu.getByText('Select all').click()
    await page.keyboard.press('Control+Shift+C')
    await expect.poll(clipboard).toContain('pasted-42')
    await body.click({ button: 'right' })
    await expect.poll(() => menu.count()).toBe(1)
    await page.keyboard.press('Escape')
    await expect.poll(() => menu.count()).toBe(0)
    await page.keyboard.type('echo after-escape\n', { delay: 2 })
    // An ESC reaching sh's line editor would have eaten the next character.
    await expect.poll(() => rows()).toMatch(/\nafter-escape\n/)
    await context.close()
  })

  it('copies a file dropped on a console into that VM’s /tmp', async () => {
    const page = await browser.newPage()
    await page.goto(url)
    const rows = () => terminalText(page, 'arm0/vm2')
    await expect.poll(() => rows(), { timeout: 60_000 }).toContain('vm2:/# ')
    const body = page.locator('[data-testid="console-arm0/vm2"] .pane-body')
    const files = await page.evaluateHandle(() => {
      const g = globalThis as unknown as DropPage
      const dt = new g.DataTransfer()
      dt.items.add(new g.File(['hello from the host\n'], 'dropped.txt', { type: 'text/plain' }))
      return dt
    })
    await body.dispatchEvent('dragover', { dataTransfer: files })
    await body.dispatchEvent('drop', { dataTransfer: files })
    await expect.poll(() => rows()).toContain('[l4lab: copied dropped.txt to /tmp/dropped.txt (20 B)]')
    await page.locator('[data-testid="console-arm0/vm2"] .terminal-host').click()
    await page.keyboard.type('cat /tmp/dropped.txt\n', { delay: 2 })
    await expect.poll(() => rows()).toMatch(/\nhello from the host\n/)
    await page.close()
  })
})

interface DropPage {
  DataTransfer: new () => { items: { add(f: unknown): void } }
  File: new (parts: string[], name: string, opts: { type: string }) => unknown
}

interface ClipboardPage {
  navigator: { clipboard: { readText(): Promise<string>; writeText(t: string): Promise<void> } }
}

/** What the page's script sees (the e2e tests compile without the DOM's types). */
interface ComputedStyle {
  getComputedStyle(e: unknown): { backgroundColor: string }
}
