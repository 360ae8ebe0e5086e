/**
 * Light or dark: the user's choice (kept in localStorage), or the system's
 * setting when the choice is "system". The page follows through
 * `data-theme` on the root element (styles.css), the terminals through
 * `useDarkMode` (consoles/color-scheme.ts).
 */
import { computed, ref, watchEffect } from 'vue'

export type ThemeChoice = 'system' | 'light' | 'dark'

const KEY = 'l4lab.theme'
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark']

function stored(): ThemeChoice {
  try {
    const v = globalThis.localStorage?.getItem(KEY)
    return CHOICES.includes(v as ThemeChoice) ? (v as ThemeChoice) : 'system'
  } catch {
    // Storage may be off (a private window, a sandbox): the system's setting then.
    return 'system'
  }
}

const query = typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null
const systemDark = ref(query?.matches ?? false)
query?.addEventListener('change', (e) => (systemDark.value = e.matches))

export const themeChoice = ref<ThemeChoice>(stored())
export const darkTheme = computed(() => themeChoice.value === 'dark' || (themeChoice.value === 'system' && systemDark.value))

/** The next choice in the toggle's cycle: system → light → dark → system; remembered. */
export function cycleTheme(): void {
  themeChoice.value = CHOICES[(CHOICES.indexOf(themeChoice.value) + 1) % CHOICES.length]
  try {
    globalThis.localStorage?.setItem(KEY, themeChoice.value)
  } catch {
    // Not remembered, still applied.
  }
}

/** Keeps the root element's data-theme on the theme in force (call once, from the app). */
export function applyTheme(root: HTMLElement): void {
  watchEffect(() => {
    root.dataset.theme = darkTheme.value ? 'dark' : 'light'
  })
}
