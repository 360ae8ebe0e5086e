import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { forceLinting } from '@codemirror/lint'
import { EditorView } from '@codemirror/view'
import ScenarioEditor from './ScenarioEditor.vue'
import { useLab } from '../stores/lab'
import { useScenarios } from '../stores/scenarios'
import { FakeBridge, twoBoards } from '../testing/fake-bridge'
import type { ScenarioDiagnostic, ScenarioEntry } from '../../../shared/contract'

const hello: ScenarioEntry = { id: 'shipped/hello.lua', name: 'hello.lua', origin: 'shipped', kind: 'scenario', board: {} }
const mine: ScenarioEntry = { id: 'user/mine.lua', name: 'mine.lua', origin: 'user', kind: 'scenario', board: { ramMiB: 512, cpus: 2 } }
const armVe: ScenarioEntry = { id: 'shipped/arm-ve.json', name: 'arm-ve.json', origin: 'shipped', kind: 'board', board: { ramMiB: 320, cpus: 1, summary: 'QEMU virt map' } }
const ARM_VE = '{\n  "name": "arm-ve",\n  "arch": "aarch64"\n}\n'
const HELLO = 'local L4 = require "L4"\nL4.default_loader:start({ log = { "c", "g" } }, "rom/hello-client 1")\n'

let bridge: FakeBridge
let wrapper: VueWrapper | null = null
/** What the fake back end's check says of a text: an error at each "oops" (line:column of its first letter). */
function checkOf(source: string): ScenarioDiagnostic[] {
  const out: ScenarioDiagnostic[] = []
  source.split('\n').forEach((text, i) => {
    const at = text.indexOf('oops')
    if (at >= 0) out.push({ line: i + 1, column: at + 1, severity: 'error', message: 'unexpected symbol near oops' })
  })
  return out
}

// happy-dom fires selectionchange inside Selection.collapse, while CodeMirror
// is still writing its selection to the DOM; browsers fire it later, as a task.
// Deferred here as browsers do, so CodeMirror sees what it sees in Chromium.
beforeAll(() => {
  const dispatch = document.dispatchEvent.bind(document)
  document.dispatchEvent = (event: Event) => {
    if (event.type !== 'selectionchange') return dispatch(event)
    setTimeout(() => dispatch(event))
    return true
  }
})
afterAll(() => {
  delete (document as { dispatchEvent?: unknown }).dispatchEvent
})

