/**
 * Debian's Chromium driven by playwright-core, as the end-to-end tests and
 * the README screenshot use it. Background networking is off: this machine
 * has no network, and Chromium's own connections would only be refused.
 */
import { chromium, type Browser, type Page } from 'playwright-core'
import { existsSync } from 'node:fs'

export const CHROMIUM = process.env.L4LAB_CHROMIUM ?? '/usr/bin/chromium'

export function haveChromium(): boolean {
  return existsSync(CHROMIUM)
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-extensions',
    ],
  })
}

/**
 * The text on a VM's console screen, row by row, whichever renderer draws it
 * (WebGL draws no rows into the DOM): the console's terminal element gives it
 * (src/renderer/src/consoles/terminal.ts, screenText).
 */
export function terminalText(page: Page, vm: string): Promise<string> {
  return page.locator(`[data-testid="console-${vm}"] .terminal-host`).evaluate((host) => {
    const read = (host as unknown as Record<symbol, (() => string) | undefined>)[Symbol.for('l4lab.screenText')]
    return read ? read() : ''
  })
}
