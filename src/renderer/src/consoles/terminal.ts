/**
 * One xterm.js terminal bound to one VM's console: keyboard input goes to
 * that VM only, output is written as raw bytes (at most once per animation
 * frame, ./output-batch.ts), and the size follows the element (forwarded to
 * the guest's tty).
 *
 * Drawing: xterm's WebGL renderer where the page has WebGL2 on a GPU (the
 * DOM renderer styles and lays out a row of spans per line on the page's
 * main thread), else the DOM renderer; the DOM one takes over when the WebGL
 * context is lost. WebGL drawn in software (SwiftShader, llvmpipe: headless
 * Chromium, a machine without a GPU) is not used unless asked for: it took
 * Chromium twice the CPU time per MB of console output that the DOM renderer
 * did (bench ui, ui.console_cpu; docs/cli.md). `?renderer=webgl` or
 * `?renderer=dom` in the page's address asks for one.
 *
 * For tools that read the screen whichever renderer draws it (the bench ui
 * probe, end-to-end tests): the element says which one in `data-renderer`,
 * fires `l4lab-render` after each drawn frame, and `screenText(element)`
 * gives the rows on the screen.
 */
import { Terminal } from '@xterm/xterm'
import { FitAddon } from '@xterm/addon-fit'
import { WebglAddon } from '@xterm/addon-webgl'
import type { ITheme } from '@xterm/xterm'
import { OutputBatch } from './output-batch'

export type RendererKind = 'webgl' | 'dom'
/** `auto`: WebGL when the page's WebGL2 runs on a GPU. */
export type RendererChoice = RendererKind | 'auto'

/** The renderer the page's address asks for (`?renderer=webgl|dom`); `auto` otherwise. */
export function rendererFromQuery(search: string): RendererChoice {
  const r = new URLSearchParams(search).get('renderer')
  return r === 'webgl' || r === 'dom' ? r : 'auto'
}

let gpuWebgl: boolean | null = null

/** Whether this page's WebGL2 is drawn by a GPU, not in software (asked once per page). */
function webglOnGpu(): boolean {
  if (gpuWebgl !== null) return gpuWebgl
  const gl = document.createElement('canvas').getContext('webgl2')
  if (!gl) return (gpuWebgl = false)
  const info = gl.getExtension('WEBGL_debug_renderer_info')
  const name = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : ''
  // Give the context back now rather than when the canvas is collected: a page may hold only a few.
  gl.getExtension('WEBGL_lose_context')?.loseContext()
  return (gpuWebgl = !/swiftshader|llvmpipe|softpipe|software/i.test(name))
}

/** The event a terminal's element fires after each frame the terminal drew. */
export const RENDER_EVENT = 'l4lab-render'

const SCREEN = Symbol.for('l4lab.screenText')
type ScreenHost = HTMLElement & { [SCREEN]?: () => string }

/** The text on the screen of the terminal opened in `element`, row by row ('' when there is none). */
export function screenText(element: HTMLElement): string {
  return (element as ScreenHost)[SCREEN]?.() ?? ''
}

export interface VmTerminal {
  write(data: Uint8Array): void
  focus(): void
  setTheme(theme: ITheme): void
  fit(): void
  dispose(): void
  /** The selected text ('' when none). */
  selection(): string
  selectAll(): void
  /** Types `text` as a paste: bracketed when the guest asked for it, line ends as the terminal sends them. */
  paste(text: string): void
  /** Empties the scroll-back and the screen on our side (the guest is not told). */
  clear(): void
}

export interface TerminalHooks {
  onInput(data: string): void
  onResize(cols: number, rows: number): void
  /** Puts text on the system clipboard (Ctrl+Shift+C). */
  copy(text: string): Promise<void>
}

export function openTerminal(element: HTMLElement, theme: ITheme, hooks: TerminalHooks, renderer: RendererChoice = 'auto'): VmTerminal {
  const term = new Terminal({
    theme,
    fontFamily: '"JetBrains Mono", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
    fontSize: 13,
    lineHeight: 1.15,
    cursorBlink: true,
    scrollback: 5000,
    allowProposedApi: false,
  })
  const fitAddon = new FitAddon()
  term.loadAddon(fitAddon)
  term.open(element)
  const webgl = renderer === 'webgl' || (renderer === 'auto' && webglOnGpu())
  element.dataset.renderer = webgl && loadWebgl(term, element) ? 'webgl' : 'dom'
  // Rows without their trailing blanks, except up to the cursor: a prompt's space is on the screen.
  ;(element as ScreenHost)[SCREEN] = () => {
    const b = term.buffer.active
    const rows: string[] = []
    for (let y = b.viewportY; y < b.viewportY + term.rows; y++) {
      const line = b.getLine(y)
      let row = line?.translateToString(true) ?? ''
      if (line && y === b.baseY + b.cursorY && b.cursorX > row.length) row = line.translateToString(false, 0, b.cursorX)
      rows.push(row)
    }
    return rows.join('\n')
  }
  term.onRender(() => element.dispatchEvent(new Event(RENDER_EVENT)))
  const batch = new OutputBatch((data, parsed) => term.write(data, parsed))
  term.onData((d) => hooks.onInput(d))
  term.onBinary((d) => hooks.onInput(d))
  term.onResize(({ cols, rows }) => hooks.onResize(cols, rows))
  // Ctrl+Shift+C copies the selection and Ctrl+Shift+V pastes, as in terminal emulators on
  // Linux; plain Ctrl+C and Ctrl+V stay the guest's (SIGINT, literal next).
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey || e.altKey || e.metaKey) return true
    const key = e.key.toLowerCase()
    if (key === 'c') {
      const text = term.getSelection()
      if (text) void hooks.copy(text)
      e.preventDefault()
      return false
    }
    if (key === 'v') {
      // The browser pastes into xterm's textarea on its own (a paste event): the key must not reach the guest.
      return false
    }
    return true
  })
  const fit = () => {
    if (element.clientWidth > 0 && element.clientHeight > 0) fitAddon.fit()
  }
  fit()
  hooks.onResize(term.cols, term.rows)
  return {
    write: (data) => batch.push(data),
    focus: () => term.focus(),
    setTheme: (t) => (term.options.theme = t),
    fit,
    dispose: () => {
      batch.dispose()
      delete (element as ScreenHost)[SCREEN]
      term.dispose()
    },
    selection: () => term.getSelection(),
    selectAll: () => term.selectAll(),
    paste: (text) => term.paste(text),
    clear: () => {
      // What arrived before the clear goes before it.
      batch.flush()
      term.clear()
    },
  }
}

/**
 * Puts xterm's WebGL renderer in place of the DOM one; false when the page
 * has no WebGL2 (the DOM renderer stays). A lost context (the GPU process
 * restarted, too many contexts) hands back to the DOM renderer for good:
 * xterm restores it when the addon is disposed of.
 */
function loadWebgl(term: Terminal, element: HTMLElement): boolean {
  let addon: WebglAddon
  try {
    addon = new WebglAddon()
  } catch {
    return false
  }
  try {
    term.loadAddon(addon)
  } catch {
    addon.dispose()
    return false
  }
  addon.onContextLoss(() => {
    addon.dispose()
    element.dataset.renderer = 'dom'
  })
  return true
}