beforeEach(async () => {
  setActivePinia(createPinia())
  bridge = new FakeBridge(twoBoards())
  bridge.answers['scenario.list'] = () => [hello, mine, armVe]
  const files: Record<string, [ScenarioEntry, string]> = { [hello.id]: [hello, HELLO], [mine.id]: [mine, '-- mine\n'], [armVe.id]: [armVe, ARM_VE] }
  bridge.answers['scenario.read'] = (({ id }: { id: string }) => ({ ...files[id][0], source: files[id][1] })) as never
  bridge.answers['scenario.check'] = (({ source }: { source: string }) => checkOf(source)) as never
  await useLab().attach(bridge)
  await useScenarios().toggle()
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

async function mountEditor() {
  wrapper = mount(ScenarioEditor, { attachTo: document.body })
  await flushPromises()
  return wrapper
}

function view(): EditorView {
  const el = wrapper!.find('.cm-editor').element as HTMLElement
  return EditorView.findFromDOM(el)!
}

/** Runs the linter now (it waits for a pause in typing otherwise) and lets the check's answer land. */
async function lint() {
  forceLinting(view())
  await flushPromises()
  await vi.waitFor(() => expect(useScenarios().current).toBe(true))
  await flushPromises()
}

describe('ScenarioEditor', () => {
  it('lists the library by origin and opens an entry in the editor', async () => {
    const w = await mountEditor()
    const lib = w.find('[data-testid="scenario-library"]')
    expect(lib.findAll('h4').map((h) => h.text())).toEqual(['Shipped scenarios', 'Your scenarios', 'Shipped boards', 'Your boards'])
    expect(lib.find('[data-testid="library-board-shipped"]').text()).toContain('arm-ve.json320 MiB, 1 CPU · QEMU virt map')
    expect(lib.find('[data-testid="scenario-user/mine.lua"]').text()).toContain('512 MiB, 2 CPUs')
    await lib.find('[data-testid="scenario-shipped/hello.lua"]').trigger('click')
    await flushPromises()
    expect(view().state.doc.toString()).toBe(HELLO)
    expect(bridge.calls.filter((c) => c.name === 'scenario.read').map((c) => c.args)).toEqual([{ id: 'shipped/hello.lua' }])
    expect(w.find('[data-testid="scenario-note"]').text()).toMatch(/shipped scenario: Save keeps your copy/)
    expect(useScenarios().dirty).toBe(false)
  })

  it('opens a board file as JSON, to check and save but not to run or add VMs to', async () => {
    const w = await mountEditor()
    expect(w.find('[data-testid="new-vm-open"]').exists()).toBe(true)
    await w.find('[data-testid="scenario-shipped/arm-ve.json"]').trigger('click')
    await flushPromises()
    expect(view().state.doc.toString()).toBe(ARM_VE)
    expect(w.find('[data-testid="scenario-note"]').text()).toBe('shipped board: Save keeps your copy in your boards folder')
    expect(w.find('[data-testid="new-vm-open"]').exists()).toBe(false)
    expect((w.find('[data-testid="scenario-run"]').element as HTMLButtonElement).disabled).toBe(true)
    await lint()
    expect((bridge.calls.filter((c) => c.name === 'scenario.check').at(-1)!.args as { name: string }).name).toBe('arm-ve.json')
    // New board starts a board file that extends arm-ve.
    await w.find('[data-testid="board-blank"]').trigger('click')
    expect(useScenarios().name).toBe('my-board.json')
    expect(JSON.parse(view().state.doc.toString())).toMatchObject({ extends: 'arm-ve', name: 'my-board' })
  })

  it('checks the text through the back end and marks each problem at its line and column', async () => {
    const w = await mountEditor()
    await w.find('[data-testid="scenario-shipped/hello.lua"]').trigger('click')
    await flushPromises()
    const v = view()
    v.dispatch({ changes: { from: v.state.doc.line(2).from, insert: '  oops\n' } })
    expect(useScenarios().dirty).toBe(true)
    await lint()
    const checked = bridge.calls.filter((c) => c.name === 'scenario.check').at(-1)!.args as { name: string; source: string }
    expect(checked).toEqual({ name: 'hello.lua', source: v.state.doc.toString() })
    const items = w.findAll('[data-testid="diagnostic"]')
    expect(items.map((i) => [i.attributes('data-line'), i.attributes('data-column'), i.text()])).toEqual([['2', '3', '2:3 unexpected symbol near oops']])
    expect(w.find('[data-testid="check-summary"]').text()).toBe('1 error')
    // CodeMirror marks the word and puts a marker in the lint gutter.
    expect(w.find('.cm-lintRange-error').text()).toBe('oops')
    expect(w.findAll('.cm-lint-marker-error')).toHaveLength(1)
    // Clicking the problem puts the cursor there.
    await items[0].find('button').trigger('click')
    expect(v.state.selection.main.head).toBe(v.state.doc.line(2).from + 2)
    // Fixed, the problems go.
    v.dispatch({ changes: { from: v.state.doc.line(2).from, to: v.state.doc.line(3).from } })
    await lint()
    expect(w.findAll('[data-testid="diagnostic"]')).toHaveLength(0)
    expect(w.find('[data-testid="check-summary"]').text()).toBe('no problems')
  })

  it('saves under the file name and says when a text with errors was not saved', async () => {
    const w = await mountEditor()
    await w.find('[data-testid="scenario-shipped/hello.lua"]').trigger('click')
    await flushPromises()
    bridge.answers['scenario.save'] = (({ name, source }: { name: string; source: string }) => {
      const diagnostics = checkOf(source)
      return diagnostics.length ? { saved: false, entry: null, diagnostics } : { saved: true, entry: { ...mine, id: `user/${name}`, name }, diagnostics }
    }) as never
    await w.find('[data-testid="scenario-name"]').setValue('copy.lua')
    await w.find('[data-testid="scenario-save"]').trigger('click')
    await flushPromises()
    expect(bridge.calls.find((c) => c.name === 'scenario.save')!.args).toEqual({ name: 'copy.lua', source: HELLO })
    expect(w.find('[data-testid="scenario-note"]').text()).toBe('saved as user/copy.lua')
    view().dispatch({ changes: { from: 0, insert: 'oops\n' } })
    await w.find('[data-testid="scenario-save"]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid="scenario-note"]').text()).toMatch(/^not saved: 1 error\(s\); the last good file stays/)
    expect(w.findAll('[data-testid="diagnostic"]').map((d) => d.attributes('data-line'))).toEqual(['1'])
    expect(useScenarios().dirty).toBe(true)
  })

  it('runs the text as a new board and closes; a refused run shows the error and stays open', async () => {
    const w = await mountEditor()
    await w.find('[data-testid="scenario-shipped/hello.lua"]').trigger('click')
    await flushPromises()
    bridge.answers['scenario.run'] = () => ({ board: 'hello-1' })
    await w.find('[data-testid="scenario-run"]').trigger('click')
    await flushPromises()
    expect(bridge.calls.find((c) => c.name === 'scenario.run')!.args).toEqual({ name: 'hello.lua', source: HELLO })
    expect(w.emitted('close')).toHaveLength(1)
    bridge.answers['scenario.run'] = () => {
      throw new Error('hello.lua:2:3: unknown program x')
    }
    await w.find('[data-testid="scenario-run"]').trigger('click')
    await flushPromises()
    expect(w.emitted('close')).toHaveLength(1)
    expect(useLab().error).toBe('hello.lua:2:3: unknown program x')
  })

  it('New VM writes the VM\'s Lua at the end of the scenario', async () => {
    const w = await mountEditor()
    await w.find('[data-testid="scenario-shipped/hello.lua"]').trigger('click')
    await flushPromises()
    await w.find('[data-testid="new-vm-open"]').trigger('click')
    const dialog = w.find('[data-testid="new-vm"]')
    expect((dialog.find('[data-testid="new-vm-name"]').element as HTMLInputElement).value).toBe('vm1')
    await dialog.find('[data-testid="new-vm-memory"]').setValue('32')
    await dialog.trigger('submit')
    await flushPromises()
    expect(w.find('[data-testid="new-vm"]').exists()).toBe(false)
    const doc = view().state.doc.toString()
    expect(doc.startsWith(HELLO + '\n-- vm1: an lx VM')).toBe(true)
    expect(doc).toContain('"rom/lx --initrd rom/rootfs.cpio --init /bin/sh --mem 32M --hostname vm1 -- -l"')
    expect(useScenarios().source).toBe(doc)
  })
})

describe('NewVmDialog', () => {
  it('switches fields with the kind, refuses bad values, and closes on Escape', async () => {
    const w = await mountEditor()
    await w.find('[data-testid="new-vm-open"]').trigger('click')
    const dialog = () => w.find('[data-testid="new-vm"]')
    await dialog().find('[data-testid="new-vm-kind"]').setValue('linux')
    expect((dialog().find('[data-testid="new-vm-program"]').element as HTMLInputElement).value).toBe('rom/Image')
    expect((dialog().find('[data-testid="new-vm-cpus"]').element as HTMLInputElement).disabled).toBe(false)
    expect(dialog().find('[data-testid="new-vm-preview"]').text()).toContain('vmm.start_vm {')
    await dialog().find('[data-testid="new-vm-memory"]').setValue('33')
    expect(dialog().find('.field-error').text()).toBe('an even number of MiB, 32 to 4096')
    expect((dialog().find('[data-testid="new-vm-add"]').element as HTMLButtonElement).disabled).toBe(true)
    await dialog().trigger('keydown', { key: 'Escape' })
    expect(w.find('[data-testid="new-vm"]').exists()).toBe(false)
  })
})
