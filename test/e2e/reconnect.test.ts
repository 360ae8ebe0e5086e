/**
 * Issue 11: while the connection to the lab server is lost, the UI says so
 * (every VM shows "disconnected") and what the user types is kept, then
 * sent once the browser transport has reconnected. The server here is
 * stopped and started again on the same port with the same token, as a
 * restarted `l4lab web --port N` would be; the boards run on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, terminalText } from './browser'
import { rendererDir, requireBuilt, workerUrl } from '../support/built'
import { EngineHost } from '../../src/host/engine-host'
import { loopbackLab } from '../../src/host/lab-config'
import { LabServer } from '../../src/server/lab-server'

const TOKEN = 'e2e-reconnect-token'
let browser: Browser
let host: EngineHost
let server: LabServer

beforeAll(async () => {
  requireBuilt()
  browser = await launchChromium()
  host = new EngineHost({ workerUrl, boards: loopbackLab(), version: 'e2e' })
  await host.start()
  server = new LabServer({ host, rendererDir, port: 0, token: TOKEN })
  await server.listen()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await host?.dispose()
})

const vmState = (page: Page, vm: string) => page.locator(`[data-testid="vm-${vm}"] .vm-state`).innerText()
const connection = (page: Page) => page.locator('[data-testid="connection"]').getAttribute('data-state')

describe('the UI while the lab server is away (issue 11)', () => {
  it('shows every VM as disconnected, keeps what is typed meanwhile, and sends it when the server is back', async () => {
    const page = await browser.newPage()
    await page.goto(server.url)
    await expect.poll(() => terminalText(page, 'board0/loop0')).toContain('loopback>')
    const port = server.listeningPort

    await server.close()
    await expect.poll(() => connection(page)).toBe('disconnected')
    for (const vm of ['board0/loop0', 'board1/loop1']) await expect.poll(() => vmState(page, vm)).toBe('disconnected')
    expect(await page.locator('[data-testid="console-board0/loop0"] .vm-state').innerText()).toBe('disconnected')

    await page.locator('[data-testid="console-board0/loop0"] .terminal-host').click()
    await page.keyboard.type('typed while away\r', { delay: 2 })

    server = new LabServer({ host, rendererDir, port, token: TOKEN })
    await server.listen()
    await expect.poll(() => connection(page), { timeout: 30_000 }).toBe('connected')
    await expect.poll(() => terminalText(page, 'board0/loop0')).toContain('loopback: typed while away')
    expect(await vmState(page, 'board0/loop0')).toBe('running')
    // Sent once: the device answered it once.
    expect((await terminalText(page, 'board0/loop0')).match(/loopback: typed while away/g)).toHaveLength(1)
    await page.close()
  })
})
