/**
 * Issue 16, item 4: an x86-64 lx VM beside an aarch64 one in one lab. The lab
 * gets two scenario files; x86.lua's board line asks for a pc board, so its
 * busybox is Debian's amd64 build on the x86-64 core, while busybox.lua's
 * VMs run the arm64 build on arm-ve. Each answers `uname -m` for its own
 * board.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { EngineHost } from './engine-host'
import { scenarioLab } from './lab-config'
import { requireBuilt, workerUrl } from '../../test/support/built'

const scenario = (name: string) => fileURLToPath(new URL(`../../resources/scenarios/${name}`, import.meta.url))
const dec = new TextDecoder()
let host: EngineHost | null = null

beforeAll(() => requireBuilt())
afterEach(async () => {
  await host?.dispose()
  host = null
})

describe('a lab of an arm-ve and a pc board', () => {
  it('names the boards by architecture and runs each VM on its own core', async () => {
    const boards = scenarioLab(scenario('busybox.lua'), scenario('x86.lua'))
    expect(boards.map((b) => [b.id, b.spec.kind === 'scenario' ? (b.spec.board?.arch ?? 'aarch64') : null])).toEqual([
      ['arm0', 'aarch64'],
      ['pc0', 'x86_64'],
    ])
    host = new EngineHost({ workerUrl, boards, version: 'test' })
    const text = new Map<string, string>()
    host.on('console.output', ({ vm, data }) => text.set(vm, (text.get(vm) ?? '') + dec.decode(data)))
    await host.start()
    const waitFor = async (vm: string, re: RegExp) => {
      const t0 = Date.now()
      while (!re.test(text.get(vm) ?? '')) {
        if (Date.now() - t0 > 60_000) throw new Error(`no ${re} on ${vm}: ${JSON.stringify(text.get(vm))}`)
        await new Promise((r) => setTimeout(r, 20))
      }
    }
    await waitFor('arm0/vm1', /^\/ # /m)
    await waitFor('pc0/x86', /^\/ # /m)
    const ask = 'uname -m; echo ok-$((6*7))\r'
    await host.command('console.input', { vm: 'arm0/vm1', data: ask })
    await host.command('console.input', { vm: 'pc0/x86', data: ask })
    await waitFor('arm0/vm1', /ok-42/)
    await waitFor('pc0/x86', /ok-42/)
    expect(text.get('arm0/vm1')).toMatch(/^aarch64\r?$/m)
    expect(text.get('pc0/x86')).toMatch(/^x86_64\r?$/m)
  }, 120_000)
})
