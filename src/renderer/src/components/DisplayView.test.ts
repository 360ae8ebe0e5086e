import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import DisplayView from './DisplayView.vue'
import { useLab } from '../stores/lab'
import { FakeBridge, labWith } from '../testing/fake-bridge'
import { frame } from '../testing/frames'

const gfx = { id: 'b0/gfx', board: 'b0', name: 'gfx', state: 'running' as const, color: 'y', display: { width: 16, height: 8 } }
let bridge: FakeBridge

beforeEach(async () => {
  setActivePinia(createPinia())
  bridge = new FakeBridge(labWith([{ id: 'b0', name: 'b0', kind: 'arm-virt', state: 'running', vms: [gfx] }]))
  await useLab().attach(bridge)
})
afterEach(() => {
  document.body.innerHTML = ''
})

const nextPaint = () => new Promise((r) => requestAnimationFrame(() => r(null)))
const calls = (name: string) => bridge.calls.filter((c) => c.name === name).map((c) => c.args)

describe('DisplayView', () => {
  it('watches its display whole first, paints frames for its VM only, and asks again after a lost frame', async () => {
    const w = mount(DisplayView, { props: { vm: gfx }, attachTo: document.body })
    const canvas = w.get('[data-testid="display-canvas-b0/gfx"]')
    expect(calls('display.watch')).toEqual([{ vm: 'b0/gfx', full: true }])
    expect(canvas.attributes('width')).toBe('16')
    bridge.emit('display.frame', { vm: 'b0/gfx', data: frame(16, 8, 1, true, [{ x: 0, y: 0, w: 16, h: 8, rgba: [0, 0, 0, 255] }]) })
    await nextPaint()
    expect(canvas.attributes('data-frames')).toBe('1')
    bridge.emit('display.frame', { vm: 'b0/other', data: frame(16, 8, 2, false, [{ x: 0, y: 0, w: 1, h: 1, rgba: [1, 1, 1, 255] }]) })
    await nextPaint()
    expect(canvas.attributes('data-frames')).toBe('1')
    // Two frames before one paint: painted once.
    bridge.emit('display.frame', { vm: 'b0/gfx', data: frame(16, 8, 2, false, [{ x: 1, y: 1, w: 1, h: 1, rgba: [1, 1, 1, 255] }]) })
    bridge.emit('display.frame', { vm: 'b0/gfx', data: frame(16, 8, 3, false, [{ x: 2, y: 2, w: 1, h: 1, rgba: [1, 1, 1, 255] }]) })
    await nextPaint()
    expect(canvas.attributes('data-frames')).toBe('2')
    expect(calls('display.watch')).toHaveLength(1)
    bridge.emit('display.frame', { vm: 'b0/gfx', data: frame(16, 8, 9, false, []) })
    expect(calls('display.watch')).toEqual([{ vm: 'b0/gfx', full: true }, { vm: 'b0/gfx', full: true }])
    w.unmount()
  })

  it('stops renewing its watch while scrolled out of view, and asks for the whole picture when back', async () => {
    let report: ((entries: { isIntersecting: boolean }[]) => void) | null = null
    vi.stubGlobal('IntersectionObserver', class {
      constructor(cb: (entries: { isIntersecting: boolean }[]) => void) {
        report = cb
      }
      observe() {}
      disconnect() {}
    })
    vi.useFakeTimers()
    try {
      const w = mount(DisplayView, { props: { vm: gfx }, attachTo: document.body })
      expect(calls('display.watch')).toEqual([{ vm: 'b0/gfx', full: true }])
      vi.advanceTimersByTime(2000)
      expect(calls('display.watch')).toHaveLength(2)
      report!([{ isIntersecting: false }])
      vi.advanceTimersByTime(10_000)
      expect(calls('display.watch')).toHaveLength(2)
      report!([{ isIntersecting: true }])
      expect(calls('display.watch').at(-1)).toEqual({ vm: 'b0/gfx', full: true })
      vi.advanceTimersByTime(2000)
      expect(calls('display.watch')).toHaveLength(4)
      w.unmount()
    } finally {
      vi.useRealTimers()
      vi.unstubAllGlobals()
    }
  })

  it('sends keys by their Linux codes while focused, and lets held keys go when focus leaves', async () => {
    const w = mount(DisplayView, { props: { vm: gfx }, attachTo: document.body })
    const canvas = w.get('canvas')
    await canvas.trigger('focus')
    // Events of one task turn travel in one call.
    const key = (type: string, code: string) => canvas.element.dispatchEvent(new KeyboardEvent(type, { code, bubbles: true, cancelable: true }))
    key('keydown', 'KeyA')
    key('keydown', 'ArrowUp')
    key('keyup', 'KeyA')
    expect(key('keydown', 'Unidentified')).toBe(true)
    expect(key('keydown', 'Escape')).toBe(false) // the guest's: the page does not act on it
    key('keyup', 'Escape')
    await flushPromises()
    expect(calls('display.input')).toEqual([
      { vm: 'b0/gfx', events: [{ kind: 'key', code: 30, down: true }, { kind: 'key', code: 103, down: true }, { kind: 'key', code: 30, down: false }, { kind: 'key', code: 1, down: true }, { kind: 'key', code: 1, down: false }] },
    ])
    canvas.element.dispatchEvent(new FocusEvent('blur'))
    canvas.element.dispatchEvent(new WheelEvent('wheel', { deltaY: -120, cancelable: true }))
    await flushPromises()
    expect(calls('display.input')[1]).toEqual({ vm: 'b0/gfx', events: [{ kind: 'key', code: 103, down: false }, { kind: 'wheel', steps: 1 }] })
    w.unmount()
  })

  it('sends the pointer as an absolute pixel, the last of a task turn, and no host autorepeat', async () => {
    const w = mount(DisplayView, { props: { vm: gfx }, attachTo: document.body })
    const canvas = w.get('canvas')
    // The 16×8 display shown twice its size at (10, 20).
    canvas.element.getBoundingClientRect = () => ({ left: 10, top: 20, width: 32, height: 16, right: 42, bottom: 36, x: 10, y: 20, toJSON: () => null })
    const move = (x: number, y: number) => canvas.element.dispatchEvent(new MouseEvent('pointermove', { clientX: x, clientY: y }))
    await canvas.trigger('focus')
    move(11, 21)
    move(41, 35)
    await flushPromises()
    move(100, 0) // outside: clamped to the edge
    canvas.element.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyA', cancelable: true }))
    canvas.element.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyA', repeat: true, cancelable: true }))
    await flushPromises()
    expect(calls('display.input')).toEqual([
      { vm: 'b0/gfx', events: [{ kind: 'position', x: 15, y: 7 }] },
      { vm: 'b0/gfx', events: [{ kind: 'position', x: 15, y: 0 }, { kind: 'key', code: 30, down: true }] },
    ])
    w.unmount()
  })

  it('scales to whole multiples when asked', async () => {
    const w = mount(DisplayView, { props: { vm: gfx }, attachTo: document.body })
    const box = w.get('.display-body').element as HTMLElement
    Object.defineProperty(box, 'clientWidth', { value: 40 })
    Object.defineProperty(box, 'clientHeight', { value: 100 })
    await w.get('[data-testid="integer-scaling"]').setValue(true)
    await flushPromises()
    expect((w.get('canvas').element as HTMLCanvasElement).style.width).toBe('32px')
    await w.get('[data-testid="integer-scaling"]').setValue(false)
    await flushPromises()
    expect((w.get('canvas').element as HTMLCanvasElement).style.width).toBe('40px')
    w.unmount()
  })
})
