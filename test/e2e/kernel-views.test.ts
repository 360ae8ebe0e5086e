/**
 * End to end (issue 15, item 5): the kernel inspector's IPC trace and
 * capability graph against hello.lua in `l4lab web`, in Chromium. The trace
 * records only while its tab is open, so the hello client is restarted from
 * the lab then: its five calls to the server appear.
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
  ;({ lab, url } = await startWeb(['resources/scenarios/hello.lua']))
})
afterAll(async () => {
  lab?.kill('SIGTERM')
  await browser?.close()
})


/** The trace's rows as "kind sender→receiver", oldest first. */
async function traceRows(page: Page): Promise<string[]> {
  const rows = await page.locator('.ipc-row').evaluateAll((trs) =>
    trs.map((tr) => `${tr.getAttribute('data-kind')} ${tr.querySelector('.ipc-sender')!.textContent}→${tr.querySelector('.ipc-receiver')!.textContent}`),
  )
  return rows.reverse()
}

describe('the kernel inspector of hello.lua', () => {
  it('shows the hello client’s calls to the server in the IPC trace, and its filter by task keeps them', async () => {
    const page = await browser.newPage()
    await page.goto(url)
    await expect.poll(() => page.locator('[data-testid="vm-arm0/client"]').getAttribute('data-state'), { timeout: 30_000 }).toBe('exited')
    await page.locator('[data-testid="inspect-arm0"]').click()
    await page.locator('[data-testid="tab-ipc"]').click()
    await expect.poll(() => page.locator('[data-testid="ipc-trace"]').innerText()).toMatch(/Recording|IPCs/)
    await page.locator('[data-testid="vm-arm0/client"] button[title="Restart"]').click()
    const calls = async () => (await traceRows(page)).filter((r) => r === 'call client→server').length
    await expect.poll(calls, { timeout: 30_000 }).toBe(5)
    // Each call has its reply, and the gate's label (0x5e, hello-server's) is on the calls.
    expect((await traceRows(page)).filter((r) => r === 'reply server→client')).toHaveLength(5)
    const gates = await page.locator('.ipc-row[data-kind="call"]').evaluateAll((trs) =>
      trs.filter((tr) => tr.querySelector('.ipc-receiver')!.textContent === 'server').map((tr) => tr.querySelector('.ipc-gate')!.textContent),
    )
    expect(gates).toEqual(Array(5).fill('0x5e'))

    const filter = page.locator('[data-testid="ipc-task-filter"]')
    await filter.selectOption({ label: 'client' })
    const rows = await traceRows(page)
    expect(rows.filter((r) => r === 'call client→server')).toHaveLength(5)
    expect(rows.every((r) => r.includes('client'))).toBe(true)
    await page.close()
  })

  it('draws the capability graph: a clicked task (the server) shows its channel and who else holds it, with rights', async () => {
    const page = await browser.newPage()
    await page.goto(url)
    await page.locator('[data-testid="inspect-arm0"]').click()
    await page.locator('[data-testid="tab-caps"]').click()
    const graph = page.locator('[data-testid="cap-graph"]')
    await expect.poll(() => graph.locator('.cap-node.task', { hasText: 'server' }).count()).toBe(1)
    const server = graph.locator('.cap-node.task', { hasText: /^server$/ })
    await server.click()
    // Focused on the server: its edge to its channel, and every other holder's edge to the same gate.
    const gateEdges = graph.locator('.cap-edge').filter({ has: page.locator('title', { hasText: 'ipc_gate' }) })
    await expect.poll(() => gateEdges.count()).toBeGreaterThan(0)
    const titles = await gateEdges.locator('title').allTextContents()
    expect(titles.some((t) => /^server slot \d+ → ipc_gate #\d+.*: rwsdnc$/.test(t))).toBe(true)
    await page.close()
  })
})
