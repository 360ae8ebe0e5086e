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
}

export interface TerminalHooks {
  onInput(data: string): void
  onResize(cols: number, rows: number): void
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
  }
}
