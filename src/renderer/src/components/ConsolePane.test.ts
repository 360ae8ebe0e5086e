import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ConsolePane from './ConsolePane.vue'
import { useLab } from '../stores/lab'
import { FakeBridge, twoBoards } from '../testing/fake-bridge'
import { ConsoleHub } from '../consoles/console-hub'
import { CONSOLE_HUB } from '../consoles/inject'
import type { TerminalHooks } from '../consoles/terminal'

// xterm needs a real layout; a double stands for the terminal and records what the pane asks of it.
const term = vi.hoisted(() => ({ selected: '', pasted: [] as string[], cleared: 0, selectedAll: 0, focused: 0, hooks: null as TerminalHooks | null }))
vi.mock('../consoles/terminal', () => ({
  rendererFromQuery: () => 'dom',
  openTerminal: (_el: HTMLElement, _theme: unknown, hooks: TerminalHooks) => {
    term.hooks = hooks
    return {
      write() {},
      focus: () => term.focused++,
      setTheme() {},
      fit() {},
      dispose() {},
      selection: () => term.selected,
      selectAll: () => term.selectedAll++,
      paste: (t: string) => term.pasted.push(t),
      clear: () => term.cleared++,
    }
  },
}))

let bridge: FakeBridge
let clipboard: string
beforeEach(async () => {
  Object.assign(term, { selected: '', pasted: [], cleared: 0, selectedAll: 0, focused: 0 })
  clipboard = 'from the clipboard'
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: { writeText: async (t: string) => void (clipboard = t), readText: async () => clipboard },
  })
  setActivePinia(createPinia())
  bridge = new FakeBridge(twoBoards())
  await useLab().attach(bridge)
})
afterEach(() => {
  document.body.innerHTML = ''
})

function mountPane() {
  const lab = useLab()
  const board = lab.boards[0]
  return mount(ConsolePane, {
    props: { vm: board.vms[0], board, selected: true },
    global: { provide: { [CONSOLE_HUB as symbol]: new ConsoleHub(bridge) } },
    attachTo: document.body,
  })
}

describe('ConsolePane context menu', () => {
  it('opens on right click where the pointer is; Copy takes the selection, Paste types the clipboard', async () => {
    const w = mountPane()
    term.selected = 'vm1:/# ls'
    await w.get('.pane-body').trigger('contextmenu', { clientX: 40, clientY: 30 })
    const menu = w.get('[data-testid="console-menu"]')
    expect(menu.findAll('button').map((b) => b.text().split(' ')[0])).toEqual(['Copy', 'Paste', 'Select', 'Clear'])
    await menu.findAll('button')[0].trigger('click')
    await flushPromises()
    expect(clipboard).toBe('vm1:/# ls')
    expect(w.find('[data-testid="console-menu"]').exists()).toBe(false)
    clipboard = 'echo hi\r'
    await w.get('.pane-body').trigger('contextmenu')
    await w.get('[data-testid="console-menu"]').findAll('button')[1].trigger('click')
    await flushPromises()
    expect(term.pasted).toEqual(['echo hi\r'])
    w.unmount()
  })

  it('offers no Copy without a selection; Select all and Clear act on the terminal', async () => {
    const w = mountPane()
    await w.get('.pane-body').trigger('contextmenu')
    const buttons = w.get('[data-testid="console-menu"]').findAll('button')
    expect(buttons[0].attributes('disabled')).toBeDefined()
    await buttons[2].trigger('click')
    expect(term.selectedAll).toBe(1)
    await w.get('.pane-body').trigger('contextmenu')
    await w.get('[data-testid="console-menu"]').findAll('button')[3].trigger('click')
    expect(term.cleared).toBe(1)
    w.unmount()
  })

  it('closes on Escape without the terminal seeing it, and on a press outside', async () => {
    const w = mountPane()
    await w.get('.pane-body').trigger('contextmenu')
    const seen: string[] = []
    const textarea = document.createElement('textarea')
    w.element.appendChild(textarea)
    textarea.addEventListener('keydown', (e) => seen.push(e.key))
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }))
    await flushPromises()
    expect(w.find('[data-testid="console-menu"]').exists()).toBe(false)
    expect(seen).toEqual([])
    await w.get('.pane-body').trigger('contextmenu')
    window.dispatchEvent(new MouseEvent('mousedown'))
    await flushPromises()
    expect(w.find('[data-testid="console-menu"]').exists()).toBe(false)
    w.unmount()
  })

  it('says how to paste when the browser refuses the clipboard', async () => {
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { readText: () => Promise.reject(new Error('denied')), writeText: async () => {} } })
    const w = mountPane()
    await w.get('.pane-body').trigger('contextmenu')
    await w.get('[data-testid="console-menu"]').findAll('button')[1].trigger('click')
    await flushPromises()
    expect(useLab().error).toMatch(/Ctrl\+Shift\+V/)
    expect(term.pasted).toEqual([])
    w.unmount()
  })

  it('copies the selection on Ctrl+Shift+C (the terminal’s hook)', async () => {
    const w = mountPane()
    await term.hooks!.copy('selected text')
    expect(clipboard).toBe('selected text')
    w.unmount()
  })
})
