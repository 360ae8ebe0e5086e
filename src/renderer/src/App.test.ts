import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import App from './App.vue'
import { useLab } from './stores/lab'
import { useScenarios } from './stores/scenarios'
import { FakeBridge, twoBoards } from './testing/fake-bridge'
import { applyTheme, themeChoice } from './theme'

const stubs = { ConsoleGrid: true, GraphsPanel: true, KernelInspector: true, VmList: true, StatusBar: true, ScenarioEditor: true }

beforeEach(async () => {
  setActivePinia(createPinia())
  await useLab().attach(new FakeBridge(twoBoards()))
})

const escape = (target: EventTarget = window) => target.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }))

describe('App', () => {
  it('Escape closes the graphs, then the inspector, then the error toast — one at a time', async () => {
    const w = mount(App, { global: { stubs }, attachTo: document.body })
    const lab = useLab()
    lab.graphing = 'b0'
    lab.error = 'something failed'
    escape()
    expect(lab.graphing).toBeNull()
    expect(lab.error).toBe('something failed')
    lab.inspecting = 'b0'
    escape()
    expect(lab.inspecting).toBeNull()
    escape()
    expect(lab.error).toBeNull()
    w.unmount()
  })

  it('the scenarios button opens the editor in place of graphs and inspector; Escape closes it', async () => {
    const w = mount(App, { global: { stubs }, attachTo: document.body })
    const lab = useLab()
    lab.graphing = 'b0'
    lab.inspecting = 'b1'
    await w.get('[data-testid="scenarios"]').trigger('click')
    await flushPromises()
    expect(useScenarios().open).toBe(true)
    expect(lab.graphing).toBeNull()
    expect(lab.inspecting).toBeNull()
    expect(w.find('scenario-editor-stub').exists()).toBe(true)
    escape()
    await flushPromises()
    expect(useScenarios().open).toBe(false)
    expect(w.find('scenario-editor-stub').exists()).toBe(false)
    w.unmount()
  })

  it('leaves Escape to a terminal that has the focus (the guest’s vi needs it)', async () => {
    const w = mount(App, { global: { stubs }, attachTo: document.body })
    const lab = useLab()
    lab.graphing = 'b0'
    const term = document.createElement('div')
    term.className = 'xterm'
    const textarea = document.createElement('textarea')
    term.appendChild(textarea)
    document.body.appendChild(term)
    escape(textarea)
    expect(lab.graphing).toBe('b0')
    term.remove()
    w.unmount()
  })

  it('the theme button cycles system → light → dark, remembers the choice and sets the page’s data-theme', async () => {
    localStorage.clear()
    themeChoice.value = 'system'
    const root = document.createElement('div')
    applyTheme(root)
    const w = mount(App, { global: { stubs } })
    const button = w.get('[data-testid="theme"]')
    await button.trigger('click')
    await flushPromises()
    expect(themeChoice.value).toBe('light')
    expect(root.dataset.theme).toBe('light')
    expect(localStorage.getItem('l4lab.theme')).toBe('light')
    await button.trigger('click')
    await flushPromises()
    expect(root.dataset.theme).toBe('dark')
    expect(button.text()).toContain('dark')
    await button.trigger('click')
    expect(themeChoice.value).toBe('system')
    w.unmount()
  })
})
