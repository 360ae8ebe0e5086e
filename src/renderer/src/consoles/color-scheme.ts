/**
 * The lab's light/dark mode, live, and the terminal palettes for each.
 */
import type { Ref } from 'vue'
import type { ITheme } from '@xterm/xterm'
import { darkTheme } from '../theme'

/** Whether the lab is dark now: the user's choice, or the system's when that is "system" (theme.ts). */
export function useDarkMode(): Readonly<Ref<boolean>> {
  return darkTheme
}

export const lightTerminal: ITheme = {
  background: '#fbfbfa',
  foreground: '#1d1f21',
  cursor: '#1d1f21',
  selectionBackground: '#c9d7f0',
  black: '#1d1f21',
  red: '#c0392b',
  green: '#1e8449',
  yellow: '#9a7d0a',
  blue: '#2457a6',
  magenta: '#8e44ad',
  cyan: '#138d90',
  white: '#bdc3c7',
  brightBlack: '#5d6d7e',
  brightRed: '#e74c3c',
  brightGreen: '#27ae60',
  brightYellow: '#b7950b',
  brightBlue: '#3498db',
  brightMagenta: '#a569bd',
  brightCyan: '#17a5a8',
  brightWhite: '#ecf0f1',
}

export const darkTerminal: ITheme = {
  background: '#15171a',
  foreground: '#d7dae0',
  cursor: '#d7dae0',
  selectionBackground: '#3a4a66',
  black: '#15171a',
  red: '#ef6b73',
  green: '#8bd49c',
  yellow: '#e6c07b',
  blue: '#72a7f2',
  magenta: '#c792ea',
  cyan: '#5ccfe6',
  white: '#b8bcc4',
  brightBlack: '#5c6370',
  brightRed: '#ff8089',
  brightGreen: '#a5e3b2',
  brightYellow: '#f2d196',
  brightBlue: '#92bcf7',
  brightMagenta: '#d8aaf2',
  brightCyan: '#8ae0f0',
  brightWhite: '#f0f2f5',
}

/** ned's log colours (n r g y b m c w; upper case = bright) as CSS colours for dots and tags. */
export function logColor(c: string): string {
  const map: Record<string, string> = {
    n: 'var(--muted)',
    r: '#d9534f',
    g: '#2fa866',
    y: '#c9a227',
    b: '#3b82f6',
    m: '#a855f7',
    c: '#14b8c4',
    w: 'var(--text)',
  }
  return map[c.toLowerCase()] ?? 'var(--text)'
}
