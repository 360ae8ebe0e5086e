/**
 * One xterm.js terminal bound to one VM's console: keyboard input goes to
 * that VM only, output is written as raw bytes, and the size follows the
 * element (forwarded to the guest's tty).
 */
import { Terminal } from '@xterm/xterm'
import { FitAddon } from '@xterm/addon-fit'
import type { ITheme } from '@xterm/xterm'

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

export function openTerminal(element: HTMLElement, theme: ITheme, hooks: TerminalHooks): VmTerminal {
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
    write: (data) => term.write(data),
    focus: () => term.focus(),
    setTheme: (t) => (term.options.theme = t),
    fit,
    dispose: () => term.dispose(),
    selection: () => term.getSelection(),
    selectAll: () => term.selectAll(),
    paste: (text) => term.paste(text),
    clear: () => term.clear(),
  }
}
