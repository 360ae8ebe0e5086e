/**
 * End to end: the scenario editor in Chromium against `l4lab web`, with the
 * user's scenario folder in a temporary L4LAB_HOME. The editor flags an
 * error at its line (in the gutter and the list), a fixed text saves into
 * the user's folder and runs as a new board whose VM answers; a VM made
 * with the New VM dialog answers too; a board file saved from the library
 * runs under a scenario that names it, and Run's board is removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, terminalText } from './browser'
import { startWeb } from './web-lab'
import { requireBuilt } from '../support/built'

let browser: Browser
let lab: ChildProcess
let url: string
let home: string


beforeAll(async () => {
  requireBuilt()
  home = mkdtempSync(join(tmpdir(), 'l4lab-home-'))
  browser = await launchChromium()
  ;({ lab, url } = await startWeb(['resources/scenarios/hello.lua'], { ...process.env, L4LAB_HOME: home }))
})
afterAll(async () => {
  lab?.kill('SIGTERM')
  await browser?.close()
  rmSync(home, { recursive: true, force: true })
})


async function typeInto(page: Page, vm: string, text: string): Promise<void> {
  await page.locator(`[data-testid="console-${vm}"] .terminal-host`).click()
  await page.keyboard.type(text, { delay: 2 })
}

/** Waits for the board Run started; a run the back end refused fails here with its message. */
async function runBoard(page: Page, board: string): Promise<void> {
  await page.locator('[data-testid="scenario-run"]').click()
  await expect
    .poll(async () => ((await page.locator('[data-testid="error"]').count()) ? await page.locator('[data-testid="error"]').innerText() : await page.locator(`[data-testid="board-${board}"]`).count()), { timeout: 30_000 })
    .toBe(1)
}

/** Replaces the editor's whole text as a paste would (no auto-indent on the way in). */
async function setEditorText(page: Page, text: string): Promise<void> {
  await page.locator('.cm-content').click()
  await page.keyboard.press('Control+A')
  await page.keyboard.insertText(text)
}

/** One lx VM, "box"; `program` is what its command line starts. */
const oneVm = (program: string) => `-- e2e: one lx VM
local L4 = require "L4"

local mem = L4.Env.mem_alloc:create(L4.Proto.Factory, 80 * L4.MiB)
local kmem = L4.Env.factory:create(L4.Proto.Factory, 2 * L4.MiB)
L4.default_loader:start(
  { log = { "box", "g" }, mem = mem, factory = kmem },
  "rom/${program} --initrd rom/rootfs.cpio --init /bin/sh --mem 64M --hostname box")
`

