/**
 * End to end: Debian's Chromium (headless, via playwright-core) against the
 * lab server, as a user would open it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChildProcess } from 'node:child_process'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, terminalText } from './browser'
import { startWeb } from './web-lab'
import { rendererDir, requireBuilt, workerUrl } from '../support/built'
import { EngineHost } from '../../src/host/engine-host'
import { loopbackLab } from '../../src/host/lab-config'
import { LabServer } from '../../src/server/lab-server'

let browser: Browser

beforeAll(async () => {
  requireBuilt()
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})


async function typeInto(page: Page, vm: string, text: string): Promise<void> {
  await page.locator(`[data-testid="console-${vm}"] .terminal-host`).click()
  await page.keyboard.type(text, { delay: 2 })
}


describe('l4lab web with a scenario', () => {
  let lab: ChildProcess
  let url: string
  beforeAll(async () => {
    ;({ lab, url } = await startWeb(['resources/scenarios/hello.lua']))
  })
  afterAll(() => {
    lab?.kill('SIGTERM')
  })

  it('shows hello.lua as two guest consoles and the system log', async () => {
    const page = await browser.newPage()
    await page.goto(url)
    await expect.poll(() => page.locator('.console-pane:not(.system)').count()).toBe(2)
    await expect.poll(() => terminalText(page, 'arm0/client')).toContain('hello-client: 5^2 = 25')
    await expect.poll(() => terminalText(page, 'arm0/server')).toContain('hello-server: request 5: 5 -> 25')
    await expect.poll(() => terminalText(page, 'arm0/l4re')).toContain('ned: running rom/hello.lua')
    await expect.poll(() => page.locator('[data-testid="vm-arm0/client"]').getAttribute('data-state')).toBe('exited')
    await page.close()
  })

  it('shows a task’s memory map in the kernel inspector, and the mapping tree of a run from sigma0 down', async () => {
    const page = await browser.newPage()
    await page.goto(url)
    await page.locator('[data-testid="inspect-arm0"]').click()
    const moe = page.locator('[data-testid="task-moe"]')
    await moe.locator('button.insp-row').click()
    const run = moe.locator('.insp-run').first()
    await expect.poll(() => run.innerText()).toMatch(/rwx\s+sigma0 @ 0x/)
    await run.click()
    const tree = moe.locator('[data-testid="mapping-tree"] li')
    await expect.poll(() => tree.first().innerText()).toMatch(/^sigma0 0x[0-9a-f]+ rwx$/)
    expect(await moe.locator('[data-testid="mapping-tree"] li.here').first().innerText()).toMatch(/moe 0x[0-9a-f]+ rwx/)
    await page.close()
  })
})

describe('l4lab web with the default scenario', () => {
  let lab: ChildProcess
  let url: string
  beforeAll(async () => {
    ;({ lab, url } = await startWeb([]))
  })
  afterAll(() => {
    lab?.kill('SIGTERM')
  })

  it('shows two guest shells; typing in one never reaches the other', async () => {
    const page = await browser.newPage()
    await page.goto(url)
    // vm1, vm2 and gfx (the display VM, whose console has mandel's line).
    await expect.poll(() => page.locator('.console-pane:not(.system)').count()).toBe(3)
    await expect.poll(() => terminalText(page, 'arm0/vm1'), { timeout: 30_000 }).toContain('vm1:/#')
    await expect.poll(() => terminalText(page, 'arm0/vm2'), { timeout: 30_000 }).toContain('vm2:/#')
    await typeInto(page, 'arm0/vm1', 'echo only-in-vm1 $((6*7))\r')
    await expect.poll(() => terminalText(page, 'arm0/vm1'), { timeout: 30_000 }).toContain('only-in-vm1 42')
    await typeInto(page, 'arm0/vm2', 'uname -n\r')
    await expect.poll(() => terminalText(page, 'arm0/vm2'), { timeout: 30_000 }).toMatch(/uname -n\s+vm2/)
    expect(await terminalText(page, 'arm0/vm2')).not.toContain('only-in-vm1')
    expect(await terminalText(page, 'arm0/vm1')).not.toContain('uname -n')

    // An interactive session as a user types it: cursor keys, history, a pipe into /tmp, ^C of a running spin.
    await typeInto(page, 'arm0/vm1', 'echo hello')
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft')
    await page.keyboard.type('X\r')
    await expect.poll(() => terminalText(page, 'arm0/vm1'), { timeout: 30_000 }).toContain('heXllo')
    await page.keyboard.type('seq 3 | tr 1-3 a-c > /tmp/s; cat /tmp/s\r')
    await expect.poll(() => terminalText(page, 'arm0/vm1'), { timeout: 30_000 }).toMatch(/a\s+b\s+c/)
    await page.keyboard.press('ArrowUp')
    await page.keyboard.press('ArrowUp')
    await page.keyboard.press('Enter')
    await expect.poll(async () => ((await terminalText(page, 'arm0/vm1')).match(/heXllo/g) ?? []).length, { timeout: 30_000 }).toBe(4)
    await page.keyboard.type('sleep 1 & jobs\r')
    await expect.poll(() => terminalText(page, 'arm0/vm1'), { timeout: 30_000 }).toMatch(/\[1\]\+? +Running +sleep 1/)
    // The job ends while spin runs in the foreground; the ^C must still reach spin.
    await page.keyboard.type('spin\r')
    await page.waitForTimeout(2500)
    await page.keyboard.press('Control+C')
    await page.keyboard.type('echo status $?\r')
    await expect.poll(() => terminalText(page, 'arm0/vm1'), { timeout: 30_000 }).toContain('status 130')
    await page.close()
  })

  it('restarts vm1 alone from its ↻ button: a fresh shell in the same console, vm2 untouched', async () => {
    const page = await browser.newPage()
    await page.goto(url)
    await expect.poll(() => terminalText(page, 'arm0/vm2'), { timeout: 30_000 }).toContain('vm2:/#')
    await typeInto(page, 'arm0/vm2', 'echo vm2-before > /tmp/keep\r')
    await typeInto(page, 'arm0/vm1', 'echo vm1-before > /tmp/gone\r')
    await expect.poll(() => terminalText(page, 'arm0/vm1'), { timeout: 30_000 }).toContain('vm1-before')
    await page.locator('[data-testid="vm-arm0/vm1"] button[title="Restart"]').click()
    await expect.poll(() => terminalText(page, 'arm0/vm1'), { timeout: 30_000 }).toContain('[vm1: stopped from the lab]')
    await expect.poll(() => page.locator('[data-testid="vm-arm0/vm1"]').getAttribute('data-state'), { timeout: 30_000 }).toBe('running')
    await typeInto(page, 'arm0/vm1', 'cat /tmp/gone\r')
    await expect.poll(() => terminalText(page, 'arm0/vm1'), { timeout: 30_000 }).toMatch(/cat: \/tmp\/gone: No such file or directory/)
    await typeInto(page, 'arm0/vm2', 'cat /tmp/keep\r')
    await expect.poll(() => terminalText(page, 'arm0/vm2'), { timeout: 30_000 }).toMatch(/cat \/tmp\/keep\s+vm2-before/)
    expect(await terminalText(page, 'arm0/vm2')).not.toContain('stopped from the lab')
    await page.close()
  })
})

describe("l4lab web with busybox.lua (Debian's busybox)", () => {
  let lab: ChildProcess
  let url: string
  beforeAll(async () => {
    ;({ lab, url } = await startWeb(['resources/scenarios/busybox.lua']))
  })
  afterAll(() => {
    lab?.kill('SIGTERM')
  })

  it('shows two busybox shells; typing in one never reaches the other', async () => {
    const page = await browser.newPage()
    await page.goto(url)
    await expect.poll(() => page.locator('.console-pane:not(.system)').count()).toBe(2)
    await expect.poll(() => terminalText(page, 'arm0/vm1'), { timeout: 30_000 }).toContain('BusyBox')
    await expect.poll(() => terminalText(page, 'arm0/vm2'), { timeout: 30_000 }).toContain('BusyBox')
    await typeInto(page, 'arm0/vm1', 'echo $((6*7)) from vm1\r')
    await expect.poll(() => terminalText(page, 'arm0/vm1'), { timeout: 30_000 }).toContain('42 from vm1')
    await typeInto(page, 'arm0/vm2', 'hostname\r')
    await expect.poll(() => terminalText(page, 'arm0/vm2'), { timeout: 30_000 }).toMatch(/hostname\s+vm2/)
    expect(await terminalText(page, 'arm0/vm2')).not.toContain('from vm1')
    await page.close()
  })
})

describe('l4lab web in Chromium', () => {
  let lab: ChildProcess
  let url: string

  beforeAll(async () => {
    ;({ lab, url } = await startWeb(['--loopback']))
  })
  afterAll(() => {
    lab?.kill('SIGTERM')
  })

  it('prints a URL at which Chromium shows the lab', async () => {
    const page = await browser.newPage()
    const res = await page.goto(url)
    expect(res?.status()).toBe(200)
    await expect.poll(() => page.locator('[data-testid="connection"]').innerText()).toContain('connected')
    expect(await page.locator('.console-pane').count()).toBe(2)
    await expect.poll(() => terminalText(page, 'board0/loop0')).toContain('console loopback device')
    await page.close()
  })

  it('refuses the same URL with a wrong token (403)', async () => {
    const page = await browser.newPage()
    const res = await page.goto(url.replace(/token=[\w-]+/, 'token=wrong'))
    expect(res?.status()).toBe(403)
    await page.close()
  })

  it('sends a typed line to one VM and shows what the worker answers, in that console only', async () => {
    const page = await browser.newPage()
    await page.goto(url)
    await expect.poll(() => terminalText(page, 'board0/loop0')).toContain('loopback>')
    await typeInto(page, 'board0/loop0', 'ping through the worker\r')
    await expect.poll(() => terminalText(page, 'board0/loop0')).toContain('loopback: ping through the worker')
    expect(await terminalText(page, 'board1/loop1')).not.toContain('ping through the worker')
    // A second tab attaching late sees the scroll-back.
    const late = await browser.newPage()
    await late.goto(url)
    await expect.poll(() => terminalText(late, 'board0/loop0')).toContain('loopback: ping through the worker')
    await late.close()
    await page.close()
  })
})

describe('a crashed board in the UI', () => {
  let host: EngineHost
  let server: LabServer

  beforeAll(async () => {
    host = new EngineHost({ workerUrl, boards: loopbackLab(), version: 'e2e' })
    await host.start()
    server = new LabServer({ host, rendererDir, port: 0 })
    await server.listen()
  })
  afterAll(async () => {
    await server?.close()
    await host?.dispose()
  })

  it('shows the killed board as crashed with a restart action; the other board and the server run on', async () => {
    const page = await browser.newPage()
    await page.goto(server.url)
    await expect.poll(() => terminalText(page, 'board1/loop1')).toContain('loopback>')

    await host.kill('board0')
    const board0 = page.locator('[data-testid="board-board0"]')
    await expect.poll(() => board0.getAttribute('data-state')).toBe('crashed')
    await expect.poll(() => page.locator('[data-testid="crashed-board0/loop0"]').innerText()).toContain('crashed')

    await typeInto(page, 'board1/loop1', 'other board alive\r')
    await expect.poll(() => terminalText(page, 'board1/loop1')).toContain('loopback: other board alive')

    await page.locator('[data-testid="restart-board-board0"]').click()
    await expect.poll(() => board0.getAttribute('data-state')).toBe('running')
    await typeInto(page, 'board0/loop0', 'restarted\r')
    await expect.poll(() => terminalText(page, 'board0/loop0')).toContain('loopback: restarted')
    await page.close()
  })
})
