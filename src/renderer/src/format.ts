/** Display formats for the status bar, lists and the kernel inspector. */

export function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`
  return `${sec}s`
}

export function formatRate(perSecond: number | null, unit: string): string {
  if (perSecond === null) return `— ${unit}`
  const steps: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ]
  for (const [f, p] of steps) if (perSecond >= f) return `${(perSecond / f).toFixed(perSecond >= f * 100 ? 0 : 1)} ${p}${unit}`
  return `${Math.round(perSecond)} ${unit}`
}

export function formatBytes(n: number | null): string {
  if (n === null) return '—'
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(0)} KiB`
  return `${n} B`
}

/** A board state as words ("not-responding" → "not responding"). */
export function boardStateLabel(state: string): string {
  return state.replace(/-/g, ' ')
}

/** An address as the Debugger shows it: hex, at least 8 digits. */
export function formatAddress(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`
}

/** The kernel's protocol labels (l4sys/include/types.h, L4_PROTO_*), as the IPC trace names them. */
const KERNEL_PROTOCOLS: Record<number, string> = {
  [-1]: 'irq',
  [-2]: 'page fault',
  [-3]: 'preemption',
  [-4]: 'sys exception',
  [-5]: 'exception',
  [-6]: 'sigma0',
  [-8]: 'io page fault',
  [-10]: 'kobject',
  [-11]: 'task',
  [-12]: 'thread',
  [-13]: 'log',
  [-14]: 'scheduler',
  [-15]: 'factory',
  [-16]: 'vm',
}

/** A message tag's label: a kernel protocol by name, any other label as a number. */
export function ipcLabel(label: number): string {
  return KERNEL_PROTOCOLS[label] ?? String(label)
}