describe('the scenario editor', () => {
  it('flags an error at its line; fixed, it saves to the user folder and Run starts a new board whose VM answers', async () => {
    const page = await browser.newPage()
    await page.goto(url)
    await expect.poll(() => page.locator('[data-testid="board-arm0"]').getAttribute('data-state'), { timeout: 60_000 }).toBe('running')
    await page.locator('[data-testid="scenarios"]').click()
    await page.locator('[data-testid="scenario-shipped/hello.lua"]').click()
    await expect.poll(() => page.locator('.cm-content').innerText()).toContain('hello-client 5')

    await setEditorText(page, oneVm('lxx'))
    // The unknown program, at line 8 column 4 (its "rom/lxx"): listed, underlined, and marked in the gutter beside line 8.
    const problem = page.locator('[data-testid="diagnostic"]')
    await expect.poll(() => problem.count(), { timeout: 20_000 }).toBe(1)
    expect(await problem.getAttribute('data-line')).toBe('8')
    expect(await problem.getAttribute('data-column')).toBe('4')
    expect(await problem.innerText()).toMatch(/8:4 unknown program lxx/)
    expect(await page.locator('.cm-lintRange-error').innerText()).toBe('rom/lxx')
    const marker = await page.locator('.cm-lint-marker-error').boundingBox()
    const line8 = await page.locator('.cm-line').nth(7).boundingBox()
    expect(marker).not.toBeNull()
    expect(Math.abs(marker!.y + marker!.height / 2 - (line8!.y + line8!.height / 2))).toBeLessThan(line8!.height / 2)
    expect(await page.locator('[data-testid="check-summary"]').innerText()).toBe('1 error')

    // Saving it is refused; nothing is written.
    await page.locator('[data-testid="scenario-name"]').fill('box.lua')
    await page.locator('[data-testid="scenario-save"]').click()
    await expect.poll(() => page.locator('[data-testid="scenario-note"]').innerText()).toMatch(/not saved: 1 error/)
    expect(existsSync(join(home, 'scenarios', 'box.lua'))).toBe(false)

    // Fixed: no problems, saved into L4LAB_HOME, listed as the user's.
    await setEditorText(page, oneVm('lx'))
    await expect.poll(() => page.locator('[data-testid="check-summary"]').innerText(), { timeout: 20_000 }).toBe('no problems')
    await page.locator('[data-testid="scenario-save"]').click()
    await expect.poll(() => page.locator('[data-testid="scenario-note"]').innerText()).toBe('saved as user/box.lua')
    expect(readFileSync(join(home, 'scenarios', 'box.lua'), 'utf8')).toBe(oneVm('lx'))
    await expect.poll(() => page.locator('[data-testid="scenario-user/box.lua"]').count()).toBe(1)

    // Run: a new board beside arm0, whose VM answers at its shell.
    await runBoard(page, 'box-1')
    expect(await page.locator('[data-testid="board-arm0"]').getAttribute('data-state')).toBe('running')
    await expect.poll(() => terminalText(page, 'box-1/box'), { timeout: 90_000 }).toContain('box:/#')
    await typeInto(page, 'box-1/box', 'echo from-the-editor $((6*7))\r')
    await expect.poll(() => terminalText(page, 'box-1/box'), { timeout: 30_000 }).toContain('from-the-editor 42')
    await page.close()
  })

  it('the New VM dialog writes a VM into a new scenario, and that VM answers when run', async () => {
    const page = await browser.newPage()
    await page.goto(url)
    await page.locator('[data-testid="scenarios"]').click()
    await page.locator('[data-testid="scenario-blank"]').click()
    await page.locator('[data-testid="new-vm-open"]').click()
    const dialog = page.locator('[data-testid="new-vm"]')
    await dialog.locator('[data-testid="new-vm-name"]').fill('made')
    await dialog.locator('[data-testid="new-vm-memory"]').fill('48')
    await dialog.locator('[data-testid="new-vm-add"]').click()
    await expect.poll(() => dialog.count()).toBe(0)
    await expect.poll(() => page.locator('.cm-content').innerText()).toContain('--mem 48M --hostname made')
    await expect.poll(() => page.locator('[data-testid="check-summary"]').innerText(), { timeout: 20_000 }).toBe('no problems')
    await page.locator('[data-testid="scenario-name"]').fill('made.lua')
    await runBoard(page, 'made-1')
    await expect.poll(() => terminalText(page, 'made-1/made'), { timeout: 90_000 }).toContain('made:/#')
    await typeInto(page, 'made-1/made', 'echo new-vm $((6*7))\r')
    await expect.poll(() => terminalText(page, 'made-1/made'), { timeout: 30_000 }).toContain('new-vm 42')
    await page.close()
  })

  it('a board file saved from the library runs under a scenario that names it, and Run\'s board is removed with its button', async () => {
    const page = await browser.newPage()
    await page.goto(url)
    await page.locator('[data-testid="scenarios"]').click()
    await expect.poll(() => page.locator('[data-testid="scenario-shipped/arm-ve.json"]').count()).toBe(1)
    // New board: extends arm-ve; a bad RAM size is flagged at its line, a good one saves into L4LAB_HOME/boards.
    await page.locator('[data-testid="board-blank"]').click()
    const board = (size: string) => `{\n  "extends": "arm-ve",\n  "name": "roomy",\n  "memmap": { "ram": { "base": "0x4000_0000", "size": "${size}" } }\n}\n`
    await page.locator('[data-testid="scenario-name"]').fill('roomy.json')
    await setEditorText(page, board('3G'))
    await expect.poll(() => page.locator('[data-testid="diagnostic"]').first().getAttribute('data-line'), { timeout: 20_000 }).toBe('4')
    await setEditorText(page, board('512M'))
    await expect.poll(() => page.locator('[data-testid="check-summary"]').innerText(), { timeout: 20_000 }).toBe('no problems')
    await page.locator('[data-testid="scenario-save"]').click()
    await expect.poll(() => page.locator('[data-testid="scenario-note"]').innerText()).toBe('saved as user/roomy.json')
    expect(JSON.parse(readFileSync(join(home, 'boards', 'roomy.json'), 'utf8'))).toMatchObject({ name: 'roomy' })
    // A scenario on it: the hello scenario with a board line.
    await page.locator('[data-testid="scenario-shipped/hello.lua"]').click()
    const hello = readFileSync(new URL('../../resources/scenarios/hello.lua', import.meta.url), 'utf8')
    await setEditorText(page, `-- l4lab board: file=roomy\n${hello}`)
    await page.locator('[data-testid="scenario-name"]').fill('roomy-hello.lua')
    await expect.poll(() => page.locator('[data-testid="check-summary"]').innerText(), { timeout: 20_000 }).toBe('no problems')
    await runBoard(page, 'roomy-hello-1')
    await expect.poll(() => terminalText(page, 'roomy-hello-1/client'), { timeout: 60_000 }).toContain('5^2 = 25')
    // Removed: the board and its consoles go; the lab's own board runs on and has no remove button.
    expect(await page.locator('[data-testid="remove-board-arm0"]').count()).toBe(0)
    await page.locator('[data-testid="remove-board-roomy-hello-1"]').click()
    await expect.poll(() => page.locator('[data-testid="board-roomy-hello-1"]').count(), { timeout: 20_000 }).toBe(0)
    await expect.poll(() => page.locator('[data-testid="console-roomy-hello-1/client"]').count()).toBe(0)
    expect(await page.locator('[data-testid="board-arm0"]').getAttribute('data-state')).toBe('running')
    await page.close()
  })
})
